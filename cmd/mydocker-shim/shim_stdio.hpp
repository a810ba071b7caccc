#pragma once
// The container's stdio as the shim holds it: three pipes, or one pty whose
// master the shim keeps.
#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "libcontainer/container.hpp"

namespace mydocker::shim {

struct Stdio {
  // Parent ends, kept by the shim.
  UniqueFd stdout_r, stderr_r, stdin_w;
  // Child ends, given to the container and closed in the shim after start.
  UniqueFd child_in, child_out, child_err;

  libcontainer::Stdio child_stdio() const;
  void close_child_ends();
};

Result<Stdio> make_stdio(bool tty, bool open_stdin);

}  // namespace mydocker::shim
