#pragma once
#include "libcontainer/spec/spec.hpp"

namespace mydocker::libcontainer::spec {

// Docker's defaults for a Linux container: namespaces, the standard mounts,
// the default capability set, masked and read-only /proc paths.
Spec default_spec();

// The capability names Docker grants by default.
const std::vector<std::string>& default_capabilities();

}  // namespace mydocker::libcontainer::spec
