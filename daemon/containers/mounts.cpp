// A container's mounts at create: Docker's Binds, Mounts, Tmpfs,
// VolumesFrom and the anonymous volumes of Config.Volumes (the image's
// VOLUMEs included) resolved into one list, in the order Docker gives
// precedence: the user's own mounts, then what --volumes-from brings for
// other destinations, then anonymous volumes for what is still uncovered.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "daemon/containers/config_merge.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/containers/image_view.hpp"
#include "daemon/images/copy_tree.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;
using volumes::MountPoint;

namespace {
bool empty_dir(const std::string& path) {
  DIR* d = ::opendir(path.c_str());
  if (!d) return false;
  bool empty = true;
  while (dirent* e = ::readdir(d))
    if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) {
      empty = false;
      break;
    }
  ::closedir(d);
  return empty;
}


// Parents before children: /data before /data/sub, whatever the order given.
void sort_for_mounting(std::vector<MountPoint>& mounts) {
  auto depth = [](const std::string& p) { return std::count(p.begin(), p.end(), '/'); };
  std::stable_sort(mounts.begin(), mounts.end(),
                   [&](const MountPoint& a, const MountPoint& b) { return depth(a.destination) < depth(b.destination); });
}
}  // namespace

Result<std::vector<MountPoint>> ContainerService::resolve_mounts(const Container& c, std::vector<std::string>& created) {
  const json& hc = c.host_config;
  // 1. Parse everything first: bad input is refused before anything exists.
  std::vector<MountPoint> own;
  for (const auto& spec : strings_of(hc.value("Binds", json()))) {
    TRY_ASSIGN(MountPoint m, volumes::parse_bind(spec));
    own.push_back(std::move(m));
  }
  if (hc.contains("Mounts") && hc["Mounts"].is_array())
    for (const auto& entry : hc["Mounts"]) {
      TRY_ASSIGN(MountPoint m, volumes::parse_mount(entry));
      own.push_back(std::move(m));
    }
  if (hc.contains("Tmpfs") && hc["Tmpfs"].is_object())
    for (const auto& [dst, opts] : hc["Tmpfs"].items()) {
      TRY_ASSIGN(MountPoint m, volumes::parse_tmpfs(dst, opts.is_string() ? opts.get<std::string>() : ""));
      own.push_back(std::move(m));
    }
  std::set<std::string> taken;
  for (const auto& m : own)
    if (!taken.insert(m.destination).second) return fail(Error::invalid("Duplicate mount point: " + m.destination));

  std::vector<MountPoint> all = own;
  for (const auto& spec : strings_of(hc.value("VolumesFrom", json()))) {
    TRY_ASSIGN(auto from, volumes::parse_volumes_from(spec));
    TRY_ASSIGN(auto source, find(from.first));
    std::vector<MountPoint> theirs;
    {
      std::lock_guard lk(source->mu);
      theirs = source->mount_points;
    }
    for (auto m : theirs) {
      if (!taken.insert(m.destination).second) continue;
      if (from.second == "ro") m.rw = false;
      if (from.second == "rw") m.rw = true;
      m.copy_data = false;  // their content is already there
      all.push_back(std::move(m));
    }
  }
  if (c.config.contains("Volumes") && c.config["Volumes"].is_object())
    for (const auto& [dst, unused] : c.config["Volumes"].items()) {
      TRY_ASSIGN(MountPoint m, volumes::anonymous_volume(dst));
      if (taken.insert(m.destination).second) all.push_back(std::move(m));
    }

  // 2. Make what is missing: bind sources (-v only), volumes.
  for (auto& m : all) {
    if (m.type == "bind") {
      struct stat st;
      if (::stat(m.source.c_str(), &st) != 0) {
        if (!m.create_source)
          return fail(Error::invalid("invalid mount config for type \"bind\": bind source path does not exist: " + m.source));
        TRY_VOID(fs::mkdir_all(m.source, 0755));
      }
    } else if (m.type == "volume") {
      const bool anonymous = m.name.empty();
      const bool existed = !anonymous && volumes_.get(m.name).has_value();
      TRY_ASSIGN(volumes::Volume v, volumes_.create({m.name, "local", m.volume_labels, m.volume_options, anonymous}));
      if (!existed) created.push_back(v.name);
      m.name = v.name;
      m.source = volumes_.data_path(v.name);
      // A volume with a filesystem of its own is only there while mounted.
      if (m.copy_data && !existed && !v.needs_mount()) TRY_VOID(fill_from_image(c, m));
    }
  }
  sort_for_mounting(all);
  return all;
}

Result<void> ContainerService::fill_from_image(const Container& c, const MountPoint& m) {
  if (!empty_dir(m.source)) return {};
  return with_image_root(c.overlay_options, c.rootfs_path, paths_.tmp_dir(), [&](const std::string& root) -> Result<void> {
    const std::string from = root + m.destination;
    struct stat st;
    // Only a directory is copied up, as Docker does; symlinks are not followed.
    if (::lstat(from.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return {};
    TRY_VOID(images::copy_tree(from, m.source));
    // The volume's root takes the owner and mode of the image's folder.
    if (::chown(m.source.c_str(), st.st_uid, st.st_gid) != 0 || ::chmod(m.source.c_str(), st.st_mode & 07777) != 0)
      return fail(Error::from_errno(errno, "copy up " + m.destination));
    return {};
  });
}

Result<void> ContainerService::activate_volumes(const Container& c) {
  for (const auto& m : c.mount_points)
    if (m.type == "volume") {
      if (auto r = volumes_.activate(m.name, c.id); !r) {
        volumes_.deactivate(c.id);
        return r;
      }
    }
  return {};
}

void ContainerService::remove_anonymous_volumes(const Container& c) {
  for (const auto& m : c.mount_points) {
    if (m.type != "volume") continue;
    auto v = volumes_.get(m.name);
    if (!v || !v->anonymous() || !volumes_.users(m.name).empty()) continue;
    if (auto r = volumes_.remove(m.name, false); !r) spdlog::warn("remove volume {}: {}", m.name, r.error().message);
  }
}

}  // namespace mydocker::daemon::containers
