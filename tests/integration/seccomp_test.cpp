// Seccomp on the real kernel, as root: profiles compiled with libseccomp
// and installed by libcontainer's child, for start() and exec(), in runc's
// order with and without no-new-privileges. The container's process is
// busybox from Debian's busybox-static.
#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <cstdio>
#include <set>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "libcontainer/container.hpp"
#include "libcontainer/seccomp.hpp"
#include "libcontainer/spec/defaults.hpp"
#include "tests/integration/container_harness.hpp"

using namespace mydocker;
namespace lc = mydocker::libcontainer;

namespace {

using itest::drain;
using itest::Outcome;
using itest::run;
using itest::TempDir;
using itest::wait_status;

void make_rootfs(const std::string& root) {
  itest::make_busybox_rootfs(root, {"sh", "echo", "cat", "grep", "mkdir", "sleep", "true", "id", "linux32", "linux64"});
}

// exec() moves the caller's children into the container's PID namespace:
// the test process goes back to its own afterwards.
Outcome run_exec(const lc::spec::Spec& spec, pid_t init, std::vector<std::string> args) {
  UniqueFd own_pidns(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  int p[2];
  EXPECT_EQ(::pipe2(p, O_CLOEXEC), 0);
  lc::ExecOptions opt;
  opt.args = std::move(args);
  opt.env = spec.process.env;
  opt.stdio.out = p[1];
  opt.stdio.err = p[1];
  Outcome o{lc::exec(spec, init, opt)};
  EXPECT_EQ(::setns(own_pidns.get(), CLONE_NEWPID), 0);
  ::close(p[1]);
  o.output = drain(p[0]);
  if (o.started) o.status = wait_status(o.started->pid);
  return o;
}

int count_files(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return -1;
  int n = 0;
  while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n;
}

// Default allow; `names` fail with errno_ret.
lc::spec::Seccomp deny(std::vector<std::string> names, uint32_t errno_ret) {
  lc::spec::Seccomp sc;
  sc.default_action = "SCMP_ACT_ALLOW";
  sc.syscalls.push_back({std::move(names), "SCMP_ACT_ERRNO", errno_ret, {}});
  return sc;
}

// Every syscall of the native table but `except`, by name: an allowlist of
// Docker's size (~350 names) that lets busybox run.
std::vector<std::string> native_syscalls(const std::set<std::string>& except) {
  std::vector<std::string> names;
  for (int nr = 0; nr < 1024; ++nr) {
    char* name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_NATIVE, nr);
    if (name && !except.contains(name)) names.push_back(name);
    ::free(name);
  }
  return names;
}

// Default errno (EPERM unless default_errno); everything else allowed.
lc::spec::Seccomp allowlist(const std::set<std::string>& except, std::optional<uint32_t> default_errno = {}) {
  lc::spec::Seccomp sc;
  sc.default_action = "SCMP_ACT_ERRNO";
  sc.default_errno_ret = default_errno;
  sc.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};
  sc.syscalls.push_back({native_syscalls(except), "SCMP_ACT_ALLOW", {}, {}});
  return sc;
}

class SeccompTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for namespaces and mounts";
    make_rootfs(dir_.path() + "/rootfs");
    id_ = random_hex_id();
    spec_ = lc::spec::default_spec();
    spec_.root.path = dir_.path() + "/rootfs";
    spec_.linux.cgroups_path = "/mydocker-test/" + id_;
  }
  void TearDown() override {
    for (const char* ctl : {"memory", "pids", "cpu", "freezer", "blkio", "devices", "cpuset", ""})
      ::rmdir(("/sys/fs/cgroup/" + std::string(ctl) + "/mydocker-test").c_str());
  }
  bool cgroup_exists() const {
    return fs::exists("/sys/fs/cgroup/memory/mydocker-test/" + id_) || fs::exists("/sys/fs/cgroup/mydocker-test/" + id_);
  }
  Outcome run_sh(const std::string& script) {
    spec_.process.args = {"sh", "-c", script};
    return run(spec_, id_);
  }

  TempDir dir_;
  std::string id_;
  lc::spec::Spec spec_;
};

