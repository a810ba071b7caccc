// The index files of image archives (manifest.json, index.json), the
// member store behind load, and the tar writer behind save and export.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

#include "common/fs.hpp"
#include "common/unique_fd.hpp"
#include "daemon/images/digest.hpp"
#include "daemon/images/image_archive_manifest.hpp"
#include "daemon/images/image_archive_members.hpp"
#include "daemon/images/image_archive_tar.hpp"

using namespace mydocker;
using namespace mydocker::daemon::images;
using nlohmann::json;

namespace {
const std::string kHexA(64, 'a'), kHexB(64, 'b'), kHexC(64, 'c');

struct TempDir {
  std::string path;
  TempDir() {
    char t[] = "/tmp/mdk-archive-test-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~TempDir() { (void)fs::remove_all(path); }
};

// A fake OCI layout: blobs by digest.
struct Blobs {
  std::map<std::string, std::string> by_digest;
  std::string add(const json& doc) {
    const std::string bytes = doc.dump();
    const std::string d = sha256_digest(bytes);
    by_digest[d] = bytes;
    return d;
  }
  BlobReader reader() const {
    return [this](const std::string& d) -> Result<std::string> {
      auto it = by_digest.find(d);
      if (it == by_digest.end()) return fail(Error::invalid("no blob " + d));
      return it->second;
    };
  }
};

json manifest_doc(const std::string& config_hex, const std::vector<std::string>& layer_hex) {
  json layers = json::array();
  for (const auto& h : layer_hex)
    layers.push_back({{"mediaType", "application/vnd.oci.image.layer.v1.tar+gzip"}, {"digest", "sha256:" + h}});
  return {{"schemaVersion", 2},
          {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
          {"config", {{"digest", "sha256:" + config_hex}}},
          {"layers", layers}};
}

// Writes a tar with the given writer steps into dir/name.
template <class F>
std::string write_tar(const std::string& dir, const std::string& name, F steps) {
  const std::string path = dir + "/" + name;
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600));
  TarStreamWriter tar(fd_sink(fd.get()));
  steps(tar);
  EXPECT_TRUE(tar.finish());
  return path;
}
}  // namespace

TEST(ArchiveManifest, ReadsDockersManifestJson) {
  auto r = parse_docker_manifest(R"([{"Config":"blobs/sha256/)" + kHexA +
                                 R"(","RepoTags":["busybox:latest","me/x:1"],"Layers":["blobs/sha256/)" + kHexB +
                                 R"("]},{"Config":"c.json","RepoTags":null,"Layers":["x/layer.tar"]}])");
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].config, "blobs/sha256/" + kHexA);
  EXPECT_EQ((*r)[0].repo_tags, (std::vector<std::string>{"busybox:latest", "me/x:1"}));
  EXPECT_EQ((*r)[0].layers, std::vector<std::string>{"blobs/sha256/" + kHexB});
  EXPECT_TRUE((*r)[1].repo_tags.empty());
}

TEST(ArchiveManifest, RefusesMalformedManifestJson) {
  for (const char* bad : {"{}", "not json", R"([{"RepoTags":[]}])", R"([{"Config":"c","Layers":[1]}])",
                          R"([{"Config":"c","Layers":"x"}])", R"([{"Config":"c","RepoTags":[3]}])"}) {
    auto r = parse_docker_manifest(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::InvalidParameter) << bad;
    EXPECT_NE(r.error().message.find("invalid archive: manifest.json"), std::string::npos) << r.error().message;
  }
}

TEST(ArchiveManifest, BlobPathsAreDigestsOnly) {
  EXPECT_EQ(*blob_member_path("sha256:" + kHexA), "blobs/sha256/" + kHexA);
  const std::vector<std::string> bads = {"sha256:../../etc/passwd", "sha512:" + kHexA, "sha256:" + kHexA.substr(1) + "/",
                          "sha256:" + std::string(64, 'A'), ""};
  for (const auto& bad : bads)
    EXPECT_FALSE(blob_member_path(bad)) << bad;
}

TEST(ArchiveManifest, OciIndexNamesAndMergesTags) {
  Blobs blobs;
  const std::string m = blobs.add(manifest_doc(kHexA, {kHexB}));
  const json index = {{"schemaVersion", 2},
                      {"manifests",
                       {{{"digest", m}, {"annotations", {{"io.containerd.image.name", "docker.io/library/bb:1"},
                                                         {"org.opencontainers.image.ref.name", "1"}}}},
                        {{"digest", m}, {"annotations", {{"org.opencontainers.image.ref.name", "me/bb:2"}}}},
                        // A tag alone names nothing: the layout has no repository.
                        {{"digest", m}, {"annotations", {{"org.opencontainers.image.ref.name", "latest"}}}}}}};
  auto r = parse_oci_index(index.dump(), blobs.reader());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].config, "blobs/sha256/" + kHexA);
  EXPECT_EQ((*r)[0].layers, std::vector<std::string>{"blobs/sha256/" + kHexB});
  EXPECT_EQ((*r)[0].repo_tags, (std::vector<std::string>{"docker.io/library/bb:1", "me/bb:2"}));
}

