#include "daemon/containers/state.hpp"

#include "common/human.hpp"

namespace mydocker::daemon::containers {

std::string_view to_string(Status s) {
  switch (s) {
    case Status::Created: return "created";
    case Status::Running: return "running";
    case Status::Paused: return "paused";
    case Status::Restarting: return "restarting";
    case Status::Removing: return "removing";
    case Status::Exited: return "exited";
    case Status::Dead: return "dead";
  }
  return "dead";
}

Status status_from_string(std::string_view s) {
  for (Status st : {Status::Created, Status::Running, Status::Paused, Status::Restarting, Status::Removing,
                    Status::Exited, Status::Dead})
    if (to_string(st) == s) return st;
  return Status::Dead;
}

Result<void> check_transition(Status from, Status to, std::string_view name) {
  bool ok = false;
  switch (to) {
    case Status::Running: ok = from == Status::Created || from == Status::Exited || from == Status::Restarting ||
                               from == Status::Paused; break;
    case Status::Paused: ok = from == Status::Running; break;
    case Status::Restarting: ok = from == Status::Running || from == Status::Exited; break;
    case Status::Exited: ok = from == Status::Running || from == Status::Paused || from == Status::Restarting ||
                              from == Status::Created; break;
    case Status::Removing: ok = from != Status::Removing; break;
    case Status::Dead: ok = true; break;
    case Status::Created: ok = false; break;
  }
  if (ok) return {};
  return fail(Error::conflict("cannot change state of container " + std::string(name) + " from " +
                              std::string(to_string(from)) + " to " + std::string(to_string(to))));
}

std::string State::human_status(int64_t now_ns) const {
  switch (status) {
    case Status::Created: return "Created";
    case Status::Running: return "Up " + human::duration(now_ns - started_at_ns);
    case Status::Paused: return "Up " + human::duration(now_ns - started_at_ns) + " (Paused)";
    case Status::Restarting:
      return "Restarting (" + std::to_string(exit_code) + ") " + human::duration(now_ns - finished_at_ns) + " ago";
    case Status::Removing: return "Removal In Progress";
    case Status::Dead: return "Dead";
    case Status::Exited:
      if (finished_at_ns == 0) return "Exited (" + std::to_string(exit_code) + ")";
      return "Exited (" + std::to_string(exit_code) + ") " + human::duration(now_ns - finished_at_ns) + " ago";
  }
  return "";
}

}  // namespace mydocker::daemon::containers
