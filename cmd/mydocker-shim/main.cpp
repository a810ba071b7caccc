// mydocker-shim: one per running container. Started by mydockerd in a new
// session, it forks once more so the daemon can reap the first process and
// the shim lives on without it. It creates the container through
// libcontainer, reports the init pid (or the error) on fd 3, then owns the
// container's stdio, writes its json-file log, serves attached clients,
// reaps the init and records the exit status.
#include <dirent.h>
#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <vector>

#include "common/fs.hpp"
#include "common/shim_control.hpp"
#include "common/time.hpp"
#include "io_loop.hpp"
#include "json_log_writer.hpp"
#include "libcontainer/container.hpp"
#include "libcontainer/spec/spec.hpp"
#include "shim_args.hpp"
#include "shim_stdio.hpp"

using namespace mydocker;

namespace {
constexpr int kReportFd = 3;

void report(std::string_view json) {
  std::string_view rest = json;
  while (!rest.empty()) {
    ssize_t n = ::write(kReportFd, rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    rest.remove_prefix(size_t(n));
  }
  ::close(kReportFd);
}

void report_error(const Error& e) {
  std::string out = "{\"kind\":\"";
  out += e.kind == ErrorKind::InvalidParameter ? "invalid" : e.kind == ErrorKind::NotFound ? "notfound" : "system";
  out += "\",\"error\":\"";
  shim::append_json_escaped(out, e.message);
  out += "\"}";
  report(out);
}

void write_exit_file(const std::string& path, int code) {
  std::string j = "{\"ExitCode\":" + std::to_string(code) + ",\"FinishedAt\":\"" +
                  timeutil::format_rfc3339_nano(timeutil::now_ns()) + "\",\"OOMKilled\":false}";
  (void)fs::write_file_atomic(path, j, 0600);
}

void close_foreign_fds(const shim::Args& args) {
  DIR* d = ::opendir("/proc/self/fd");
  if (!d) return;
  std::vector<int> foreign;
  while (dirent* e = ::readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    int fd = std::atoi(e->d_name);
    if (fd <= kReportFd || fd == ::dirfd(d)) continue;
    bool ours = false;
    for (const auto& a : args.attaches) ours |= a.fd == fd;
    if (!ours) foreign.push_back(fd);
  }
  ::closedir(d);
  for (int fd : foreign) ::close(fd);
}

int run_shim(const shim::Args& args) {
  auto spec = libcontainer::spec::load(args.bundle);
  if (!spec) {
    report_error(spec.error());
    return 1;
  }
  auto stdio = shim::make_stdio(args.tty, args.open_stdin);
  if (!stdio) {
    report_error(stdio.error());
    return 1;
  }
  UniqueFd log(::open(args.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640));
  if (!log) {
    report_error(Error::from_errno(errno, "open log " + args.log_path));
    return 1;
  }
  libcontainer::StartOptions opts;
  opts.id = args.id;
  opts.bundle = args.bundle;
  opts.stdio = stdio->child_stdio();
  opts.seccomp_cache_dir = shim::seccomp_cache_dir(args.bundle);
  auto started = libcontainer::start(*spec, opts);
  stdio->close_child_ends();
  if (!started) {
    report_error(started.error());
    return 1;
  }
  if (auto console = stdio->take_console(); !console) {
    ::kill(started->pid, SIGKILL);
    (void)libcontainer::destroy(*spec, args.id);
    report_error(console.error());
    return 1;
  }
  // The shim lives as long as the container: what only the start needed
  // (the seccomp rules, the device list) goes, and its pages go back to
  // the kernel. An exec reads the filter again from the bundle.
  spec->linux.seccomp.reset();
  std::vector<libcontainer::spec::Device>().swap(spec->linux.devices);
  ::malloc_trim(0);
  // The daemon reaches the running container through this socket: it is
  // there before the daemon hears the container started.
  UniqueFd bundle_dir(::open(args.bundle.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  auto control = shim_control::listen_at(bundle_dir.get());
  report("{\"pid\":" + std::to_string(started->pid) + ",\"shim_pid\":" + std::to_string(::getpid()) + "}");

  shim::IoConfig io;
  io.tty = args.tty;
  io.stdin_once = args.stdin_once;
  io.stdout_r = std::move(stdio->stdout_r);
  io.stderr_r = std::move(stdio->stderr_r);
  io.stdin_w = std::move(stdio->stdin_w);
  io.init_pidfd = std::move(started->pidfd);
  io.init_pid = started->pid;
  io.log_fd = log.get();
  if (control) io.control = std::move(*control);
  io.spec = &*spec;
  io.bundle = args.bundle;
  std::vector<shim::AttachClient> clients;
  for (const auto& a : args.attaches) {
    shim::AttachClient c;
    c.fd = UniqueFd(a.fd);
    c.in = a.in;
    c.out = a.out;
    c.err = a.err;
    c.detach_keys = a.detach_keys;
    clients.push_back(std::move(c));
  }

  shim::IoLoop loop(std::move(io), std::move(clients));
  int code = loop.run();
  (void)libcontainer::destroy(*spec, args.id);
  write_exit_file(args.exit_file, code);
  return 0;
}
}  // namespace

int main(int argc, char** argv) {
  auto args = shim::parse_args(argc, argv);
  if (!args) {
    report_error(args.error());
    return 2;
  }
  // Descriptors the daemon inherited from whoever started it must not
  // reach the container; ours are kept but closed on exec.
  close_foreign_fds(*args);
  ::fcntl(kReportFd, F_SETFD, FD_CLOEXEC);
  for (const auto& a : args->attaches) ::fcntl(a.fd, F_SETFD, FD_CLOEXEC);
  ::signal(SIGPIPE, SIG_IGN);

  pid_t pid = ::fork();
  if (pid < 0) {
    report_error(Error::from_errno(errno, "fork shim"));
    return 1;
  }
  if (pid > 0) _exit(0);  // the daemon reaps this one; the child lives on
  ::prctl(PR_SET_NAME, "mydocker-shim");
  return run_shim(*args);
}
