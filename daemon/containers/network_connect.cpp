// POST /networks/{id}/connect and /networks/{id}/disconnect. A running
// container gets or loses an interface in its namespace at once (eth1,
// eth2, ... in joining order); a stopped one has its EndpointsConfig edited
// for its next start. Docker's rules and messages for the host, none and
// shared-namespace cases.
#include <fcntl.h>

#include "daemon/containers/container_service.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

namespace {
const char* kHostConflict = "container cannot be disconnected from host network or connected to host network";
const char* kNoneConflict = "container cannot be connected to multiple networks with one of the networks in private (none) mode";
const char* kSharedConflict =
    "container sharing network namespace with another container or host cannot be connected to any other network";

std::string mode_of(const Container& c) {
  std::string mode = c.host_config.value("NetworkMode", "");
  return mode.empty() || mode == "default" ? "bridge" : mode;
}

// The lowest ethN no endpoint of the container uses.
std::string free_interface(const Container& c) {
  for (int i = 0;; ++i) {
    const std::string name = "eth" + std::to_string(i);
    bool used = false;
    for (const auto& e : c.endpoints) used |= e.ifname == name;
    if (!used) return name;
  }
}
}  // namespace

Result<void> ContainerService::connect_network(const std::string& key, const std::string& container,
                                               const json& endpoint_config) {
  const std::string fixed = networks_.fixed_network(key);
  if (fixed == "host") return fail(Error::invalid(kHostConflict));
  if (fixed == "none") return fail(Error::invalid(kNoneConflict));
  TRY_ASSIGN(std::string network, networks_.resolve(key));
  TRY_ASSIGN(auto c, find(container));
  std::lock_guard lk(c->mu);
  const std::string mode = mode_of(*c);
  if (mode == "host" || mode.rfind("container:", 0) == 0) return fail(Error::invalid(kSharedConflict));
  if (mode == "none") return fail(Error::invalid(kNoneConflict));
  // Already configured for it under this or another of its names?
  bool configured = c->endpoint_on(network) != nullptr;
  for (const auto& [k, v] : c->endpoints_config.items()) {
    auto name = networks_.resolve(k);
    configured |= name && *name == network;
  }
  if (configured)
    return fail(Error::forbidden("endpoint with name " + c->bare_name() + " already exists in network " + network));
  json config = endpoint_config.is_object() ? endpoint_config : json::object();
  if (c->state.running()) {
    UniqueFd ns(::open(("/proc/" + std::to_string(c->state.pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns) return fail(Error::from_errno(errno, "open network namespace of " + c->id));
    networks::NetworkService::JoinOptions o;
    o.dns_upstreams = dns_upstreams(*c);
    c->endpoints_config[network] = config;
    o.request = endpoint_request(*c, network);
    o.ifname = free_interface(*c);
    o.default_route = c->endpoints.empty();  // a route the container has already stays
    auto ep = networks_.connect(c->id, network, ns.get(), o);
    if (!ep) {
      c->endpoints_config.erase(network);
      return fail(ep.error());
    }
    c->endpoints.push_back(*ep);
  } else {
    // Checked now as Docker does, used at start.
    auto ip = config.contains("IPAMConfig") && config["IPAMConfig"].is_object() ? config["IPAMConfig"].value("IPv4Address", "") : "";
    if (!ip.empty() && network == "bridge")
      return fail(Error::invalid("user specified IP address is supported on user defined networks only"));
    c->endpoints_config[network] = config;
  }
  return store_.checkpoint(*c);
}

Result<void> ContainerService::disconnect_network(const std::string& key, const std::string& container, bool force) {
  if (networks_.fixed_network(key) == "host") return fail(Error::invalid(kHostConflict));
  auto network = networks_.resolve(key);
  auto found = find(container);
  if (!found) {
    // --force with a container that is gone: nothing of it is left to remove.
    if (force && network) return {};
    return fail(found.error());
  }
  auto& c = *found;
  std::lock_guard lk(c->mu);
  if (!network) {
    if (networks_.fixed_network(key) == "none")
      return fail(Error::internal("container " + c->id + " is not connected to network none"));
    return fail(network.error());
  }
  std::vector<std::string> keys;
  for (const auto& [k, v] : c->endpoints_config.items()) {
    auto name = networks_.resolve(k);
    if (k == *network || (name && *name == *network)) keys.push_back(k);
  }
  const networks::Endpoint* joined = c->endpoint_on(*network);
  if (keys.empty() && !joined)
    return fail(Error::internal("container " + c->id + " is not connected to network " + *network));
  if (joined && c->state.running()) {
    UniqueFd ns(::open(("/proc/" + std::to_string(c->state.pid) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC));
    networks_.disconnect(c->id, *network, ns ? ns.get() : -1);
    std::erase_if(c->endpoints, [&](const networks::Endpoint& e) { return e.network == *network; });
  }
  for (const auto& k : keys) c->endpoints_config.erase(k);
  return store_.checkpoint(*c);
}

}  // namespace mydocker::daemon::containers
