// libcontainer on the real kernel, as root: namespaces, rootfs, users,
// errors and cgroup cleanup. The container's process is busybox from
// Debian's busybox-static.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "libcontainer/container.hpp"
#include "libcontainer/spec/defaults.hpp"
#include "tests/integration/container_harness.hpp"

using namespace mydocker;
namespace lc = mydocker::libcontainer;

namespace {

using itest::Outcome;
using itest::run;
using itest::TempDir;

// A minimal busybox root: /bin/busybox and the applets the tests use.
void make_rootfs(const std::string& root) {
  itest::make_busybox_rootfs(root, {"sh", "echo", "cat", "hostname", "id", "ls", "sleep", "true", "pwd", "grep", "wc"});
  ASSERT_TRUE(fs::mkdir_all(root + "/etc"));
  ASSERT_TRUE(fs::write_file(root + "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n"));
  ASSERT_TRUE(fs::write_file(root + "/etc/group", "root:x:0:\nstaff:x:50:nobody\nnobody:x:65534:\n"));
}

class LibcontainerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for namespaces and mounts";
    make_rootfs(dir_.path() + "/rootfs");
    id_ = random_hex_id();
    spec_ = lc::spec::default_spec();
    spec_.root.path = dir_.path() + "/rootfs";
    spec_.hostname = "lc-test";
    spec_.linux.cgroups_path = "/mydocker-test/" + id_;
  }
  void TearDown() override {
    for (const char* ctl : {"memory", "pids", "cpu", "freezer", "blkio", "devices", "cpuset", ""}) ::rmdir(("/sys/fs/cgroup/" + std::string(ctl) + "/mydocker-test").c_str());
  }
  bool cgroup_exists() const {
    return fs::exists("/sys/fs/cgroup/memory/mydocker-test/" + id_) || fs::exists("/sys/fs/cgroup/mydocker-test/" + id_);
  }

  TempDir dir_;
  std::string id_;
  lc::spec::Spec spec_;
};

TEST_F(LibcontainerTest, RunsInOwnNamespacesAndCleansUp) {
  spec_.process.args = {"sh", "-c", "echo hi; echo $$; hostname; ls /proc | grep -c '^[0-9]'"};
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.status, 0);
  EXPECT_EQ(o.output, "hi\n1\nlc-test\n3\n");  // sh, ls and grep: nothing of the host
  EXPECT_FALSE(cgroup_exists());
}

TEST_F(LibcontainerTest, DefaultCapabilitiesAndReadonlyProcSys) {
  spec_.process.args = {"sh", "-c", "grep CapBnd /proc/self/status; echo 1 2>&1 > /proc/sys/kernel/panic"};
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("00000000a80425fb"), std::string::npos) << o.output;
  EXPECT_NE(o.output.find("Read-only file system"), std::string::npos) << o.output;
}

TEST_F(LibcontainerTest, MissingExecutableReportsDockerMessageAndLeavesNothing) {
  spec_.process.args = {"nosuchcmd"};
  auto o = run(spec_, id_);
  ASSERT_FALSE(o.started);
  EXPECT_EQ(o.started.error().message, "exec: \"nosuchcmd\": executable file not found in $PATH");
  EXPECT_FALSE(cgroup_exists());
  spec_.process.args = {"/no/such"};
  o = run(spec_, id_);
  ASSERT_FALSE(o.started);
  EXPECT_EQ(o.started.error().message, "exec: \"/no/such\": stat /no/such: no such file or directory");
}

TEST_F(LibcontainerTest, ResolvesUserNamesInsideTheContainer) {
  spec_.process.args = {"id"};
  spec_.annotations["org.mydocker.user"] = "nobody";
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "uid=65534(nobody) gid=65534(nobody) groups=50(staff),65534(nobody)\n");
  spec_.annotations["org.mydocker.user"] = "ghost";
  o = run(spec_, id_);
  ASSERT_FALSE(o.started);
  EXPECT_EQ(o.started.error().message, "unable to find user ghost: no matching entries in passwd file");
  spec_.annotations["org.mydocker.user"] = "1234:5678";
  o = run(spec_, id_);
  ASSERT_TRUE(o.started);
  EXPECT_EQ(o.output, "uid=1234 gid=5678 groups=5678\n");
}

TEST_F(LibcontainerTest, CreatesWorkingDirectory) {
  spec_.process.args = {"pwd"};
  spec_.process.cwd = "/made/by/runtime";
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "/made/by/runtime\n");
}

TEST_F(LibcontainerTest, OverlayRootIsMountedOnlyInsideTheContainer) {
  const std::string d = dir_.path();
  for (const char* s : {"/upper", "/work", "/merged"}) ASSERT_TRUE(fs::mkdir_all(d + s));
  spec_.root.path = d + "/merged";
  spec_.annotations["org.mydocker.rootfs.overlay"] =
      "lowerdir=" + d + "/rootfs,upperdir=" + d + "/upper,workdir=" + d + "/work";
  spec_.process.args = {"sh", "-c", "echo written > /newfile; cat /newfile"};
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "written\n");
  EXPECT_TRUE(fs::exists(d + "/upper/newfile"));      // the write went to the container's layer
  EXPECT_FALSE(fs::exists(d + "/rootfs/newfile"));    // not to the image
  std::ifstream mi("/proc/self/mountinfo");
  std::string line;
  while (std::getline(mi, line)) EXPECT_EQ(line.find(d), std::string::npos) << "leaked mount: " << line;
}

TEST_F(LibcontainerTest, WritesMemoryLimitToTheCgroup) {
  if (!fs::exists("/sys/fs/cgroup/memory")) GTEST_SKIP() << "no cgroup v1 memory controller";
  spec_.linux.resources.memory_limit = 64 << 20;
  spec_.process.args = {"sh", "-c", "cat /proc/self/cgroup | grep memory"};
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_NE(o.output.find("/mydocker-test/" + id_), std::string::npos) << o.output;
  // Start again and read the limit while it runs.
  spec_.process.args = {"sleep", "5"};
  lc::StartOptions opt;
  opt.id = id_;
  auto s = lc::start(spec_, opt);
  ASSERT_TRUE(s) << s.error().message;
  auto limit = fs::read_file("/sys/fs/cgroup/memory/mydocker-test/" + id_ + "/memory.limit_in_bytes");
  ::kill(s->pid, SIGKILL);
  ::waitpid(s->pid, nullptr, 0);
  ASSERT_TRUE(lc::destroy(spec_, id_));
  ASSERT_TRUE(limit);
  EXPECT_EQ(*limit, std::to_string(64 << 20) + "\n");
  EXPECT_FALSE(cgroup_exists());
}

}  // namespace
