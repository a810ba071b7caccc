#include "daemon/containers/container_store.hpp"

#include <dirent.h>
#include <spdlog/spdlog.h>

#include "common/fs.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

std::vector<std::shared_ptr<Container>> ContainerStore::load_all() {
  std::vector<std::shared_ptr<Container>> out;
  DIR* d = ::opendir(paths_.containers_dir().c_str());
  if (!d) return out;
  while (dirent* e = ::readdir(d)) {
    std::string id = e->d_name;
    if (id.size() != 64) continue;
    auto text = fs::read_file(paths_.container_config(id));
    if (!text) {
      spdlog::warn("skipping container {}: {}", id, text.error().message);
      continue;
    }
    auto c = std::make_shared<Container>();
    try {
      json j = json::parse(*text);
      if (auto r = Container::from_disk_json(j, *c); !r) {
        spdlog::warn("skipping container {}: {}", id, r.error().message);
        continue;
      }
      auto hc = fs::read_file(paths_.container_hostconfig(id));
      c->host_config = hc ? json::parse(*hc) : json::object();
    } catch (const json::exception& ex) {
      spdlog::warn("skipping container {}: {}", id, ex.what());
      continue;
    }
    add(c);
    out.push_back(c);
  }
  ::closedir(d);
  return out;
}

Result<std::shared_ptr<Container>> ContainerStore::find(std::string_view key) const {
  std::lock_guard lk(mu_);
  std::string k(key);
  if (k.empty()) return fail(Error::not_found("No such container: "));
  if (auto it = by_id_.find(k); it != by_id_.end()) return it->second;
  std::string as_name = k.front() == '/' ? k : "/" + k;
  if (auto it = names_.find(as_name); it != names_.end()) {
    if (auto c = by_id_.find(it->second); c != by_id_.end()) return c->second;
  }
  std::shared_ptr<Container> match;
  for (auto it = by_id_.lower_bound(k); it != by_id_.end() && it->first.starts_with(k); ++it) {
    if (match) return fail(Error::invalid("multiple IDs found with provided prefix: " + k));
    match = it->second;
  }
  if (match) return match;
  return fail(Error::not_found("No such container: " + k));
}

std::vector<std::shared_ptr<Container>> ContainerStore::all() const {
  std::lock_guard lk(mu_);
  std::vector<std::shared_ptr<Container>> out;
  out.reserve(by_id_.size());
  for (auto& [id, c] : by_id_) out.push_back(c);
  return out;
}

Result<void> ContainerStore::reserve_name(const std::string& name, const std::string& id) {
  std::lock_guard lk(mu_);
  auto [it, inserted] = names_.emplace(name, id);
  if (!inserted && it->second != id)
    return fail(Error::conflict("Conflict. The container name \"" + name + "\" is already in use by container \"" +
                                it->second + "\". You have to remove (or rename) that container to be able to reuse that name."));
  return {};
}

void ContainerStore::release_name(const std::string& name) {
  std::lock_guard lk(mu_);
  names_.erase(name);
}

void ContainerStore::add(std::shared_ptr<Container> c) {
  std::lock_guard lk(mu_);
  names_[c->name] = c->id;
  by_id_[c->id] = std::move(c);
}

void ContainerStore::erase(const std::string& id) {
  std::lock_guard lk(mu_);
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return;
  auto n = names_.find(it->second->name);
  if (n != names_.end() && n->second == id) names_.erase(n);
  by_id_.erase(it);
}

Result<void> ContainerStore::checkpoint(const Container& c) const {
  TRY_VOID(fs::write_file_atomic(paths_.container_config(c.id), c.to_disk_json().dump()));
  return fs::write_file_atomic(paths_.container_hostconfig(c.id), c.host_config.dump());
}

}  // namespace mydocker::daemon::containers
