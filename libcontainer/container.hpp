#pragma once
// libcontainer's entry points: run an OCI bundle's process as a container,
// and clean up after it. Knows nothing of the daemon.
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::libcontainer {

// fds to become 0/1/2 in the container; -1 = /dev/null. With
// process.terminal they are the pty slave, and the child takes it as its
// controlling terminal.
struct Stdio {
  int in = -1, out = -1, err = -1;
  // With a terminal, instead: the child makes the pty inside the container
  // (its own devpts, so `tty` and ttyname() work there), takes the slave as
  // 0/1/2 and sends the master over this socket (SCM_RIGHTS) before exec.
  // Receive it with receive_console().
  int console_socket = -1;
};

// The pty master a child sent over its console socket.
Result<UniqueFd> receive_console(int socket);

struct StartOptions {
  std::string id;
  std::string bundle;
  Stdio stdio;
  // Where compiled seccomp filters are kept between runs (seccomp.hpp);
  // empty: compile every time.
  std::string seccomp_cache_dir;
};

struct Started {
  pid_t pid = -1;
  UniqueFd pidfd;  // of the container's init
};

// Returns once execve() succeeded in the child, or with the child's error
// (then the child is reaped, its cgroup removed, nothing left behind). The
// caller is the init's parent and reaps it.
Result<Started> start(const spec::Spec& spec, const StartOptions& options);

// A process run inside a running container: its namespaces, its cgroup,
// the container's capabilities and seccomp filter; user, cwd and env as given (defaults from
// the container's spec).
struct ExecOptions {
  std::vector<std::string> args, env;
  std::string cwd, user;
  bool tty = false;
  Stdio stdio;
  std::string seccomp_cache_dir;  // as in StartOptions
  // exec --privileged: these capabilities instead of the container's.
  std::optional<std::vector<std::string>> capabilities;
};
// The caller becomes the parent; its later children are born in the
// container's PID namespace.
Result<Started> exec(const spec::Spec& container, pid_t init_pid, const ExecOptions& options);

// After the init exited: kills leftovers and removes the cgroup.
Result<void> destroy(const spec::Spec& spec, const std::string& id);

}  // namespace mydocker::libcontainer
