#pragma once
// mydockerd's nftables table, through libnftables: masquerade for its
// bridge's subnet, DNAT for published ports (from other hosts, and from
// this host itself, 127.0.0.1 included), forwarding for the bridge. The
// whole table is rewritten from the daemon's state in one transaction on
// every change, so no rule can outlive the container it was made for.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/networks/ipv4.hpp"

namespace mydocker::daemon::networks {

struct PortForward {
  std::string proto;  // "tcp" or "udp"
  uint32_t host_ip = 0;  // 0: every address of the host
  int host_port = 0;
  uint32_t container_ip = 0;
  int container_port = 0;
};

struct BridgeRules {
  std::string bridge;  // e.g. "mydocker0", "br-0123456789ab"
  Subnet subnet;
  bool internal = false;  // no traffic in or out of its subnet
};

struct NatState {
  std::string table;  // ours alone, e.g. "mydocker"
  std::vector<BridgeRules> bridges;
  std::vector<PortForward> forwards;
};

// The nft script that makes the table exactly `state` (pure: unit-tested).
std::string nat_script(const NatState& state);
Result<void> apply_nat(const NatState& state);
// Removes the table (absent is fine).
Result<void> remove_nat_table(const std::string& table);

}  // namespace mydocker::daemon::networks
