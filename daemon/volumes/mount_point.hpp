#pragma once
// What a container mounts, parsed from Docker's ways of asking: HostConfig
// Binds ("src:dst:mode"), Mounts (--mount), Tmpfs (--tmpfs), and the
// anonymous volumes of Config.Volumes / the image's VOLUME. Parsing is pure
// (no filesystem, no volumes made) so it is checked before anything exists.
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "common/error.hpp"

namespace mydocker::daemon::volumes {

struct MountPoint {
  std::string type;  // "bind", "volume", "tmpfs"
  std::string name;  // the volume's; empty for an anonymous one until it is made
  std::string source;  // host path: the bind source or the volume's _data
  std::string destination;
  std::string driver;       // "local" for volumes
  std::string mode;         // as the user wrote it ("ro,z"), shown by inspect
  bool rw = true;
  std::string propagation;  // binds: "rprivate" unless asked
  bool copy_data = true;    // a new, empty volume gets the image's content
  bool create_source = false;  // -v makes a missing host folder; --mount does not
  std::string tmpfs_options;   // tmpfs: mount data and flags ("size=65536k,mode=1777")
  std::map<std::string, std::string> volume_options, volume_labels;  // --mount volume-opt/-label

  // Docker's "Mounts" entry of container inspect.
  nlohmann::json to_inspect_json() const;
  // Kept in config.v2.json under MountPoints.
  nlohmann::json to_disk_json() const;
  static MountPoint from_disk_json(const nlohmann::json& j);
};

// "src:dst[:mode]" or "dst" (an anonymous volume).
Result<MountPoint> parse_bind(const std::string& spec);
// One entry of HostConfig.Mounts.
Result<MountPoint> parse_mount(const nlohmann::json& m);
// One entry of HostConfig.Tmpfs: "/run" → "rw,size=64m".
Result<MountPoint> parse_tmpfs(const std::string& destination, const std::string& options);
// An image or Config.Volumes path: an anonymous volume.
Result<MountPoint> anonymous_volume(const std::string& destination);
// "container[:ro|rw]" of --volumes-from: the container and the mode ("" = as the source).
Result<std::pair<std::string, std::string>> parse_volumes_from(const std::string& spec);

// /a/b/ → /a/b, for comparing destinations.
std::string clean_path(const std::string& path);

}  // namespace mydocker::daemon::volumes
