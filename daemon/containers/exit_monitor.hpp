#pragma once
// Watches processes that are not our children (shims run detached) through
// pidfds on one epoll thread: no polling, no signals.
#include <sys/types.h>

#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::daemon::containers {

class ExitMonitor {
 public:
  ExitMonitor();
  ~ExitMonitor();
  ExitMonitor(const ExitMonitor&) = delete;
  ExitMonitor& operator=(const ExitMonitor&) = delete;

  // Calls on_exit (on the monitor thread) once pid has exited. Fails with
  // NotFound when pid is already gone.
  Result<void> watch(pid_t pid, std::function<void()> on_exit);

 private:
  void run();

  UniqueFd epoll_;
  UniqueFd wake_;
  std::mutex mu_;
  std::map<int, std::pair<UniqueFd, std::function<void()>>> watched_;  // by pidfd number
  std::thread thread_;
};

}  // namespace mydocker::daemon::containers
