#pragma once
// The engine behind container networking and /networks: bridge networks
// (the default `bridge` and user-defined ones, each a Linux bridge of ours
// with its subnet, sequential addresses and published ports) and the fixed
// `host` and `none` networks. One lock; the netlink and nftables work for a
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
  std::string name, id, bridge;
  Subnet subnet;
  uint32_t gateway = 0;
  std::optional<Subnet> ip_range;  // where container addresses come from
  bool internal = false;
  bool is_default = false;
  bool auto_subnet = false;  // picked from the pools: may move before its bridge exists
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

  // Loads the networks (making the default one the first time); nothing is
  // created on the host until a container needs a bridge.
  Result<void> restore();

  // POST /networks/create → its id.
  Result<std::string> create(const NetworkCreate& request);
  // DELETE /networks/{id}: 409 while containers run on it.
  Result<void> remove(const std::string& name_or_id);
  // POST /networks/prune: user networks no container runs on.
  std::vector<std::string> prune(const std::map<std::string, std::vector<std::string>>& filters);
  // The name of a bridge network (by name, id or id prefix), for starts.
  Result<std::string> resolve(const std::string& name_or_id) const;

  // A container on a bridge network starting: an address, a veth pair whose
  // far end becomes eth0 in netns_fd, its ports reserved and forwarded.
  // Nothing is left behind on failure.
  // On a user-defined network the embedded DNS answers in netns_fd too,
  // forwarding what it does not know to dns_upstreams.
  Result<Endpoint> connect(const std::string& container_id, const std::string& network,
                           const std::vector<PortMapping>& ports, int netns_fd,
                           const std::vector<std::string>& dns_upstreams = {}, const EndpointRequest& request = {});
  // Names to addresses for the embedded DNS (the container service knows names).
  void set_name_lookup(NameLookup lookup) { dns_.set_lookup(std::move(lookup)); }
  // Whether containers on this network use the embedded DNS (user-defined ones).
  bool has_embedded_dns(const std::string& network) const;
  // Its exit: address, ports and rules released, the host veth removed.
  void disconnect(const std::string& container_id);
  // After every container has been reconciled at daemon start: our table
  // rewritten from what still runs (rules of containers that died while
  // the daemon was away go).
  void finish_restore();
  // After a daemon restart, for containers still running.
  void readopt(const std::string& container_id, const Endpoint& endpoint, pid_t pid,
               const std::vector<std::string>& dns_upstreams);

  // GET /networks, GET /networks/{id}; container ids → names come from the caller.
  nlohmann::json list(const std::map<std::string, std::vector<std::string>>& filters) const;
  Result<nlohmann::json> inspect(const std::string& name_or_id) const;
  // Our nftables table: "mydocker" for the default bridge, else named after it.
  std::string table_name() const;

 private:
  struct Active {
    Endpoint endpoint;
    std::vector<UniqueFd> reservations;  // host ports held while it runs
  };
  const BridgeNetwork* find_locked(const std::string& name_or_id) const;
  Result<Subnet> pick_pool_locked(const std::string& skip_bridge) const;
  Result<void> ensure_bridge_locked(BridgeNetwork& n);
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
  std::map<std::string, Active> active_;
  DnsServer dns_;
};

}  // namespace mydocker::daemon::networks
