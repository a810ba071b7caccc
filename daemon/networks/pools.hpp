#pragma once
// Where a bridge network's subnet comes from when none is asked for:
// Docker's default pools, the first one that overlaps nothing the host
// routes or addresses and no other network of ours. The choice is pure so
// unit tests can hand it a made-up host.
#include <optional>
#include <string>
#include <vector>

#include "daemon/networks/ipv4.hpp"

namespace mydocker::daemon::networks {

// Docker's default pools: 172.17-31.0.0/16, then 192.168.0.0/20 steps.
std::vector<Subnet> default_pools();
// Subnets the host already uses (routes and interface addresses), except
// those on `own_bridge` (a bridge of ours being re-made keeps its subnet).
std::vector<Subnet> host_subnets(const std::string& own_bridge);
// The first default pool overlapping neither `host` nor `ours`.
std::optional<Subnet> pick_pool(const std::vector<Subnet>& host, const std::vector<Subnet>& ours);

}  // namespace mydocker::daemon::networks
