#pragma once
// The index files of an image archive, read and written: Docker's
// manifest.json, the OCI layout's index.json and image manifests, and the
// legacy `repositories`. Pure JSON work, no files, so it is unit-tested.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "daemon/images/reference.hpp"

namespace mydocker::daemon::images {

// One image an archive holds: where its config and layers are inside the
// archive (member paths) and the names it carries.
struct ArchiveImageEntry {
  std::string config;
  std::vector<std::string> layers;  // bottom first
  std::vector<std::string> repo_tags;  // as written: "busybox:latest", "docker.io/library/busybox:latest"
};

// Docker's manifest.json: [{"Config": ..., "RepoTags": [...], "Layers": [...]}].
Result<std::vector<ArchiveImageEntry>> parse_docker_manifest(std::string_view text);

// A blob's bytes by digest, checked against it.
using BlobReader = std::function<Result<std::string>(const std::string& digest)>;
// An OCI layout's index.json. Names come from the descriptors'
// io.containerd.image.name or a full org.opencontainers.image.ref.name (one
// that is only a tag names nothing); a nested index (multi-platform)
// contributes its linux/amd64 manifest.
Result<std::vector<ArchiveImageEntry>> parse_oci_index(std::string_view text, const BlobReader& read_blob);

// "blobs/sha256/<hex>" for "sha256:<hex>"; InvalidParameter for anything else.
Result<std::string> blob_member_path(std::string_view digest);

// What save writes for one image.
struct SavedLayer {
  std::string diff_id;  // the digest of the uncompressed layer tar, as the blob is named
  int64_t size = 0;
};
struct SavedImage {
  std::string config_digest;  // the image id
  int64_t config_size = 0;
  std::vector<SavedLayer> layers;
  std::vector<Reference> tags;
};

// The OCI image manifest (its bytes are a blob of the archive).
std::string oci_manifest_bytes(const SavedImage& image);
// index.json: one descriptor per tag of each image (one without names for
// an untagged image); manifests[i] is the digest and size of images[i]'s manifest.
nlohmann::json oci_index(const std::vector<SavedImage>& images,
                         const std::vector<std::pair<std::string, int64_t>>& manifests);
// manifest.json.
nlohmann::json docker_manifest(const std::vector<SavedImage>& images);
// `repositories`: {"busybox": {"latest": "<top layer hex>"}}.
nlohmann::json legacy_repositories(const std::vector<SavedImage>& images);

}  // namespace mydocker::daemon::images
