#include "daemon/containers/shim_launcher.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/fs.hpp"
#include "common/shim_control.hpp"
#include "common/unique_fd.hpp"

extern char** environ;

namespace mydocker::daemon::containers {

namespace {
// First fd number the shim receives attach clients on (0-2: /dev/null, 3: report pipe).
constexpr int kFirstAttachFd = 4;

Result<std::string> read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno(errno, "read shim report"));
    if (n == 0) return out;
    out.append(buf, size_t(n));
  }
}

Error report_error(const nlohmann::json& j) {
  std::string kind = j.value("kind", "system");
  std::string msg = "failed to create task for container: OCI runtime create failed: unable to start container process: " +
                    j.value("error", std::string("unknown error")) + ": unknown";
  if (kind == "invalid") return Error::invalid(msg);
  if (kind == "notfound") return Error::not_found(msg);
  return Error::internal(msg);
}
}  // namespace

Result<ShimStarted> launch_shim(ShimLaunch l) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) return fail(Error::from_errno(errno, "pipe"));
  UniqueFd report_r(pipefd[0]), report_w(pipefd[1]);

  std::vector<std::string> args = {l.shim_path, "--id", l.id, "--bundle", l.bundle, "--log", l.log_path,
                                   "--exit-file", l.exit_file};
  if (l.tty) args.push_back("--tty");
  if (l.open_stdin) args.push_back("--stdin");
  if (l.stdin_once) args.push_back("--stdin-once");

  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  // Sources are moved above every target number first, so no dup2 can
  // clobber a source that is still to be copied.
  std::vector<UniqueFd> high;
  high.emplace_back(::fcntl(report_w.get(), F_DUPFD_CLOEXEC, 64));
  posix_spawn_file_actions_adddup2(&fa, high.back().get(), 3);
  int target = kFirstAttachFd;
  for (auto& a : l.attaches) {
    high.emplace_back(::fcntl(a.fd.get(), F_DUPFD_CLOEXEC, 64));
    posix_spawn_file_actions_adddup2(&fa, high.back().get(), target);
    std::string mode = std::string(a.in ? "i" : "") + (a.out ? "o" : "") + (a.err ? "e" : "");
    args.push_back("--attach");
    args.push_back(std::to_string(target) + ":" + mode + ":" + shim_control::to_hex(a.detach_keys));
    ++target;
  }
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  sigset_t none, all;
  sigemptyset(&none);
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setsigdefault(&attr, &all);

  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, l.shim_path.c_str(), &fa, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  high.clear();
  report_w.reset();
  l.attaches.clear();  // the shim holds them now
  if (rc != 0) return fail(Error::from_errno(rc, "start " + l.shim_path));

  auto text = read_all(report_r.get());
  // The first shim process only forks the real one and exits: reap it.
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!text) return fail(text.error());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return fail(Error::internal("shim for " + l.id + " exited without a report"));
  if (j.contains("error")) return fail(report_error(j));
  return ShimStarted{j.value("shim_pid", 0), j.value("pid", 0)};
}

bool is_our_shim(pid_t pid, const std::string& id) {
  if (pid <= 0) return false;
  auto cmdline = fs::read_file("/proc/" + std::to_string(pid) + "/cmdline");
  if (!cmdline) return false;
  return cmdline->find("mydocker-shim") != std::string::npos && cmdline->find(id) != std::string::npos;
}

}  // namespace mydocker::daemon::containers
