// ImageService's Docker rules on a store in a temp folder (no root, no
// layers unpacked): history entries from a config, and what rmi untags,
// deletes or refuses.
#include <gtest/gtest.h>
#include <stdlib.h>

#include "common/fs.hpp"
#include "daemon/images/image_service.hpp"

using namespace mydocker;
using namespace mydocker::daemon::images;
using nlohmann::json;

namespace {
struct Store {
  std::string root;
  LayerStore layers;
  ImageService images;
  Store() : root(make_root()), layers(root, "vfs"), images(root, layers) { EXPECT_TRUE(images.restore()); }
  ~Store() { (void)fs::remove_all(root); }
  static std::string make_root() {
    char t[] = "/tmp/image-rules-XXXXXX";
    return ::mkdtemp(t);
  }
  // An image whose layers the store does not have (sizes read as 0).
  Image add(const std::string& tag, const json& history = json::array(), const std::string& digest = "",
            const std::string& salt = "") {
    json config = {{"architecture", "amd64"}, {"os", "linux"}, {"created", "2026-11-01T10:00:00Z"},
                   {"config", {{"Labels", {{"salt", salt + tag}}}}},
                   {"rootfs", {{"type", "layers"}, {"diff_ids", json::array()}}}, {"history", history}};
    std::optional<Reference> ref;
    if (!tag.empty()) ref = *parse_reference(tag);
    auto img = images.add_image(config.dump(), ref, digest);
    EXPECT_TRUE(img) << img.error().message;
    return *img;
  }
};

ImageUsersFn nobody() {
  return [](const std::string&) { return std::vector<ImageUser>{}; };
}
ImageUsersFn used_by(const std::string& image_id, bool running) {
  return [=](const std::string& id) {
    return id == image_id ? std::vector<ImageUser>{{"c0ffee0000000000000000000000000000000000000000000000000000000000", running}}
                          : std::vector<ImageUser>{};
  };
}
}  // namespace

TEST(ImageRules, HistoryNewestFirstWithEmptyLayers) {
  Store s;
  json history = json::array({{{"created", "2026-11-01T09:00:00Z"}, {"created_by", "ADD rootfs / # buildkit"}},
                              {{"created", "2026-11-01T09:30:00Z"}, {"created_by", "CMD [\"sh\"]"}, {"empty_layer", true}},
                              {{"created", "2026-11-01T10:00:00Z"}, {"created_by", "LABEL a=b"}, {"empty_layer", true},
                               {"comment", "buildkit.dockerfile.v0"}}});
  // One non-empty entry needs one layer: a config whose diff_ids has none is refused.
  Image img = s.add("hist:1", json::array({history[1], history[2]}));
  auto h = s.images.history_json("hist:1");
  ASSERT_TRUE(h) << h.error().message;
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0]["Id"], img.id);
  EXPECT_EQ((*h)[0]["Tags"], json::array({"hist:1"}));
  EXPECT_EQ((*h)[0]["CreatedBy"], "LABEL a=b");
  EXPECT_EQ((*h)[0]["Comment"], "buildkit.dockerfile.v0");
  EXPECT_EQ((*h)[0]["Created"], 1793527200);
  EXPECT_EQ((*h)[0]["Size"], 0);
  EXPECT_EQ((*h)[1]["Id"], "<missing>");
  EXPECT_TRUE((*h)[1]["Tags"].is_null());
  EXPECT_EQ((*h)[1]["CreatedBy"], "CMD [\"sh\"]");
  s.add("hist:2", history);
  auto bad = s.images.history_json("hist:2");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "too many non-empty layers in History section");
  EXPECT_EQ(s.images.history_json("nope").error().message, "No such image: nope:latest");
}

TEST(ImageRules, UntagThenDelete) {
  Store s;
  Image img = s.add("app:1");
  ASSERT_TRUE(s.images.tag("app:1", *parse_reference("app:2")));
  ASSERT_TRUE(s.images.tag("app:1", *parse_reference("other/app:x")));
  const std::string short_id = img.id.substr(7, 12);
  auto by_id = s.images.remove(short_id, false, false, nobody());
  ASSERT_FALSE(by_id);
  EXPECT_EQ(by_id.error().kind, ErrorKind::Conflict);
  EXPECT_EQ(by_id.error().message, "conflict: unable to delete " + short_id +
                                       " (must be forced) - image is referenced in multiple repositories");
  EXPECT_EQ(*s.images.remove("app:1", false, false, nobody()), json::parse(R"([{"Untagged":"app:1"}])"));
  EXPECT_EQ(*s.images.remove("docker.io/other/app:x", false, false, nobody()), json::parse(R"([{"Untagged":"other/app:x"}])"));
  EXPECT_EQ(*s.images.remove("app:2", false, false, nobody()),
            json::parse(R"([{"Untagged":"app:2"},{"Deleted":")" + img.id + R"("}])"));
  EXPECT_FALSE(s.images.resolve(img.id));
  EXPECT_EQ(s.images.remove("app:2", false, false, nobody()).error().message, "No such image: app:2");
}

