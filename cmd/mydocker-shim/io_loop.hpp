#pragma once
// The shim's only loop: container output → json-file log and attached
// clients; attached clients' input → the container's stdin; the init's
// pidfd tells when the container has exited. One epoll, no threads.
#include <sys/types.h>

#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "exec_session.hpp"
#include "json_log_writer.hpp"

namespace mydocker::shim {

struct AttachClient {
  mydocker::UniqueFd fd;
  bool in = false, out = false, err = false;
  std::string pending;  // output the client has not taken yet
  bool read_closed = false;
  std::string detach_keys;  // typing these detaches the client (-i clients only)
  size_t matched = 0;       // how much of detach_keys the input just ended with
};

struct IoConfig {
  bool tty = false;
  bool stdin_once = false;
  mydocker::UniqueFd stdout_r;   // pipe read end, or the pty master with a tty
  mydocker::UniqueFd stderr_r;   // invalid with a tty
  mydocker::UniqueFd stdin_w;    // pipe write end; with a tty, a dup of the pty master
  mydocker::UniqueFd init_pidfd;
  pid_t init_pid = 0;
  int log_fd = -1;
  mydocker::UniqueFd control;  // listening socket for the daemon (attach, resize, exec)
  const mydocker::libcontainer::spec::Spec* spec = nullptr;  // for exec
  std::string bundle;
};

class IoLoop {
 public:
  IoLoop(IoConfig config, std::vector<AttachClient> clients);
  // Runs until the init has exited and its output is drained; returns the
  // wait status of the init.
  int run();

 private:
  void watch(int fd, uint64_t tag, uint32_t events, int op);
  void update_client_events(size_t index);
  void feed_stdin(std::string_view data);
  void on_stdin_writable();
  void on_output(int stream);
  void on_client(size_t index, uint32_t events);
  void broadcast(int stream, const char* data, size_t len);
  void send_to(AttachClient& c, std::string_view bytes);
  void drop_client(AttachClient& c);
  void end_stdin_after_flush();
  void watch_output(bool on);
  void pause_output();
  void maybe_resume_output();
  void drop_stalled_clients();
  void close_stdin();
  void on_control();
  void add_client(AttachClient c);
  void client_input(size_t index, std::string_view data);
  std::string handle_exec(const std::string& request_hex, mydocker::UniqueFd client);
  void on_exec(size_t index, int kind, uint32_t events);
  void update_exec_events(size_t index);

  IoConfig cfg_;
  std::vector<AttachClient> clients_;
  JsonLogWriter log_;
  mydocker::UniqueFd epoll_;
  std::string stdin_pending_;  // input the container has not read yet
  bool stdin_close_after_flush_ = false;
  std::vector<std::unique_ptr<ExecSession>> execs_;
  int wait_status_ = 0;
  bool exited_ = false;
  bool output_paused_ = false;  // a client is far behind: the container waits
  int64_t stall_deadline_ms_ = 0;
};

}  // namespace mydocker::shim
