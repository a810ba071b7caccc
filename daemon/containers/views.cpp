// GET /containers/{id}/json and GET /containers/json: Docker's shapes.
#include <algorithm>
#include <set>

#include "common/time.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/filter_regex.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

namespace {
// Docker's "Mounts": one entry per bind, volume and tmpfs, in mount order.
json mounts_view(const Container& c) {
  json out = json::array();
  for (const auto& m : c.mount_points) out.push_back(m.to_inspect_json());
  return out;
}
}  // namespace

namespace {
json state_json(const State& s) {
  return {
      {"Status", std::string(to_string(s.status))},
      {"Running", s.status == Status::Running || s.status == Status::Paused},
      {"Paused", s.status == Status::Paused},
      {"Restarting", s.status == Status::Restarting},
      {"OOMKilled", s.oom_killed},
      {"Dead", s.status == Status::Dead},
      {"Pid", s.pid},
      {"ExitCode", s.exit_code},
      {"Error", s.error},
      {"StartedAt", timeutil::format_rfc3339_nano(s.started_at_ns)},
      {"FinishedAt", timeutil::format_rfc3339_nano(s.finished_at_ns)},
  };
}

std::string network_name(const Container& c) {
  std::string mode = c.host_config.value("NetworkMode", "");
  if (mode.empty() || mode == "default") return "bridge";
  return mode;
}

// One entry of NetworkSettings.Networks (and of ps's); e is null for a
// network the container joins when it starts.
json endpoint_view(const networks::Endpoint* e, const json& config, const std::string& network_id) {
  json ipam = nullptr;
  if (config.is_object() && config.contains("IPAMConfig") && config["IPAMConfig"].is_object()) ipam = config["IPAMConfig"];
  json aliases = config.is_object() && config.contains("Aliases") && config["Aliases"].is_array() && !config["Aliases"].empty()
                     ? config["Aliases"]
                     : json(nullptr);
  return {{"IPAMConfig", ipam}, {"Links", nullptr}, {"Aliases", aliases},
          {"MacAddress", e ? e->mac : ""}, {"DriverOpts", nullptr}, {"NetworkID", network_id},
          {"EndpointID", e ? e->id : ""}, {"Gateway", e ? networks::format_ipv4(e->gateway) : ""},
          {"IPAddress", e ? networks::format_ipv4(e->ip) : ""}, {"IPPrefixLen", e ? e->prefix : 0},
          {"IPv6Gateway", ""}, {"GlobalIPv6Address", ""}, {"GlobalIPv6PrefixLen", 0}, {"DNSNames", nullptr}};
}

// "80/tcp" → [{"HostIp","HostPort"}] for published ports, null for ports
// only exposed, as Docker's inspect shows them.
json ports_view(const Container& c) {
  json ports = json::object();
  if (c.config.contains("ExposedPorts") && c.config["ExposedPorts"].is_object())
    for (const auto& [k, v] : c.config["ExposedPorts"].items()) ports[k.find('/') == std::string::npos ? k + "/tcp" : k] = nullptr;
  for (const auto& e : c.endpoints)
    for (const auto& p : e.ports) {
      const std::string key = std::to_string(p.container_port) + "/" + p.proto;
      if (!ports[key].is_array()) ports[key] = json::array();
      ports[key].push_back({{"HostIp", p.host_ip}, {"HostPort", std::to_string(p.host_port)}});
    }
  return ports;
}

// ps's Ports: published ones with their host side, exposed ones without.
json ps_ports(const Container& c) {
  json out = json::array();
  std::set<std::string> published;
  for (const auto& e : c.endpoints)
    for (const auto& p : e.ports) {
      out.push_back({{"IP", p.host_ip}, {"PrivatePort", p.container_port}, {"PublicPort", p.host_port}, {"Type", p.proto}});
      published.insert(std::to_string(p.container_port) + "/" + p.proto);
    }
  if (c.config.contains("ExposedPorts") && c.config["ExposedPorts"].is_object())
    for (const auto& [k, v] : c.config["ExposedPorts"].items()) {
      const std::string key = k.find('/') == std::string::npos ? k + "/tcp" : k;
      if (published.count(key)) continue;
      const size_t slash = key.find('/');
      out.push_back({{"PrivatePort", std::atoi(key.c_str())}, {"Type", key.substr(slash + 1)}});
    }
  return out;
}

json network_settings(const Container& c, json networks) {
  // Docker fills the top-level fields from the default bridge only.
  const networks::Endpoint* e = c.endpoint_on("bridge");
  return {{"Bridge", ""}, {"SandboxID", ""}, {"SandboxKey", ""}, {"Ports", ports_view(c)},
          {"HairpinMode", false}, {"LinkLocalIPv6Address", ""}, {"LinkLocalIPv6PrefixLen", 0},
          {"EndpointID", e ? e->id : ""}, {"Gateway", e ? networks::format_ipv4(e->gateway) : ""},
          {"GlobalIPv6Address", ""}, {"GlobalIPv6PrefixLen", 0},
          {"IPAddress", e ? networks::format_ipv4(e->ip) : ""}, {"IPPrefixLen", e ? e->prefix : 0},
          {"IPv6Gateway", ""}, {"MacAddress", e ? e->mac : ""}, {"Networks", std::move(networks)}};
}

// HostConfig as Docker reports it: what the client sent, with Docker's
// defaults for the fields people read most.
json host_config_view(const json& hc) {
  json out = {{"NetworkMode", "bridge"}, {"RestartPolicy", {{"Name", "no"}, {"MaximumRetryCount", 0}}},
              {"AutoRemove", false}, {"Binds", nullptr}, {"LogConfig", {{"Type", "json-file"}, {"Config", json::object()}}},
              {"Privileged", false}, {"ReadonlyRootfs", false}, {"Memory", 0}, {"MemorySwap", 0},
              {"NanoCpus", 0}, {"CpuShares", 0}, {"CpuPeriod", 0}, {"CpuQuota", 0}, {"CpusetCpus", ""},
              {"CpusetMems", ""}, {"PidsLimit", nullptr}, {"PortBindings", json::object()}};
  if (hc.is_object())
    for (auto& [k, v] : hc.items()) out[k] = v;
  if (out["NetworkMode"] == "default" || out["NetworkMode"] == "") out["NetworkMode"] = "bridge";
  return out;
}

std::string command_string(const Container& c) {
  std::string cmd = c.path;
  for (const auto& a : c.args) cmd += " " + a;
  return cmd;
}
}  // namespace

