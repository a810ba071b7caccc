#pragma once
// The engine behind container networking and /networks: bridge networks
// (the default `bridge` and user-defined ones, each a Linux bridge of ours
// with its subnet, sequential addresses and published ports), macvlan
// networks (containers on a parent interface's LAN) and the fixed `host`
// and `none` networks. A container may be on several networks at once. One lock; the netlink and nftables work for a
// container happens at its start and exit. Networks persist in
// <data-root>/network/networks.json, written atomically.
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "daemon/networks/dns_server.hpp"
#include "daemon/networks/endpoint.hpp"
#include "daemon/networks/ipv4.hpp"
#include "daemon/store/paths.hpp"

namespace mydocker::daemon::networks {

struct BridgeOptions {
  std::string bridge = "mydocker0";  // --bridge: the default network's Linux bridge
  std::string bip;                   // --bip "172.17.0.1/16"; empty: the first free pool
};

struct BridgeNetwork {
  std::string name, id, bridge;  // bridge: "" for macvlan
  std::string driver = "bridge";  // or "macvlan"
  std::string parent, macvlan_mode;  // macvlan only
  Subnet subnet;
  uint32_t gateway = 0;
  std::optional<Subnet> ip_range;  // where container addresses come from
  bool internal = false;
  bool is_default = false;
  bool auto_subnet = false;  // picked from the pools: may move before its bridge exists
  bool made = false;  // its bridge was made once: made again at daemon start when missing
  std::map<std::string, std::string> labels, options;
  int64_t created_ns = 0;

  nlohmann::json to_disk_json() const;
  static BridgeNetwork from_disk_json(const nlohmann::json& j);
};

struct NetworkCreate {
  std::string name, driver = "bridge";
  std::string subnet, ip_range, gateway;  // empty: chosen
  bool internal = false;
  std::map<std::string, std::string> labels, options;
};

class NetworkService {
 public:
  NetworkService(const store::Paths& paths, BridgeOptions options);

  // Loads the networks (making the default one the first time). A bridge
  // is made when a network's first container needs it; one made before
  // and missing now (deleted while the daemon was away) is made again here.
  Result<void> restore();

  // POST /networks/create → its id.
  Result<std::string> create(const NetworkCreate& request);
  // DELETE /networks/{id}: 409 while containers run on it.
  Result<void> remove(const std::string& name_or_id);
  // POST /networks/prune: user networks no container runs on.
  std::vector<std::string> prune(const std::map<std::string, std::vector<std::string>>& filters);
  // The name of a bridge network (by name, id or id prefix), for starts.
  Result<std::string> resolve(const std::string& name_or_id) const;

  // A container joining a network (at its start, or live): an address and
  // an interface `ifname` in netns_fd (the far end of a veth pair on the
  // bridge, or a macvlan on the parent), its ports reserved and forwarded.
  // Only a container's first network gives it a default route.
  // Nothing is left behind on failure.
  // On a user-defined network the embedded DNS answers in netns_fd too,
  // forwarding what it does not know to dns_upstreams.
  struct JoinOptions {
    std::vector<PortMapping> ports;
    std::vector<std::string> dns_upstreams;
    EndpointRequest request;
    std::string ifname = "eth0";
    bool default_route = true;
  };
  Result<Endpoint> connect(const std::string& container_id, const std::string& network, int netns_fd,
                           const JoinOptions& options);
  // Names to addresses for the embedded DNS (the container service knows names).
  void set_name_lookup(NameLookup lookup) { dns_.set_lookup(std::move(lookup)); }
  // Whether containers on this network use the embedded DNS (user-defined ones).
  bool has_embedded_dns(const std::string& network) const;
  // Leaving one network live (netns_fd: the container's namespace, for a
  // macvlan), or every network at its exit: address, ports and rules
  // released, the host veth removed.
  void disconnect(const std::string& container_id, const std::string& network, int netns_fd = -1);
  void disconnect_all(const std::string& container_id);
  // After every container has been reconciled at daemon start: our table
  // rewritten from what still runs (rules of containers that died while
  // the daemon was away go).
  void finish_restore();
  // After a daemon restart, for containers still running. False when the
  // endpoint could not be taken back (its network or interface is gone):
  // the container should forget it.
  bool readopt(const std::string& container_id, const Endpoint& endpoint, pid_t pid,
               const std::vector<std::string>& dns_upstreams);

  // Whether `name_or_id` is the host or none network ("" if neither).
  std::string fixed_network(const std::string& name_or_id) const;

  // GET /networks, GET /networks/{id}; container ids → names come from the caller.
  // 400 for filters Docker would refuse.
  Result<nlohmann::json> list(const std::map<std::string, std::vector<std::string>>& filters) const;
  Result<nlohmann::json> inspect(const std::string& name_or_id) const;
  // Our nftables table: "mydocker" for the default bridge, else named after it.
  std::string table_name() const;

 private:
  struct Active {
    Endpoint endpoint;
    std::vector<UniqueFd> reservations;  // host ports held while it runs
    // A macvlan's namespace, held so its link can be deleted at exit: the
    // kernel tears a dead namespace down later, and until then the link's
    // MAC would keep the next container's from coming up.
    UniqueFd netns;
  };
  const BridgeNetwork* find_locked(const std::string& name_or_id) const;
  Result<Subnet> pick_pool_locked(const std::string& skip_bridge) const;
  Result<void> ensure_bridge_locked(BridgeNetwork& n);
  void remake_bridges_locked();
  Result<void> rewire_locked(BridgeNetwork& n, const Endpoint& e, pid_t pid);
  std::string state_file() const;
  Result<void> check_macvlan_locked(BridgeNetwork& n, const std::map<std::string, std::string>& options) const;
  Result<uint32_t> allocate_ip_locked(const BridgeNetwork& n) const;
  Result<void> reserve_ports_locked(std::vector<PortMapping>& ports, std::vector<UniqueFd>& held);
  Result<void> sync_rules_locked();
  Result<void> save_locked() const;
  nlohmann::json network_json_locked(const std::string& name) const;

  const store::Paths& paths_;
  BridgeOptions options_;
  mutable std::mutex mu_;
  std::map<std::string, BridgeNetwork> nets_;  // bridge networks by name
  std::map<std::string, std::string> fixed_ids_;  // host, none
  std::map<std::string, bool> bridge_ready_;
  bool restoring_ = false;  // between restore and finish_restore: the table is written at the end
  void release_locked(const std::string& container_id, const std::string& network, int netns_fd, bool at_exit);
  std::map<std::pair<std::string, std::string>, Active> active_;  // by (container id, network)
  DnsServer dns_;
};

}  // namespace mydocker::daemon::networks
