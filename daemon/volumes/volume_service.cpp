#include "daemon/volumes/volume_service.hpp"

#include <sys/mount.h>
#include <sys/stat.h>

#include <filesystem>
#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "common/time.hpp"
#include "daemon/label_filter.hpp"
#include "daemon/volumes/volume_mount.hpp"

namespace mydocker::daemon::volumes {

using nlohmann::json;

namespace {
Error no_such_volume(const std::string& name) { return Error::not_found("get " + name + ": no such volume"); }
}  // namespace

VolumeService::VolumeService(const store::Paths& paths) : paths_(paths) {}

Result<void> VolumeService::restore() {
  TRY_VOID(fs::mkdir_all(paths_.volumes_dir(), 0701));
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(paths_.volumes_dir(), ec)) {
    const std::string name = entry.path().filename();
    auto text = fs::read_file(paths_.volume_meta(name));
    Volume v;
    if (!text || !Volume::from_disk_json(json::parse(*text, nullptr, false), v) || v.name != name) {
      spdlog::warn("volume {}: no readable volume.json, skipped", name);
      continue;
    }
    // Nothing runs yet: a filesystem left mounted by a previous daemon goes;
    // containers still running mount it again when they are reconciled.
    if (v.needs_mount()) (void)unmount_volume_fs(paths_.volume_data(name));
    volumes_[name] = std::move(v);
  }
  return {};
}

Result<void> VolumeService::validate_options(const std::map<std::string, std::string>& options) const {
  for (const auto& [k, v] : options)
    if (k != "type" && k != "device" && k != "o" && k != "size")
      return fail(Error::invalid("invalid option key: \"" + k + "\""));
  if (options.count("type") && !options.count("device") && options.at("type") != "tmpfs")
    return fail(Error::invalid("missing required option: \"device\""));
  if (options.count("device") && !options.count("type"))
    return fail(Error::invalid("missing required option: \"type\""));
  return {};
}

Result<Volume> VolumeService::create(const CreateRequest& req) {
  const std::string name = req.name.empty() ? random_hex_id() : req.name;
  if (req.driver != "local" && !req.driver.empty())
    return fail(Error::not_found("plugin \"" + req.driver + "\" not found"));
  std::string why;
  if (!valid_volume_name(name, why)) return fail(Error::invalid("create " + name + ": " + why));
  TRY_VOID(validate_options(req.options));
  std::lock_guard lk(mu_);
  if (auto it = volumes_.find(name); it != volumes_.end()) return it->second;
  Volume v;
  v.name = name;
  v.labels = req.labels;
  if (req.anonymous) v.labels[kAnonymousLabel] = "";
  v.options = req.options;
  v.created_ns = timeutil::now_ns() / 1000000000 * 1000000000;  // Docker shows whole seconds
  // The folder first, the metadata last: a volume.json means a whole volume.
  if (auto r = fs::mkdir_all(paths_.volume_data(name), 0755); !r) {
    (void)fs::remove_all(paths_.volume_dir(name));
    return fail(r.error().wrap("create " + name));
  }
  if (auto r = fs::write_file_atomic(paths_.volume_meta(name), v.to_disk_json().dump(), 0600); !r) {
    (void)fs::remove_all(paths_.volume_dir(name));
    return fail(r.error().wrap("create " + name));
  }
  volumes_[name] = v;
  return v;
}

Result<Volume> VolumeService::get(const std::string& name) const {
  std::lock_guard lk(mu_);
  auto it = volumes_.find(name);
  if (it == volumes_.end()) return fail(no_such_volume(name));
  return it->second;
}

std::vector<Volume> VolumeService::list(const Filters& filters) const {
  std::lock_guard lk(mu_);
  std::vector<Volume> out;
  for (const auto& [name, v] : volumes_) {
    bool keep = true;
    for (const auto& [key, values] : filters) {
      if (key == "dangling") {
        const bool used = users_.count(name) && !users_.at(name).empty();
        bool any = false;
        for (const auto& d : values) any |= (d == "true" || d == "1") ? !used : used;
        keep &= any;
      } else if (key == "name") {
        bool any = false;
        for (const auto& n : values) any |= name.find(n) != std::string::npos;
        keep &= any;
      } else if (key == "driver") {
        bool any = false;
        for (const auto& d : values) any |= v.driver == d;
        keep &= any;
      } else if (key == "label") {
        keep &= labels_match(values, v.labels);
      } else if (key == "label!") {
        keep &= values.empty() || !labels_match(values, v.labels);
      }
    }
    if (keep) out.push_back(v);
  }
  return out;
}

