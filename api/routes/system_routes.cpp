// /_ping, /version, /info
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "api/routes/routes.hpp"
#include "api/version.hpp"
#include "common/fs.hpp"
#include "common/time.hpp"

namespace mydocker::api {

using nlohmann::json;
using daemon::containers::Status;

namespace {
std::string os_pretty_name() {
  auto text = fs::read_file("/etc/os-release");
  if (!text) return "Linux";
  auto pos = text->find("PRETTY_NAME=");
  if (pos == std::string::npos) return "Linux";
  std::string v = text->substr(pos + 12, text->find('\n', pos) - pos - 12);
  if (v.size() >= 2 && v.front() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

std::string kernel_release() {
  utsname u{};
  ::uname(&u);
  return u.release;
}
}  // namespace

void register_system_routes(Router& r, Backend& b) {
  r.add("GET", "/_ping", [](Request& req, Responder& res) {
    // HEAD gets the same headers and no body (Docker sends no-cache headers too).
    res.send_text(200, req.method == "HEAD" ? "" : "OK", "text/plain; charset=utf-8", true);
  });
  r.add("GET", "/version", [](Request&, Responder& res) {
    utsname u{};
    ::uname(&u);
    json comp = {{"Name", "Engine"},
                 {"Version", kEngineVersion},
                 {"Details", {{"ApiVersion", kApiVersion}, {"MinAPIVersion", kMinApiVersion}, {"Os", "linux"},
                              {"Arch", "amd64"}, {"KernelVersion", u.release}, {"GitCommit", "mydocker"}}}};
    res.send_json(200, {{"Platform", {{"Name", "mydocker"}}},
                        {"Components", json::array({comp})},
                        {"Version", kEngineVersion},
                        {"ApiVersion", kApiVersion},
                        {"MinAPIVersion", kMinApiVersion},
                        {"GitCommit", "mydocker"},
                        {"GoVersion", "n/a (C++)"},
                        {"Os", "linux"},
                        {"Arch", "amd64"},
                        {"KernelVersion", u.release},
                        {"BuildTime", "2026-11-22T00:00:00.000000000+00:00"}});
  });
  r.add("GET", "/info", [&b](Request&, Responder& res) {
    struct sysinfo si{};
    ::sysinfo(&si);
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    const size_t running = b.containers.count(Status::Running);
    const size_t paused = b.containers.count(Status::Paused);
    const size_t total = b.containers.count_all();
    res.send_json(200, {{"ID", b.daemon_id},
                        {"Containers", total},
                        {"ContainersRunning", running},
                        {"ContainersPaused", paused},
                        {"ContainersStopped", total - running - paused},
                        {"Images", b.images.list().size()},
                        {"Driver", b.storage_driver},
                        {"DriverStatus", json::array()},
                        {"Plugins", {{"Volume", {"local"}}, {"Network", {"bridge", "host", "none"}}, {"Log", {"json-file"}}}},
                        {"MemoryLimit", true},
                        {"SwapLimit", true},
                        {"CpuCfsPeriod", true},
                        {"CpuCfsQuota", true},
                        {"CPUShares", true},
                        {"CPUSet", true},
                        {"PidsLimit", true},
                        {"IPv4Forwarding", true},
                        {"Debug", false},
                        {"NFd", 0},
                        {"NGoroutines", 0},
                        {"SystemTime", timeutil::format_rfc3339_nano(timeutil::now_ns())},
                        {"LoggingDriver", "json-file"},
                        {"CgroupDriver", "cgroupfs"},
                        {"CgroupVersion", b.cgroup_version},
                        {"KernelVersion", kernel_release()},
                        {"OperatingSystem", os_pretty_name()},
                        {"OSVersion", ""},
                        {"OSType", "linux"},
                        {"Architecture", "x86_64"},
                        {"NCPU", ::sysconf(_SC_NPROCESSORS_ONLN)},
                        {"MemTotal", uint64_t(si.totalram) * si.mem_unit},
                        {"DockerRootDir", b.data_root},
                        {"Name", host},
                        {"Labels", json::array()},
                        {"ExperimentalBuild", false},
                        {"ServerVersion", kEngineVersion},
                        {"Runtimes", {{"mydocker", {{"path", "mydocker-shim"}}}}},
                        {"DefaultRuntime", "mydocker"},
                        {"Swarm", {{"LocalNodeState", "inactive"}, {"NodeID", ""}, {"NodeAddr", ""},
                                   {"ControlAvailable", false}, {"Error", ""}, {"RemoteManagers", nullptr}}},
                        {"LiveRestoreEnabled", true},
                        {"Isolation", ""},
                        {"InitBinary", ""},
                        {"SecurityOptions", json::array()},
                        {"Warnings", json::array()}});
  });
}

}  // namespace mydocker::api
