// /_ping, /version, /info, /system/df
#include <sys/stat.h>
#include <sys/sysinfo.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <filesystem>
#include <set>

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

// GET /system/df: what `docker system df` reads. ?type= (API 1.42) limits
// it to some of image, container, volume, build-cache; the rest is null.
void handle_df(Backend& b, Request& req, Responder& res) {
  std::set<std::string> types;
  auto range = req.query_all.equal_range("type");
  for (auto it = range.first; it != range.second; ++it) {
    if (it->second != "image" && it->second != "container" && it->second != "volume" && it->second != "build-cache")
      return res.send_error(Error::invalid("unknown object type: " + it->second));
    types.insert(it->second);
  }
  auto wanted = [&](const char* t) { return types.empty() || types.contains(t); };
  daemon::containers::ListOptions copt;
  copt.all = true;
  copt.size = true;
  auto containers = b.containers.list(copt);
  if (!containers) return res.send_error(containers.error());
  json out = {{"LayersSize", 0}, {"Images", nullptr}, {"Containers", nullptr}, {"Volumes", nullptr}, {"BuildCache", nullptr}};
  daemon::images::ImageListOptions iopt;
  iopt.shared_size = iopt.container_count = true;
  auto images = b.images.list_json(iopt, [&](const std::string& id) {
    std::vector<daemon::images::ImageUser> users;
    for (const auto& c : *containers)
      if (c.value("ImageID", "") == id) users.push_back({c.value("Id", ""), false});
    return users;
  });
  if (!images) return res.send_error(images.error());
  std::map<std::string, int64_t> image_size;
  for (auto& img : *images) {
    image_size[img.value("Id", "")] = img.value("Size", int64_t(0));
    img.erase("VirtualSize");
  }
  if (wanted("image")) {
    out["LayersSize"] = b.images.layers_size();
    out["Images"] = *images;
  }
  if (wanted("container")) {
    for (auto& c : *containers) {
      const int64_t rw = b.images.container_rw_size(c.value("Id", ""));
      c["SizeRw"] = rw;
      c["SizeRootFs"] = rw + image_size[c.value("ImageID", "")];
    }
    out["Containers"] = *containers;
  }
  if (wanted("volume")) {
    json volumes = json::array();
    for (const auto& v : b.volumes.list({})) {
      json j = b.volumes.to_json(v);
      j["UsageData"] = {{"Size", fs::tree_size(b.volumes.data_path(v.name))},
                        {"RefCount", b.volumes.users(v.name).size()}};
      volumes.push_back(std::move(j));
    }
    out["Volumes"] = std::move(volumes);
  }
  if (wanted("build-cache")) out["BuildCache"] = json::array();
  res.send_json(200, out);
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
  r.add("GET", "/system/df", [&b](Request& req, Responder& res) { handle_df(b, req, res); });
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
                        // Every container is filtered by the built-in profile unless it opts out.
                        {"SecurityOptions", b.userns_remap ? json::array({"name=seccomp,profile=builtin", "name=userns"})
                                                           : json::array({"name=seccomp,profile=builtin"})},
                        {"Warnings", json::array()}});
  });
}

}  // namespace mydocker::api
