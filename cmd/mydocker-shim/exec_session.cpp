#include "exec_session.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/stream_frame.hpp"
#include "common/time.hpp"
#include "libcontainer/container.hpp"
#include "shim_args.hpp"
#include "shim_stdio.hpp"

namespace mydocker::shim {

using nlohmann::json;

Result<std::unique_ptr<ExecSession>> start_exec(const libcontainer::spec::Spec& spec, pid_t init_pid,
                                                const std::string& bundle, const std::string& request_json,
                                                UniqueFd client) {
  json r = json::parse(request_json, nullptr, false);
  if (!r.is_object()) return fail(Error::invalid("bad exec request"));
  auto s = std::make_unique<ExecSession>();
  s->id = r.value("id", "");
  s->tty = r.value("tty", false);
  s->client_in = r.value("stdin", false);
  s->exit_file = bundle + "/exec-" + s->id + ".json";
  TRY_ASSIGN(Stdio stdio, make_stdio(s->tty, s->client_in));
  libcontainer::ExecOptions opt;
  opt.args = r.value("args", std::vector<std::string>{});
  opt.env = r.value("env", std::vector<std::string>{});
  opt.cwd = r.value("cwd", "");
  opt.user = r.value("user", "");
  if (auto caps = r.find("capabilities"); caps != r.end() && caps->is_array())
    opt.capabilities = caps->get<std::vector<std::string>>();
  opt.tty = s->tty;
  opt.stdio = stdio.child_stdio();
  opt.seccomp_cache_dir = seccomp_cache_dir(bundle);
  // The shim dropped the seccomp rules after the start: the bundle's
  // config.json has them, and the exec runs under the same filter.
  libcontainer::spec::Spec with_filter = spec;
  if (auto full = libcontainer::spec::load(bundle); full) with_filter.linux.seccomp = std::move(full->linux.seccomp);
  else return fail(full.error());
  auto started = libcontainer::exec(with_filter, init_pid, opt);
  stdio.close_child_ends();
  if (!started) return fail(started.error());
  if (auto console = stdio.take_console(); !console) {
    ::kill(started->pid, SIGKILL);
    return fail(console.error());
  }
  s->pid = started->pid;
  s->pidfd = std::move(started->pidfd);
  s->out_r = std::move(stdio.stdout_r);
  s->err_r = std::move(stdio.stderr_r);
  s->in_w = std::move(stdio.stdin_w);
  for (int fd : {s->out_r.get(), s->err_r.get()})
    if (fd >= 0) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  s->client = std::move(client);
  if (s->client) ::fcntl(s->client.get(), F_SETFL, ::fcntl(s->client.get(), F_GETFL) | O_NONBLOCK);
  return s;
}

void send_exec_output(ExecSession& s, int stream, const char* data, size_t len) {
  if (!s.client) return;
  if (!s.tty) {
    const auto header = stream_frame_header(stream, len);
    s.client_pending.append(header.data(), header.size());
  }
  s.client_pending.append(data, len);
  flush_exec_client(s);
}

void flush_exec_client(ExecSession& s) {
  while (s.client && !s.client_pending.empty()) {
    ssize_t w = ::send(s.client.get(), s.client_pending.data(), s.client_pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && errno == EAGAIN) return;
    if (w <= 0) {
      s.client.reset();
      s.client_pending.clear();
      return;
    }
    s.client_pending.erase(0, size_t(w));
  }
  if (s.done && s.client) {
    ::shutdown(s.client.get(), SHUT_RDWR);
    s.client.reset();
  }
}

void finish_exec(ExecSession& s, int status) {
  const std::string j = "{\"ExitCode\":" + std::to_string(status) + ",\"FinishedAt\":\"" +
                        timeutil::format_rfc3339_nano(timeutil::now_ns()) + "\"}";
  // Recorded before the stream ends: a client that asks right after EOF
  // finds the exit code.
  (void)fs::write_file_atomic(s.exit_file, j, 0600);
  s.out_r.reset();
  s.err_r.reset();
  s.in_w.reset();
  s.pidfd.reset();
  s.done = true;
  flush_exec_client(s);
}

}  // namespace mydocker::shim
