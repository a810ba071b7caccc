// A container's network at start and exit, by HostConfig.NetworkMode:
//   bridge (default): a namespace of its own wired to the bridge (veth,
//                     address, route, published ports)
//   none:             a namespace of its own with only lo
//   host:             the host's namespace
//   container:X:      X's namespace (X must run)
// The namespace is made by the daemon and handed to the shim as a path
// (/proc/<daemon>/fd/N), so it is wired before the container's process runs.
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "common/fs.hpp"
#include "daemon/containers/config_merge.hpp"
#include "daemon/containers/container_files.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/networks/netlink.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

namespace {
std::string network_mode(const Container& c) {
  std::string mode = c.host_config.value("NetworkMode", "");
  return mode.empty() || mode == "default" ? "bridge" : mode;
}

void set_network_path(libcontainer::spec::Spec& spec, const std::optional<std::string>& path) {
  auto& nss = spec.linux.namespaces;
  for (auto it = nss.begin(); it != nss.end(); ++it) {
    if (it->type != "network") continue;
    if (path) it->path = *path;
    else nss.erase(it);  // host: no namespace of its own
    return;
  }
  if (path) nss.push_back({"network", *path});
}
}  // namespace

// Which network exists is checked at start, as Docker does: a 404 from
// create would make the docker CLI go and pull the image.
Result<void> ContainerService::check_network_config(const Container& c) {
  const std::string mode = network_mode(c);
  if (mode == "container:") return fail(Error::invalid("invalid network mode: container: needs a container"));
  TRY_ASSIGN(auto ports, networks::port_requests(c.host_config, c.config));
  if (!ports.empty() && mode != "bridge")
    spdlog::debug("container {}: published ports are discarded in {} mode", c.id, mode);
  return {};
}

