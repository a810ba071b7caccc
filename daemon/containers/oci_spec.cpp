#include "daemon/containers/oci_spec.hpp"

#include <sys/stat.h>
#include <sys/sysmacros.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "daemon/containers/config_merge.hpp"
#include "daemon/security/capabilities.hpp"
#include "daemon/security/container_security.hpp"
#include "libcontainer/spec/defaults.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;
namespace spec = libcontainer::spec;

namespace {
void add_bind(spec::Spec& s, const std::string& source, const std::string& dest, bool ro) {
  spec::Mount m;
  m.destination = dest;
  m.type = "bind";
  m.source = source;
  m.options = {"rbind", "rprivate"};
  if (ro) m.options.push_back("ro");
  s.mounts.push_back(std::move(m));
}

// A resolved bind, volume or tmpfs as an OCI mount.
void add_mount_point(spec::Spec& s, const volumes::MountPoint& m) {
  spec::Mount out;
  out.destination = m.destination;
  if (m.type == "tmpfs") {
    out.type = "tmpfs";
    out.source = "tmpfs";
    std::stringstream ss(m.tmpfs_options);
    for (std::string o; std::getline(ss, o, ',');)
      if (!o.empty()) out.options.push_back(o);
  } else {
    out.type = "bind";
    out.source = m.source;
    out.options = {"rbind", m.propagation.empty() ? "rprivate" : m.propagation};
    if (!m.rw) out.options.push_back("ro");
  }
  s.mounts.push_back(std::move(out));
}

template <class T>
std::optional<T> positive(const json& hc, const char* key) {
  auto it = hc.find(key);
  if (it == hc.end() || !it->is_number()) return std::nullopt;
  T v = it->get<T>();
  if (v == 0) return std::nullopt;
  return v;
}

// HostConfig's [{"Path":"/dev/sda","Rate":N}] as the devices' numbers.
Result<std::vector<spec::ThrottleDevice>> throttle_devices(const json& hc, const char* key) {
  std::vector<spec::ThrottleDevice> out;
  auto it = hc.find(key);
  if (it == hc.end() || !it->is_array()) return out;
  for (const auto& d : *it) {
    const std::string path = d.is_object() ? d.value("Path", "") : "";
    struct stat st{};
    if (::stat(path.c_str(), &st) != 0)
      return fail(Error::invalid("error gathering device information while adding custom device \"" + path +
                                 "\": " + std::strerror(errno)));
    if (!S_ISBLK(st.st_mode)) return fail(Error::invalid("\"" + path + "\" is not a block device"));
    out.push_back({int64_t(major(st.st_rdev)), int64_t(minor(st.st_rdev)), d.value("Rate", uint64_t(0))});
  }
  return out;
}
}  // namespace

Result<spec::Resources> resources_of(const json& hc) {
  spec::Resources r;
  r.memory_limit = positive<int64_t>(hc, "Memory");
  r.memory_swap = positive<int64_t>(hc, "MemorySwap");
  r.cpu_shares = positive<uint64_t>(hc, "CpuShares");
  r.cpu_quota = positive<int64_t>(hc, "CpuQuota");
  r.cpu_period = positive<uint64_t>(hc, "CpuPeriod");
  if (auto nano = positive<int64_t>(hc, "NanoCpus")) {
    if (r.cpu_quota) return fail(Error::invalid("Conflicting options: Nano CPUs and CPU Quota cannot both be set"));
    r.cpu_period = 100000;
    r.cpu_quota = *nano * 100000 / 1000000000;
  }
  r.cpuset_cpus = hc.value("CpusetCpus", "");
  r.cpuset_mems = hc.value("CpusetMems", "");
  if (auto pids = positive<int64_t>(hc, "PidsLimit"); pids && *pids > 0) r.pids_limit = pids;
  if (auto w = positive<uint16_t>(hc, "BlkioWeight")) {
    if (*w < 10 || *w > 1000) return fail(Error::invalid("Range of blkio weight is from 10 to 1000"));
    r.blkio_weight = w;
  }
  TRY_ASSIGN(r.read_bps, throttle_devices(hc, "BlkioDeviceReadBps"));
  TRY_ASSIGN(r.write_bps, throttle_devices(hc, "BlkioDeviceWriteBps"));
  TRY_ASSIGN(r.read_iops, throttle_devices(hc, "BlkioDeviceReadIOps"));
  TRY_ASSIGN(r.write_iops, throttle_devices(hc, "BlkioDeviceWriteIOps"));
  return r;
}

Result<spec::Spec> build_oci_spec(const Container& c, const store::Paths& paths) {
  spec::Spec s = spec::default_spec();
  const json& cfg = c.config;
  const std::string hostname = cfg.value("Hostname", c.short_id());
  s.process.terminal = c.tty();
  s.process.args.push_back(c.path);
  s.process.args.insert(s.process.args.end(), c.args.begin(), c.args.end());
  s.process.env = process_env(cfg, hostname);
  std::string wd = cfg.value("WorkingDir", "");
  s.process.cwd = wd.empty() ? "/" : wd;
  if (!wd.empty() && wd.front() != '/')
    return fail(Error::invalid("the working directory '" + wd + "' is invalid, it needs to be an absolute path"));
  std::string user = cfg.value("User", "");
  if (!user.empty()) s.annotations["org.mydocker.user"] = user;

  s.root.path = c.rootfs_path;
  s.root.readonly = c.host_config.value("ReadonlyRootfs", false);
  if (c.overlay_options) s.annotations["org.mydocker.rootfs.overlay"] = *c.overlay_options;
  s.hostname = hostname;

  add_bind(s, paths.container_resolv(c.id), "/etc/resolv.conf", false);
  add_bind(s, paths.container_hostname(c.id), "/etc/hostname", false);
  add_bind(s, paths.container_hosts(c.id), "/etc/hosts", false);

  for (const auto& m : c.mount_points) add_mount_point(s, m);

  s.linux.cgroups_path = cgroup_path_of(c);
  TRY_ASSIGN(s.linux.resources, resources_of(c.host_config));
  TRY_VOID(security::apply_security(s, c.host_config, security::held_capabilities()));
  if (!c.userns.empty()) {
    s.linux.namespaces.push_back({"user", ""});
    s.linux.uid_mappings = c.userns.uids;
    s.linux.gid_mappings = c.userns.gids;
    // The network namespace belongs to the host's root, so container root
    // has no CAP_NET_BIND_SERVICE or CAP_NET_RAW over it: low ports and ping
    // sockets are opened to everyone in it instead, as Docker does.
    if (c.host_config.value("NetworkMode", "") != "host") {
      s.linux.sysctl.try_emplace("net.ipv4.ip_unprivileged_port_start", "0");
      s.linux.sysctl.try_emplace("net.ipv4.ping_group_range", "0 2147483647");
    }
  }
  return s;
}

}  // namespace mydocker::daemon::containers
