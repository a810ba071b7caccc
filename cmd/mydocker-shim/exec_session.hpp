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
  UniqueFd client;  // non-blocking
  bool client_in = false;
  bool client_read_closed = false;  // its stdin has ended
  std::string client_pending;  // output the client has not taken yet
  std::string exit_file;
  bool done = false;  // the process has exited and its status is recorded
};

// From the control message's JSON: starts the process and returns its
// session; the client socket (may be invalid for a detached exec) joins it.
Result<std::unique_ptr<ExecSession>> start_exec(const libcontainer::spec::Spec& spec, pid_t init_pid,
                                                const std::string& bundle, const std::string& request_json,
                                                UniqueFd client);

// Queues bytes for the session's client (framed without a tty) and sends
// what the socket takes now; a client that is gone is dropped.
void send_exec_output(ExecSession& s, int stream, const char* data, size_t len);

// Sends what is pending (the client's socket is writable again); after the
// process's end, closes the client once all is sent.
void flush_exec_client(ExecSession& s);

// After the process exited: record its status; the client's stream ends
// when its pending output is sent.
void finish_exec(ExecSession& s, int status);

}  // namespace mydocker::shim
