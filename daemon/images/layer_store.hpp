#pragma once
// Layers on disk, Docker's overlay2 layout:
//   <root>/image/overlay2/layerdb/sha256/<chain-id>/{diff,size,cache-id}
//   <root>/overlay2/<cache-id>/diff          read-only image layers
//   <root>/overlay2/<container-id>/{diff,work,merged}   a container's layer
// With no overlayfs, a container gets a full copy under <root>/vfs/dir/<id>.
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace mydocker::daemon::images {

struct Image;

// A layer's compressed form as registries know it.
struct LayerBlob {
  std::string digest;      // "sha256:..." of the compressed bytes
  std::string media_type;  // e.g. application/vnd.docker.image.rootfs.diff.tar.gzip
  int64_t size = 0;
};

struct RootfsPlan {
  std::string rootfs_path;
  std::optional<std::string> overlay_options;  // nullopt: rootfs_path is a prepared copy
};

class LayerStore {
 public:
  // driver: "overlay2" (used when the kernel and file system allow it,
  // otherwise vfs) or "vfs" (always copy), as dockerd's --storage-driver.
  explicit LayerStore(std::string data_root, std::string driver = "overlay2");
  Result<void> restore();
  bool overlay_supported() const { return overlay_; }

  // Unpacks a tarball as a layer on top of `parent_chain` (empty for a base
  // layer) and returns its chain id; an identical layer is stored once.
  // With `pin`, the layer comes back pinned (unpin it once an image holds
  // it): an import learns the chain id only here, and a prune running
  // meanwhile must not take a layer no image names yet.
  Result<std::string> add_layer_from_tar(const std::string& tar_path, const std::string& parent_chain,
                                         std::string& diff_id_out, bool pin = false);
  // A layer unpacked as it downloads: a fresh folder under overlay2/ that
  // becomes a layer only through commit_layer (a guard removes it otherwise).
  struct NewLayerDir {
    std::string cache_id, path;  // path/diff is where the files go
  };
  Result<NewLayerDir> new_layer_dir();
  void discard_layer_dir(const NewLayerDir& dir);
  // Registers the unpacked folder as the layer (diff_id, size) on top of
  // parent_chain; when that layer exists already the folder is dropped.
  Result<std::string> commit_layer(const NewLayerDir& dir, const std::string& parent_chain, const std::string& diff_id,
                                   int64_t size, bool pin = false);
  // The compressed blob a layer came as, moved beside it (for push).
  Result<void> keep_blob(const std::string& chain_id, const std::string& blob_path, const LayerBlob& blob);
  // For a layer made from a local tarball (import, load): the tarball kept
  // gzip-compressed as its blob (as is when it is gzip already).
  Result<void> keep_blob_from_tar(const std::string& tar_path, const std::string& chain_id);
  bool has_layer(const std::string& chain_id) const;
  // The compressed blob kept for a layer (none for layers stored before blobs were kept).
  std::optional<LayerBlob> layer_blob(const std::string& chain_id) const;
  std::string blob_path(const std::string& chain_id) const;
  // Layers being pulled: not released while pinned, though no image uses them yet.
  void pin(const std::string& chain_id);
  void unpin(const std::string& chain_id);
  std::string tmp_dir() const { return root_ + "/tmp"; }
  // chain ids of an image, bottom first, from its config's diff_ids.
  static std::vector<std::string> chain_ids(const std::vector<std::string>& diff_ids);
  int64_t layer_size(const std::string& chain_id) const;
  std::string layer_diff_dir(const std::string& chain_id) const;
  // Deletes layers no image references any more.
  void release_unused(const std::vector<std::vector<std::string>>& chains_in_use);

  Result<RootfsPlan> create_container_layer(const std::string& container_id, const Image& image);
  Result<void> remove_container_layer(const std::string& container_id);

 private:
  std::string layerdb(const std::string& chain_id) const;
  bool detect_overlay();

  std::string root_;
  std::string driver_;
  bool overlay_ = false;
  mutable std::mutex mu_;
  std::map<std::string, int> pinned_;

 public:
  // The directories whose union is a container's file system, top first:
  // its own layer, then its image's (a vfs copy is the union already).
  // chains: the image's chain ids, bottom first (ImageService::layer_chains).
  Result<std::vector<std::string>> container_fs_dirs(const std::string& container_id,
                                                     const std::vector<std::string>& chains) const;
};

// Layers kept from release_unused while an operation works on them (a
// pull, a load, an import): unpinned when this goes, or at release().
class LayerPins {
 public:
  explicit LayerPins(LayerStore& layers) : layers_(layers) {}
  ~LayerPins() { release(); }
  LayerPins(const LayerPins&) = delete;
  LayerPins& operator=(const LayerPins&) = delete;
  void add(const std::string& chain_id) {
    layers_.pin(chain_id);
    chains_.push_back(chain_id);
  }
  // For a chain some call pinned already (add_layer_from_tar with pin).
  void adopt(const std::string& chain_id) { chains_.push_back(chain_id); }
  void release() {
    for (const auto& c : chains_) layers_.unpin(c);
    chains_.clear();
  }

 private:
  LayerStore& layers_;
  std::vector<std::string> chains_;
};

}  // namespace mydocker::daemon::images
