#pragma once
// The engine behind container networking and /networks: the default
// `bridge` network (our Linux bridge, its subnet, sequential addresses,
// published ports) and the fixed `host` and `none` networks. One lock; all
// netlink and nftables work for a container happens at its start and exit.
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "daemon/networks/endpoint.hpp"
#include "daemon/networks/ipv4.hpp"
#include "daemon/store/paths.hpp"

namespace mydocker::daemon::networks {

struct BridgeOptions {
  std::string bridge = "mydocker0";  // --bridge
  std::string bip;                   // --bip "172.17.0.1/16"; empty: the first free pool
};

class NetworkService {
 public:
  NetworkService(const store::Paths& paths, BridgeOptions options);

  // Picks (or reloads) the bridge subnet; nothing is created on the host
  // until a container needs the bridge.
  Result<void> restore();

  // A bridge-mode container starting: an address, a veth pair whose far
  // end becomes eth0 in netns_fd, its ports reserved and forwarded.
  // Nothing is left behind on failure.
  Result<Endpoint> connect(const std::string& container_id, const std::vector<PortMapping>& ports, int netns_fd);
  // Its exit: address, ports and rules released, the host veth removed.
  void disconnect(const std::string& container_id);
  // After a daemon restart, for containers still running.
  void readopt(const std::string& container_id, const Endpoint& endpoint);

  // GET /networks, GET /networks/{id}: bridge, host, none.
  nlohmann::json list() const;
  Result<nlohmann::json> inspect(const std::string& name_or_id) const;
  Subnet subnet() const { return subnet_; }
  uint32_t gateway() const { return gateway_; }
  const std::string& bridge_name() const { return options_.bridge; }
  // Our nftables table: "mydocker" for the default bridge, else named after it.
  std::string table_name() const;

 private:
  struct Active {
    Endpoint endpoint;
    std::vector<UniqueFd> reservations;  // host ports held while it runs
  };
  Result<void> pick_subnet();  // the first default pool the host does not use
  Result<void> ensure_host_side_locked();
  Result<uint32_t> allocate_ip_locked() const;
  Result<void> reserve_ports_locked(std::vector<PortMapping>& ports, std::vector<UniqueFd>& held);
  Result<void> sync_rules_locked();
  nlohmann::json network_json(const std::string& name) const;

  const store::Paths& paths_;
  BridgeOptions options_;
  Subnet subnet_;
  uint32_t gateway_ = 0;
  bool host_side_ready_ = false;
  mutable std::mutex mu_;
  std::map<std::string, Active> active_;
  std::map<std::string, std::string> ids_;  // network name → 64-hex id
};

}  // namespace mydocker::daemon::networks