// NetworkSettings.Networks: where a running container is, or where a
// stopped one goes when it starts.
json ContainerService::networks_view(const Container& c) const {
  json out = json::object();
  const std::string mode = network_name(c);
  if (mode.rfind("container:", 0) == 0) return out;
  if (mode == "host" || mode == "none") {
    out[mode] = endpoint_view(nullptr, json::object(), network_id(mode));
    return out;
  }
  if (c.state.running()) {
    for (const auto& e : c.endpoints) {
      json config = json::object();
      for (const auto& [k, v] : c.endpoints_config.items())
        if (k == e.network || networks_.resolve(k).value_or("") == e.network) config = v;
      json view = endpoint_view(&e, config, network_id(e.network));
      if (!e.aliases.empty()) view["Aliases"] = e.aliases;
      out[e.network] = view;
    }
    return out;
  }
  for (const auto& [k, v] : c.endpoints_config.items()) {
    const std::string name = networks_.resolve(k).value_or(k);
    out[name] = endpoint_view(nullptr, v, network_id(name));
  }
  return out;
}

Result<json> ContainerService::inspect(const std::string& name) {
  TRY_ASSIGN(auto c, find(name));
  std::lock_guard lk(c->mu);
  json j;
  j["Id"] = c->id;
  j["Created"] = timeutil::format_rfc3339_nano(c->created_ns);
  j["Path"] = c->path;
  j["Args"] = c->args;
  j["State"] = state_json(c->state);
  j["Image"] = c->image_id;
  j["ResolvConfPath"] = paths_.container_resolv(c->id);
  j["HostnamePath"] = paths_.container_hostname(c->id);
  j["HostsPath"] = paths_.container_hosts(c->id);
  j["LogPath"] = paths_.container_log(c->id);
  j["Name"] = c->name;
  j["RestartCount"] = c->state.restart_count;
  j["Driver"] = c->overlay_options ? "overlay2" : "vfs";
  j["Platform"] = "linux";
  j["MountLabel"] = "";
  j["ProcessLabel"] = "";
  j["AppArmorProfile"] = "";
  j["ExecIDs"] = nullptr;
  j["HostConfig"] = host_config_view(c->host_config);
  j["GraphDriver"] = {{"Name", j["Driver"]}, {"Data", {{"MergedDir", c->rootfs_path}}}};
  j["Mounts"] = mounts_view(*c);
  j["Config"] = c->config;
  j["NetworkSettings"] = network_settings(*c, networks_view(*c));
  return j;
}

