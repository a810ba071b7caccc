#include "shim_stdio.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

namespace mydocker::shim {

libcontainer::Stdio Stdio::child_stdio() const {
  libcontainer::Stdio s;
  s.in = child_in.get();
  s.out = child_out.get();
  s.err = child_err.get();
  s.console_socket = child_console.get();
  return s;
}

void Stdio::close_child_ends() {
  child_in.reset();
  child_out.reset();
  child_err.reset();
  child_console.reset();
}

Result<void> Stdio::take_console() {
  if (!console) return {};
  TRY_ASSIGN(UniqueFd master, libcontainer::receive_console(console.get()));
  console.reset();
  stdin_w.reset(::fcntl(master.get(), F_DUPFD_CLOEXEC, 0));
  stdout_r = std::move(master);
  return {};
}

namespace {
constexpr int kPipeBytes = 256 * 1024;

Result<void> make_pipe(UniqueFd& r, UniqueFd& w) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return fail(Error::from_errno(errno, "pipe"));
  r.reset(p[0]);
  w.reset(p[1]);
  // Fewer wake-ups per byte when a container streams: its pages are only
  // allocated as the pipe fills, so an idle container costs nothing more.
  (void)::fcntl(p[0], F_SETPIPE_SZ, kPipeBytes);
  return {};
}

Result<void> make_console_pair(Stdio& s) {
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return fail(Error::from_errno(errno, "socketpair"));
  s.console.reset(sv[0]);
  s.child_console.reset(sv[1]);
  return {};
}
}  // namespace

Result<Stdio> make_stdio(bool tty, bool open_stdin) {
  Stdio s;
  if (tty) {
    TRY_VOID(make_console_pair(s));
    return s;
  }
  TRY_VOID(make_pipe(s.stdout_r, s.child_out));
  TRY_VOID(make_pipe(s.stderr_r, s.child_err));
  if (open_stdin) TRY_VOID(make_pipe(s.child_in, s.stdin_w));
  return s;
}

}  // namespace mydocker::shim
