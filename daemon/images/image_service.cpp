#include "daemon/images/image_service.hpp"

#include <dirent.h>
#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/time.hpp"
#include "daemon/images/digest.hpp"
#include "daemon/images/dockerfile_changes.hpp"

namespace mydocker::daemon::images {

using nlohmann::json;

ImageService::ImageService(std::string data_root, LayerStore& layers) : root_(std::move(data_root)), layers_(layers) {}

Result<Image> ImageService::load_image(const std::string& id) const {
  TRY_ASSIGN(std::string bytes, fs::read_file(content_dir() + "/" + id.substr(7)));
  Image img;
  img.id = id;
  img.config = json::parse(bytes, nullptr, false);
  if (img.config.is_discarded()) return fail(Error::internal("corrupt image config " + id));
  img.created_ns = timeutil::parse_rfc3339(img.config.value("created", "")).value_or(0);
  std::vector<std::string> diff_ids = img.config["rootfs"].value("diff_ids", std::vector<std::string>{});
  for (const auto& chain : LayerStore::chain_ids(diff_ids)) img.size += layers_.layer_size(chain);
  return img;
}

Result<void> ImageService::restore() {
  TRY_VOID(fs::mkdir_all(content_dir(), 0700));
  std::lock_guard lk(mu_);
  if (DIR* d = ::opendir(content_dir().c_str())) {
    while (dirent* e = ::readdir(d)) {
      std::string hex = e->d_name;
      if (hex.size() != 64) continue;
      auto img = load_image("sha256:" + hex);
      if (!img) {
        spdlog::warn("skipping image {}: {}", hex, img.error().message);
        continue;
      }
      images_[img->id] = std::move(*img);
    }
    ::closedir(d);
  }
  if (auto text = fs::read_file(repositories_file())) {
    json repos = json::parse(*text, nullptr, false);
    const json all = repos.is_object() ? repos.value("Repositories", json::object()) : json::object();
    if (all.is_object())
      for (auto& [repo, tags] : all.items())
        for (auto& [ref, id] : tags.items())
          if (images_.contains(id.get<std::string>())) (ref.find('@') == std::string::npos ? tags_ : digests_)[ref] = id.get<std::string>();
  }
  if (auto text = fs::read_file(retained_file())) {
    json kept = json::parse(*text, nullptr, false);
    if (kept.is_object())
      for (auto& [id, chains] : kept.items())
        if (chains.is_array()) retained_[id] = chains.get<std::vector<std::string>>();
  }
  refresh_names_locked();
  return {};
}

void ImageService::refresh_names_locked() {
  for (auto& [id, img] : images_) {
    img.repo_tags = tags_of_locked(id);
    img.repo_digests = digests_of_locked(id);
  }
}

std::vector<std::string> ImageService::digests_of_locked(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& [ref, target] : digests_)
    if (target == id) out.push_back(ref);
  return out;
}

Result<Image> ImageService::add_image(const std::string& bytes, const std::optional<Reference>& tag,
                                      const std::string& repo_digest) {
  const std::string id = sha256_digest(bytes);
  const auto config = json::parse(bytes, nullptr, false);
  if (!config.is_object() || !config.contains("rootfs")) return fail(Error::invalid("invalid image config " + id));
  TRY_VOID(fs::write_file_atomic(content_dir() + "/" + id.substr(7), bytes, 0600));
  std::lock_guard lk(mu_);
  if (!images_.contains(id)) {
    TRY_ASSIGN(Image img, load_image(id));
    images_[id] = std::move(img);
  }
  if (tag) tags_[tag->familiar_string()] = id;
  if (!repo_digest.empty()) digests_[repo_digest] = id;
  TRY_VOID(save_repositories_locked());
  refresh_names_locked();
  return images_.at(id);
}

Result<void> ImageService::tag(std::string_view source, const Reference& target) {
  std::lock_guard lk(mu_);
  TRY_ASSIGN(Image img, resolve_locked(source));
  tags_[target.familiar_string()] = img.id;
  TRY_VOID(save_repositories_locked());
  refresh_names_locked();
  return {};
}

Result<void> ImageService::add_repo_digest(const std::string& id, const std::string& repo_digest) {
  std::lock_guard lk(mu_);
  if (!images_.contains(id)) return fail(Error::not_found("No such image: " + id));
  // One digest per repository for an image, as Docker keeps the latest push.
  const std::string repo = repo_digest.substr(0, repo_digest.find('@'));
  std::erase_if(digests_, [&](const auto& kv) { return kv.second == id && kv.first.substr(0, kv.first.find('@')) == repo; });
  digests_[repo_digest] = id;
  TRY_VOID(save_repositories_locked());
  refresh_names_locked();
  return {};
}

Result<std::string> ImageService::config_bytes(const std::string& id) const {
  return fs::read_file(content_dir() + "/" + id.substr(7));
}

std::vector<std::string> ImageService::tags_of_locked(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& [ref, target] : tags_)
    if (target == id) out.push_back(ref);
  return out;
}

Result<void> ImageService::save_repositories_locked() const {
  json repos = json::object();
  for (const auto& [ref, id] : tags_) {
    std::string name = ref.substr(0, ref.rfind(':'));
    repos[name][ref] = id;
  }
  for (const auto& [ref, id] : digests_) repos[ref.substr(0, ref.find('@'))][ref] = id;
  return fs::write_file_atomic(repositories_file(), json{{"Repositories", repos}}.dump());
}

Result<std::string> ImageService::store_config(const json& config) {
  const std::string bytes = config.dump();
  const std::string id = sha256_digest(bytes);
  TRY_VOID(fs::write_file_atomic(content_dir() + "/" + id.substr(7), bytes, 0600));
  return id;
}

