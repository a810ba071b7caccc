// GET /images/json: the summaries Docker's daemon gives, filtered.
#include <algorithm>
#include <filesystem>
#include <set>
#include <sys/stat.h>

#include "common/fs.hpp"
#include "common/time.hpp"
#include "daemon/images/image_service.hpp"

namespace mydocker::daemon::images {

using nlohmann::json;

namespace {
std::vector<std::string> chains_of(const Image& img) {
  return LayerStore::chain_ids(img.config["rootfs"].value("diff_ids", std::vector<std::string>{}));
}

std::map<std::string, std::string> labels_of(const Image& img) {
  std::map<std::string, std::string> out;
  const json cfg = img.config.value("config", json::object());
  if (cfg.is_object() && cfg.contains("Labels") && cfg["Labels"].is_object())
    for (const auto& [k, v] : cfg["Labels"].items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

}  // namespace

json ImageService::summary_json(const Image& img) const {
  const json cfg = img.config.value("config", json::object());
  json labels = cfg.is_object() ? cfg.value("Labels", json(nullptr)) : json(nullptr);
  return {{"Containers", -1},
          {"Created", img.created_ns / 1000000000},
          {"Id", img.id},
          {"Labels", labels.is_object() && !labels.empty() ? labels : json(nullptr)},
          {"ParentId", ""},
          {"RepoDigests", img.repo_digests},
          {"RepoTags", img.repo_tags},
          {"SharedSize", -1},
          {"Size", img.size},
          {"VirtualSize", img.size}};
}

Result<json> ImageService::list_json(const ImageListOptions& options, const ImageUsersFn& users) const {
  std::lock_guard lk(mu_);
  auto created_of = [this](const std::string& name) -> Result<int64_t> {
    TRY_ASSIGN(Image img, resolve_locked(name));
    return img.created_ns;
  };
  TRY_ASSIGN(ListFilter filter, parse_list_filters(options.filters, created_of, timeutil::now_ns()));
  // How many images use each layer, for SharedSize.
  std::map<std::string, int> layer_refs;
  if (options.shared_size)
    for (const auto& [id, img] : images_)
      for (const auto& c : chains_of(img)) ++layer_refs[c];
  std::vector<const Image*> selected;
  for (const auto& [id, img] : images_) selected.push_back(&img);
  std::stable_sort(selected.begin(), selected.end(), [](auto* a, auto* b) { return a->created_ns > b->created_ns; });
  json out = json::array();
  for (const Image* img : selected) {
    if (filter.before_ns && img->created_ns >= *filter.before_ns) continue;
    if (filter.since_ns && img->created_ns <= *filter.since_ns) continue;
    if (!filter.labels.empty() && !labels_match(filter.labels, labels_of(*img))) continue;
    json s = summary_json(*img);
    // reference=: an image shows only the names that match.
    if (!filter.references.empty()) {
      auto keep = [&](const std::vector<std::string>& names) -> Result<json> {
        json kept = json::array();
        for (const auto& n : names)
          for (const auto& pattern : filter.references) {
            TRY_ASSIGN(bool hit, reference_match(pattern, n));
            if (hit) {
              kept.push_back(n);
              break;
            }
          }
        return kept;
      };
      TRY_ASSIGN(json tags, keep(img->repo_tags));
      TRY_ASSIGN(json digests, keep(img->repo_digests));
      s["RepoTags"] = tags;
      s["RepoDigests"] = digests;
    }
    const bool untagged = s["RepoTags"].empty() && s["RepoDigests"].empty();
    if (untagged && (filter.dangling == false || !filter.references.empty())) continue;
    if (!untagged && filter.dangling == true && !s["RepoTags"].empty()) continue;
    if (options.container_count) s["Containers"] = users ? users(img->id).size() : 0;
    if (options.shared_size) {
      int64_t shared = 0;
      for (const auto& c : chains_of(*img))
        if (layer_refs[c] > 1) shared += layers_.layer_size(c);
      s["SharedSize"] = shared;
    }
    out.push_back(std::move(s));
  }
  return out;
}

int64_t ImageService::layers_size() const {
  std::lock_guard lk(mu_);
  std::set<std::string> chains;
  for (const auto& [id, img] : images_)
    for (const auto& c : chains_of(img)) chains.insert(c);
  int64_t total = 0;
  for (const auto& c : chains) total += layers_.layer_size(c);
  return total;
}

int64_t ImageService::container_rw_size(const std::string& container_id) const {
  // The layouts LayerStore::create_container_layer makes: an overlay upper
  // folder holds just what the container wrote; a vfs copy holds the whole
  // root (Docker's vfs driver reports it the same way).
  const std::string upper = root_ + "/overlay2/" + container_id + "/diff";
  std::error_code ec;
  if (std::filesystem::is_directory(upper, ec)) return fs::tree_size(upper);
  const std::string copy = root_ + "/vfs/dir/" + container_id;
  if (!std::filesystem::is_directory(copy, ec)) return 0;
  return fs::tree_size(copy);
}

}  // namespace mydocker::daemon::images
