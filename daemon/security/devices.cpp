#include "daemon/security/devices.hpp"

#include <dirent.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>

#include "common/device_cgroup_rule.hpp"
#include "daemon/security/capabilities.hpp"

namespace mydocker::daemon::security {

namespace spec = libcontainer::spec;

namespace {
spec::DeviceRule allow(const char* type, std::optional<int64_t> major, std::optional<int64_t> minor,
                       const char* access) {
  return spec::DeviceRule{true, type, major, minor, access};
}

bool valid_permissions(const std::string& p) {
  if (p.empty() || p.size() > 3) return false;
  for (char c : p)
    if (c != 'r' && c != 'w' && c != 'm') return false;
  return true;
}

// Host /dev entries Docker leaves out of a privileged container: mounts of
// their own there, and the console it makes itself.
bool skipped_host_entry(const std::string& name) {
  static const char* kSkip[] = {"pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev", "console"};
  for (const char* s : kSkip)
    if (name == s) return true;
  return false;
}

void add_node(DevicePlan& out, const struct stat& st, const std::string& container_path,
              const std::string& permissions) {
  spec::Device d;
  d.path = container_path;
  d.type = S_ISBLK(st.st_mode) ? "b" : "c";
  d.major = major(st.st_rdev);
  d.minor = minor(st.st_rdev);
  d.file_mode = st.st_mode & 0777;
  d.uid = st.st_uid;
  d.gid = st.st_gid;
  out.rules.push_back({true, d.type, d.major, d.minor, permissions});
  out.nodes.push_back(std::move(d));
}

void walk(DevicePlan& out, const std::string& host_dir, const std::string& container_dir,
          const std::string& permissions, bool top_is_dev, int depth) {
  if (depth > 8) return;
  DIR* dir = ::opendir(host_dir.c_str());
  if (!dir) return;
  while (dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name == "." || name == ".." || (top_is_dev && depth == 0 && skipped_host_entry(name))) continue;
    const std::string host = host_dir + "/" + name;
    struct stat st{};
    if (::lstat(host.c_str(), &st) != 0) continue;
    if (S_ISDIR(st.st_mode)) walk(out, host, container_dir + "/" + name, permissions, top_is_dev, depth + 1);
    else if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) add_node(out, st, container_dir + "/" + name, permissions);
  }
  ::closedir(dir);
}

Result<void> add_cgroup_rules(DevicePlan& plan, const nlohmann::json& hc) {
  auto it = hc.find("DeviceCgroupRules");
  if (it == hc.end() || it->is_null()) return {};
  if (!it->is_array()) return fail(Error::invalid("HostConfig.DeviceCgroupRules must be a list of strings"));
  for (const auto& r : *it) {
    if (!r.is_string()) return fail(Error::invalid("HostConfig.DeviceCgroupRules must be a list of strings"));
    TRY_ASSIGN(auto rule, parse_device_cgroup_rule(r.get<std::string>()));
    plan.rules.push_back(std::move(rule));
  }
  return {};
}

Result<void> add_mapped_devices(DevicePlan& plan, const nlohmann::json& hc) {
  auto it = hc.find("Devices");
  if (it == hc.end() || it->is_null()) return {};
  if (!it->is_array()) return fail(Error::invalid("HostConfig.Devices must be a list"));
  for (const auto& d : *it) {
    if (!d.is_object()) return fail(Error::invalid("HostConfig.Devices must be a list of device mappings"));
    // Strings or absent; another type is a 400, not nlohmann's exception.
    auto text = [&](const char* key) -> Result<std::string> {
      auto it = d.find(key);
      if (it == d.end() || it->is_null()) return std::string();
      if (!it->is_string()) return fail(Error::invalid("HostConfig.Devices: " + std::string(key) + " must be a string"));
      return it->get<std::string>();
    };
    TRY_ASSIGN(const std::string host, text("PathOnHost"));
    TRY_ASSIGN(std::string inside, text("PathInContainer"));
    TRY_ASSIGN(std::string perms, text("CgroupPermissions"));
    if (inside.empty()) inside = host;
    if (perms.empty()) perms = "rwm";
    TRY_ASSIGN(DevicePlan one, host_devices(host, inside, perms));
    plan.nodes.insert(plan.nodes.end(), one.nodes.begin(), one.nodes.end());
    plan.rules.insert(plan.rules.end(), one.rules.begin(), one.rules.end());
  }
  return {};
}
}  // namespace

