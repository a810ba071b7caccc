// NetworkService at daemon start: networks loaded from disk, the bridges
// that existed made again if they went missing while the daemon was away,
// running containers' endpoints adopted (their host veths put back on a
// re-made bridge, or the pair made again when it went with the bridge),
// and our nftables table written once from what still runs.
#include <fcntl.h>

#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "daemon/networks/netlink.hpp"
#include "daemon/networks/network_service.hpp"

namespace mydocker::daemon::networks {

using nlohmann::json;

namespace {
UniqueFd netns_of(pid_t pid) {
  return UniqueFd(::open(("/proc/" + std::to_string(pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
}
}  // namespace

Result<void> NetworkService::restore() {
  std::lock_guard lk(mu_);
  TRY_VOID(fs::mkdir_all(paths_.data_root + "/network", 0700));
  json saved = json::object();
  if (auto text = fs::read_file(state_file())) saved = json::parse(*text, nullptr, false);
  if (!saved.is_object()) saved = json::object();
  for (const char* n : {"host", "none"}) {
    const std::string id = saved.contains("Ids") ? saved["Ids"].value(n, "") : "";
    fixed_ids_[n] = id.size() == 64 ? id : random_hex_id();
  }
  for (const auto& j : saved.value("Networks", json::array())) {
    BridgeNetwork n = BridgeNetwork::from_disk_json(j);
    // State written before "Made" was kept: a bridge present now was ours.
    if (n.driver == "bridge" && !n.made && link_exists(n.bridge)) n.made = true;
    if (!n.name.empty()) nets_[n.name] = n;
  }
  // The default network follows the daemon's --bridge and --bip.
  BridgeNetwork& d = nets_["bridge"];
  const bool fresh = d.id.empty() || d.bridge != options_.bridge;
  d.name = "bridge";
  d.is_default = true;
  if (d.id.empty()) d.id = random_hex_id();
  if (d.bridge != options_.bridge) d.made = false;  // another --bridge than last time
  d.bridge = options_.bridge;
  d.options = {{"com.docker.network.bridge.default_bridge", "true"}, {"com.docker.network.bridge.name", options_.bridge}};
  if (!options_.bip.empty()) {
    auto ip = parse_subnet(options_.bip, true);
    if (!ip) return fail(Error::invalid("invalid --bip: " + options_.bip));
    d.subnet = *ip;
    d.gateway = *parse_ipv4(options_.bip.substr(0, options_.bip.find('/')));
    if (d.gateway == d.subnet.network) d.gateway = d.subnet.network + 1;
    d.auto_subnet = false;
  } else if (fresh || !d.auto_subnet) {
    TRY_ASSIGN(d.subnet, pick_pool_locked(options_.bridge));
    d.gateway = d.subnet.network + 1;
    d.auto_subnet = true;
  }
  TRY_VOID(save_locked());
  // Until finish_restore the table is not written: once, with every
  // adopted container's ports, rather than once per container.
  restoring_ = true;
  remake_bridges_locked();
  return {};
}

// Bridges go with a reboot or an `ip link del`; a network whose bridge was
// made once gets it back now, not at its next container, so what runs and
// what the table forwards to has its way out again at once.
void NetworkService::remake_bridges_locked() {
  for (auto& [name, n] : nets_) {
    if (n.driver != "bridge" || !n.made) continue;
    if (!link_exists(n.bridge)) spdlog::info("network {}: bridge {} is missing, making it again", name, n.bridge);
    if (auto r = ensure_bridge_locked(n); !r) spdlog::warn("network {}: {}", name, r.error().message);
  }
}

void NetworkService::finish_restore() {
  std::lock_guard lk(mu_);
  restoring_ = false;
  bool any = false;
  for (const auto& [name, n] : nets_)
    if (n.driver == "bridge" && link_exists(n.bridge)) any = bridge_ready_[n.bridge] = true;
  if (!any) return;
  // The whole table again, even if someone deleted it while we were away.
  if (auto r = sync_rules_locked(); !r) spdlog::warn("nftables: {}", r.error().message);
}

// A running container's veth endpoint after a restart: its host end put
// back on the bridge (a deleted bridge releases its ports), or, when the
// pair went too, made again into the namespace the container still has,
// with the same name, address and MAC.
Result<void> NetworkService::rewire_locked(BridgeNetwork& n, const Endpoint& e, pid_t pid) {
  TRY_VOID(ensure_bridge_locked(n));
  if (link_exists(e.host_veth)) return attach_to_bridge(e.host_veth, n.bridge);
  UniqueFd ns = netns_of(pid);
  if (!ns) return fail(Error::from_errno(errno, "its network namespace is gone"));
  // Only a first interface had the default route (it went with the pair).
  const uint32_t route_via = n.internal || e.ifname != "eth0" ? 0u : e.gateway;
  spdlog::info("host veth {} is gone: making it again into the container", e.host_veth);
  return create_endpoint({e.host_veth, n.bridge, ns.get(), e.ifname, e.ip, e.prefix, route_via, e.mac});
}

bool NetworkService::readopt(const std::string& cid, const Endpoint& e, pid_t pid,
                             const std::vector<std::string>& dns_upstreams) {
  std::lock_guard lk(mu_);
  auto it = nets_.find(e.network);
  if (it == nets_.end()) {
    spdlog::warn("container {}: its network {} is gone; endpoint {} dropped", cid, e.network, e.id);
    return false;
  }
  if (!e.host_veth.empty()) {
    if (auto r = rewire_locked(it->second, e, pid); !r) {
      // Not adopted: no address held, no port forwarded to a dead end.
      spdlog::warn("container {}: endpoint on network {} could not be restored, dropped: {}", cid, e.network,
                   r.error().message);
      return false;
    }
  }
  if (!it->second.is_default) {
    // The embedded DNS again, in the namespace the container still has.
    UniqueFd ns = netns_of(pid);
    if (!ns) spdlog::warn("container {}: its network namespace is gone", cid);
    else if (auto r = dns_.add(cid, e.network, ns.get(), dns_upstreams); !r) spdlog::warn("dns {}: {}", cid, r.error().message);
  }
  Active a;
  a.endpoint = e;
  if (e.host_veth.empty()) a.netns = netns_of(pid);
  auto ports = e.ports;
  // The same host ports again; one taken meanwhile is reported, not fatal.
  if (auto r = reserve_ports_locked(ports, a.reservations); !r) spdlog::warn("container {}: {}", cid, r.error().message);
  active_[{cid, e.network}] = std::move(a);
  if (auto r = ensure_bridge_locked(it->second); !r) spdlog::warn("network {}: {}", e.network, r.error().message);
  if (auto r = sync_rules_locked(); !r) spdlog::warn("nftables: {}", r.error().message);
  return true;
}

}  // namespace mydocker::daemon::networks
