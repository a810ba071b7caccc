#include "daemon/containers/signals.hpp"

#include <csignal>
#include <cctype>
#include <string>
#include <utility>

namespace mydocker::daemon::containers {

namespace {
constexpr std::pair<const char*, int> kSignals[] = {
    {"HUP", SIGHUP},   {"INT", SIGINT},     {"QUIT", SIGQUIT},   {"ILL", SIGILL},   {"TRAP", SIGTRAP},
    {"ABRT", SIGABRT}, {"IOT", SIGIOT},     {"BUS", SIGBUS},     {"FPE", SIGFPE},   {"KILL", SIGKILL},
    {"USR1", SIGUSR1}, {"SEGV", SIGSEGV},   {"USR2", SIGUSR2},   {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},
    {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT}, {"CHLD", SIGCHLD}, {"CONT", SIGCONT}, {"STOP", SIGSTOP},
    {"TSTP", SIGTSTP}, {"TTIN", SIGTTIN},   {"TTOU", SIGTTOU},   {"URG", SIGURG},   {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH}, {"IO", SIGIO},
    {"POLL", SIGPOLL}, {"PWR", SIGPWR},     {"SYS", SIGSYS}};
}  // namespace

Result<int> parse_signal(std::string_view s) {
  std::string up;
  for (char ch : s) up.push_back(char(std::toupper(static_cast<unsigned char>(ch))));
  if (!up.empty() && std::isdigit(static_cast<unsigned char>(up[0]))) {
    try {
      int n = std::stoi(up);
      if (n > 0 && n <= 64 && std::to_string(n) == up) return n;
    } catch (...) {
    }
    return fail(Error::invalid("Invalid signal: " + std::string(s)));
  }
  std::string_view name = up;
  if (name.starts_with("SIG")) name.remove_prefix(3);
  for (auto& [n, v] : kSignals)
    if (name == n) return v;
  if (name.starts_with("RTMIN")) return SIGRTMIN;
  if (name.starts_with("RTMAX")) return SIGRTMAX;
  return fail(Error::invalid("Invalid signal: " + std::string(s)));
}

}  // namespace mydocker::daemon::containers