TEST(ImageRules, LastTagTakesItsRepositoryDigests) {
  Store s;
  const std::string digest = "app@sha256:" + std::string(64, 'a');
  Image img = s.add("app:1", json::array(), digest);
  ASSERT_TRUE(s.images.tag("app:1", *parse_reference("keep:1")));
  // app's digest goes with app's last tag; keep:1 holds the image.
  EXPECT_EQ(*s.images.remove("app:1", false, false, nobody()),
            json::parse(R"([{"Untagged":"app:1"},{"Untagged":")" + digest + R"("}])"));
  EXPECT_TRUE(s.images.resolve("keep:1"));
  // By id with one tag: everything is untagged, then the image deleted.
  EXPECT_EQ(*s.images.remove(img.id, false, false, nobody()),
            json::parse(R"([{"Untagged":"keep:1"},{"Deleted":")" + img.id + R"("}])"));
}

TEST(ImageRules, ContainersBlockAsInDocker) {
  Store s;
  Image img = s.add("used:1");
  const std::string short_id = img.id.substr(7, 12);
  auto stopped = s.images.remove("used:1", false, false, used_by(img.id, false));
  ASSERT_FALSE(stopped);
  EXPECT_EQ(stopped.error().message, "conflict: unable to remove repository reference \"used:1\" (must force) - container "
                                     "c0ffee000000 is using its referenced image " + short_id);
  EXPECT_EQ(s.images.remove(short_id, false, false, used_by(img.id, false)).error().message,
            "conflict: unable to delete " + short_id + " (must be forced) - image is being used by stopped container c0ffee000000");
  for (bool force : {false, true})
    EXPECT_EQ(s.images.remove(short_id, force, false, used_by(img.id, true)).error().message,
              "conflict: unable to delete " + short_id + " (cannot be forced) - image is being used by running container c0ffee000000");
  // A second tag may go; forced, the last one too, but the image stays for its container.
  ASSERT_TRUE(s.images.tag("used:1", *parse_reference("used:2")));
  EXPECT_EQ(*s.images.remove("used:2", false, false, used_by(img.id, true)), json::parse(R"([{"Untagged":"used:2"}])"));
  EXPECT_EQ(*s.images.remove("used:1", true, false, used_by(img.id, true)), json::parse(R"([{"Untagged":"used:1"}])"));
  EXPECT_TRUE(s.images.resolve(img.id));
  // Untagged and unused: by id it goes.
  EXPECT_EQ(*s.images.remove(short_id, false, false, nobody()), json::parse(R"([{"Deleted":")" + img.id + R"("}])"));
  // Forced past a stopped container: deleted, as Docker does.
  Image other = s.add("stopped:1");
  EXPECT_EQ(*s.images.remove("stopped:1", true, false, used_by(other.id, false)),
            json::parse(R"([{"Untagged":"stopped:1"},{"Deleted":")" + other.id + R"("}])"));
  EXPECT_FALSE(s.images.resolve(other.id));
  const std::string retained = s.root + "/image/overlay2/retained-layers.json";
  EXPECT_EQ(json::parse(*fs::read_file(retained)).count(other.id), 1u);
  // A restarted store still knows; once no container uses it, it lets go.
  ImageService again(s.root, s.layers);
  ASSERT_TRUE(again.restore());
  ASSERT_TRUE(again.prune({}, used_by(other.id, false)));
  EXPECT_EQ(json::parse(*fs::read_file(retained)).count(other.id), 1u);
  ASSERT_TRUE(again.prune({}, nobody()));
  EXPECT_EQ(json::parse(*fs::read_file(retained)), json::object());
}

TEST(ImageRules, PruneDanglingOrAllUnused) {
  Store s;
  Image dangling = s.add("");
  Image tagged = s.add("t:1");
  Image used = s.add("u:1");
  Image labeled = s.add("l:1");
  auto users = used_by(used.id, false);
  auto r = s.images.prune({}, users);
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ(r->deleted, json::parse(R"([{"Deleted":")" + dangling.id + R"("}])"));
  r = s.images.prune({{"dangling", {"false"}}, {"label", {"salt=l:1"}}}, users);
  EXPECT_EQ(r->deleted, json::parse(R"([{"Untagged":"l:1"},{"Deleted":")" + labeled.id + R"("}])"));
  r = s.images.prune({{"dangling", {"false"}}}, users);
  EXPECT_EQ(r->deleted, json::parse(R"([{"Untagged":"t:1"},{"Deleted":")" + tagged.id + R"("}])"));
  EXPECT_TRUE(s.images.resolve("u:1"));
  EXPECT_EQ(s.images.prune({{"dangling", {"false"}}, {"until", {"2020-01-01T00:00:00Z"}}}, nobody())->deleted, json::array());
}
