#include "daemon/networks/network_service.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>
#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "daemon/networks/nat_rules.hpp"
#include "daemon/networks/netlink.hpp"

namespace mydocker::daemon::networks {

using nlohmann::json;

namespace {
// Subnets the host already uses (routes and interface addresses), except
// those of our own bridge.
std::vector<Subnet> host_subnets(const std::string& own_bridge) {
  std::vector<Subnet> out;
  std::ifstream routes("/proc/net/route");
  std::string line;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) {
    char iface[64];
    unsigned dest = 0, gw = 0, flags = 0, refcnt = 0, use = 0, metric = 0, mask = 0;
    if (std::sscanf(line.c_str(), "%63s %x %x %x %u %u %u %x", iface, &dest, &gw, &flags, &refcnt, &use, &metric, &mask) != 8)
      continue;
    if (own_bridge == iface || mask == 0) continue;  // the default route covers nothing of its own
    const uint32_t m = ntohl(mask), d = ntohl(dest);
    out.push_back({d & m, __builtin_popcount(m)});
  }
  ifaddrs* ifs = nullptr;
  if (::getifaddrs(&ifs) == 0) {
    for (ifaddrs* i = ifs; i; i = i->ifa_next) {
      if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask || own_bridge == i->ifa_name) continue;
      const uint32_t a = ntohl(reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
      const uint32_t m = ntohl(reinterpret_cast<sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr);
      out.push_back({a & m, __builtin_popcount(m)});
    }
    ::freeifaddrs(ifs);
  }
  return out;
}

// Docker's default pools: 172.17-31.0.0/16, then 192.168.0.0/20 steps.
std::vector<Subnet> default_pools() {
  std::vector<Subnet> pools;
  for (uint32_t b = 17; b <= 31; ++b) pools.push_back({(172u << 24) | (b << 16), 16});
  for (uint32_t c = 0; c < 256; c += 16) pools.push_back({(192u << 24) | (168u << 16) | (c << 8), 20});
  return pools;
}

std::string state_file(const store::Paths& p) { return p.data_root + "/network/networks.json"; }
}  // namespace

NetworkService::NetworkService(const store::Paths& paths, BridgeOptions options)
    : paths_(paths), options_(std::move(options)) {}

std::string NetworkService::table_name() const {
  return options_.bridge == "mydocker0" ? "mydocker" : "mydocker-" + options_.bridge;
}

Result<void> NetworkService::restore() {
  TRY_VOID(fs::mkdir_all(paths_.data_root + "/network", 0700));
  json saved = json::object();
  if (auto text = fs::read_file(state_file(paths_))) saved = json::parse(*text, nullptr, false);
  if (!saved.is_object()) saved = json::object();
  for (const char* n : {"bridge", "host", "none"}) {
    const std::string id = saved.contains("Ids") ? saved["Ids"].value(n, "") : "";
    ids_[n] = id.size() == 64 ? id : random_hex_id();
  }
  if (!options_.bip.empty()) {
    auto ip = parse_subnet(options_.bip, true);
    if (!ip) return fail(Error::invalid("invalid --bip: " + options_.bip));
    subnet_ = *ip;
    gateway_ = *parse_ipv4(options_.bip.substr(0, options_.bip.find('/')));
    if (gateway_ == subnet_.network) gateway_ = subnet_.network + 1;
  } else if (auto s = parse_subnet(saved.value("Subnet", "")); s && saved.value("Bridge", "") == options_.bridge) {
    subnet_ = *s;
    gateway_ = s->network + 1;
  } else {
    TRY_VOID(pick_subnet());
  }
  json out = {{"Bridge", options_.bridge}, {"Subnet", subnet_.str()}, {"Ids", ids_}};
  return fs::write_file_atomic(state_file(paths_), out.dump(), 0600);
}

Result<void> NetworkService::pick_subnet() {
  const auto taken = host_subnets(options_.bridge);
  for (const auto& pool : default_pools()) {
    bool clash = false;
    for (const auto& t : taken) clash |= pool.overlaps(t);
    if (clash) continue;
    subnet_ = pool;
    gateway_ = pool.network + 1;
    return {};
  }
  return fail(Error::unavailable("no free address pool for the default bridge"));
}

