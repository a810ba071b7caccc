#include "terminal/window_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <cerrno>

#include "terminal/raw_terminal.hpp"

namespace mydocker::cli {

WindowWatcher::WindowWatcher(int tty_fd, OnResize on_resize) : tty_fd_(tty_fd), on_resize_(std::move(on_resize)) {
  sigset_t winch;
  sigemptyset(&winch);
  sigaddset(&winch, SIGWINCH);
  ::pthread_sigmask(SIG_BLOCK, &winch, &saved_mask_);
  signal_fd_.reset(::signalfd(-1, &winch, SFD_CLOEXEC | SFD_NONBLOCK));
  stop_fd_.reset(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (signal_fd_ && stop_fd_) thread_ = std::thread([this] { loop(); });
}

WindowWatcher::~WindowWatcher() {
  if (thread_.joinable()) {
    const uint64_t one = 1;
    (void)!::write(stop_fd_.get(), &one, sizeof one);
    thread_.join();
  }
  // A SIGWINCH that arrived meanwhile stays pending and is discarded when
  // unblocked (its default action is to ignore it).
  ::pthread_sigmask(SIG_SETMASK, &saved_mask_, nullptr);
}

void WindowWatcher::loop() {
  pollfd fds[2] = {{signal_fd_.get(), POLLIN, 0}, {stop_fd_.get(), POLLIN, 0}};
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents) return;
    signalfd_siginfo info;
    while (::read(signal_fd_.get(), &info, sizeof info) == sizeof info) {
    }
    unsigned rows, cols;
    if (terminal_size(tty_fd_, rows, cols)) on_resize_(rows, cols);
  }
}

}  // namespace mydocker::cli
