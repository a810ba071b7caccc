#include "shim_stdio.hpp"

#include <fcntl.h>
#include <stdlib.h>
#include <termios.h>
#include <unistd.h>

namespace mydocker::shim {

libcontainer::Stdio Stdio::child_stdio() const {
  libcontainer::Stdio s;
  s.in = child_in.get();
  s.out = child_out.get();
  s.err = child_err.get();
  return s;
}

void Stdio::close_child_ends() {
  child_in.reset();
  child_out.reset();
  child_err.reset();
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

Result<void> make_pty(Stdio& s) {
  UniqueFd master(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!master) return fail(Error::from_errno(errno, "posix_openpt"));
  if (::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0)
    return fail(Error::from_errno(errno, "unlockpt"));
  char name[128];
  if (::ptsname_r(master.get(), name, sizeof name) != 0) return fail(Error::from_errno(errno, "ptsname"));
  UniqueFd slave(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
  if (!slave) return fail(Error::from_errno(errno, std::string("open ") + name));
  s.stdin_w.reset(::fcntl(master.get(), F_DUPFD_CLOEXEC, 0));
  s.stdout_r = std::move(master);
  s.child_in.reset(::fcntl(slave.get(), F_DUPFD_CLOEXEC, 0));
  s.child_err.reset(::fcntl(slave.get(), F_DUPFD_CLOEXEC, 0));
  s.child_out = std::move(slave);
  return {};
}
}  // namespace

Result<Stdio> make_stdio(bool tty, bool open_stdin) {
  Stdio s;
  if (tty) {
    TRY_VOID(make_pty(s));
    return s;
  }
  TRY_VOID(make_pipe(s.stdout_r, s.child_out));
  TRY_VOID(make_pipe(s.stderr_r, s.child_err));
  if (open_stdin) TRY_VOID(make_pipe(s.child_in, s.stdin_w));
  return s;
}

}  // namespace mydocker::shim