Result<void> NetworkService::ensure_host_side_locked() {
  if (host_side_ready_ && link_exists(options_.bridge)) return {};
  if (options_.bip.empty() && !link_exists(options_.bridge)) {
    // Making the bridge now: the pool chosen at start may have been taken
    // since (another daemon's bridge, a VPN).
    bool clash = false;
    for (const auto& t : host_subnets(options_.bridge)) clash |= subnet_.overlaps(t);
    if (clash) {
      TRY_VOID(pick_subnet());
      json out = {{"Bridge", options_.bridge}, {"Subnet", subnet_.str()}, {"Ids", ids_}};
      TRY_VOID(fs::write_file_atomic(state_file(paths_), out.dump(), 0600));
    }
  }
  TRY_VOID(ensure_bridge(options_.bridge, gateway_, subnet_.prefix));
  TRY_VOID(write_sysctl("net/ipv4/ip_forward", "1"));
  // Lets the host's own 127.0.0.1 reach published ports through DNAT.
  TRY_VOID(write_sysctl("net/ipv4/conf/" + options_.bridge + "/route_localnet", "1"));
  host_side_ready_ = true;
  return sync_rules_locked();
}

Result<uint32_t> NetworkService::allocate_ip_locked() const {
  for (uint32_t ip = subnet_.network + 1; ip < subnet_.broadcast(); ++ip) {
    if (ip == gateway_) continue;
    bool used = false;
    for (const auto& [id, a] : active_) used |= a.endpoint.ip == ip;
    if (!used) return ip;
  }
  return fail(Error::unavailable("no available IPv4 addresses on network bridge"));
}

Result<void> NetworkService::reserve_ports_locked(std::vector<PortMapping>& ports, std::vector<UniqueFd>& held) {
  for (auto& p : ports) {
    UniqueFd s(::socket(AF_INET, (p.proto == "udp" ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0));
    if (!s) return fail(Error::from_errno(errno, "socket"));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(uint16_t(p.host_port));
    const uint32_t host_ip = p.host_ip.empty() ? 0 : parse_ipv4(p.host_ip).value_or(0);
    a.sin_addr.s_addr = htonl(host_ip);
    if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
      const std::string where = (p.host_ip.empty() ? "0.0.0.0" : p.host_ip) + ":" + std::to_string(p.host_port);
      if (errno == EADDRINUSE) return fail(Error::internal("Bind for " + where + " failed: port is already allocated"));
      return fail(Error::from_errno(errno, "Bind for " + where + " failed"));
    }
    socklen_t len = sizeof a;
    ::getsockname(s.get(), reinterpret_cast<sockaddr*>(&a), &len);
    p.host_port = ntohs(a.sin_port);
    if (p.host_ip.empty()) p.host_ip = "0.0.0.0";
    held.push_back(std::move(s));
  }
  return {};
}

Result<void> NetworkService::sync_rules_locked() {
  NatState st{table_name(), options_.bridge, subnet_, {}};
  for (const auto& [id, a] : active_)
    for (const auto& p : a.endpoint.ports)
      st.forwards.push_back({p.proto, p.host_ip == "0.0.0.0" ? 0 : parse_ipv4(p.host_ip).value_or(0), p.host_port,
                             a.endpoint.ip, p.container_port});
  return apply_nat(st);
}

