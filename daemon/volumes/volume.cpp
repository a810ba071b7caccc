#include "daemon/volumes/volume.hpp"

#include <cctype>

namespace mydocker::daemon::volumes {

using nlohmann::json;

json Volume::to_disk_json() const {
  return json{{"Name", name}, {"Driver", driver}, {"Labels", labels}, {"Options", options}, {"CreatedNs", created_ns}};
}

bool Volume::from_disk_json(const json& j, Volume& out) {
  if (!j.is_object() || !j.contains("Name") || !j["Name"].is_string()) return false;
  out.name = j["Name"].get<std::string>();
  out.driver = j.value("Driver", "local");
  out.labels = j.value("Labels", std::map<std::string, std::string>{});
  out.options = j.value("Options", std::map<std::string, std::string>{});
  out.created_ns = j.value("CreatedNs", int64_t(0));
  return true;
}

bool valid_volume_name(const std::string& name, std::string& why) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (name.size() < 2) {
    why = "volume name is too short, names should be at least two alphanumeric characters";
    return false;
  }
  bool ok = alnum(name[0]);
  for (char c : name) ok = ok && (alnum(c) || c == '_' || c == '.' || c == '-');
  if (!ok) {
    why = "\"" + name +
          "\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. "
          "If you intended to pass a host directory, use absolute path";
    return false;
  }
  return true;
}

}  // namespace mydocker::daemon::volumes
