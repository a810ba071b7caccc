// DELETE /images/{name}: Docker's rules for untagging and deleting.
//  * By reference: that reference goes (409 when it is the image's only one
//    and a container uses the image, unless forced); the image is deleted
//    with its last reference.
//  * By id: allowed when the image has at most one tag and all its
//    references are in one repository (else 409 "referenced in multiple
//    repositories" unless forced); the references go, then the image.
//  * Never while a running container uses it ("cannot be forced"); a
//    forced delete by reference then only untags. A stopped user blocks
//    unless forced; forced, the image goes (as in Docker) but its layers
//    stay for the container's overlay (retained_, on disk), until a later
//    rmi or prune finds no container using them.
#include <unistd.h>

#include <algorithm>
#include <set>

#include "common/fs.hpp"
#include "daemon/images/image_service.hpp"

namespace mydocker::daemon::images {

using nlohmann::json;

namespace {
std::string repo_of(const std::string& familiar) {
  const size_t at = familiar.find('@');
  if (at != std::string::npos) return familiar.substr(0, at);
  const size_t colon = familiar.rfind(':');
  const size_t slash = familiar.rfind('/');
  return colon != std::string::npos && (slash == std::string::npos || colon > slash) ? familiar.substr(0, colon) : familiar;
}

struct Conflict {
  std::string message;
  bool hard = false;
  bool used = false;  // a container is the reason, not a reference
};

std::string short_id(const std::string& id) { return id.substr(id.starts_with("sha256:") ? 7 : 0, 12); }

Error conflict_error(const std::string& image_id, const Conflict& c) {
  return Error::conflict("conflict: unable to delete " + short_id(image_id) + " (" +
                         (c.hard ? "cannot be forced" : "must be forced") + ") - " + c.message);
}
}  // namespace

std::vector<std::vector<std::string>> ImageService::chains_in_use_locked() const {
  std::vector<std::vector<std::string>> in_use;
  for (const auto& [other, img] : images_)
    in_use.push_back(LayerStore::chain_ids(img.config["rootfs"].value("diff_ids", std::vector<std::string>{})));
  for (const auto& [id, chains] : retained_) in_use.push_back(chains);
  return in_use;
}

void ImageService::drop_retained_locked(const ImageUsersFn& users) {
  if (!users || !std::erase_if(retained_, [&](const auto& kv) { return users(kv.first).empty(); })) return;
  (void)fs::write_file_atomic(retained_file(), json(retained_).dump());
  layers_.release_unused(chains_in_use_locked());
}

std::vector<std::string> ImageService::delete_image_locked(const std::string& id, bool retain_layers) {
  std::vector<std::string> chains;
  if (auto it = images_.find(id); it != images_.end())
    chains = LayerStore::chain_ids(it->second.config["rootfs"].value("diff_ids", std::vector<std::string>{}));
  if (retain_layers) {
    // Written before the image goes: a crash in between keeps layers, never loses them.
    retained_[id] = chains;
    (void)fs::write_file_atomic(retained_file(), json(retained_).dump());
  }
  images_.erase(id);
  std::erase_if(tags_, [&](const auto& kv) { return kv.second == id; });
  std::erase_if(digests_, [&](const auto& kv) { return kv.second == id; });
  (void)::unlink((content_dir() + "/" + id.substr(7)).c_str());
  layers_.release_unused(chains_in_use_locked());
  // What went, top layer first as Docker lists them.
  std::vector<std::string> removed;
  for (auto it = chains.rbegin(); it != chains.rend(); ++it)
    if (!layers_.has_layer(*it)) removed.push_back(*it);
  return removed;
}

bool ImageService::single_reference_locked(const std::string& id) const {
  const auto tags = tags_of_locked(id);
  const auto digests = digests_of_locked(id);
  if (tags.size() + digests.size() == 0) return false;
  if (tags.size() > 1) return false;
  std::set<std::string> repos;
  for (const auto& t : tags) repos.insert(repo_of(t));
  for (const auto& d : digests) repos.insert(repo_of(d));
  return repos.size() == 1;
}

Result<json> ImageService::remove_locked(std::string_view name, bool force, const ImageUsersFn& users) {
  drop_retained_locked(users);
  TRY_ASSIGN(Image img, resolve_locked(name));
  const std::string id = img.id;
  const std::vector<ImageUser> user_list = users ? users(id) : std::vector<ImageUser>{};
  const auto running = std::find_if(user_list.begin(), user_list.end(), [](const auto& u) { return u.running; });
  const auto stopped = std::find_if(user_list.begin(), user_list.end(), [](const auto& u) { return !u.running; });
  const bool by_id = !name.empty() && (id.starts_with("sha256:" + std::string(name)) || id.starts_with(name));
  json out = json::array();
  bool removed_reference = false;
  if (!by_id) {
    TRY_ASSIGN(Reference ref, parse_reference(name));
    const std::string familiar = ref.familiar_string();
    if (!force && single_reference_locked(id) && !user_list.empty())
      return fail(Error::conflict("conflict: unable to remove repository reference \"" + std::string(name) +
                                  "\" (must force) - container " + user_list.front().container_id.substr(0, 12) +
                                  " is using its referenced image " + short_id(id)));
    (ref.digest.empty() ? tags_ : digests_).erase(familiar);
    out.push_back({{"Untagged", familiar}});
    // A tag gone with no other tag of its repository left takes that
    // repository's digests with it.
    if (ref.digest.empty()) {
      const std::string repo = ref.familiar_name();
      const auto tags = tags_of_locked(id);
      if (std::none_of(tags.begin(), tags.end(), [&](const auto& t) { return repo_of(t) == repo; }))
        for (const auto& d : digests_of_locked(id))
          if (repo_of(d) == repo) {
            digests_.erase(d);
            out.push_back({{"Untagged", d}});
          }
    }
    refresh_names_locked();
    if (!tags_of_locked(id).empty() || !digests_of_locked(id).empty()) {
      TRY_VOID(save_repositories_locked());
      return out;
    }
    removed_reference = true;
  } else if (single_reference_locked(id)) {
    if (running != user_list.end())
      return fail(conflict_error(id, {"image is being used by running container " + running->container_id.substr(0, 12), true, true}));
    if (!force && stopped != user_list.end())
      return fail(conflict_error(id, {"image is being used by stopped container " + stopped->container_id.substr(0, 12), false, true}));
    for (const auto& t : tags_of_locked(id)) {
      tags_.erase(t);
      out.push_back({{"Untagged", t}});
    }
    for (const auto& d : digests_of_locked(id)) {
      digests_.erase(d);
      out.push_back({{"Untagged", d}});
    }
    refresh_names_locked();
  }
  // The image itself, with the conflicts Docker checks before deleting.
  std::optional<Conflict> conflict;
  if (running != user_list.end())
    conflict = Conflict{"image is being used by running container " + running->container_id.substr(0, 12), true, true};
  else if (!force && (!tags_of_locked(id).empty() || !digests_of_locked(id).empty()))
    conflict = Conflict{"image is referenced in multiple repositories", false, false};
  else if (!force && stopped != user_list.end())
    conflict = Conflict{"image is being used by stopped container " + stopped->container_id.substr(0, 12), false, true};
  if (conflict) {
    TRY_VOID(save_repositories_locked());
    // A reference went and a container keeps the image: that was all.
    if (removed_reference && conflict->used) return out;
    return fail(conflict_error(id, *conflict));
  }
  for (const auto& t : tags_of_locked(id)) out.push_back({{"Untagged", t}});
  for (const auto& d : digests_of_locked(id)) out.push_back({{"Untagged", d}});
  // Forced past stopped containers: their layers stay while they exist.
  const auto layers = delete_image_locked(id, stopped != user_list.end());
  out.push_back({{"Deleted", id}});
  for (const auto& chain : layers) out.push_back({{"Deleted", chain}});
  refresh_names_locked();
  TRY_VOID(save_repositories_locked());
  return out;
}

Result<json> ImageService::remove(std::string_view name, bool force, bool /*noprune: we keep no parent chains*/,
                                  const ImageUsersFn& users) {
  std::lock_guard lk(mu_);
  return remove_locked(name, force, users);
}

Result<json> ImageService::remove(std::string_view name, bool force,
                                  const std::function<std::optional<std::string>(const std::string&)>& in_use) {
  return remove(name, force, false, [&](const std::string& id) {
    std::vector<ImageUser> out;
    if (auto user = in_use(id)) out.push_back({*user, false});
    return out;
  });
}

Result<std::vector<std::string>> ImageService::layer_chains(const std::string& image_id) const {
  std::lock_guard lk(mu_);
  if (auto it = images_.find(image_id); it != images_.end())
    return LayerStore::chain_ids(it->second.config["rootfs"].value("diff_ids", std::vector<std::string>{}));
  if (auto it = retained_.find(image_id); it != retained_.end()) return it->second;
  return fail(Error::not_found("No such image: " + image_id));
}

}  // namespace mydocker::daemon::images