Result<Endpoint> NetworkService::connect(const std::string& cid, const std::vector<PortMapping>& ports, int netns_fd) {
  std::lock_guard lk(mu_);
  TRY_VOID(ensure_host_side_locked());
  Active a;
  TRY_ASSIGN(a.endpoint.ip, allocate_ip_locked());
  a.endpoint.gateway = gateway_;
  a.endpoint.prefix = subnet_.prefix;
  a.endpoint.mac = mac_for(a.endpoint.ip);
  a.endpoint.host_veth = "veth" + random_hex_id().substr(0, 7);
  a.endpoint.ports = ports;
  TRY_VOID(reserve_ports_locked(a.endpoint.ports, a.reservations));
  TRY_VOID(create_endpoint({a.endpoint.host_veth, options_.bridge, netns_fd, a.endpoint.ip, a.endpoint.prefix,
                            a.endpoint.gateway, a.endpoint.mac}));
  Endpoint result = a.endpoint;
  active_[cid] = std::move(a);
  // The table only changes with published ports: most starts skip nftables.
  if (result.ports.empty()) return result;
  if (auto r = sync_rules_locked(); !r) {
    (void)delete_link(result.host_veth);
    active_.erase(cid);
    (void)sync_rules_locked();
    return fail(r.error());
  }
  return result;
}

void NetworkService::disconnect(const std::string& cid) {
  std::lock_guard lk(mu_);
  auto it = active_.find(cid);
  if (it == active_.end()) return;
  // Normally gone with the container's namespace already.
  (void)delete_link(it->second.endpoint.host_veth);
  const bool had_ports = !it->second.endpoint.ports.empty();
  active_.erase(it);
  if (!had_ports) return;
  if (auto r = sync_rules_locked(); !r) spdlog::warn("nftables: {}", r.error().message);
}

void NetworkService::readopt(const std::string& cid, const Endpoint& e) {
  std::lock_guard lk(mu_);
  Active a;
  a.endpoint = e;
  auto ports = e.ports;
  // The same host ports again; one taken meanwhile is reported, not fatal.
  if (auto r = reserve_ports_locked(ports, a.reservations); !r) spdlog::warn("container {}: {}", cid, r.error().message);
  active_[cid] = std::move(a);
  if (auto r = ensure_host_side_locked(); !r) spdlog::warn("bridge {}: {}", options_.bridge, r.error().message);
  if (auto r = sync_rules_locked(); !r) spdlog::warn("nftables: {}", r.error().message);
}

json NetworkService::network_json(const std::string& name) const {
  json j;
  j["Name"] = name;
  j["Id"] = ids_.at(name);
  j["Created"] = "0001-01-01T00:00:00Z";
  j["Scope"] = "local";
  j["Driver"] = name == "bridge" ? "bridge" : name == "host" ? "host" : "null";
  j["EnableIPv4"] = true;
  j["EnableIPv6"] = false;
  json ipam_config = json::array();
  if (name == "bridge") ipam_config.push_back({{"Subnet", subnet_.str()}, {"Gateway", format_ipv4(gateway_)}});
  j["IPAM"] = {{"Driver", "default"}, {"Options", nullptr}, {"Config", ipam_config}};
  j["Internal"] = false;
  j["Attachable"] = false;
  j["Ingress"] = false;
  j["ConfigFrom"] = {{"Network", ""}};
  j["ConfigOnly"] = false;
  json containers = json::object();
  if (name == "bridge")
    for (const auto& [id, a] : active_)
      containers[id] = {{"Name", ""},
                        {"EndpointID", ""},
                        {"MacAddress", a.endpoint.mac},
                        {"IPv4Address", format_ipv4(a.endpoint.ip) + "/" + std::to_string(a.endpoint.prefix)},
                        {"IPv6Address", ""}};
  j["Containers"] = containers;
  j["Options"] = name == "bridge" ? json{{"com.docker.network.bridge.default_bridge", "true"},
                                         {"com.docker.network.bridge.name", options_.bridge}}
                                  : json::object();
  j["Labels"] = json::object();
  return j;
}

json NetworkService::list() const {
  std::lock_guard lk(mu_);
  json out = json::array();
  for (const char* n : {"bridge", "host", "none"}) out.push_back(network_json(n));
  return out;
}

Result<json> NetworkService::inspect(const std::string& key) const {
  std::lock_guard lk(mu_);
  for (const char* n : {"bridge", "host", "none"})
    if (key == n || (key.size() >= 1 && ids_.at(n).rfind(key, 0) == 0)) return network_json(n);
  return fail(Error::not_found("network " + key + " not found"));
}

}  // namespace mydocker::daemon::networks
