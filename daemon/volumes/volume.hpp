#pragma once
// A volume of the `local` driver: a folder <data-root>/volumes/<name>/_data
// the engine owns, or (with type/device/o options) a filesystem mounted
// there while containers use it. Its metadata sits next to it in
// volume.json, written atomically.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace mydocker::daemon::volumes {

// The label Docker (23+) puts on volumes made for `-v /path` and image
// VOLUMEs: `volume prune` without --all removes only these.
inline constexpr const char* kAnonymousLabel = "com.docker.volume.anonymous";

struct Volume {
  std::string name;
  std::string driver = "local";
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;  // type, device, o
  int64_t created_ns = 0;

  bool anonymous() const { return labels.count(kAnonymousLabel) > 0; }
  // A filesystem to mount at _data (type= given), rather than the folder itself.
  bool needs_mount() const { return options.count("type") > 0; }

  nlohmann::json to_disk_json() const;
  static bool from_disk_json(const nlohmann::json& j, Volume& out);
};

// Docker's volume name rule: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (two characters at
// least). The message names the value, as Docker's does.
bool valid_volume_name(const std::string& name, std::string& why);

}  // namespace mydocker::daemon::volumes
