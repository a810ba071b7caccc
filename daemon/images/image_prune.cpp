// POST /images/prune: Docker's rules. Dangling images only by default (no
// tag left; digest-only references are dropped first), every image no
// container uses with dangling=false. Each goes through the same delete as
// rmi without force, so an image in use stays (the conflict is skipped).
#include <set>

#include "common/time.hpp"
#include "daemon/images/image_service.hpp"

namespace mydocker::daemon::images {

using nlohmann::json;

Result<ImagePruneReport> ImageService::prune(const Filters& filters, const ImageUsersFn& users) {
  TRY_ASSIGN(PruneFilter f, parse_prune_filters(filters, timeutil::now_ns()));
  std::lock_guard lk(mu_);
  drop_retained_locked(users);
  std::map<std::string, int64_t> layer_sizes;  // before they go
  std::vector<std::string> victims;
  for (const auto& [id, img] : images_) {
    if (f.until_ns && img.created_ns > *f.until_ns) continue;
    std::map<std::string, std::string> labels;
    const json cfg = img.config.value("config", json::object());
    if (cfg.is_object() && cfg.contains("Labels") && cfg["Labels"].is_object())
      for (const auto& [k, v] : cfg["Labels"].items())
        if (v.is_string()) labels[k] = v.get<std::string>();
    if (!labels_match(f.labels, labels)) continue;
    if (!f.not_labels.empty() && labels_match(f.not_labels, labels)) continue;
    if (f.dangling_only && !tags_of_locked(id).empty()) continue;
    victims.push_back(id);
    for (const auto& c : LayerStore::chain_ids(img.config["rootfs"].value("diff_ids", std::vector<std::string>{})))
      layer_sizes[c] = layers_.layer_size(c);
  }
  ImagePruneReport report;
  for (const auto& id : victims) {
    std::vector<std::string> names = tags_of_locked(id);
    for (const auto& d : digests_of_locked(id)) names.push_back(d);
    if (names.empty()) names.push_back(id.substr(7));
    for (const auto& n : names) {
      auto records = remove_locked(n, false, users);
      if (!records) continue;  // in use, or gone with an earlier name
      for (auto& r : *records) {
        if (r.contains("Deleted"))
          if (auto it = layer_sizes.find(r["Deleted"].get<std::string>()); it != layer_sizes.end())
            report.space_reclaimed += uint64_t(it->second);
        report.deleted.push_back(std::move(r));
      }
    }
  }
  return report;
}

}  // namespace mydocker::daemon::images
