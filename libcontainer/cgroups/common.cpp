#include <signal.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include <linux/magic.h>

#include "common/fs.hpp"
#include "libcontainer/cgroups/cgroup.hpp"

namespace mydocker::libcontainer::cgroups {

Version detect_version(const std::string& root) {
  struct statfs st {};
  if (::statfs(root.c_str(), &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) return Version::V2;
  return Version::V1;
}

std::unique_ptr<Cgroup> make_cgroup(const std::string& path, const std::string& root) {
  return detect_version(root) == Version::V2 ? make_v2(path, root) : make_v1(path, root);
}

Result<void> write_value(const std::string& file, const std::string& value) {
  auto r = fs::write_file(file, value);
  if (!r) return fail(r.error().wrap("cgroup"));
  return {};
}

std::vector<pid_t> read_pids(const std::string& procs_file) {
  std::vector<pid_t> out;
  auto text = fs::read_file(procs_file);
  if (!text) return out;
  size_t i = 0;
  while (i < text->size()) {
    size_t nl = text->find('\n', i);
    if (nl == std::string::npos) nl = text->size();
    if (nl > i) out.push_back(pid_t(std::stol(text->substr(i, nl - i))));
    i = nl + 1;
  }
  return out;
}

Result<void> kill_and_remove(const std::string& dir) {
  if (!fs::exists(dir)) return {};
  // Bounded: processes killed with SIGKILL leave the cgroup within
  // milliseconds; a few hundred short naps cover a loaded machine.
  for (int attempt = 0; attempt < 500; ++attempt) {
    for (pid_t p : read_pids(dir + "/cgroup.procs")) ::kill(p, SIGKILL);
    if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
    if (errno != EBUSY) return fail(Error::from_errno(errno, "remove cgroup " + dir));
    timespec ts{0, 2 * 1000 * 1000};
    ::nanosleep(&ts, nullptr);
  }
  return fail(Error::internal("remove cgroup " + dir + ": still busy"));
}

std::vector<std::string> throttle_lines(const std::vector<spec::ThrottleDevice>& devices) {
  std::vector<std::string> out;
  for (const auto& d : devices)
    out.push_back(std::to_string(d.major) + ":" + std::to_string(d.minor) + " " + std::to_string(d.rate));
  return out;
}

}  // namespace mydocker::libcontainer::cgroups
