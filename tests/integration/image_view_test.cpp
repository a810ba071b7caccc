// The image view used to fill new volumes: layered folders merged by
// overlayfs in a private mount namespace, never visible on the host.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "common/fs.hpp"
#include "daemon/containers/image_view.hpp"

using namespace mydocker;

namespace {
bool mounted_anywhere_under(const std::string& dir) {
  std::ifstream f("/proc/self/mountinfo");
  for (std::string line; std::getline(f, line);)
    if (line.find(" " + dir) != std::string::npos) return true;
  return false;
}
}  // namespace

TEST(ImageView, MergesLayersPrivately) {
  char tmpl[] = "/tmp/mdk-view-XXXXXX";
  ASSERT_TRUE(::mkdtemp(tmpl));
  const std::string root = tmpl;
  ASSERT_TRUE(fs::mkdir_all(root + "/top/data"));
  ASSERT_TRUE(fs::mkdir_all(root + "/bottom/data"));
  ASSERT_TRUE(fs::mkdir_all(root + "/scratch"));
  ASSERT_TRUE(fs::write_file_atomic(root + "/top/data/a", "top"));
  ASSERT_TRUE(fs::write_file_atomic(root + "/bottom/data/a", "bottom"));
  ASSERT_TRUE(fs::write_file_atomic(root + "/bottom/data/b", "b"));
  const std::string opts = "lowerdir=" + root + "/top:" + root + "/bottom,upperdir=" + root + "/u,workdir=" + root + "/w";
  std::string seen_a, seen_b, view;
  auto r = daemon::containers::with_image_root(opts, "", root + "/scratch", [&](const std::string& dir) -> Result<void> {
    view = dir;
    seen_a = fs::read_file(dir + "/data/a").value_or("");
    seen_b = fs::read_file(dir + "/data/b").value_or("");
    // Only this thread's namespace has it.
    EXPECT_FALSE(mounted_anywhere_under(dir));
    return {};
  });
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(seen_a, "top");
  EXPECT_EQ(seen_b, "b");
  EXPECT_FALSE(fs::exists(view));  // its scratch folder is gone
  EXPECT_FALSE(mounted_anywhere_under(root));
  // One layer, and vfs roots: the folder itself.
  std::string single;
  ASSERT_TRUE(daemon::containers::with_image_root("lowerdir=" + root + "/bottom,upperdir=x,workdir=y", "", root + "/scratch",
                                                  [&](const std::string& dir) -> Result<void> {
                                                    single = dir;
                                                    return {};
                                                  }));
  EXPECT_EQ(single, root + "/bottom");
  ASSERT_TRUE(fs::remove_all(root));
}
