#pragma once
// The links mydockerd makes, through libnl-route-3: its bridge, each
// container's veth pair, and the container end's address and routes,
// configured inside the container's network namespace.
#include <cstdint>
#include <string>

#include "common/error.hpp"
#include "daemon/networks/ipv4.hpp"

namespace mydocker::daemon::networks {

// The bridge exists, is up and holds gateway/prefix (made when missing).
Result<void> ensure_bridge(const std::string& name, uint32_t gateway, int prefix);
// A dummy link, up (a macvlan network's parent when none was given).
Result<void> ensure_dummy(const std::string& name);
// Removes a link we made (a bridge or a veth end); absent is fine.
Result<void> delete_link(const std::string& name);
bool link_exists(const std::string& name);
// Puts a host link (a container's veth end) on the bridge, up.
Result<void> attach_to_bridge(const std::string& link, const std::string& bridge);

struct VethPlan {
  std::string host_name;  // "veth" + hex, left on the host, on the bridge
  std::string bridge;
  int netns_fd = -1;      // where the other end goes, renamed `ifname`
  std::string ifname = "eth0";
  uint32_t ip = 0;
  int prefix = 0;
  uint32_t gateway = 0;   // 0: no default route (internal networks, a second network)
  std::string mac;        // "02:42:..."
};

// Makes the pair, puts one end on the bridge and the other in the
// namespace as a configured interface with a default route; brings up lo
// there. Nothing is left behind on failure.
Result<void> create_endpoint(const VethPlan& plan);

struct MacvlanPlan {
  std::string parent;     // the host interface whose LAN the container joins
  std::string mode = "bridge";  // bridge, private, vepa, passthru
  int netns_fd = -1;
  std::string ifname = "eth0";
  uint32_t ip = 0;
  int prefix = 0;
  uint32_t gateway = 0;
  std::string mac;
};

// A macvlan link on the parent, made straight into the namespace and
// configured there like a veth end. Nothing is left behind on failure.
Result<void> create_macvlan_endpoint(const MacvlanPlan& plan);
bool valid_macvlan_mode(const std::string& mode);

// Removes an interface inside a namespace (a live disconnect of a macvlan).
Result<void> delete_link_in_netns(int netns_fd, const std::string& name);

// A fresh network namespace (only lo, down) as an fd; nothing is mounted.
Result<int> new_netns();
// A UDP socket bound to ip:port inside the namespace (it stays there
// whatever thread uses it afterwards); nonblocking.
Result<int> udp_socket_in_netns(int netns_fd, uint32_t ip, int port);
// A listening TCP socket bound to ip:port inside the namespace; nonblocking.
Result<int> tcp_listener_in_netns(int netns_fd, uint32_t ip, int port);

// lo up inside the namespace (for --net none).
Result<void> loopback_up(int netns_fd);

// Writes a sysctl under /proc/sys (e.g. "net/ipv4/ip_forward" = "1").
Result<void> write_sysctl(const std::string& key, const std::string& value);

}  // namespace mydocker::daemon::networks
