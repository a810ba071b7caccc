#pragma once
// The image store behind /images/*: configs stored by content address,
// tags in repositories.json, layers in the LayerStore.
//   <root>/image/overlay2/imagedb/content/sha256/<hex>   config bytes
//   <root>/image/overlay2/repositories.json              tags → ids
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/images/image_filters.hpp"
#include "daemon/images/layer_store.hpp"
#include "daemon/images/reference.hpp"

namespace mydocker::daemon::images {

struct Image {
  std::string id;  // "sha256:<hex>" of the config bytes
  nlohmann::json config;
  std::vector<std::string> repo_tags;     // "busybox:latest"
  std::vector<std::string> repo_digests;  // "busybox@sha256:..." (the manifest's digest)
  int64_t created_ns = 0;
  int64_t size = 0;
};

// A container made from an image, as rmi and prune weigh it.
struct ImageUser {
  std::string container_id;
  bool running = false;
};
// The containers (removed ones excluded) whose image is the given id.
using ImageUsersFn = std::function<std::vector<ImageUser>(const std::string& image_id)>;

// GET /images/json and the images of GET /system/df.
struct ImageListOptions {
  Filters filters;
  bool shared_size = false;      // SharedSize computed, else -1
  bool container_count = false;  // Containers counted, else -1
};

struct ImagePruneReport {
  nlohmann::json deleted = nlohmann::json::array();  // [{"Untagged":..},{"Deleted":..}]
  uint64_t space_reclaimed = 0;
};

class ImageService {
 public:
  ImageService(std::string data_root, LayerStore& layers);
  Result<void> restore();

  Result<Image> import_tarball(const std::string& tar_path, const std::string& repo, const std::string& tag,
                               const std::vector<std::string>& changes, const std::string& message);
  // An image whose config came from a registry (or an archive), stored
  // byte for byte (its id is their digest); tagged as `tag` when given, and
  // known by `repo_digest` ("name@sha256:...") when given. Its layers must
  // be in the layer store already.
  Result<Image> add_image(const std::string& config_bytes, const std::optional<Reference>& tag,
                          const std::string& repo_digest);
  // POST /images/{name}/tag.
  Result<void> tag(std::string_view source, const Reference& target);
  // A digest a push produced for a repository of this image.
  Result<void> add_repo_digest(const std::string& id, const std::string& repo_digest);
  // The config exactly as stored (what the image id is the digest of).
  Result<std::string> config_bytes(const std::string& id) const;
  // By reference ("busybox", "busybox:1.36") or id (full, "sha256:...", or a unique prefix).
  Result<Image> resolve(std::string_view name_or_id) const;
  std::vector<Image> list() const;
  nlohmann::json summary_json(const Image& image) const;
  nlohmann::json inspect_json(const Image& image) const;
  // GET /images/json: Docker's summaries, newest first (image_list.cpp).
  Result<nlohmann::json> list_json(const ImageListOptions& options, const ImageUsersFn& users) const;
  // GET /images/{name}/history, newest first (image_history.cpp).
  Result<nlohmann::json> history_json(std::string_view name) const;
  // DELETE /images/{name} as Docker: untag, or delete with the layers only
  // it used; 409 for images in use or referenced elsewhere (image_delete.cpp).
  Result<nlohmann::json> remove(std::string_view name, bool force, bool noprune, const ImageUsersFn& users);
  // The same, where any user counts as a stopped container.
  Result<nlohmann::json> remove(std::string_view name, bool force,
                                const std::function<std::optional<std::string>(const std::string&)>& in_use);
  // POST /images/prune (image_prune.cpp).
  Result<ImagePruneReport> prune(const Filters& filters, const ImageUsersFn& users);
  // Bytes of every layer the images use, each counted once (system df).
  int64_t layers_size() const;
  // Bytes a container wrote to its own layer (SizeRw).
  int64_t container_rw_size(const std::string& container_id) const;

 private:
  std::string content_dir() const { return root_ + "/image/overlay2/imagedb/content/sha256"; }
  std::string repositories_file() const { return root_ + "/image/overlay2/repositories.json"; }
  Result<void> save_repositories_locked() const;
  Result<Image> load_image(const std::string& id) const;
  Result<std::string> store_config(const nlohmann::json& config);
  std::vector<std::string> tags_of_locked(const std::string& id) const;
  Result<Image> resolve_locked(std::string_view name_or_id) const;
  // Deletes the image and returns the chain ids of the layers that went
  // with it; retain_layers keeps them for the stopped containers still
  // using the image (a forced rmi).
  std::vector<std::string> delete_image_locked(const std::string& id, bool retain_layers = false);
  // Chains of every image, and of deleted images kept for their containers.
  std::vector<std::vector<std::string>> chains_in_use_locked() const;
  // Lets the layers of deleted images go once no container uses them.
  void drop_retained_locked(const ImageUsersFn& users);
  std::string retained_file() const { return root_ + "/image/overlay2/retained-layers.json"; }
  Result<nlohmann::json> remove_locked(std::string_view name, bool force, const ImageUsersFn& users);
  // Docker's rule for deleting by id: at most one tag, all references in one repository.
  bool single_reference_locked(const std::string& id) const;

  std::string root_;
  LayerStore& layers_;
  mutable std::mutex mu_;
  std::map<std::string, Image> images_;        // by id
  std::map<std::string, std::string> tags_;    // "busybox:latest" → id
  std::map<std::string, std::string> digests_; // "busybox@sha256:..." → id
  // Deleted images' layers that containers still read: id → chain ids.
  std::map<std::string, std::vector<std::string>> retained_;
  std::vector<std::string> digests_of_locked(const std::string& id) const;
  void refresh_names_locked();

 public:
  // For save/load, which work on layers and images together.
  LayerStore& layer_store() const { return layers_; }
  // An image's layer chain ids, bottom first; also for an image deleted
  // with -f whose layers are still kept for its containers.
  Result<std::vector<std::string>> layer_chains(const std::string& image_id) const;
  // Deletes layers no image uses (and nothing pins): what a failed load left.
  void release_unused_layers();
};

}  // namespace mydocker::daemon::images
