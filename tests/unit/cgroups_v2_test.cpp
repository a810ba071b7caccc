// cgroup v2 writers against a temp folder standing in for /sys/fs/cgroup:
// what each limit of a spec turns into, file by file.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "common/fs.hpp"
#include "libcontainer/cgroups/cgroup.hpp"

namespace mydocker::libcontainer::cgroups {
namespace {

struct TempRoot {
  std::string path;
  TempRoot() {
    char tmpl[] = "/tmp/mdk-cg-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~TempRoot() { (void)fs::remove_all(path); }
  std::string read(const std::string& rel) const { return fs::read_file(path + rel).value_or("<missing>"); }
};

TEST(CgroupV2, LimitsBecomeTheUnifiedFiles) {
  TempRoot root;
  spec::Resources r;
  r.memory_limit = 64 << 20;
  r.memory_swap = 128 << 20;
  r.cpu_quota = 50000;
  r.cpu_period = 100000;
  r.pids_limit = 50;
  r.write_bps = {{8, 0, 1048576}};
  r.read_iops = {{8, 0, 40}};
  auto cg = make_v2("/mydocker/abc", root.path);
  ASSERT_TRUE(cg->create(r));
  EXPECT_EQ(root.read("/mydocker/abc/memory.max"), std::to_string(64 << 20));
  EXPECT_EQ(root.read("/mydocker/abc/memory.swap.max"), std::to_string(64 << 20));  // v2 counts swap alone
  EXPECT_EQ(root.read("/mydocker/abc/cpu.max"), "50000 100000");
  EXPECT_EQ(root.read("/mydocker/abc/pids.max"), "50");
  // One line per device carries all of its limits.
  EXPECT_EQ(root.read("/mydocker/abc/io.max"), "8:0 wbps=1048576 riops=40");
  EXPECT_EQ(root.read("/cgroup.subtree_control"), "+memory +cpu +cpuset +pids +io");
}

TEST(CgroupV2, UpdateWritesOnlyWhatItIsGiven) {
  TempRoot root;
  auto cg = make_v2("/mydocker/def", root.path);
  spec::Resources first;
  first.pids_limit = 10;
  ASSERT_TRUE(cg->create(first));
  spec::Resources later;
  later.cpu_quota = 25000;
  ASSERT_TRUE(cg->update(later));
  EXPECT_EQ(root.read("/mydocker/def/cpu.max"), "25000 100000");
  EXPECT_EQ(root.read("/mydocker/def/pids.max"), "10");
  EXPECT_EQ(root.read("/mydocker/def/memory.max"), "<missing>");
}

}  // namespace
}  // namespace mydocker::libcontainer::cgroups