TEST(ArchiveManifest, NestedIndexGivesLinuxAmd64NotAttestations) {
  Blobs blobs;
  const std::string arm = blobs.add(manifest_doc(kHexB, {kHexB}));
  const std::string amd = blobs.add(manifest_doc(kHexA, {kHexC}));
  const std::string att = blobs.add(manifest_doc(kHexC, {kHexC}));
  const std::string list = blobs.add(
      {{"schemaVersion", 2},
       {"mediaType", "application/vnd.oci.image.index.v1+json"},
       {"manifests",
        {{{"digest", att}, {"annotations", {{"vnd.docker.reference.type", "attestation-manifest"}}}},
         {{"digest", arm}, {"platform", {{"os", "linux"}, {"architecture", "arm64"}}}},
         {{"digest", amd}, {"platform", {{"os", "linux"}, {"architecture", "amd64"}}}}}}});
  const json index = {{"manifests", {{{"digest", list}, {"mediaType", "application/vnd.oci.image.index.v1+json"},
                                      {"annotations", {{"io.containerd.image.name", "bb:multi"}}}}}}};
  auto r = parse_oci_index(index.dump(), blobs.reader());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].config, "blobs/sha256/" + kHexA);
  EXPECT_EQ((*r)[0].repo_tags, std::vector<std::string>{"bb:multi"});
}

TEST(ArchiveManifest, OciIndexErrors) {
  Blobs blobs;
  EXPECT_FALSE(parse_oci_index("{}", blobs.reader()));
  EXPECT_FALSE(parse_oci_index(R"({"manifests":[{"digest":"sha256:)" + kHexA + R"("}]})", blobs.reader()));
  const std::string bad = blobs.add({{"config", {{"digest", "sha256:../x"}}}, {"layers", json::array()}});
  auto r = parse_oci_index(json{{"manifests", {{{"digest", bad}}}}}.dump(), blobs.reader());
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("unsupported digest"), std::string::npos);
}

TEST(ArchiveManifest, WhatSaveWritesReadsBack) {
  SavedImage img;
  img.config_digest = "sha256:" + kHexA;
  img.config_size = 10;
  img.layers = {{"sha256:" + kHexB, 2048}, {"sha256:" + kHexC, 4096}};
  img.tags = {*parse_reference("busybox:latest"), *parse_reference("127.0.0.1:5000/me/x:2")};
  const json manifest = docker_manifest({img});
  auto entries = parse_docker_manifest(manifest.dump());
  ASSERT_TRUE(entries);
  EXPECT_EQ((*entries)[0].config, "blobs/sha256/" + kHexA);
  EXPECT_EQ((*entries)[0].layers, (std::vector<std::string>{"blobs/sha256/" + kHexB, "blobs/sha256/" + kHexC}));
  EXPECT_EQ((*entries)[0].repo_tags, (std::vector<std::string>{"busybox:latest", "127.0.0.1:5000/me/x:2"}));

  Blobs blobs;
  const std::string m = oci_manifest_bytes(img);
  blobs.by_digest[sha256_digest(m)] = m;
  const json index = oci_index({img}, {{sha256_digest(m), int64_t(m.size())}});
  ASSERT_EQ(index["manifests"].size(), 2u);
  EXPECT_EQ(index["manifests"][0]["annotations"]["io.containerd.image.name"], "docker.io/library/busybox:latest");
  EXPECT_EQ(index["manifests"][0]["annotations"]["org.opencontainers.image.ref.name"], "latest");
  auto from_index = parse_oci_index(index.dump(), blobs.reader());
  ASSERT_TRUE(from_index) << from_index.error().message;
  EXPECT_EQ((*from_index)[0].layers, (*entries)[0].layers);
  EXPECT_EQ(legacy_repositories({img})["busybox"]["latest"], kHexC);
  EXPECT_TRUE(docker_manifest({SavedImage{img.config_digest, 1, {}, {}}})[0]["RepoTags"].is_null());
}

TEST(ArchiveMembers, FollowsLinksInsideTheArchiveOnly) {
  TempDir t;
  const std::string tar = write_tar(t.path, "a.tar", [&](TarStreamWriter& w) {
    ASSERT_TRUE(w.add_bytes("./one/layer.tar", "layer bytes"));
    ASSERT_TRUE(w.add_bytes("manifest.json", "[]"));
  });
  auto m = ArchiveMembers::read(tar, t.path + "/scratch");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_TRUE((*m)->contains("one/layer.tar"));
  EXPECT_TRUE((*m)->contains("./manifest.json"));
  EXPECT_EQ(*(*m)->read_small("one/layer.tar"), "layer bytes");
  EXPECT_FALSE((*m)->contains("two/layer.tar"));
  EXPECT_FALSE((*m)->read_small("one/layer.tar", 3));
  m->reset();
  EXPECT_FALSE(fs::exists(t.path + "/scratch"));  // the scratch folder goes with it
}

