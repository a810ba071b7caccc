#pragma once
// The container's stdio as the shim holds it: three pipes, or one pty whose
// master the shim keeps. The pty is made by the container's process inside
// its own devpts and its master sent back over a socket pair.
#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "libcontainer/container.hpp"

namespace mydocker::shim {

struct Stdio {
  // Parent ends, kept by the shim.
  UniqueFd stdout_r, stderr_r, stdin_w;
  // Child ends, given to the container and closed in the shim after start.
  UniqueFd child_in, child_out, child_err;
  // With a tty: our end and the child's end of the console socket pair.
  UniqueFd console, child_console;

  libcontainer::Stdio child_stdio() const;
  void close_child_ends();
  // After a successful start with a tty: the master becomes stdout_r (and,
  // duplicated, stdin_w).
  Result<void> take_console();
};

Result<Stdio> make_stdio(bool tty, bool open_stdin);

}  // namespace mydocker::shim
