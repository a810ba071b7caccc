// Mount points made inside a root whose symlinks point outside it: the
// host is never touched, the links are followed as if the root were "/".
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/fs.hpp"
#include "libcontainer/rooted_path.hpp"

using namespace mydocker;

TEST(RootedPath, SymlinksStayInsideTheRoot) {
  char tmpl[] = "/tmp/mdk-rooted-XXXXXX";
  ASSERT_TRUE(::mkdtemp(tmpl));
  const std::string root = tmpl, outside = root + "-outside";
  ASSERT_TRUE(fs::mkdir_all(root + "/tmp"));
  ASSERT_EQ(::symlink(outside.c_str(), (root + "/escape").c_str()), 0);         // dangling, absolute
  ASSERT_EQ(::symlink("../../..", (root + "/up").c_str()), 0);                   // climbs above the root
  ASSERT_EQ(::symlink((outside + "-file").c_str(), (root + "/efile").c_str()), 0);
  int rfd = ::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(rfd, 0);
  EXPECT_EQ(libcontainer::make_mount_point_in_root(rfd, "/escape/sub", false), 0);
  EXPECT_EQ(libcontainer::make_mount_point_in_root(rfd, "/up/made", false), 0);
  EXPECT_EQ(libcontainer::make_mount_point_in_root(rfd, "/efile", true), 0);
  EXPECT_FALSE(fs::exists(outside));
  EXPECT_FALSE(fs::exists(outside + "-file"));
  EXPECT_TRUE(fs::is_dir(root + outside + "/sub"));  // where the link points, inside
  EXPECT_TRUE(fs::is_dir(root + "/made"));           // ".." stops at the root
  EXPECT_TRUE(fs::exists(root + outside + "-file"));
  int fd = libcontainer::open_in_root(rfd, "/escape/sub");
  EXPECT_GE(fd, 0);
  char path[64];
  libcontainer::fd_path(fd, path, sizeof path);
  EXPECT_EQ(std::string(path), "/proc/self/fd/" + std::to_string(fd));
  ::close(fd);
  ::close(rfd);
  ASSERT_TRUE(fs::remove_all(root));
}
