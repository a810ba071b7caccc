#pragma once
// Files the daemon makes for a container that runs in a user namespace
// (mydockerd --userns-remap) belong to the container's IDs as the host
// numbers them: its root is host uid 100000, not 0.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::daemon::containers {

struct UsernsMaps {
  std::vector<libcontainer::spec::IdMapping> uids, gids;
  bool empty() const { return uids.empty(); }
};

// Every entry under `path` (itself included, symlinks not followed) gets
// the host IDs of its current owner read as container IDs: 0 -> 100000,
// 1000 -> 101000. Unmapped IDs are left as they are.
Result<void> shift_owners(const std::string& path, const UsernsMaps& maps);

// The container's ID of a host ID (100000 -> 0); unmapped IDs as they are.
uint32_t container_id_of(const std::vector<libcontainer::spec::IdMapping>& maps, uint32_t host_id);

}  // namespace mydocker::daemon::containers
