#include "daemon/networks/network_service.hpp"

#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <thread>
#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "common/time.hpp"
#include "daemon/networks/nat_rules.hpp"
#include "daemon/networks/host_ports.hpp"
#include "daemon/networks/netlink.hpp"
#include "daemon/networks/network_filters.hpp"
#include "daemon/networks/pools.hpp"

namespace mydocker::daemon::networks {

using nlohmann::json;

namespace {
std::map<std::string, std::string> string_map(const json& j) {
  std::map<std::string, std::string> out;
  if (j.is_object())
    for (const auto& [k, v] : j.items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}
}  // namespace

json BridgeNetwork::to_disk_json() const {
  return {{"Name", name},           {"Id", id},
          {"Driver", driver},       {"Parent", parent},
          {"MacvlanMode", macvlan_mode},
          {"Bridge", bridge},       {"Subnet", subnet.str()},
          {"Gateway", format_ipv4(gateway)},
          {"IPRange", ip_range ? ip_range->str() : ""},
          {"Internal", internal},   {"Default", is_default},
          {"AutoSubnet", auto_subnet}, {"Made", made}, {"Labels", labels},
          {"Options", options},     {"CreatedNs", created_ns}};
}

BridgeNetwork BridgeNetwork::from_disk_json(const json& j) {
  BridgeNetwork n;
  n.name = j.value("Name", "");
  n.id = j.value("Id", "");
  n.bridge = j.value("Bridge", "");
  n.driver = j.value("Driver", "bridge");
  n.parent = j.value("Parent", "");
  n.macvlan_mode = j.value("MacvlanMode", "");
  n.subnet = parse_subnet(j.value("Subnet", "")).value_or(Subnet{});
  n.gateway = parse_ipv4(j.value("Gateway", "")).value_or(0);
  if (auto r = parse_subnet(j.value("IPRange", ""))) n.ip_range = r;
  n.internal = j.value("Internal", false);
  n.is_default = j.value("Default", false);
  n.auto_subnet = j.value("AutoSubnet", false);
  n.made = j.value("Made", false);
  n.labels = string_map(j.value("Labels", json::object()));
  n.options = string_map(j.value("Options", json::object()));
  n.created_ns = j.value("CreatedNs", int64_t(0));
  return n;
}

NetworkService::NetworkService(const store::Paths& paths, BridgeOptions options)
    : paths_(paths), options_(std::move(options)) {}

std::string NetworkService::state_file() const { return paths_.data_root + "/network/networks.json"; }

std::string NetworkService::table_name() const {
  return options_.bridge == "mydocker0" ? "mydocker" : "mydocker-" + options_.bridge;
}

Result<void> NetworkService::save_locked() const {
  json nets = json::array();
  for (const auto& [name, n] : nets_) nets.push_back(n.to_disk_json());
  return fs::write_file_atomic(state_file(), json{{"Networks", nets}, {"Ids", fixed_ids_}}.dump(), 0600);
}

Result<Subnet> NetworkService::pick_pool_locked(const std::string& skip_bridge) const {
  std::vector<Subnet> ours;
  for (const auto& [name, n] : nets_)
    if (n.bridge != skip_bridge) ours.push_back(n.subnet);
  if (auto pool = pick_pool(host_subnets(skip_bridge), ours)) return *pool;
  return fail(Error::unavailable("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network"));
}

const BridgeNetwork* NetworkService::find_locked(const std::string& key) const {
  if (auto it = nets_.find(key); it != nets_.end()) return &it->second;
  if (key.empty()) return nullptr;
  const BridgeNetwork* found = nullptr;
  for (const auto& [name, n] : nets_)
    if (n.id.rfind(key, 0) == 0) {
      if (found) return nullptr;  // ambiguous
      found = &n;
    }
  return found;
}

Result<std::string> NetworkService::resolve(const std::string& key) const {
  std::lock_guard lk(mu_);
  if (auto n = find_locked(key)) return n->name;
  return fail(Error::not_found("network " + key + " not found"));
}

Result<std::string> NetworkService::create(const NetworkCreate& r) {
  if (r.name.empty()) return fail(Error::invalid("network name must not be empty"));
  if (r.driver != "bridge" && r.driver != "macvlan")
    return fail(Error::not_found("plugin \"" + r.driver + "\" not found"));
  std::lock_guard lk(mu_);
  if (nets_.count(r.name) || r.name == "host" || r.name == "none")
    return fail(Error::conflict("network with name " + r.name + " already exists"));
  BridgeNetwork n;
  n.name = r.name;
  n.id = random_hex_id();
  n.internal = r.internal;
  n.labels = r.labels;
  n.options = r.options;
  n.created_ns = timeutil::now_ns();
  n.driver = r.driver;
  if (n.driver == "macvlan") {
    TRY_VOID(check_macvlan_locked(n, r.options));
  } else {
    n.bridge = r.options.count("com.docker.network.bridge.name") ? r.options.at("com.docker.network.bridge.name")
                                                                  : "br-" + n.id.substr(0, 12);
    for (const auto& [name, other] : nets_)
      if (other.bridge == n.bridge) return fail(Error::conflict("bridge " + n.bridge + " is already used by network " + name));
  }
  if (r.subnet.empty()) {
    if (!r.ip_range.empty() || !r.gateway.empty())
      return fail(Error::invalid("ip-range and gateway need a subnet"));
    TRY_ASSIGN(n.subnet, pick_pool_locked(n.bridge));
    n.auto_subnet = true;
  } else {
    auto s = parse_subnet(r.subnet, true);
    if (!s) return fail(Error::invalid("invalid subnet " + r.subnet));
    for (const auto& [name, other] : nets_)
      if (s->overlaps(other.subnet))
        return fail(Error::forbidden("invalid pool request: Pool overlaps with other one on this address space"));
    n.subnet = *s;
  }
  n.gateway = n.subnet.network + 1;
  if (!r.gateway.empty()) {
    auto g = parse_ipv4(r.gateway);
    if (!g || !n.subnet.contains(*g)) return fail(Error::invalid("no matching subnet for gateway " + r.gateway));
    n.gateway = *g;
  }
  if (!r.ip_range.empty()) {
    auto range = parse_subnet(r.ip_range, true);
    if (!range || !n.subnet.contains(range->network) || range->prefix < n.subnet.prefix)
      return fail(Error::invalid("no matching subnet for range " + r.ip_range));
    n.ip_range = range;
  }
  nets_[n.name] = n;
  if (auto saved = save_locked(); !saved) {
    nets_.erase(n.name);
    return fail(saved.error());
  }
  return n.id;
}

// Docker's macvlan rules: a parent on the host, one network per parent,
// a known mode. Without a parent the network gets a dummy link of its own.
Result<void> NetworkService::check_macvlan_locked(BridgeNetwork& n, const std::map<std::string, std::string>& options) const {
  auto opt = [&](const char* key) { return options.count(key) ? options.at(key) : std::string(); };
  n.macvlan_mode = opt("macvlan_mode").empty() ? "bridge" : opt("macvlan_mode");
  if (!valid_macvlan_mode(n.macvlan_mode))
    return fail(Error::invalid("requested macvlan mode '" + n.macvlan_mode +
                               "' is not valid, 'bridge' mode is the macvlan driver default"));
  n.parent = opt("parent");
  if (n.parent.empty()) {
    n.parent = "dm-" + n.id.substr(0, 12);
    n.bridge = n.parent;  // ours: made with the network's first container, removed with it
  } else if (!link_exists(n.parent)) {
    return fail(Error::invalid("-o parent interface was not found on the host: " + n.parent));
  }
  for (const auto& [name, other] : nets_)
    if (other.driver == "macvlan" && other.parent == n.parent)
      return fail(Error::forbidden("network " + name + " is already using parent interface " + n.parent));
  return {};
}

Result<void> NetworkService::remove(const std::string& key) {
  std::lock_guard lk(mu_);
  if (key == "host" || key == "none" || key == "bridge" || (key.size() >= 12 && (fixed_ids_["host"].rfind(key, 0) == 0 ||
                                                                                  fixed_ids_["none"].rfind(key, 0) == 0)))
    return fail(Error::forbidden(key + " is a pre-defined network and cannot be removed"));
  const BridgeNetwork* n = find_locked(key);
  if (!n) return fail(Error::not_found("network " + key + " not found"));
  if (n->is_default) return fail(Error::forbidden(n->name + " is a pre-defined network and cannot be removed"));
  for (const auto& [key, a] : active_)
    if (a.endpoint.network == n->name)
      return fail(Error::conflict("error while removing network: network " + n->name + " id " + n->id +
                                  " has active endpoints"));
  const std::string name = n->name, bridge = n->bridge;
  nets_.erase(name);
  bridge_ready_.erase(bridge);
  TRY_VOID(save_locked());
  if (!bridge.empty()) (void)delete_link(bridge);  // a bridge or a macvlan's dummy parent of ours
  return sync_rules_locked();
}

std::vector<std::string> NetworkService::prune(const std::map<std::string, std::vector<std::string>>& filters) {
  std::vector<std::string> victims;
  {
    std::lock_guard lk(mu_);
    for (const auto& [name, n] : nets_) {
      if (n.is_default) continue;
      bool used = false;
      for (const auto& [key, a] : active_) used |= a.endpoint.network == name;
      if (used) continue;
      if (auto it = filters.find("label"); it != filters.end()) {
        bool ok = true;
        for (const auto& w : it->second) {
          const size_t eq = w.find('=');
          auto l = n.labels.find(w.substr(0, eq));
          ok &= l != n.labels.end() && (eq == std::string::npos || l->second == w.substr(eq + 1));
        }
        if (!ok) continue;
      }
      victims.push_back(name);
    }
  }
  std::vector<std::string> out;
  for (const auto& v : victims)
    if (remove(v)) out.push_back(v);
  return out;
}

Result<void> NetworkService::ensure_bridge_locked(BridgeNetwork& n) {
  if (n.driver == "macvlan") {
    if (n.parent == n.bridge) return ensure_dummy(n.parent);
    if (!link_exists(n.parent))
      return fail(Error::invalid("-o parent interface was not found on the host: " + n.parent));
    return {};
  }
  if (bridge_ready_[n.bridge] && link_exists(n.bridge)) return {};
  if (n.auto_subnet && !link_exists(n.bridge)) {
    // Making the bridge now: the pool chosen earlier may have been taken
    // since (another daemon's bridge, a VPN).
    bool clash = false;
    for (const auto& t : host_subnets(n.bridge)) clash |= n.subnet.overlaps(t);
    if (clash) {
      TRY_ASSIGN(n.subnet, pick_pool_locked(n.bridge));
      n.gateway = n.subnet.network + 1;
      TRY_VOID(save_locked());
    }
  }
  TRY_VOID(ensure_bridge(n.bridge, n.gateway, n.subnet.prefix));
  TRY_VOID(write_sysctl("net/ipv4/ip_forward", "1"));
  // Lets the host's own 127.0.0.1 reach published ports through DNAT.
  TRY_VOID(write_sysctl("net/ipv4/conf/" + n.bridge + "/route_localnet", "1"));
  bridge_ready_[n.bridge] = true;
  if (!n.made) {
    n.made = true;
    TRY_VOID(save_locked());
  }
  return sync_rules_locked();
}

Result<uint32_t> NetworkService::allocate_ip_locked(const BridgeNetwork& n) const {
  const Subnet range = n.ip_range ? *n.ip_range : n.subnet;
  for (uint32_t ip = range.network; ip <= range.broadcast(); ++ip) {
    if (ip == n.gateway || ip == n.subnet.network || ip == n.subnet.broadcast()) continue;
    bool used = false;
    for (const auto& [key, a] : active_) used |= a.endpoint.network == n.name && a.endpoint.ip == ip;
    if (!used) return ip;
  }
  return fail(Error::unavailable("no available IPv4 addresses on network " + n.name));
}

Result<void> NetworkService::reserve_ports_locked(std::vector<PortMapping>& ports, std::vector<UniqueFd>& held) {
  for (auto& p : ports) {
    TRY_ASSIGN(UniqueFd s, reserve_host_port(p));
    held.push_back(std::move(s));
  }
  return {};
}

Result<void> NetworkService::sync_rules_locked() {
  if (restoring_) return {};  // finish_restore writes it once
  NatState st{table_name(), {}, {}};
  for (const auto& [name, n] : nets_)
    if (n.driver == "bridge" && bridge_ready_[n.bridge]) st.bridges.push_back({n.bridge, n.subnet, n.internal});
  for (const auto& [key, a] : active_)
    for (const auto& p : a.endpoint.ports)
      st.forwards.push_back({p.proto, p.host_ip == "0.0.0.0" ? 0 : parse_ipv4(p.host_ip).value_or(0), p.host_port,
                             a.endpoint.ip, p.container_port});
  return apply_nat(st);
}

bool NetworkService::has_embedded_dns(const std::string& network) const {
  std::lock_guard lk(mu_);
  auto it = nets_.find(network);
  return it != nets_.end() && !it->second.is_default;
}

Result<Endpoint> NetworkService::connect(const std::string& cid, const std::string& network, int netns_fd,
                                         const JoinOptions& o) {
  std::lock_guard lk(mu_);
  auto it = nets_.find(network);
  if (it == nets_.end()) return fail(Error::not_found("network " + network + " not found"));
  BridgeNetwork& n = it->second;
  if (active_.count({cid, n.name})) return fail(Error::forbidden("endpoint already exists in network " + n.name));
  TRY_VOID(ensure_bridge_locked(n));
  Active a;
  a.endpoint.network = n.name;
  const EndpointRequest& request = o.request;
  if (!request.ip.empty()) {
    if (n.is_default)
      return fail(Error::invalid("user specified IP address is supported on user defined networks only"));
    auto ip = parse_ipv4(request.ip);
    if (!ip) return fail(Error::invalid("invalid IPv4 address: " + request.ip));
    if (!n.subnet.contains(*ip) || *ip == n.gateway || *ip == n.subnet.network || *ip == n.subnet.broadcast())
      return fail(Error::invalid("no configured subnet or ip-range contain the IP address " + request.ip));
    for (const auto& [key, other] : active_)
      if (other.endpoint.network == n.name && other.endpoint.ip == *ip)
        return fail(Error::conflict("Address already in use"));
    a.endpoint.ip = *ip;
  } else {
    TRY_ASSIGN(a.endpoint.ip, allocate_ip_locked(n));
  }
  a.endpoint.gateway = n.gateway;
  a.endpoint.prefix = n.subnet.prefix;
  a.endpoint.mac = request.mac.empty() ? mac_for(a.endpoint.ip) : request.mac;
  a.endpoint.aliases = request.aliases;
  a.endpoint.ifname = o.ifname;
  a.endpoint.id = random_hex_id();
  // An internal network has no way out: no default route.
  const uint32_t route_via = n.internal || !o.default_route ? 0u : a.endpoint.gateway;
  if (n.driver == "macvlan") {
    // Published ports mean nothing on a macvlan: the container is on the LAN.
    TRY_VOID(create_macvlan_endpoint({n.parent, n.macvlan_mode, netns_fd, o.ifname, a.endpoint.ip,
                                      a.endpoint.prefix, route_via, a.endpoint.mac}));
    a.netns.reset(::fcntl(netns_fd, F_DUPFD_CLOEXEC, 0));
  } else {
    a.endpoint.host_veth = "veth" + random_hex_id().substr(0, 7);
    a.endpoint.ports = o.ports;
    TRY_VOID(reserve_ports_locked(a.endpoint.ports, a.reservations));
    TRY_VOID(create_endpoint({a.endpoint.host_veth, n.bridge, netns_fd, o.ifname, a.endpoint.ip, a.endpoint.prefix,
                              route_via, a.endpoint.mac}));
  }
  const Endpoint result = a.endpoint;
  auto undo_link = [&] {
    if (!result.host_veth.empty()) (void)delete_link(result.host_veth);
    else (void)delete_link_in_netns(netns_fd, result.ifname);
  };
  if (!n.is_default) {
    if (auto r = dns_.add(cid, n.name, netns_fd, o.dns_upstreams); !r) {
      undo_link();
      return fail(r.error());
    }
  }
  active_[{cid, n.name}] = std::move(a);
  // The table only changes with published ports: most starts skip nftables.
  if (result.ports.empty()) return result;
  if (auto r = sync_rules_locked(); !r) {
    undo_link();
    dns_.remove(cid, n.name);
    active_.erase({cid, n.name});
    (void)sync_rules_locked();
    return fail(r.error());
  }
  return result;
}

void NetworkService::release_locked(const std::string& cid, const std::string& network, int netns_fd, bool at_exit) {
  auto it = active_.find({cid, network});
  if (it == active_.end()) return;
  const Endpoint& e = it->second.endpoint;
  // A veth pair goes with its host end. At exit that is off the exit path:
  // deleting a veth waits for an RCU grace period (10-30 ms here), and the
  // kernel is tearing the dead namespace down anyway; the delete only
  // matters when another container still shares that namespace.
  if (!e.host_veth.empty() && at_exit) std::thread([veth = e.host_veth] { (void)delete_link(veth); }).detach();
  else if (!e.host_veth.empty()) (void)delete_link(e.host_veth);
  else if (netns_fd >= 0 || it->second.netns)
    (void)delete_link_in_netns(netns_fd >= 0 ? netns_fd : it->second.netns.get(), e.ifname);
  dns_.remove(cid, network);
  const bool had_ports = !e.ports.empty();
  active_.erase(it);
  if (!had_ports) return;
  if (auto r = sync_rules_locked(); !r) spdlog::warn("nftables: {}", r.error().message);
}

void NetworkService::disconnect(const std::string& cid, const std::string& network, int netns_fd) {
  std::lock_guard lk(mu_);
  release_locked(cid, network, netns_fd, false);
}

void NetworkService::disconnect_all(const std::string& cid) {
  std::lock_guard lk(mu_);
  std::vector<std::string> joined;
  for (const auto& [key, a] : active_)
    if (key.first == cid) joined.push_back(key.second);
  for (const auto& network : joined) release_locked(cid, network, -1, true);
  dns_.remove_all(cid);
}

std::string NetworkService::fixed_network(const std::string& key) const {
  std::lock_guard lk(mu_);
  if (nets_.count(key)) return "";
  for (const char* fixed : {"host", "none"})
    if (key == fixed || (key.size() >= 12 && fixed_ids_.at(fixed).rfind(key, 0) == 0)) return fixed;
  return "";
}

json NetworkService::network_json_locked(const std::string& name) const {
  json j;
  const auto it = nets_.find(name);
  const BridgeNetwork* n = it == nets_.end() ? nullptr : &it->second;
  j["Name"] = name;
  j["Id"] = n ? n->id : fixed_ids_.at(name);
  j["Created"] = timeutil::format_rfc3339_nano(n && n->created_ns ? n->created_ns : 0);
  j["Scope"] = "local";
  j["Driver"] = n ? n->driver : name == "host" ? "host" : "null";
  j["EnableIPv4"] = true;
  j["EnableIPv6"] = false;
  json ipam_config = json::array();
  if (n) {
    json c = {{"Subnet", n->subnet.str()}, {"Gateway", format_ipv4(n->gateway)}};
    if (n->ip_range) c["IPRange"] = n->ip_range->str();
    ipam_config.push_back(c);
  }
  j["IPAM"] = {{"Driver", "default"}, {"Options", n && !n->is_default ? json::object() : json(nullptr)}, {"Config", ipam_config}};
  j["Internal"] = n && n->internal;
  j["Attachable"] = false;
  j["Ingress"] = false;
  j["ConfigFrom"] = {{"Network", ""}};
  j["ConfigOnly"] = false;
  json containers = json::object();
  for (const auto& [key, a] : active_)
    if (a.endpoint.network == name)
      containers[key.first] = {{"Name", ""},
                        {"EndpointID", a.endpoint.id},
                        {"MacAddress", a.endpoint.mac},
                        {"IPv4Address", format_ipv4(a.endpoint.ip) + "/" + std::to_string(a.endpoint.prefix)},
                        {"IPv6Address", ""}};
  j["Containers"] = containers;
  j["Options"] = n ? json(n->options) : json::object();
  j["Labels"] = n ? json(n->labels) : json::object();
  return j;
}

Result<json> NetworkService::list(const NetworkFilters& filters) const {
  TRY_VOID(check_network_filters(filters));
  std::lock_guard lk(mu_);
  std::vector<std::string> names;
  for (const auto& [name, n] : nets_) names.push_back(name);
  names.push_back("host");
  names.push_back("none");
  json out = json::array();
  for (const auto& name : names)
    if (json j = network_json_locked(name); network_matches(j, filters)) out.push_back(std::move(j));
  return out;
}

Result<json> NetworkService::inspect(const std::string& key) const {
  std::lock_guard lk(mu_);
  if (const BridgeNetwork* n = find_locked(key)) return network_json_locked(n->name);
  for (const char* fixed : {"host", "none"})
    if (key == fixed || (!key.empty() && fixed_ids_.at(fixed).rfind(key, 0) == 0)) return network_json_locked(fixed);
  return fail(Error::not_found("network " + key + " not found"));
}

}  // namespace mydocker::daemon::networks
