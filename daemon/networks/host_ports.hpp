#pragma once
// Host ports a container publishes, held by sockets the daemon binds while
// the container runs: the kernel says what is taken (by anyone), picks a
// random port for a request of 0, and nothing can take ours meanwhile.
#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "daemon/networks/endpoint.hpp"

namespace mydocker::daemon::networks {

// Binds p's host address and port (for a host range, the first free one
// of it, as Docker picks) and fills in the port chosen; 500 with Docker's
// "port is already allocated" when none is free.
Result<UniqueFd> reserve_host_port(PortMapping& p);

}  // namespace mydocker::daemon::networks