std::vector<spec::DeviceRule> default_device_rules() {
  return {
      spec::DeviceRule{false, "a", std::nullopt, std::nullopt, "rwm"},
      allow("c", std::nullopt, std::nullopt, "m"), allow("b", std::nullopt, std::nullopt, "m"),
      allow("c", 1, 3, "rwm"),    // null
      allow("c", 1, 8, "rwm"),    // random
      allow("c", 1, 7, "rwm"),    // full
      allow("c", 5, 0, "rwm"),    // tty
      allow("c", 1, 5, "rwm"),    // zero
      allow("c", 1, 9, "rwm"),    // urandom
      allow("c", 5, 1, "rwm"),    // console
      allow("c", 136, std::nullopt, "rwm"),  // pts/*
      allow("c", 5, 2, "rwm"),    // ptmx
      allow("c", 10, 200, "rwm"), // net/tun
  };
}

Result<spec::DeviceRule> parse_device_cgroup_rule(const std::string& text) {
  auto r = mydocker::parse_device_cgroup_rule(text);
  if (!r) return fail(Error::invalid("invalid device cgroup rule format: '" + text + "'"));
  return spec::DeviceRule{true, std::string(1, r->type), r->major, r->minor, r->access};
}

Result<DevicePlan> host_devices(const std::string& host_path, const std::string& container_path,
                                const std::string& permissions) {
  auto gathering = [&](const std::string& why) {
    return Error::invalid("error gathering device information while adding custom device \"" + host_path + "\": " + why);
  };
  if (!valid_permissions(permissions)) return fail(Error::invalid("invalid device mode: " + permissions));
  // Nodes are made in the container's fresh /dev tmpfs, nowhere else.
  if (container_path.rfind("/dev/", 0) != 0 || container_path.find("/../") != std::string::npos ||
      container_path.find("/./") != std::string::npos || container_path.ends_with("/.."))
    return fail(Error::invalid("invalid device path in the container: \"" + container_path + "\" (it must be under /dev)"));
  struct stat st{};
  if (host_path.empty() || ::stat(host_path.c_str(), &st) != 0) return fail(gathering(std::strerror(host_path.empty() ? ENOENT : errno)));
  DevicePlan plan;
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode)) {
    add_node(plan, st, container_path, permissions);
    return plan;
  }
  if (!S_ISDIR(st.st_mode)) return fail(gathering("not a device node"));
  walk(plan, host_path, container_path, permissions, false, 0);
  if (plan.nodes.empty()) return fail(gathering("no device nodes found"));
  return plan;
}

Result<DevicePlan> container_devices(const nlohmann::json& hc) {
  DevicePlan plan;
  TRY_ASSIGN(const bool privileged, privileged_of(hc));
  if (privileged) {
    // Every host device, openable: the container is trusted with the host.
    walk(plan, "/dev", "/dev", "rwm", true, 0);
    plan.rules = {spec::DeviceRule{true, "a", std::nullopt, std::nullopt, "rwm"}};
    DevicePlan extra;
    TRY_VOID(add_mapped_devices(extra, hc));
    plan.nodes.insert(plan.nodes.end(), extra.nodes.begin(), extra.nodes.end());
    return plan;
  }
  plan.rules = default_device_rules();
  TRY_VOID(add_mapped_devices(plan, hc));
  TRY_VOID(add_cgroup_rules(plan, hc));
  return plan;
}

}  // namespace mydocker::daemon::security
