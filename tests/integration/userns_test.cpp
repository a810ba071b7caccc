// User namespaces on the real kernel, as root: the container's root is an
// unprivileged host uid, image layers are seen through idmapped mounts
// (whiteouts and opaque folders respected), what the container writes lands
// with the shifted owner, exec joins the namespace, and nothing stays
// mounted on the host.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <fstream>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "libcontainer/container.hpp"
#include "libcontainer/spec/defaults.hpp"
#include "libcontainer/userns.hpp"
#include "tests/integration/container_harness.hpp"

using namespace mydocker;
namespace lc = mydocker::libcontainer;

namespace {

using itest::drain;
using itest::Outcome;
using itest::run;
using itest::TempDir;
using itest::wait_status;

constexpr uint32_t kHostRoot = 100000;

class UsernsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for namespaces and mounts";
    const std::string d = dir_.path();
    // Two image layers: the bottom one with /d/old and /gone, the top one
    // making /d opaque and deleting /gone (overlayfs' on-disk forms).
    itest::make_busybox_rootfs(d + "/l1", {"sh", "cat", "id", "ls", "stat", "touch", "chown", "sleep", "grep", "mkdir"});
    ASSERT_TRUE(fs::mkdir_all(d + "/l1/d"));
    ASSERT_TRUE(fs::write_file(d + "/l1/d/old", "old\n"));
    ASSERT_TRUE(fs::write_file(d + "/l1/gone", "gone\n"));
    ASSERT_TRUE(fs::mkdir_all(d + "/l1/etc"));
    ASSERT_TRUE(fs::write_file(d + "/l1/etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"));
    ASSERT_TRUE(fs::mkdir_all(d + "/l1/home/user"));
    ASSERT_EQ(::chown((d + "/l1/home/user").c_str(), 1000, 1000), 0);
    ASSERT_TRUE(fs::mkdir_all(d + "/l2/d"));
    ASSERT_EQ(::setxattr((d + "/l2/d").c_str(), "trusted.overlay.opaque", "y", 1, 0), 0);
    ASSERT_TRUE(fs::write_file(d + "/l2/d/new", "new\n"));
    ASSERT_EQ(::mknod((d + "/l2/gone").c_str(), S_IFCHR | 0, makedev(0, 0)), 0);
    for (const char* s : {"/upper", "/work", "/merged"}) ASSERT_TRUE(fs::mkdir_all(d + s));
    id_ = random_hex_id();
    spec_ = lc::spec::default_spec();
    spec_.root.path = d + "/merged";
    spec_.annotations["org.mydocker.rootfs.overlay"] =
        "lowerdir=" + d + "/l2:" + d + "/l1,upperdir=" + d + "/upper,workdir=" + d + "/work";
    spec_.linux.cgroups_path = "/mydocker-test/" + id_;
    spec_.linux.namespaces.push_back({"user", ""});
    spec_.linux.uid_mappings = {{0, kHostRoot, 65536}};
    spec_.linux.gid_mappings = {{0, kHostRoot, 65536}};
  }
  void TearDown() override {
    for (const char* ctl : {"memory", "pids", "cpu", "freezer", "blkio", "devices", "cpuset", ""})
      ::rmdir(("/sys/fs/cgroup/" + std::string(ctl) + "/mydocker-test").c_str());
  }
  void expect_no_mount_left() {
    std::ifstream mi("/proc/self/mountinfo");
    std::string line;
    while (std::getline(mi, line)) EXPECT_EQ(line.find(dir_.path()), std::string::npos) << "leaked mount: " << line;
  }

  TempDir dir_;
  std::string id_;
  lc::spec::Spec spec_;
};

uint32_t owner(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::lstat(path.c_str(), &st), 0) << path;
  return st.st_uid;
}

TEST(IdMaps, TextAndLookup) {
  std::vector<lc::spec::IdMapping> maps = {{0, 100000, 1000}, {1000, 300000, 10}};
  EXPECT_EQ(lc::id_map_text(maps), "0 100000 1000\n1000 300000 10\n");
  EXPECT_EQ(lc::host_id_of(maps, 0), 100000u);
  EXPECT_EQ(lc::host_id_of(maps, 999), 100999u);
  EXPECT_EQ(lc::host_id_of(maps, 1005), 300005u);
  EXPECT_EQ(lc::host_id_of(maps, 1010), std::nullopt);
}