Result<void> ContainerService::join_network(Container& c, libcontainer::spec::Spec& spec, UniqueFd& holder) {
  const std::string mode = network_mode(c);
  if (mode == "host") {
    set_network_path(spec, std::nullopt);
    return {};
  }
  if (mode.rfind("container:", 0) == 0) {
    TRY_ASSIGN(auto other, find(mode.substr(10)));
    if (other.get() == &c) return fail(Error::invalid("cannot join own network namespace"));
    pid_t pid;
    {
      std::lock_guard lk(other->mu);
      if (!other->state.running())
        return fail(Error::conflict("cannot join network namespace of a non running container: " + other->id));
      pid = other->state.pid;
    }
    set_network_path(spec, "/proc/" + std::to_string(pid) + "/ns/net");
    return {};
  }
  std::string network = mode;
  if (mode != "none") {
    TRY_ASSIGN(network, networks_.resolve(mode));
  }
  TRY_ASSIGN(int fd, networks::new_netns());
  holder.reset(fd);
  set_network_path(spec, "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd));
  if (mode == "none") return networks::loopback_up(fd);
  TRY_ASSIGN(auto ports, networks::port_requests(c.host_config, c.config));
  TRY_ASSIGN(auto links, resolve_links(c));
  TRY_ASSIGN(networks::Endpoint ep, networks_.connect(c.id, network, ports, fd, dns_upstreams(c), endpoint_request(c, mode)));
  c.endpoint = ep;
  std::string extra_hosts;
  for (const auto& l : links) extra_hosts += networks::format_ipv4(l.ip) + "\t" + l.alias + " " + l.name + " " + l.short_id + "\n";
  if (auto r = write_hosts_file(paths_, c, networks::format_ipv4(ep.ip), extra_hosts); !r) {
    leave_network(c);
    return r;
  }
  // The legacy link variables (DB_PORT_80_TCP=tcp://ip:80, DB_NAME, DB_ENV_x).
  for (const auto& l : links) spec.process.env.insert(spec.process.env.end(), l.env.begin(), l.env.end());
  // On a user network the container asks the embedded DNS (Docker's 127.0.0.11).
  if (networks_.has_embedded_dns(network)) {
    if (auto r = write_resolv_file(paths_, c, {"127.0.0.11"}); !r) {
      leave_network(c);
      return r;
    }
  }
  return {};
}

// NetworkingConfig.EndpointsConfig for the network joined (keyed by the
// name the user gave; "default" for the default network, as the CLI sends).
networks::EndpointRequest ContainerService::endpoint_request(const Container& c, const std::string& mode) const {
  networks::EndpointRequest r;
  const json& all = c.endpoints_config;
  json e = json::object();
  for (const std::string& key : {mode, std::string("default"), std::string("bridge")})
    if (all.contains(key) && all[key].is_object()) {
      e = all[key];
      break;
    }
  r.aliases = strings_of(e.value("Aliases", json()));
  if (e.contains("IPAMConfig") && e["IPAMConfig"].is_object()) r.ip = e["IPAMConfig"].value("IPv4Address", "");
  r.mac = e.value("MacAddress", "");
  if (r.mac.empty()) r.mac = c.config.value("MacAddress", "");  // API before 1.44
  return r;
}

// --link target[:alias]: the target must run on the same network; its
// address, names and the variables Docker gives a linking container.
Result<std::vector<ContainerService::Link>> ContainerService::resolve_links(const Container& c) {
  std::vector<Link> out;
  for (const auto& spec : strings_of(c.host_config.value("Links", json()))) {
    const size_t colon = spec.find(':');
    std::string target = spec.substr(0, colon), alias = colon == std::string::npos ? "" : spec.substr(colon + 1);
    auto strip = [](std::string s) {
      const size_t slash = s.rfind('/');
      return slash == std::string::npos ? s : s.substr(slash + 1);
    };
    target = strip(target);
    alias = alias.empty() ? target : strip(alias);
    auto other = find(target);
    if (!other) return fail(Error::invalid("could not get container for " + target));
    std::lock_guard lk((*other)->mu);
    const Container& t = **other;
    if (!t.state.running() || !t.endpoint)
      return fail(Error::invalid("Cannot link to a non running container: " + t.name + " AS " + c.name + "/" + alias));
    Link l{alias, t.bare_name(), t.short_id(), t.endpoint->ip, {}};
    std::string prefix = alias;
    for (auto& ch : prefix) ch = ch == '-' || ch == '.' ? '_' : char(std::toupper(static_cast<unsigned char>(ch)));
    const std::string ip = networks::format_ipv4(t.endpoint->ip);
    std::vector<std::pair<int, std::string>> ports;
    if (t.config.contains("ExposedPorts") && t.config["ExposedPorts"].is_object())
      for (const auto& [k, v] : t.config["ExposedPorts"].items()) {
        const size_t slash = k.find('/');
        ports.push_back({std::atoi(k.c_str()), slash == std::string::npos ? "tcp" : k.substr(slash + 1)});
      }
    std::sort(ports.begin(), ports.end());
    for (size_t i = 0; i < ports.size(); ++i) {
      const auto& [port, proto] = ports[i];
      const std::string base = prefix + "_PORT_" + std::to_string(port) + "_" + [&] {
        std::string up = proto;
        for (auto& ch : up) ch = char(std::toupper(static_cast<unsigned char>(ch)));
        return up;
      }();
      const std::string url = proto + "://" + ip + ":" + std::to_string(port);
      if (i == 0) l.env.push_back(prefix + "_PORT=" + url);
      l.env.push_back(base + "=" + url);
      l.env.push_back(base + "_ADDR=" + ip);
      l.env.push_back(base + "_PORT=" + std::to_string(port));
      l.env.push_back(base + "_PROTO=" + proto);
    }
    l.env.push_back(prefix + "_NAME=" + c.name + "/" + alias);
    for (const auto& kv : strings_of(t.config.value("Env", json()))) {
      const std::string key = kv.substr(0, kv.find('='));
      if (key == "HOME" || key == "PATH" || key == "HOSTNAME") continue;
      l.env.push_back(prefix + "_ENV_" + kv);
    }
    out.push_back(std::move(l));
  }
  return out;
}

std::vector<std::string> ContainerService::dns_upstreams(const Container& c) const {
  auto given = strings_of(c.host_config.value("Dns", json()));
  if (!given.empty()) return given;
  std::vector<std::string> out;
  if (auto text = fs::read_file("/etc/resolv.conf")) {
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string key, value;
      words >> key >> value;
      if (key == "nameserver" && !value.empty()) out.push_back(value);
    }
  }
  return out;
}

// The embedded DNS's answers: containers on `network` by name, short or
// full id (their addresses, all of them when several share a name).
std::vector<uint32_t> ContainerService::lookup_name(const std::string& network, const std::string& name) const {
  std::vector<uint32_t> out;
  for (const auto& c : store_.all()) {
    std::lock_guard lk(c->mu);
    if (!c->endpoint || c->endpoint->network != network) continue;
    std::string bare = c->bare_name();
    std::transform(bare.begin(), bare.end(), bare.begin(), [](unsigned char ch) { return std::tolower(ch); });
    bool match = bare == name || c->id == name || (name.size() >= 12 && c->id.rfind(name, 0) == 0);
    for (const auto& alias : c->endpoint->aliases) {
      std::string a = alias;
      std::transform(a.begin(), a.end(), a.begin(), [](unsigned char ch) { return std::tolower(ch); });
      match |= a == name;
    }
    if (match) out.push_back(c->endpoint->ip);
  }
  return out;
}

std::string ContainerService::network_id(const std::string& name) const {
  auto n = networks_.inspect(name);
  return n ? n->value("Id", "") : "";
}

void ContainerService::leave_network(Container& c) {
  if (!c.endpoint) return;
  networks_.disconnect(c.id);
  c.endpoint.reset();
}

}  // namespace mydocker::daemon::containers