json VolumeService::to_json(const Volume& v) const {
  json j;
  j["CreatedAt"] = timeutil::format_rfc3339_nano(v.created_ns);
  j["Driver"] = v.driver;
  j["Labels"] = v.labels.empty() ? json(nullptr) : json(v.labels);
  j["Mountpoint"] = paths_.volume_data(v.name);
  j["Name"] = v.name;
  j["Options"] = v.options.empty() ? json(nullptr) : json(v.options);
  j["Scope"] = "local";
  return j;
}

Result<void> VolumeService::remove(const std::string& name, bool force) {
  std::lock_guard lk(mu_);
  if (!volumes_.count(name)) {
    if (force) return {};
    return fail(no_such_volume(name));
  }
  if (auto it = users_.find(name); it != users_.end() && !it->second.empty()) {
    std::string ids;
    for (const auto& id : it->second) ids += (ids.empty() ? "" : ", ") + id;
    return fail(Error::conflict("remove " + name + ": volume is in use - [" + ids + "]"));
  }
  return remove_locked(name);
}

Result<void> VolumeService::remove_locked(const std::string& name) {
  (void)unmount_volume_fs(paths_.volume_data(name));
  // Metadata first: a crash halfway leaves a folder without volume.json,
  // which restore() skips, never a volume whose data is half gone.
  (void)::unlink(paths_.volume_meta(name).c_str());
  TRY_VOID(fs::remove_all(paths_.volume_dir(name)));
  volumes_.erase(name);
  users_.erase(name);
  active_.erase(name);
  return {};
}

Result<PruneResult> VolumeService::prune(bool all, const Filters& filters) {
  PruneResult out;
  std::lock_guard lk(mu_);
  std::vector<std::string> victims;
  for (const auto& [name, v] : volumes_) {
    if (users_.count(name) && !users_.at(name).empty()) continue;
    if (!all && !v.anonymous()) continue;
    if (auto it = filters.find("label"); it != filters.end() && !labels_match(it->second, v.labels)) continue;
    if (auto it = filters.find("label!"); it != filters.end() && !it->second.empty() && labels_match(it->second, v.labels))
      continue;
    victims.push_back(name);
  }
  for (const auto& name : victims) {
    const uint64_t size = uint64_t(fs::tree_size(paths_.volume_data(name)));
    if (remove_locked(name)) {
      out.deleted.push_back(name);
      out.space_reclaimed += size;
    }
  }
  return out;
}

void VolumeService::acquire(const std::string& name, const std::string& container_id) {
  std::lock_guard lk(mu_);
  users_[name].insert(container_id);
}

void VolumeService::release(const std::string& container_id) {
  std::lock_guard lk(mu_);
  for (auto& [name, ids] : users_) ids.erase(container_id);
}

std::vector<std::string> VolumeService::users(const std::string& name) const {
  std::lock_guard lk(mu_);
  auto it = users_.find(name);
  if (it == users_.end()) return {};
  return {it->second.begin(), it->second.end()};
}

Result<void> VolumeService::activate(const std::string& name, const std::string& container_id) {
  std::lock_guard lk(mu_);
  auto it = volumes_.find(name);
  if (it == volumes_.end()) return fail(no_such_volume(name));
  auto& running = active_[name];
  if (it->second.needs_mount() && running.empty()) TRY_VOID(mount_volume_fs(it->second.options, paths_.volume_data(name)));
  running.insert(container_id);
  return {};
}

void VolumeService::deactivate(const std::string& container_id) {
  std::lock_guard lk(mu_);
  for (auto& [name, running] : active_) {
    if (!running.erase(container_id) || !running.empty()) continue;
    auto it = volumes_.find(name);
    if (it != volumes_.end() && it->second.needs_mount()) (void)unmount_volume_fs(paths_.volume_data(name));
  }
}

}  // namespace mydocker::daemon::volumes
