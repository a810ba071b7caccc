#include "daemon/containers/exit_monitor.hpp"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

namespace mydocker::daemon::containers {

ExitMonitor::ExitMonitor()
    : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_.get();
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev);
  thread_ = std::thread([this] { run(); });
}

ExitMonitor::~ExitMonitor() {
  uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  thread_.join();
}

Result<void> ExitMonitor::watch(pid_t pid, std::function<void()> on_exit) {
  int raw = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
  if (raw < 0) return fail(Error::from_errno(errno, "pidfd_open " + std::to_string(pid)));
  UniqueFd pidfd(raw);
  std::lock_guard lk(mu_);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = raw;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, raw, &ev) != 0)
    return fail(Error::from_errno(errno, "epoll_ctl"));
  watched_.emplace(raw, std::make_pair(std::move(pidfd), std::move(on_exit)));
  return {};
}

void ExitMonitor::run() {
  epoll_event events[16];
  for (;;) {
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < n; ++i) {
      int fd = events[i].data.fd;
      if (fd == wake_.get()) return;
      std::function<void()> cb;
      {
        std::lock_guard lk(mu_);
        auto it = watched_.find(fd);
        if (it == watched_.end()) continue;
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
        cb = std::move(it->second.second);
        watched_.erase(it);
      }
      if (cb) cb();
    }
  }
}

}  // namespace mydocker::daemon::containers
