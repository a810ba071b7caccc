#pragma once
// A container's capabilities as Docker computes them from the defaults,
// --cap-add, --cap-drop and --privileged.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace mydocker::daemon::security {

// "net_admin", "CAP_NET_ADMIN" → "CAP_NET_ADMIN"; "all" → "ALL"; an unknown
// name is a 400 in Docker's words: unknown capability: "CAP_FOO".
Result<std::string> normalize_capability(const std::string& name);

// The capabilities this process may hand on: its bounding set, from
// /proc/self/status. A capability outside it cannot be granted (capset
// fails), so --privileged and --cap-add ALL grant what is held.
uint64_t held_capabilities();

// HostConfig.Privileged: absent or null is false; another type is a 400 in
// the words of Docker's JSON decoder.
Result<bool> privileged_of(const nlohmann::json& host_config);

// The effective (= permitted = bounding) set of a container, by name, in
// capability number order. `held` is held_capabilities() (a parameter so
// tests can set it). Naming a capability the daemon lacks in --cap-add is
// a 400, not a container that silently runs without it.
Result<std::vector<std::string>> container_capabilities(const nlohmann::json& host_config, uint64_t held);

}  // namespace mydocker::daemon::security
