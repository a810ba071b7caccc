#pragma once
// Turns a container's Docker config into the OCI runtime spec its shim runs.
#include "daemon/containers/container.hpp"
#include "daemon/store/paths.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::daemon::containers {

Result<libcontainer::spec::Spec> build_oci_spec(const Container& c, const store::Paths& paths);

}  // namespace mydocker::daemon::containers
