#pragma once
// The container state machine: the states Docker reports and the legal
// transitions between them, in one place. An illegal transition is a
// Conflict, never a crash.
#include <cstdint>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace mydocker::daemon::containers {

enum class Status { Created, Running, Paused, Restarting, Removing, Exited, Dead };

std::string_view to_string(Status s);
Status status_from_string(std::string_view s);  // unknown → Dead

// Returns Conflict when `from` may not go to `to`.
Result<void> check_transition(Status from, Status to, std::string_view container_name);

struct State {
  Status status = Status::Created;
  pid_t pid = 0;            // the container's init, as seen from the host
  pid_t shim_pid = 0;
  int exit_code = 0;
  std::string error;
  bool oom_killed = false;
  int64_t started_at_ns = 0;
  int64_t finished_at_ns = 0;
  int restart_count = 0;

  bool running() const { return status == Status::Running || status == Status::Paused || status == Status::Restarting; }
  // Docker's human status: "Up 3 seconds", "Exited (0) 2 minutes ago", "Created".
  std::string human_status(int64_t now_ns) const;
};

}  // namespace mydocker::daemon::containers
