#include "daemon/images/image_archive_writer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "common/random_id.hpp"
#include "common/unique_fd.hpp"
#include "daemon/images/blob_file.hpp"
#include "daemon/images/digest.hpp"
#include "daemon/images/image_archive_decompress.hpp"
#include "daemon/images/image_archive_manifest.hpp"

namespace mydocker::daemon::images {

using nlohmann::json;

namespace {
// A scratch file that goes when the scope ends, whatever happened.
struct TempFile {
  std::string path;
  explicit TempFile(std::string p) : path(std::move(p)) {}
  ~TempFile() { ::unlink(path.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
};

// The uncompressed tar of one layer in dest: its kept blob decompressed,
// or, for a layer stored without one, its directory tarred again.
Result<SavedLayer> layer_tar(const LayerStore& layers, const std::string& chain, const std::string& diff_id,
                             const std::string& dest) {
  UniqueFd fd(::open(dest.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return fail(Error::from_errno(errno, "create " + dest));
  if (layers.layer_blob(chain)) {
    TRY_ASSIGN(Decompressed d, decompress_into(layers.blob_path(chain), fd.get(), dest));
    if (d.digest == diff_id) return SavedLayer{d.digest, d.size};
    spdlog::warn("blob of layer {} decompresses to {}: tarring its directory again", diff_id, d.digest);
    if (::ftruncate(fd.get(), 0) != 0 || ::lseek(fd.get(), 0, SEEK_SET) != 0)
      return fail(Error::from_errno(errno, "truncate " + dest));
  }
  const std::string dir = layers.layer_diff_dir(chain);
  if (dir.empty()) return fail(Error::internal("layer " + chain + " is missing"));
  {
    TarStreamWriter tar(fd_sink(fd.get()));
    TRY_VOID(tar.add_layer_tree(dir));
    TRY_VOID(tar.finish());
  }
  SavedLayer l;
  TRY_ASSIGN(l.diff_id, file_digest(dest));
  l.size = ::lseek(fd.get(), 0, SEEK_END);
  // Without the original bytes the digest differs from the config's diff
  // id (tar headers are not reproducible); the archive stays
  // content-addressed, but a loader will refuse this layer.
  if (l.diff_id != diff_id) spdlog::warn("layer {} has no kept blob; its tar now has digest {}", diff_id, l.diff_id);
  return l;
}

Result<void> write_blobs(const ImageService& images, const std::vector<SavePlanImage>& plan, TarStreamWriter& tar,
                         std::vector<SavedImage>& saved) {
  const LayerStore& layers = images.layer_store();
  std::map<std::string, SavedLayer> done;  // by diff id: layers images share go in once
  std::set<std::string> written;
  for (const auto& p : plan) {
    SavedImage s;
    s.config_digest = p.image.id;
    s.config_size = int64_t(p.config.size());
    s.tags = p.tags;
    if (written.insert(p.image.id).second) TRY_VOID(tar.add_bytes("blobs/sha256/" + p.image.id.substr(7), p.config));
    const std::vector<std::string> diff_ids = p.image.config["rootfs"].value("diff_ids", std::vector<std::string>{});
    const auto chains = LayerStore::chain_ids(diff_ids);
    for (size_t i = 0; i < diff_ids.size(); ++i) {
      if (auto it = done.find(diff_ids[i]); it != done.end()) {
        s.layers.push_back(it->second);
        continue;
      }
      TempFile tmp(layers.tmp_dir() + "/save-" + random_hex_id().substr(0, 16));
      TRY_ASSIGN(SavedLayer l, layer_tar(layers, chains[i], diff_ids[i], tmp.path));
      if (written.insert(l.diff_id).second) TRY_VOID(tar.add_file("blobs/sha256/" + l.diff_id.substr(7), tmp.path));
      done[diff_ids[i]] = l;
      s.layers.push_back(l);
    }
    const std::string manifest = oci_manifest_bytes(s);
    const std::string digest = sha256_digest(manifest);
    if (written.insert(digest).second) TRY_VOID(tar.add_bytes("blobs/sha256/" + digest.substr(7), manifest));
    saved.push_back(std::move(s));
  }
  return {};
}
}  // namespace

Result<std::vector<SavePlanImage>> plan_save(const ImageService& images, const std::vector<std::string>& names) {
  std::vector<SavePlanImage> plan;
  std::map<std::string, size_t> by_id;
  auto add = [&](const Image& img, const std::optional<Reference>& tag) -> Result<void> {
    auto [it, fresh] = by_id.try_emplace(img.id, plan.size());
    if (fresh) {
      TRY_ASSIGN(std::string config, images.config_bytes(img.id));
      plan.push_back({img, std::move(config), {}});
    }
    auto& tags = plan[it->second].tags;
    if (tag && std::none_of(tags.begin(), tags.end(), [&](const Reference& t) {
          return t.familiar_string() == tag->familiar_string();
        }))
      tags.push_back(*tag);
    return {};
  };
  if (names.empty()) return fail(Error::invalid("no images specified"));
  for (const auto& name : names) {
    auto bare = parse_reference(name, false);
    if (bare && bare->tag.empty() && bare->digest.empty()) {
      // A repository alone: every tag of it, as `docker save busybox` does.
      bool any = false;
      for (const auto& img : images.list())
        for (const auto& t : img.repo_tags) {
          auto ref = parse_reference(t);
          if (!ref || ref->familiar_name() != bare->familiar_name()) continue;
          TRY_VOID(add(img, *ref));
          any = true;
        }
      if (any) continue;
    }
    TRY_ASSIGN(Image img, images.resolve(name));
    std::optional<Reference> tag;
    if (auto ref = parse_reference(name); ref && ref->digest.empty() &&
                                          std::ranges::count(img.repo_tags, ref->familiar_string()) > 0)
      tag = *ref;
    TRY_VOID(add(img, tag));
  }
  return plan;
}

Result<void> write_save(const ImageService& images, const std::vector<SavePlanImage>& plan, const ArchiveSink& sink) {
  TarStreamWriter tar(sink);
  TRY_VOID(tar.add_bytes("oci-layout", R"({"imageLayoutVersion":"1.0.0"})"));
  TRY_VOID(tar.add_directory("blobs/"));
  TRY_VOID(tar.add_directory("blobs/sha256/"));
  std::vector<SavedImage> saved;
  TRY_VOID(write_blobs(images, plan, tar, saved));
  std::vector<std::pair<std::string, int64_t>> manifests;
  for (const auto& s : saved) {
    const std::string m = oci_manifest_bytes(s);
    manifests.emplace_back(sha256_digest(m), int64_t(m.size()));
  }
  TRY_VOID(tar.add_bytes("index.json", oci_index(saved, manifests).dump()));
  TRY_VOID(tar.add_bytes("manifest.json", docker_manifest(saved).dump()));
  if (const json repos = legacy_repositories(saved); !repos.empty())
    TRY_VOID(tar.add_bytes("repositories", repos.dump()));
  return tar.finish();
}

}  // namespace mydocker::daemon::images
