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

// The networks a bridge-mode container joins at start: the keys of its
// EndpointsConfig (NetworkMode's first), by their current names.
Result<std::vector<std::pair<std::string, std::string>>> ContainerService::networks_to_join(const Container& c) const {
  const std::string mode = network_mode(c);
  std::vector<std::string> keys;
  if (c.endpoints_config.contains(mode)) keys.push_back(mode);
  for (const auto& [key, v] : c.endpoints_config.items())
    if (key != mode) keys.push_back(key);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& key : keys) {
    TRY_ASSIGN(std::string name, networks_.resolve(key));
    bool seen = false;
    for (const auto& [k, n] : out) seen |= n == name;
    if (!seen) out.emplace_back(key, name);
  }
  return out;
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
  std::vector<std::pair<std::string, std::string>> joins;
  if (mode != "none") {
    TRY_ASSIGN(joins, networks_to_join(c));
  }
  TRY_ASSIGN(int fd, networks::new_netns());
  holder.reset(fd);
  set_network_path(spec, "/proc/" + std::to_string(::getpid()) + "/fd/" + std::to_string(fd));
  // --net none, or disconnected from every network while stopped: only lo.
  if (joins.empty()) return networks::loopback_up(fd);
  TRY_ASSIGN(auto ports, networks::port_requests(c.host_config, c.config));
  // Legacy links (/etc/hosts lines, variables) belong to the default bridge;
  // on user networks the embedded DNS answers link aliases.
  std::vector<Link> links;
  if (joins.front().second == "bridge") {
    TRY_ASSIGN(links, resolve_links(c));
  }
  const auto upstreams = dns_upstreams(c);
  bool embedded_dns = false;
  for (size_t i = 0; i < joins.size(); ++i) {
    const auto& [key, network] = joins[i];
    networks::NetworkService::JoinOptions o;
    if (i == 0) o.ports = ports;
    o.dns_upstreams = upstreams;
    o.request = endpoint_request(c, key);
    o.ifname = "eth" + std::to_string(i);
    o.default_route = i == 0;
    auto ep = networks_.connect(c.id, network, fd, o);
    if (!ep) {
      leave_network(c);
      return fail(ep.error());
    }
    c.endpoints.push_back(*ep);
    embedded_dns |= networks_.has_embedded_dns(network);
  }
  std::string extra_hosts;
  for (const auto& l : links) extra_hosts += networks::format_ipv4(l.ip) + "\t" + l.alias + " " + l.name + " " + l.short_id + "\n";
  if (auto r = write_hosts_file(paths_, c, networks::format_ipv4(c.endpoints.front().ip), extra_hosts); !r) {
    leave_network(c);
    return r;
  }
  // The legacy link variables (DB_PORT_80_TCP=tcp://ip:80, DB_NAME, DB_ENV_x).
  for (const auto& l : links) spec.process.env.insert(spec.process.env.end(), l.env.begin(), l.env.end());
  // On a user network the container asks the embedded DNS (Docker's 127.0.0.11).
  if (embedded_dns) {
    if (auto r = write_resolv_file(paths_, c, {"127.0.0.11"}); !r) {
      leave_network(c);
      return r;
    }
  }
  return {};
}

// NetworkingConfig.EndpointsConfig for one network joined (keyed by the
// name the user gave).
networks::EndpointRequest ContainerService::endpoint_request(const Container& c, const std::string& key) const {
  networks::EndpointRequest r;
  const json& all = c.endpoints_config;
  const json e = all.contains(key) && all[key].is_object() ? all[key] : json::object();
  r.aliases = strings_of(e.value("Aliases", json()));
  if (e.contains("IPAMConfig") && e["IPAMConfig"].is_object()) r.ip = e["IPAMConfig"].value("IPv4Address", "");
  r.mac = e.value("MacAddress", "");
  if (r.mac.empty() && key == network_mode(c)) r.mac = c.config.value("MacAddress", "");  // API before 1.44
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
    const networks::Endpoint* te = t.endpoint_on("bridge");
    if (!t.state.running() || !te)
      return fail(Error::invalid("Cannot link to a non running container: " + t.name + " AS " + c.name + "/" + alias));
    Link l{alias, t.bare_name(), t.short_id(), te->ip, {}};
    std::string prefix = alias;
    for (auto& ch : prefix) ch = ch == '-' || ch == '.' ? '_' : char(std::toupper(static_cast<unsigned char>(ch)));
    const std::string ip = networks::format_ipv4(te->ip);
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

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char ch) { return std::tolower(ch); });
  return s;
}
// "/db:/web/alias" (as stored by Docker) or "db:alias" → target, alias.
std::pair<std::string, std::string> split_link(const std::string& spec) {
  const size_t colon = spec.find(':');
  auto strip = [](std::string s) {
    const size_t slash = s.rfind('/');
    return slash == std::string::npos ? s : s.substr(slash + 1);
  };
  std::string target = strip(spec.substr(0, colon));
  std::string alias = colon == std::string::npos ? target : strip(spec.substr(colon + 1));
  return {target, alias};
}
}  // namespace

// The embedded DNS's answers for container `asker`: containers on its
// networks by name, short or full id, or alias (all of their addresses when
// several share a name), and the asker's own --link aliases.
std::vector<uint32_t> ContainerService::lookup_name(const std::string& asker, const std::vector<std::string>& networks,
                                                    const std::string& name) const {
  std::string target = name;
  if (auto self = store_.find(asker)) {
    std::lock_guard lk((*self)->mu);
    for (const auto& spec : strings_of((*self)->host_config.value("Links", json())))
      if (auto [t, alias] = split_link(spec); lower(alias) == name) target = lower(t);
  }
  std::vector<uint32_t> out;
  for (const auto& c : store_.all()) {
    std::lock_guard lk(c->mu);
    for (const auto& e : c->endpoints) {
      if (std::find(networks.begin(), networks.end(), e.network) == networks.end()) continue;
      bool match = lower(c->bare_name()) == target || c->id == target ||
                   (target.size() >= 12 && c->id.rfind(target, 0) == 0);
      for (const auto& alias : e.aliases) match |= lower(alias) == name;
      if (match && std::find(out.begin(), out.end(), e.ip) == out.end()) out.push_back(e.ip);
    }
  }
  return out;
}

std::string ContainerService::network_id(const std::string& name) const {
  auto n = networks_.inspect(name);
  return n ? n->value("Id", "") : "";
}

void ContainerService::leave_network(Container& c) {
  networks_.disconnect_all(c.id);
  c.endpoints.clear();
}

}  // namespace mydocker::daemon::containers
