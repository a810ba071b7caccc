#pragma once
// Docker's security model applied to a container's OCI spec: capabilities,
// devices, seccomp, no-new-privileges, masked paths and --privileged.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::daemon::security {

// Checks every security setting of a HostConfig (400 naming the bad value),
// so a create that would fail at start fails at create instead.
Result<void> validate_security(const nlohmann::json& host_config, uint64_t held_caps);

// Fills the spec's capabilities, no_new_privileges, devices and device
// cgroup rules, seccomp filter, masked/read-only paths and /sys mode.
Result<void> apply_security(libcontainer::spec::Spec& spec, const nlohmann::json& host_config, uint64_t held_caps);

}  // namespace mydocker::daemon::security
