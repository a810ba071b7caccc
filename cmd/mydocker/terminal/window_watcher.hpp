#pragma once
// Tells about every change of the local terminal's size (SIGWINCH) while
// it lives, so a -t session can forward it to the daemon as Docker's CLI
// does. SIGWINCH is blocked in the constructing thread (and so in threads
// it starts later) and read from a signalfd by one watcher thread; the
// destructor stops the thread and restores the signal mask.
#include <signal.h>

#include <functional>
#include <thread>

#include "common/unique_fd.hpp"

namespace mydocker::cli {

class WindowWatcher {
 public:
  using OnResize = std::function<void(unsigned rows, unsigned cols)>;
  WindowWatcher(int tty_fd, OnResize on_resize);
  ~WindowWatcher();
  WindowWatcher(const WindowWatcher&) = delete;
  WindowWatcher& operator=(const WindowWatcher&) = delete;

 private:
  void loop();

  int tty_fd_;
  OnResize on_resize_;
  sigset_t saved_mask_{};
  UniqueFd signal_fd_;
  UniqueFd stop_fd_;  // eventfd: the destructor's "stop"
  std::thread thread_;
};

}  // namespace mydocker::cli