TEST_F(SeccompTest, DeniedSyscallFailsWithItsErrno) {
  spec_.linux.seccomp = deny({"mkdir", "mkdirat"}, EPERM);
  auto o = run_sh("mkdir /x; echo done");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("Operation not permitted"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("done"), std::string::npos) << o.output;
  spec_.linux.seccomp = deny({"mkdir", "mkdirat"}, ENOSYS);
  o = run_sh("mkdir /x");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("Function not implemented"), std::string::npos) << o.output;
  EXPECT_NE(o.status, 0);
}

TEST_F(SeccompTest, DefaultErrnoAllowlistRunsBusybox) {
  spec_.linux.seccomp = allowlist({"mkdir", "mkdirat"});
  auto o = run_sh("echo hello; mkdir /x");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("hello\n"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("Operation not permitted"), std::string::npos) << o.output;  // default errno: EPERM
  spec_.linux.seccomp = allowlist({"mkdir", "mkdirat"}, ENOSYS);
  o = run_sh("mkdir /x");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("Function not implemented"), std::string::npos) << o.output;
}

TEST_F(SeccompTest, StatusShowsFilterMode) {
  auto o = run_sh("grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "NoNewPrivs:\t0\nSeccomp:\t0\n");
  spec_.linux.seccomp = deny({"mkdir"}, EPERM);
  o = run_sh("grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "NoNewPrivs:\t0\nSeccomp:\t2\n");
  spec_.process.no_new_privileges = true;
  o = run_sh("grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "NoNewPrivs:\t1\nSeccomp:\t2\n");
}

// Docker's personality rules: only some arguments allowed. Conditions that
// repeat an index are alternatives.
TEST_F(SeccompTest, ArgumentConditions) {
  auto sc = allowlist({"personality"});
  sc.syscalls.push_back({{"personality"}, "SCMP_ACT_ALLOW", {}, {{0, 0, 0, "SCMP_CMP_EQ"}}});
  spec_.linux.seccomp = sc;
  auto o = run_sh("linux64 echo ok64; linux32 echo ok32");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("ok64\n"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("ok32"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("Operation not permitted"), std::string::npos) << o.output;
  sc.syscalls.back().args = {{0, 0, 0, "SCMP_CMP_EQ"}, {0, 8, 0, "SCMP_CMP_EQ"}};
  spec_.linux.seccomp = sc;
  o = run_sh("linux64 echo ok64; linux32 echo ok32");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "ok64\nok32\n");
  // MASKED_EQ: (arg & value) == valueTwo.
  sc.syscalls.back().args = {{0, 0xff, 8, "SCMP_CMP_MASKED_EQ"}};
  spec_.linux.seccomp = sc;
  o = run_sh("linux32 echo ok32; linux64 echo ok64");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("ok32\n"), std::string::npos) << o.output;
  EXPECT_EQ(o.output.find("ok64"), std::string::npos) << o.output;
}

// Without no-new-privileges the filter is in place before the user changes
// (runc's order); with it, only right before exec.
TEST_F(SeccompTest, InstallOrderFollowsNoNewPrivileges) {
  spec_.linux.seccomp = deny({"setresuid"}, EPERM);
  spec_.process.user.uid = 1234;
  spec_.process.user.gid = 1234;
  auto o = run_sh("id -u");
  ASSERT_FALSE(o.started);
  EXPECT_NE(o.started.error().message.find("setuid: Operation not permitted"), std::string::npos)
      << o.started.error().message;
  EXPECT_FALSE(cgroup_exists());
  spec_.process.no_new_privileges = true;
  o = run_sh("id -u");
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "1234\n");
}

TEST_F(SeccompTest, InvalidProfileIsRefusedBeforeClone) {
  auto expect_invalid = [&](lc::spec::Seccomp sc, const std::string& names) {
    spec_.linux.seccomp = std::move(sc);
    auto o = run_sh("true");
    ASSERT_FALSE(o.started);
    EXPECT_EQ(o.started.error().kind, ErrorKind::InvalidParameter) << o.started.error().message;
    EXPECT_NE(o.started.error().message.find(names), std::string::npos) << o.started.error().message;
    EXPECT_FALSE(cgroup_exists());
  };
  auto sc = deny({"mkdir"}, EPERM);
  sc.syscalls[0].action = "SCMP_ACT_BOGUS";
  expect_invalid(sc, "SCMP_ACT_BOGUS");
  sc = deny({"mkdir"}, EPERM);
  sc.syscalls[0].args = {{0, 1, 0, "SCMP_CMP_ALMOST"}};
  expect_invalid(sc, "SCMP_CMP_ALMOST");
  sc = deny({"mkdir"}, EPERM);
  sc.architectures = {"SCMP_ARCH_Z80"};
  expect_invalid(sc, "SCMP_ARCH_Z80");
}

TEST_F(SeccompTest, ExecGetsTheContainersFilter) {
  spec_.linux.seccomp = deny({"mkdir", "mkdirat"}, EPERM);
  spec_.process.args = {"sleep", "30"};
  lc::StartOptions opt;
  opt.id = id_;
  auto init = lc::start(spec_, opt);
  ASSERT_TRUE(init) << init.error().message;
  auto o = run_exec(spec_, init->pid, {"sh", "-c", "grep '^Seccomp:' /proc/self/status; mkdir /x"});
  ::kill(init->pid, SIGKILL);
  wait_status(init->pid);
  (void)lc::destroy(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("Seccomp:\t2\n"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("Operation not permitted"), std::string::npos) << o.output;
  EXPECT_NE(o.status, 0);
}

// A hit reads back the very program a compile writes.
TEST(SeccompCache, HitGivesTheSameProgram) {
  TempDir dir;
  const std::string cache = dir.path() + "/seccomp";
  auto profile = allowlist({"mkdir"});
  profile.flags = {"SECCOMP_FILTER_FLAG_LOG"};
  auto compiled = lc::compile_seccomp(profile);
  ASSERT_TRUE(compiled) << compiled.error().message;
  auto miss = lc::compile_seccomp_cached(profile, cache);
  ASSERT_TRUE(miss) << miss.error().message;
  auto hit = lc::compile_seccomp_cached(profile, cache);
  ASSERT_TRUE(hit) << hit.error().message;
  auto bytes = [](const lc::SeccompFilter& f) {
    return std::string(reinterpret_cast<const char*>(f.code().data()), f.code().size() * sizeof(sock_filter));
  };
  EXPECT_EQ(bytes(*miss), bytes(*compiled));
  EXPECT_EQ(bytes(*hit), bytes(*compiled));
  EXPECT_EQ(hit->flags(), compiled->flags());
  EXPECT_EQ(hit->prog()->len, compiled->code().size());
  EXPECT_EQ(hit->prog()->filter, hit->code().data());
  // Another profile, another file.
  ASSERT_TRUE(lc::compile_seccomp_cached(deny({"mkdir"}, EPERM), cache));
  EXPECT_EQ(count_files(cache), 2);
}

// A file whose key text is another profile's (a name collision, or a
// stale or tampered file) is never used: the profile is compiled again.
TEST(SeccompCache, AFileForAnotherProfileIsNotUsed) {
  TempDir dir;
  const std::string cache = dir.path() + "/seccomp";
  const auto profile = allowlist({"mkdir"});
  ASSERT_TRUE(lc::compile_seccomp_cached(profile, cache));
  ASSERT_EQ(count_files(cache), 1);
  const auto other = lc::compile_seccomp(deny({"mkdir"}, EPERM));
  ASSERT_TRUE(other);
  std::string path;
  for (const auto& e : std::filesystem::directory_iterator(cache)) path = e.path();
  const std::string key = "not the key";
  const uint64_t len = key.size();
  std::string forged(reinterpret_cast<const char*>(&len), sizeof len);
  forged += key;
  forged.append(reinterpret_cast<const char*>(other->code().data()), other->code().size() * sizeof(sock_filter));
  ASSERT_TRUE(fs::write_file(path, forged));
  auto again = lc::compile_seccomp_cached(profile, cache);
  ASSERT_TRUE(again);
  auto expected = lc::compile_seccomp(profile);
  ASSERT_TRUE(expected);
  EXPECT_EQ(again->code().size(), expected->code().size());
  EXPECT_EQ(std::memcmp(again->code().data(), expected->code().data(), again->code().size() * sizeof(sock_filter)), 0);
}

// Clients choose profiles: the cache stops growing at its bound, and a
// profile past it still compiles and works.
TEST(SeccompCache, StopsGrowingAtItsBound) {
  TempDir dir;
  const std::string cache = dir.path() + "/seccomp";
  for (int i = 0; i < 70; ++i) {
    auto f = lc::compile_seccomp_cached(deny({"mkdir"}, uint32_t(i + 1)), cache);
    ASSERT_TRUE(f) << f.error().message;
  }
  EXPECT_EQ(count_files(cache), 64);
}

}  // namespace