namespace {
bool matches_filters(const Container& c, const Filters& filters, const std::string& image_name, const json& networks) {
  for (const auto& [key, values] : filters) {
    if (values.empty()) continue;
    bool any = false;
    for (const auto& v : values) {
      if (key == "status") any |= to_string(c.state.status) == v;
      else if (key == "id") any |= c.id.starts_with(v);
      else if (key == "name") {
        // Not a valid expression: matched as plain text.
        any |= filter_regex_search(v, c.bare_name()).value_or(c.bare_name().find(v) != std::string::npos);
      } else if (key == "exited") any |= c.state.status == Status::Exited && std::to_string(c.state.exit_code) == v;
      else if (key == "ancestor") any |= image_name == v || c.image_id == v || c.image_id.substr(7).starts_with(v);
      else if (key == "network")
        for (const auto& [net, view] : networks.items())
          any |= net == v || (!v.empty() && view.value("NetworkID", "").rfind(v, 0) == 0);
      else if (key == "volume")
        for (const auto& m : c.mount_points) any |= (m.type == "volume" && m.name == v) || m.destination == v;
    }
    // Labels must all match; other keys are alternatives.
    if (key == "label") {
      if (!labels_match(c.config.value("Labels", json::object()), values)) return false;
      continue;
    }
    if (!any) return false;
  }
  return true;
}

Result<void> validate_filters(const Filters& filters) {
  static const std::vector<std::string> kKeys = {"status", "id", "name", "label", "exited", "ancestor",
                                                 "before", "since", "volume", "network", "health",
                                                 "isolation", "is-task", "expose", "publish"};
  for (const auto& [key, values] : filters) {
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end())
      return fail(Error::invalid("invalid filter '" + key + "'"));
    if (key == "status")
      for (const auto& v : values)
        if (status_from_string(v) == Status::Dead && v != "dead")
          return fail(Error::invalid("invalid filter 'status=" + v + "'"));
  }
  return {};
}
}  // namespace

Result<json> ContainerService::list(const ListOptions& opt) {
  TRY_VOID(validate_filters(opt.filters));
  auto all = store_.all();
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a->created_ns > b->created_ns; });
  json out = json::array();
  const int64_t now = timeutil::now_ns();
  for (const auto& c : all) {
    std::lock_guard lk(c->mu);
    if (c->removed) continue;
    const bool show_all = opt.all || opt.limit > 0 || opt.filters.contains("status") || opt.filters.contains("exited");
    if (!show_all && !c->state.running()) continue;
    const std::string image_name = c->config.value("Image", "");
    json networks = networks_view(*c);
    if (!matches_filters(*c, opt.filters, image_name, networks)) continue;
    json e;
    e["Id"] = c->id;
    e["Names"] = json::array({c->name});
    e["Image"] = image_name;
    e["ImageID"] = c->image_id;
    e["Command"] = command_string(*c);
    e["Created"] = c->created_ns / 1000000000;
    e["Ports"] = ps_ports(*c);
    e["Labels"] = c->config.value("Labels", json::object());
    if (e["Labels"].is_null()) e["Labels"] = json::object();
    e["State"] = std::string(to_string(c->state.status));
    e["Status"] = c->state.human_status(now);
    e["HostConfig"] = {{"NetworkMode", c->host_config.value("NetworkMode", "default")}};
    e["NetworkSettings"] = {{"Networks", json::object()}};
    e["NetworkSettings"]["Networks"] = std::move(networks);
    e["Mounts"] = mounts_view(*c);
    if (opt.size) {
      e["SizeRw"] = 0;
      e["SizeRootFs"] = 0;
    }
    out.push_back(std::move(e));
    if (opt.limit > 0 && int(out.size()) >= opt.limit) break;
  }
  // As Docker: a name that no longer means the container's image (deleted
  // with -f, or the tag moved on) is shown as the image's id. Asked after
  // the containers' locks are let go: image removal asks containers.
  for (auto& e : out) {
    auto now_named = images_.resolve(e["Image"].get<std::string>());
    if (!now_named || now_named->id != e["ImageID"].get<std::string>()) e["Image"] = e["ImageID"];
  }
  return out;
}

std::optional<std::string> ContainerService::image_user(const std::string& image_id) const {
  for (const auto& c : store_.all()) {
    std::lock_guard lk(c->mu);
    if (!c->removed && c->image_id == image_id) return c->id;
  }
  return std::nullopt;
}

size_t ContainerService::count(Status status) const {
  size_t n = 0;
  for (const auto& c : store_.all()) {
    std::lock_guard lk(c->mu);
    n += c->state.status == status;
  }
  return n;
}

size_t ContainerService::count_all() const { return store_.all().size(); }

}  // namespace mydocker::daemon::containers
