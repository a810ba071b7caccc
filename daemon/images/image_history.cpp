// GET /images/{name}/history: the config's history, newest first, each
// entry that made a layer sized from the layer store. Only the top entry
// is known by an id (ours has no parent chain), the others are "<missing>".
#include "common/time.hpp"
#include "daemon/images/image_service.hpp"

namespace mydocker::daemon::images {

using nlohmann::json;

Result<json> ImageService::history_json(std::string_view name) const {
  std::lock_guard lk(mu_);
  TRY_ASSIGN(Image img, resolve_locked(name));
  const auto chains = LayerStore::chain_ids(img.config["rootfs"].value("diff_ids", std::vector<std::string>{}));
  const json history = img.config.value("history", json::array());
  json out = json::array();
  size_t layer = 0;
  for (const auto& h : history.is_array() ? history : json::array()) {
    if (!h.is_object()) continue;
    int64_t size = 0;
    if (!h.value("empty_layer", false)) {
      if (layer >= chains.size()) return fail(Error::internal("too many non-empty layers in History section"));
      size = layers_.layer_size(chains[layer++]);
    }
    const int64_t created = timeutil::parse_rfc3339(h.value("created", "")).value_or(0) / 1000000000;
    out.insert(out.begin(), json{{"Comment", h.value("comment", "")},
                                 {"Created", created},
                                 {"CreatedBy", h.value("created_by", "")},
                                 {"Id", "<missing>"},
                                 {"Size", size},
                                 {"Tags", nullptr}});
  }
  if (!out.empty()) {
    out[0]["Id"] = img.id;
    out[0]["Tags"] = img.repo_tags.empty() ? json(nullptr) : json(img.repo_tags);
  }
  return out;
}

}  // namespace mydocker::daemon::images
