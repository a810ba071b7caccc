// Hostile layer tarballs never write outside their layer folder.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/fs.hpp"
#include "daemon/images/image_service.hpp"
#include "daemon/images/layer_store.hpp"
#include "daemon/images/tar_extract.hpp"

using namespace mydocker;
using namespace mydocker::daemon::images;

namespace {

struct Entry {
  std::string name;
  char type;  // 'f' file, 'd' dir, 'l' symlink, 'h' hardlink
  std::string data;  // content, or link target
};

void write_tar(const std::string& path, const std::vector<Entry>& entries) {
  archive* a = archive_write_new();
  archive_write_set_format_pax_restricted(a);
  ASSERT_EQ(archive_write_open_filename(a, path.c_str()), ARCHIVE_OK);
  for (const auto& e : entries) {
    archive_entry* ae = archive_entry_new();
    archive_entry_set_pathname(ae, e.name.c_str());
    archive_entry_set_perm(ae, 0644);
    switch (e.type) {
      case 'f':
        archive_entry_set_filetype(ae, AE_IFREG);
        archive_entry_set_size(ae, la_int64_t(e.data.size()));
        break;
      case 'd': archive_entry_set_filetype(ae, AE_IFDIR); archive_entry_set_perm(ae, 0755); break;
      case 'l': archive_entry_set_filetype(ae, AE_IFLNK); archive_entry_set_symlink(ae, e.data.c_str()); break;
      case 'h': archive_entry_set_filetype(ae, AE_IFREG); archive_entry_set_hardlink(ae, e.data.c_str()); break;
    }
    archive_write_header(a, ae);
    if (e.type == 'f') archive_write_data(a, e.data.data(), e.data.size());
    archive_entry_free(ae);
  }
  archive_write_close(a);
  archive_write_free(a);
}

class ImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/mdk-img-XXXXXX";
    root_ = ::mkdtemp(tmpl);
    ASSERT_TRUE(fs::mkdir_all(root_ + "/outside"));
    ASSERT_TRUE(fs::mkdir_all(root_ + "/a/b/layer"));
  }
  void TearDown() override { (void)fs::remove_all(root_); }
  std::string layer() const { return root_ + "/a/b/layer"; }
  // Nothing but what the test made lives outside the layer.
  void expect_outside_untouched() {
    EXPECT_FALSE(fs::exists(root_ + "/a/b/escape"));
    EXPECT_FALSE(fs::exists(root_ + "/a/escape"));
    EXPECT_FALSE(fs::exists(root_ + "/outside/pwned"));
    EXPECT_FALSE(fs::exists("/abs-mydocker-test"));
  }
  std::string root_;
};

TEST_F(ImportTest, DotDotEntryIsRefused) {
  write_tar(root_ + "/t.tar", {{"../escape", 'f', "x"}, {"a/../../escape", 'f', "x"}});
  auto r = extract_layer(root_ + "/t.tar", layer());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("../escape"), std::string::npos);
  expect_outside_untouched();
}

TEST_F(ImportTest, AbsolutePathsLandInsideTheLayer) {
  write_tar(root_ + "/t.tar", {{"/abs-mydocker-test", 'f', "x"}});
  auto r = extract_layer(root_ + "/t.tar", layer());
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_TRUE(fs::exists(layer() + "/abs-mydocker-test"));
  expect_outside_untouched();
}

// libarchive either refuses the entry or replaces the planted symlink with a
// real directory; either way the write stays in the layer.
TEST_F(ImportTest, WritesThroughSymlinksStayInside) {
  write_tar(root_ + "/t.tar", {{"link", 'l', root_ + "/outside"}, {"link/pwned", 'f', "x"}});
  auto r = extract_layer(root_ + "/t.tar", layer());
  expect_outside_untouched();
  if (r) {
    EXPECT_TRUE(fs::is_dir(layer() + "/link") && fs::exists(layer() + "/link/pwned"));
  }
  write_tar(root_ + "/t2.tar", {{"up", 'l', "../../../outside"}, {"up/pwned", 'f', "x"}});
  (void)fs::remove_all(layer());
  ASSERT_TRUE(fs::mkdir_all(layer()));
  r = extract_layer(root_ + "/t2.tar", layer());
  expect_outside_untouched();
  if (r) {
    EXPECT_TRUE(fs::exists(layer() + "/up/pwned"));
  }
  // Whiteouts under a planted symlink are dropped, not made outside.
  write_tar(root_ + "/t4.tar", {{"wl", 'l', root_ + "/outside"}, {"wl/.wh.pwned", 'f', ""}});
  (void)fs::remove_all(layer());
  ASSERT_TRUE(fs::mkdir_all(layer()));
  (void)extract_layer(root_ + "/t4.tar", layer());
  expect_outside_untouched();
  // A symlink pointing anywhere is fine as long as nothing is written through it.
  write_tar(root_ + "/t3.tar", {{"etc-link", 'l', "/etc"}});
  EXPECT_TRUE(extract_layer(root_ + "/t3.tar", layer()));
}

TEST_F(ImportTest, HardlinksOutsideAreRefused) {
  write_tar(root_ + "/t.tar", {{"hl", 'h', "../../outside/target"}});
  auto r = extract_layer(root_ + "/t.tar", layer());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("hardlink"), std::string::npos);
  expect_outside_untouched();
}

TEST_F(ImportTest, ImportListResolveRemoveFreesDisk) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root for the overlay check";
  write_tar(root_ + "/t.tar", {{"bin", 'd', ""}, {"bin/hello", 'f', "hello world\n"}});
  LayerStore layers(root_ + "/data");
  ASSERT_TRUE(layers.restore());
  ImageService images(root_ + "/data", layers);
  ASSERT_TRUE(images.restore());
  auto img = images.import_tarball(root_ + "/t.tar", "mine", "v1", {"CMD [\"/bin/hello\"]"}, "");
  ASSERT_TRUE(img) << img.error().message;
  EXPECT_EQ(img->repo_tags, std::vector<std::string>{"mine:v1"});
  EXPECT_EQ(images.resolve("mine:v1")->id, img->id);
  EXPECT_EQ(images.resolve(img->id.substr(7, 12))->id, img->id);
  auto missing = images.resolve("mine");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "No such image: mine:latest");
  auto plan = layers.create_container_layer("c1", *img);
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_TRUE(layers.remove_container_layer("c1"));
  auto diff = layers.layer_diff_dir(LayerStore::chain_ids({img->config["rootfs"]["diff_ids"][0]})[0]);
  EXPECT_TRUE(fs::exists(diff + "/bin/hello"));
  auto removed = images.remove("mine:v1", false, [](const std::string&) { return std::nullopt; });
  ASSERT_TRUE(removed) << removed.error().message;
  EXPECT_EQ((*removed)[0]["Untagged"], "mine:v1");
  EXPECT_EQ((*removed)[1]["Deleted"], img->id);
  EXPECT_FALSE(fs::exists(diff));
  // A fresh service sees the same (empty) store.
  ImageService again(root_ + "/data", layers);
  ASSERT_TRUE(again.restore());
  EXPECT_TRUE(again.list().empty());
}

}  // namespace
