#include "daemon/containers/container.hpp"

#include "common/time.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

json Container::to_disk_json() const {
  json j;
  j["ID"] = id;
  j["Name"] = name;
  j["Created"] = timeutil::format_rfc3339_nano(created_ns);
  j["Path"] = path;
  j["Args"] = args;
  j["Config"] = config;
  j["Image"] = image_id;
  j["RootfsPath"] = rootfs_path;
  if (overlay_options) j["OverlayOptions"] = *overlay_options;
  if (!userns.empty()) {
    auto maps = [](const std::vector<libcontainer::spec::IdMapping>& v) {
      json a = json::array();
      for (const auto& m : v) a.push_back({m.container_id, m.host_id, m.size});
      return a;
    };
    j["UsernsMaps"] = {{"Uids", maps(userns.uids)}, {"Gids", maps(userns.gids)}};
  }
  j["HasBeenStartedBefore"] = has_been_started;
  j["MountPoints"] = json::array();
  for (const auto& m : mount_points) j["MountPoints"].push_back(m.to_disk_json());
  j["NetworkEndpoints"] = json::array();
  for (const auto& e : endpoints) j["NetworkEndpoints"].push_back(e.to_disk_json());
  j["EndpointsConfig"] = endpoints_config;
  j["State"] = {
      {"Status", std::string(to_string(state.status))},
      {"Pid", state.pid},
      {"ShimPid", state.shim_pid},
      {"ExitCode", state.exit_code},
      {"Error", state.error},
      {"OOMKilled", state.oom_killed},
      {"StartedAt", timeutil::format_rfc3339_nano(state.started_at_ns)},
      {"FinishedAt", timeutil::format_rfc3339_nano(state.finished_at_ns)},
      {"RestartCount", state.restart_count},
  };
  return j;
}

Result<Container*> Container::from_disk_json(const json& j, Container& c) {
  try {
    c.id = j.at("ID").get<std::string>();
    c.name = j.at("Name").get<std::string>();
    c.created_ns = timeutil::parse_rfc3339(j.at("Created").get<std::string>()).value_or(0);
    c.path = j.value("Path", "");
    c.args = j.value("Args", std::vector<std::string>{});
    c.config = j.value("Config", json::object());
    c.image_id = j.value("Image", "");
    c.rootfs_path = j.value("RootfsPath", "");
    if (j.contains("OverlayOptions")) c.overlay_options = j["OverlayOptions"].get<std::string>();
    if (auto u = j.find("UsernsMaps"); u != j.end() && u->is_object()) {
      for (const auto& m : u->value("Uids", json::array()))
        c.userns.uids.push_back({m.at(0).get<uint32_t>(), m.at(1).get<uint32_t>(), m.at(2).get<uint32_t>()});
      for (const auto& m : u->value("Gids", json::array()))
        c.userns.gids.push_back({m.at(0).get<uint32_t>(), m.at(1).get<uint32_t>(), m.at(2).get<uint32_t>()});
    }
    c.has_been_started = j.value("HasBeenStartedBefore", false);
    for (const auto& m : j.value("MountPoints", json::array())) c.mount_points.push_back(volumes::MountPoint::from_disk_json(m));
    for (const auto& e : j.value("NetworkEndpoints", json::array())) c.endpoints.push_back(networks::Endpoint::from_disk_json(e));
    c.endpoints_config = j.value("EndpointsConfig", json::object());
    const json& s = j.at("State");
    c.state.status = status_from_string(s.value("Status", "dead"));
    c.state.pid = s.value("Pid", 0);
    c.state.shim_pid = s.value("ShimPid", 0);
    c.state.exit_code = s.value("ExitCode", 0);
    c.state.error = s.value("Error", "");
    c.state.oom_killed = s.value("OOMKilled", false);
    c.state.started_at_ns = timeutil::parse_rfc3339(s.value("StartedAt", "")).value_or(0);
    c.state.finished_at_ns = timeutil::parse_rfc3339(s.value("FinishedAt", "")).value_or(0);
    c.state.restart_count = s.value("RestartCount", 0);
  } catch (const json::exception& e) {
    return fail(Error::internal(std::string("corrupt container config: ") + e.what()));
  }
  return &c;
}

bool labels_match(const json& labels, const std::vector<std::string>& wanted) {
  for (const auto& w : wanted) {
    const auto eq = w.find('=');
    const std::string key = w.substr(0, eq);
    if (!labels.is_object() || !labels.contains(key)) return false;
    if (eq != std::string::npos && labels[key] != w.substr(eq + 1)) return false;
  }
  return true;
}

}  // namespace mydocker::daemon::containers
