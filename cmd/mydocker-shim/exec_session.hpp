#pragma once
// A process exec'd into the running container (POST /exec/{id}/start): its
// own stdio, one optional hijacked client, and an exit status the daemon
// reads from <bundle>/exec-<id>.json. Exec output is not logged (as Docker).
#include <sys/types.h>

#include <memory>
#include <string>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::shim {

struct ExecSession {
  std::string id;
  pid_t pid = 0;
  bool tty = false;
  UniqueFd pidfd, out_r, err_r, in_w;
  UniqueFd client;
  bool client_in = false;
  std::string exit_file;
  bool done = false;
};

// From the control message's JSON: starts the process and returns its
// session; the client socket (may be invalid for a detached exec) joins it.
Result<std::unique_ptr<ExecSession>> start_exec(const libcontainer::spec::Spec& spec, pid_t init_pid,
                                                const std::string& bundle, const std::string& request_json,
                                                UniqueFd client);

// Writes bytes to the session's client (framed without a tty); drops the
// client when it is gone.
void send_exec_output(ExecSession& s, int stream, const char* data, size_t len);

// After the process exited: record its status, then end the client's stream.
void finish_exec(ExecSession& s, int status);

}  // namespace mydocker::shim
