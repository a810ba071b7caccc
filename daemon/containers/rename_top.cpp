// POST /containers/{id}/rename and GET /containers/{id}/top.
#include <unistd.h>

#include <ctime>

#include "common/fs.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/containers/names.hpp"
#include "libcontainer/cgroups/cgroup.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

Result<void> ContainerService::rename(const std::string& name, const std::string& requested) {
  if (requested.empty()) return fail(Error::invalid("Neither old nor new names may be empty"));
  if (!valid_container_name(requested))
    return fail(Error::invalid("Invalid container name (" + requested + "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
  TRY_ASSIGN(auto c, find(name));
  const std::string new_name = requested.front() == '/' ? requested : "/" + requested;
  std::lock_guard lk(c->mu);
  if (c->name == new_name) return fail(Error::invalid("Renaming a container with the same name as its current name"));
  TRY_VOID(store_.reserve_name(new_name, c->id));
  const std::string old = c->name;
  c->name = new_name;
  if (auto r = store_.checkpoint(*c); !r) {
    c->name = old;
    store_.release_name(new_name);
    return r;
  }
  store_.release_name(old);
  return {};
}

namespace {
// One row of `ps -ef` for pid, read from /proc: UID PID PPID C STIME TTY TIME CMD.
std::optional<json> ps_row(pid_t pid) {
  const std::string base = "/proc/" + std::to_string(pid);
  auto stat = fs::read_file(base + "/stat");
  auto status = fs::read_file(base + "/status");
  if (!stat || !status) return std::nullopt;
  // Fields after the parenthesised command name.
  const size_t close = stat->rfind(')');
  std::vector<std::string> f;
  for (size_t i = close + 2; i < stat->size();) {
    size_t sp = stat->find(' ', i);
    f.push_back(stat->substr(i, sp - i));
    if (sp == std::string::npos) break;
    i = sp + 1;
  }
  if (f.size() < 20) return std::nullopt;
  std::string uid = "0";
  if (auto pos = status->find("\nUid:\t"); pos != std::string::npos) uid = status->substr(pos + 6, status->find('\t', pos + 6) - pos - 6);
  const long ticks = ::sysconf(_SC_CLK_TCK);
  const long long cpu_s = (std::stoll(f[11]) + std::stoll(f[12])) / ticks;
  char cpu_time[32];
  std::snprintf(cpu_time, sizeof cpu_time, "%02lld:%02lld:%02lld", cpu_s / 3600, cpu_s / 60 % 60, cpu_s % 60);
  // Start time: boot time + start ticks.
  double uptime = 0;
  if (auto up = fs::read_file("/proc/uptime")) uptime = std::stod(*up);
  const time_t started = std::time(nullptr) - time_t(uptime - double(std::stoll(f[19])) / double(ticks));
  struct tm tm;
  ::localtime_r(&started, &tm);
  char stime[16];
  std::strftime(stime, sizeof stime, "%H:%M", &tm);
  std::string cmd;
  if (auto cl = fs::read_file(base + "/cmdline"); cl && !cl->empty()) {
    for (char& ch : *cl)
      if (ch == '\0') ch = ' ';
    cmd = cl->substr(0, cl->find_last_not_of(' ') + 1);
  } else {
    cmd = "[" + stat->substr(stat->find('(') + 1, close - stat->find('(') - 1) + "]";
  }
  const std::string tty = f[4] == "0" ? "?" : "pts/" + std::to_string(std::stoi(f[4]) & 0xff);
  return json::array({uid == "0" ? "root" : uid, std::to_string(pid), f[1], "0", stime, tty, cpu_time, cmd});
}
}  // namespace

Result<json> ContainerService::top(const std::string& name) {
  TRY_ASSIGN(auto c, find(name));
  std::string path;
  {
    std::lock_guard lk(c->mu);
    if (!c->state.running()) return fail(Error::conflict("Container " + c->id + " is not running"));
    path = cgroup_path_of(*c);
  }
  json procs = json::array();
  for (pid_t pid : libcontainer::cgroups::make_cgroup(path)->pids())
    if (auto row = ps_row(pid)) procs.push_back(*row);
  return json{{"Titles", {"UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"}}, {"Processes", procs}};
}

}  // namespace mydocker::daemon::containers