Result<Image> ImageService::import_tarball(const std::string& tar_path, const std::string& repo, const std::string& tag,
                                           const std::vector<std::string>& changes, const std::string& message) {
  std::optional<Reference> ref;
  if (!repo.empty()) {
    TRY_ASSIGN(Reference r, parse_reference(repo + (tag.empty() ? "" : ":" + tag)));
    ref = r;
  }
  json container_config = {{"Hostname", ""}, {"Domainname", ""}, {"User", ""}, {"AttachStdin", false},
                           {"AttachStdout", false}, {"AttachStderr", false}, {"Tty", false}, {"OpenStdin", false},
                           {"StdinOnce", false}, {"Env", nullptr}, {"Cmd", nullptr}, {"Image", ""},
                           {"Volumes", nullptr}, {"WorkingDir", ""}, {"Entrypoint", nullptr}, {"OnBuild", nullptr},
                           {"Labels", nullptr}};
  for (const auto& c : changes) TRY_VOID(apply_dockerfile_change(container_config, c));
  std::string diff_id;
  TRY_ASSIGN(std::string chain, layers_.add_layer_from_tar(tar_path, "", diff_id, /*pin=*/true));
  // Pinned until the image below names it (an image prune may run meanwhile).
  LayerPins pins(layers_);
  pins.adopt(chain);
  // Kept compressed, so that a push sends a blob whose digest never changes.
  TRY_VOID(layers_.keep_blob_from_tar(tar_path, chain));
  const std::string created = timeutil::format_rfc3339_nano(timeutil::now_ns());
  // Docker names the source when no message is given, in the config and in
  // the one history entry an import has.
  const std::string comment = message.empty() ? "Imported from -" : message;
  json config = {{"architecture", "amd64"},
                 {"os", "linux"},
                 {"created", created},
                 {"config", container_config},
                 {"rootfs", {{"type", "layers"}, {"diff_ids", {diff_id}}}},
                 {"comment", comment},
                 {"history", {{{"created", created}, {"comment", comment}}}}};
  TRY_ASSIGN(std::string id, store_config(config));
  std::lock_guard lk(mu_);
  if (ref) {
    tags_[ref->familiar_string()] = id;
    TRY_VOID(save_repositories_locked());
  }
  if (!images_.contains(id)) {
    TRY_ASSIGN(Image img, load_image(id));
    images_[id] = std::move(img);
  }
  refresh_names_locked();
  return images_.at(id);
}

Result<Image> ImageService::resolve_locked(std::string_view name) const {
  if (auto ref = parse_reference(name); ref) {
    if (!ref->digest.empty()) {
      if (auto it = digests_.find(ref->familiar_name() + "@" + ref->digest); it != digests_.end()) return images_.at(it->second);
    } else if (auto it = tags_.find(ref->familiar_string()); it != tags_.end()) {
      return images_.at(it->second);
    }
  }
  if (looks_like_image_id(name)) {
    std::string want(name.starts_with("sha256:") ? name : "sha256:" + std::string(name));
    const Image* match = nullptr;
    for (auto it = images_.lower_bound(want); it != images_.end() && it->first.starts_with(want); ++it) {
      if (match) return fail(Error::invalid("multiple IDs found with provided prefix: " + std::string(name)));
      match = &it->second;
    }
    if (match) return *match;
  }
  auto ref = parse_reference(name);
  if (!ref) return fail(ref.error());
  return fail(Error::not_found("No such image: " + ref->familiar_string()));
}

Result<Image> ImageService::resolve(std::string_view name) const {
  std::lock_guard lk(mu_);
  return resolve_locked(name);
}

std::vector<Image> ImageService::list() const {
  std::lock_guard lk(mu_);
  std::vector<Image> out;
  for (const auto& [id, img] : images_) out.push_back(img);
  return out;
}

json ImageService::inspect_json(const Image& img) const {
  std::vector<std::string> diff_ids = img.config["rootfs"].value("diff_ids", std::vector<std::string>{});
  std::string lower;
  for (const auto& chain : LayerStore::chain_ids(diff_ids)) lower = layers_.layer_diff_dir(chain) + (lower.empty() ? "" : ":" + lower);
  json out = {{"Id", img.id},
          {"RepoTags", img.repo_tags},
          {"RepoDigests", img.repo_digests},
          {"Parent", ""},
          {"Comment", img.config.value("comment", "")},
          {"Created", img.config.value("created", "")},
          {"Container", ""},
          {"ContainerConfig", img.config.value("container_config", json::object())},
          {"DockerVersion", ""},
          {"Author", img.config.value("author", "")},
          {"Config", img.config.value("config", json::object())},
          {"Architecture", img.config.value("architecture", "amd64")},
          {"Os", img.config.value("os", "linux")},
          {"Size", img.size},
          {"VirtualSize", img.size},
          {"GraphDriver", {{"Name", "overlay2"}, {"Data", {{"LowerDir", lower}}}}},
          {"RootFS", {{"Type", "layers"}, {"Layers", diff_ids}}},
          {"Metadata", {{"LastTagTime", "0001-01-01T00:00:00Z"}}}};
  // Docker leaves Variant out unless the image names one (linux/arm64/v8).
  if (const std::string v = img.config.value("variant", ""); !v.empty()) out["Variant"] = v;
  return out;
}

void ImageService::release_unused_layers() {
  std::lock_guard lk(mu_);
  layers_.release_unused(chains_in_use_locked());
}

}  // namespace mydocker::daemon::images