TEST_F(UsernsTest, RootInsideIsAnUnprivilegedUidOutside) {
  spec_.process.args = {"sh", "-c",
                        "cat /proc/self/uid_map; id; stat -c '%u:%g %n' / /etc/passwd /home/user /dev; ls /d; "
                        "cat /gone 2>/dev/null || echo no-gone; touch /newfile && chown 1000:1000 /newfile && "
                        "echo more >> /d/new && mkdir /made && echo ok"};
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.status, 0) << o.output;
  EXPECT_EQ(o.output,
            "         0     100000      65536\n"
            "uid=0(root) gid=0\n"
            "0:0 /\n0:0 /etc/passwd\n1000:1000 /home/user\n0:0 /dev\n"
            "new\nno-gone\nok\n");
  const std::string up = dir_.path() + "/upper";
  EXPECT_EQ(owner(up + "/newfile"), kHostRoot + 1000);  // chown 1000 inside
  EXPECT_EQ(owner(up + "/made"), kHostRoot);
  EXPECT_EQ(owner(up + "/d/new"), kHostRoot);  // copied up with the shifted owner
  EXPECT_EQ(owner(dir_.path() + "/l2/d/new"), 0u);  // the layer itself is untouched
  expect_no_mount_left();
}

TEST_F(UsernsTest, HostSeesTheMappedUidAndExecJoins) {
  spec_.process.args = {"sleep", "30"};
  lc::StartOptions opt;
  opt.id = id_;
  auto s = lc::start(spec_, opt);
  ASSERT_TRUE(s) << s.error().message;
  auto status = fs::read_file("/proc/" + std::to_string(s->pid) + "/status");
  ASSERT_TRUE(status);
  EXPECT_NE(status->find("Uid:\t100000\t100000\t100000\t100000"), std::string::npos) << *status;

  UniqueFd own_pidns(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
  int p[2];
  ASSERT_EQ(::pipe2(p, O_CLOEXEC), 0);
  lc::ExecOptions eo;
  eo.args = {"sh", "-c", "id -u; cat /proc/self/uid_map; touch /from-exec"};
  eo.env = spec_.process.env;
  eo.stdio.out = p[1];
  eo.stdio.err = p[1];
  auto e = lc::exec(spec_, s->pid, eo);
  EXPECT_EQ(::setns(own_pidns.get(), CLONE_NEWPID), 0);
  ::close(p[1]);
  std::string out = drain(p[0]);
  ASSERT_TRUE(e) << e.error().message;
  EXPECT_EQ(wait_status(e->pid), 0);
  EXPECT_EQ(out, "0\n         0     100000      65536\n");
  EXPECT_EQ(owner(dir_.path() + "/upper/from-exec"), kHostRoot);

  ::kill(s->pid, SIGKILL);
  ::waitpid(s->pid, nullptr, 0);
  ASSERT_TRUE(lc::destroy(spec_, id_));
  expect_no_mount_left();
}

TEST_F(UsernsTest, ContainerRootCannotMakeDevicesOrTouchHostOwnedFiles) {
  spec_.process.capabilities.bounding.push_back("CAP_SYS_ADMIN");
  spec_.process.capabilities.effective.push_back("CAP_SYS_ADMIN");
  spec_.process.capabilities.permitted.push_back("CAP_SYS_ADMIN");
  spec_.process.args = {"sh", "-c",
                        "mknod /dev/sda b 8 0 2>&1 | grep -c 'not permitted'; "
                        "mount -t tmpfs x /mnt 2>&1 | grep -c 'permission denied'"};
  itest::make_busybox_rootfs(dir_.path() + "/l3", {"mknod", "mount"});
  spec_.annotations["org.mydocker.rootfs.overlay"] = "lowerdir=" + dir_.path() + "/l3:" + dir_.path() + "/l2:" +
                                                     dir_.path() + "/l1,upperdir=" + dir_.path() +
                                                     "/upper,workdir=" + dir_.path() + "/work";
  ASSERT_TRUE(fs::mkdir_all(dir_.path() + "/l3/mnt"));
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  // Even with CAP_SYS_ADMIN the mount namespace is the host's root's.
  EXPECT_EQ(o.output, "1\n1\n");
}

TEST_F(UsernsTest, PlainFolderRootMustBeShiftedByItsOwner) {
  // Not an overlay (the vfs driver's copy): bound as it is, so its files
  // must already belong to the mapped IDs; the daemon shifts them.
  spec_.annotations.erase("org.mydocker.rootfs.overlay");
  spec_.root.path = dir_.path() + "/l1";
  ASSERT_EQ(::chown((dir_.path() + "/l1/etc/passwd").c_str(), kHostRoot, kHostRoot), 0);
  spec_.process.args = {"sh", "-c", "stat -c '%u' /etc/passwd /bin/busybox"};
  auto o = run(spec_, id_);
  ASSERT_TRUE(o.started) << o.started.error().message;
  EXPECT_EQ(o.output, "0\n65534\n");
  expect_no_mount_left();
}

TEST_F(UsernsTest, MissingMapsAreRefused) {
  spec_.linux.uid_mappings.clear();
  spec_.process.args = {"true"};
  auto o = run(spec_, id_);
  ASSERT_FALSE(o.started);
  EXPECT_NE(o.started.error().message.find("uidMappings"), std::string::npos);
}

}  // namespace
