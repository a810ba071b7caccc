#pragma once
// Turns a container's Docker config into the OCI runtime spec its shim runs.
#include "daemon/containers/container.hpp"
#include "daemon/store/paths.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::daemon::containers {

Result<libcontainer::spec::Spec> build_oci_spec(const Container& c, const store::Paths& paths);
// The cgroup limits a HostConfig asks for (400 for a bad weight or device).
Result<libcontainer::spec::Resources> resources_of(const nlohmann::json& host_config);

}  // namespace mydocker::daemon::containers
