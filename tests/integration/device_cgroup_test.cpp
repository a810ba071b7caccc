// The device cgroup on the real kernel: the v2 eBPF program (loaded into a
// cgroup2 directory; on this host's hybrid layout the cgroup2 mount at
// /sys/fs/cgroup/unified takes device programs too) and the v1 lists.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/magic.h>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "daemon/security/devices.hpp"
#include "libcontainer/cgroups/cgroup.hpp"
#include "libcontainer/cgroups/devices.hpp"

using namespace mydocker;
namespace cg = mydocker::libcontainer::cgroups;

namespace {

std::string cgroup2_root() {
  for (const char* p : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"}) {
    struct statfs st{};
    if (::statfs(p, &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) return p;
  }
  return {};
}

// In a child that joined `dir`: errno of open(path) (0 on success) after
// mknod of a node with the given numbers at a temp path.
int open_in_cgroup(const std::string& dir, mode_t type, unsigned maj, unsigned min, int flags) {
  const std::string node = "/tmp/mdk-devcg-" + random_hex_id().substr(0, 8);
  int p[2];
  if (::pipe(p) != 0) return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(p[0]);
    int err = 0;
    if (!fs::write_file(dir + "/cgroup.procs", std::to_string(::getpid()))) err = 1000;
    if (!err && ::mknod(node.c_str(), type | 0600, makedev(maj, min)) != 0) err = 2000 + errno;
    if (!err) {
      int fd = ::open(node.c_str(), flags | O_CLOEXEC);
      err = fd < 0 ? errno : 0;
      if (fd >= 0) ::close(fd);
    }
    ::unlink(node.c_str());
    (void)!::write(p[1], &err, sizeof err);
    _exit(0);
  }
  ::close(p[1]);
  int err = -1;
  (void)!::read(p[0], &err, sizeof err);
  ::close(p[0]);
  ::waitpid(pid, nullptr, 0);
  return err;
}

class DeviceCgroupV2 : public ::testing::Test {
 protected:
  void SetUp() override {
    if (::geteuid() != 0) GTEST_SKIP() << "needs root for cgroups and mknod";
    root_ = cgroup2_root();
    if (root_.empty()) GTEST_SKIP() << "no cgroup2 mount on this host";
    dir_ = root_ + "/mdk-devcg-" + random_hex_id().substr(0, 12);
    ASSERT_EQ(::mkdir(dir_.c_str(), 0755), 0);
  }
  void TearDown() override {
    if (!dir_.empty()) ::rmdir(dir_.c_str());
  }
  std::string root_, dir_;
};

TEST_F(DeviceCgroupV2, DefaultRulesLetNullThroughAndStopAHostDisk) {
  auto attached = cg::attach_v2_devices(dir_, daemon::security::default_device_rules());
  ASSERT_TRUE(attached) << attached.error().message;
  EXPECT_EQ(open_in_cgroup(dir_, S_IFCHR, 1, 3, O_RDWR), 0);       // /dev/null
  EXPECT_EQ(open_in_cgroup(dir_, S_IFCHR, 1, 9, O_RDONLY), 0);     // /dev/urandom
  EXPECT_EQ(open_in_cgroup(dir_, S_IFBLK, 7, 0, O_RDONLY), EPERM); // a loop device: made, not opened
  EXPECT_EQ(open_in_cgroup(dir_, S_IFCHR, 1, 1, O_RDONLY), EPERM); // /dev/mem
}

TEST_F(DeviceCgroupV2, AnAddedRuleOpensOneDevice) {
  auto rules = daemon::security::default_device_rules();
  rules.push_back({true, "b", 7, 0, "r"});
  ASSERT_TRUE(cg::attach_v2_devices(dir_, rules));
  EXPECT_EQ(open_in_cgroup(dir_, S_IFBLK, 7, 0, O_RDONLY), 0);
  EXPECT_EQ(open_in_cgroup(dir_, S_IFBLK, 7, 0, O_WRONLY), EPERM);
  EXPECT_EQ(open_in_cgroup(dir_, S_IFBLK, 7, 1, O_RDONLY), EPERM);
}

TEST(DeviceCgroupV1, RulesBecomeTheDevicesList) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for cgroups";
  if (cg::detect_version() != cg::Version::V1 || !fs::exists("/sys/fs/cgroup/devices/devices.list"))
    GTEST_SKIP() << "no cgroup v1 devices controller on this host";
  const std::string path = "/mdk-devcg-" + random_hex_id().substr(0, 12);
  libcontainer::spec::Resources r;
  r.devices = daemon::security::default_device_rules();
  auto cgroup = cg::make_v1(path, "/sys/fs/cgroup");
  ASSERT_TRUE(cgroup->create(r));
  auto list = fs::read_file("/sys/fs/cgroup/devices" + path + "/devices.list");
  ASSERT_TRUE(list);
  EXPECT_EQ(list->find("a *:* rwm"), std::string::npos) << *list;
  EXPECT_NE(list->find("c 1:3 rwm"), std::string::npos) << *list;
  EXPECT_NE(list->find("b *:* m"), std::string::npos) << *list;
  EXPECT_EQ(open_in_cgroup("/sys/fs/cgroup/devices" + path, S_IFBLK, 7, 0, O_RDONLY), EPERM);
  EXPECT_EQ(open_in_cgroup("/sys/fs/cgroup/devices" + path, S_IFCHR, 1, 5, O_RDONLY), 0);
  EXPECT_TRUE(cgroup->destroy());
}

}  // namespace
