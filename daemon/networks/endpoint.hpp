#pragma once
// A container's place on a network while it runs: its address, MAC, host
// veth and published ports. Kept with the container (config.v2.json) so a
// restarted daemon knows what its running containers hold.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace mydocker::daemon::networks {

struct PortMapping {
  std::string proto = "tcp";
  int container_port = 0;
  std::string host_ip;  // "" or "0.0.0.0": every address
  int host_port = 0;    // 0 in a request: pick a free one
  int host_port_end = 0;  // in a request, a host range for one container port: its first free one
};

struct Endpoint {
  std::string id;  // Docker's EndpointID: 64 hex digits, new for every join
  std::string network = "bridge";
  uint32_t ip = 0, gateway = 0;
  int prefix = 0;
  std::string mac, host_veth;   // host_veth: "" for macvlan
  std::string ifname = "eth0";  // inside the container: eth0, eth1, ... in order of joining
  std::vector<PortMapping> ports;
  std::vector<std::string> aliases;  // --network-alias: names the embedded DNS answers too

  nlohmann::json to_disk_json() const;
  static Endpoint from_disk_json(const nlohmann::json& j);
};

// What a container asks of its endpoint (NetworkingConfig.EndpointsConfig).
struct EndpointRequest {
  std::vector<std::string> aliases;
  std::string ip;   // --ip: a fixed address (user-defined networks only)
  std::string mac;  // --mac-address
};

// HostConfig.PortBindings ({"80/tcp":[{"HostIp":"","HostPort":"8080"}]})
// and, with PublishAllPorts, every Config.ExposedPorts port not bound
// otherwise; ranges in HostPort ("8000-8001") pair with their ports.
Result<std::vector<PortMapping>> port_requests(const nlohmann::json& host_config, const nlohmann::json& config);

}  // namespace mydocker::daemon::networks