TEST(ArchiveMembers, RefusesMembersOutsideAndTruncatedArchives) {
  TempDir t;
  const std::string tar = write_tar(t.path, "evil.tar", [&](TarStreamWriter& w) {
    ASSERT_TRUE(w.add_bytes("ok", "x"));
    ASSERT_TRUE(w.add_bytes("../../escaped", "x"));
  });
  auto m = ArchiveMembers::read(tar, t.path + "/scratch");
  ASSERT_FALSE(m);
  EXPECT_EQ(m.error().kind, ErrorKind::InvalidParameter);
  EXPECT_NE(m.error().message.find("outside the archive"), std::string::npos) << m.error().message;
  EXPECT_FALSE(fs::exists(t.path + "/escaped"));

  const std::string big = write_tar(t.path, "big.tar", [&](TarStreamWriter& w) {
    ASSERT_TRUE(w.add_bytes("blob", std::string(100000, 'z')));
  });
  ASSERT_EQ(::truncate(big.c_str(), 50000), 0);
  auto cut = ArchiveMembers::read(big, t.path + "/scratch2");
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().kind, ErrorKind::InvalidParameter);
}

TEST(ArchiveTar, MergedTreeUpperHidesLower) {
  TempDir t;
  for (const char* d : {"/upper/etc", "/lower/etc", "/lower/usr/bin"}) ASSERT_TRUE(fs::mkdir_all(t.path + d));
  ASSERT_TRUE(fs::write_file(t.path + "/upper/etc/hostname", "upper"));
  ASSERT_TRUE(fs::write_file(t.path + "/lower/etc/hostname", "lower"));
  ASSERT_TRUE(fs::write_file(t.path + "/lower/etc/group", "g"));
  ASSERT_TRUE(fs::write_file(t.path + "/lower/usr/bin/tool", "t"));
  ASSERT_EQ(::symlink("usr/bin/tool", (t.path + "/upper/tool").c_str()), 0);
  const std::string tar = write_tar(t.path, "merged.tar", [&](TarStreamWriter& w) {
    ASSERT_TRUE(w.add_merged_tree({t.path + "/upper", t.path + "/lower"}));
  });
  auto m = ArchiveMembers::read(tar, t.path + "/scratch");
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(*(*m)->read_small("etc/hostname"), "upper");
  EXPECT_EQ(*(*m)->read_small("etc/group"), "g");
  EXPECT_EQ(*(*m)->read_small("usr/bin/tool"), "t");
  EXPECT_EQ(*(*m)->read_small("tool"), "t");  // the link resolved within the archive
}

TEST(ArchiveTar, MergedTreeAppliesWhiteouts) {
  TempDir t;
  for (const char* d : {"/upper", "/lower/gone", "/lower/opq"}) ASSERT_TRUE(fs::mkdir_all(t.path + d));
  ASSERT_TRUE(fs::write_file(t.path + "/lower/gone/f", "x"));
  ASSERT_TRUE(fs::write_file(t.path + "/lower/opq/old", "x"));
  ASSERT_TRUE(fs::write_file(t.path + "/lower/kept", "k"));
  if (::mknod((t.path + "/upper/gone").c_str(), S_IFCHR | 0, 0) != 0) GTEST_SKIP() << "mknod needs CAP_MKNOD";
  ASSERT_TRUE(fs::mkdir_all(t.path + "/upper/opq"));
  if (::setxattr((t.path + "/upper/opq").c_str(), "trusted.overlay.opaque", "y", 1, 0) != 0)
    GTEST_SKIP() << "trusted xattrs need CAP_SYS_ADMIN";
  ASSERT_TRUE(fs::write_file(t.path + "/upper/opq/new", "n"));
  const std::string merged = write_tar(t.path, "merged.tar", [&](TarStreamWriter& w) {
    ASSERT_TRUE(w.add_merged_tree({t.path + "/upper", t.path + "/lower"}));
  });
  auto m = ArchiveMembers::read(merged, t.path + "/scratch");
  ASSERT_TRUE(m);
  EXPECT_TRUE((*m)->contains("kept"));
  EXPECT_TRUE((*m)->contains("opq/new"));
  EXPECT_FALSE((*m)->contains("opq/old"));
  EXPECT_FALSE((*m)->contains("gone/f"));

  // As a layer, the same folder keeps its whiteouts in the image format.
  const std::string layer = write_tar(t.path, "layer.tar", [&](TarStreamWriter& w) {
    ASSERT_TRUE(w.add_layer_tree(t.path + "/upper"));
  });
  auto l = ArchiveMembers::read(layer, t.path + "/scratch2");
  ASSERT_TRUE(l);
  EXPECT_TRUE((*l)->contains(".wh.gone"));
  EXPECT_TRUE((*l)->contains("opq/.wh..wh..opq"));
  EXPECT_TRUE((*l)->contains("opq/new"));
}
