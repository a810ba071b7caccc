#pragma once
// The local terminal in raw mode for -t sessions; restored on every exit
// path by the destructor.
#include <termios.h>

namespace mydocker::cli {

class RawTerminal {
 public:
  explicit RawTerminal(int fd);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;
  bool active() const { return active_; }

 private:
  int fd_;
  bool active_ = false;
  termios saved_{};
};

// Rows and columns of the terminal on fd; false when it is not one.
bool terminal_size(int fd, unsigned& rows, unsigned& cols);

}  // namespace mydocker::cli
