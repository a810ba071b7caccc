#pragma once
// Starts one mydocker-shim for a container, detached from the daemon (its
// own session, reparented away by a double fork), and reads its report: the
// container's init pid, or why it could not start.
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/containers/container.hpp"

namespace mydocker::daemon::containers {

struct ShimLaunch {
  std::string shim_path;
  std::string id;
  std::string bundle;      // holds config.json
  std::string log_path;    // json-file log
  std::string exit_file;   // where the shim records the exit status
  bool tty = false;
  bool open_stdin = false;
  bool stdin_once = false;
  std::vector<PendingAttach> attaches;  // handed over to the shim
};

struct ShimStarted {
  pid_t shim_pid = 0;
  pid_t init_pid = 0;
};

Result<ShimStarted> launch_shim(ShimLaunch launch);

// Whether pid is a live mydocker-shim serving container id (guards against
// pid reuse after a daemon restart).
bool is_our_shim(pid_t pid, const std::string& id);

}  // namespace mydocker::daemon::containers
