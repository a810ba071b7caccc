#include "daemon/security/container_security.hpp"

#include <algorithm>

#include "daemon/security/capabilities.hpp"
#include "daemon/security/devices.hpp"
#include "daemon/security/seccomp_profile.hpp"
#include "daemon/security/security_opts.hpp"
#include "libcontainer/cgroups/cgroup.hpp"

namespace mydocker::daemon::security {

namespace spec = libcontainer::spec;

namespace {
// The filter for the container, or none (unconfined, --privileged).
Result<std::optional<spec::Seccomp>> seccomp_of(const SecurityOptions& opts, bool privileged,
                                                const std::vector<std::string>& caps) {
  if (privileged || opts.seccomp == SeccompMode::Unconfined) return std::optional<spec::Seccomp>{};
  if (opts.seccomp == SeccompMode::Custom) {
    TRY_ASSIGN(auto profile, parse_seccomp_profile(opts.seccomp_profile));
    if (profile.empty()) return std::optional<spec::Seccomp>{};  // "{}": Docker runs it unfiltered
    TRY_ASSIGN(auto filter, seccomp_for_container(profile, caps));
    return std::optional<spec::Seccomp>(std::move(filter));
  }
  TRY_ASSIGN(auto filter, seccomp_for_container(default_seccomp_profile(), caps));
  return std::optional<spec::Seccomp>(std::move(filter));
}

// Mounts of these types read-write (--privileged: sysfs and cgroups;
// writable-cgroups: cgroups only).
void make_writable(spec::Spec& s, bool sysfs) {
  for (auto& m : s.mounts)
    if ((sysfs && m.type == "sysfs") || m.type == "cgroup") std::erase(m.options, std::string("ro"));
}

// HostConfig.MaskedPaths / ReadonlyPaths replace the defaults when given
// (docker-py and the API allow it); each must be an absolute path.
Result<std::optional<std::vector<std::string>>> path_list(const nlohmann::json& hc, const char* key) {
  auto it = hc.find(key);
  if (it == hc.end() || it->is_null()) return std::optional<std::vector<std::string>>{};
  std::vector<std::string> out;
  if (!it->is_array()) return fail(Error::invalid("HostConfig." + std::string(key) + " must be a list of paths"));
  for (const auto& p : *it) {
    if (!p.is_string() || p.get<std::string>().empty() || p.get<std::string>().front() != '/')
      return fail(Error::invalid("HostConfig." + std::string(key) + ": " + p.dump() + " is not an absolute path"));
    out.push_back(p.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(out));
}

// --cgroupns: "" (the host's default: host on cgroup v1, private on v2),
// "host" or "private". A private namespace is entered by the child after it
// joined its cgroup, so that cgroup is the namespace's root.
Result<void> apply_cgroupns(spec::Spec& s, const nlohmann::json& hc, bool cgroup_v2) {
  const std::string mode = hc.contains("CgroupnsMode") && hc["CgroupnsMode"].is_string() ? hc["CgroupnsMode"].get<std::string>() : "";
  if (hc.contains("CgroupnsMode") && !hc["CgroupnsMode"].is_null() && !hc["CgroupnsMode"].is_string())
    return fail(Error::invalid("HostConfig.CgroupnsMode must be a string"));
  if (mode != "" && mode != "host" && mode != "private")
    return fail(Error::invalid("invalid cgroup namespace mode: " + mode));
  std::erase_if(s.linux.namespaces, [](const spec::Namespace& n) { return n.type == "cgroup"; });
  if (mode == "private" || (mode.empty() && cgroup_v2)) s.linux.namespaces.push_back({"cgroup", ""});
  return {};
}

// "" is the daemon's default (its --userns-remap, if any); "host" opts out.
Result<void> check_userns(const nlohmann::json& hc) {
  auto it = hc.find("UsernsMode");
  if (it == hc.end() || it->is_null()) return {};
  if (!it->is_string()) return fail(Error::invalid("HostConfig.UsernsMode must be a string"));
  const std::string mode = it->get<std::string>();
  if (mode.empty() || mode == "host") return {};
  return fail(Error::invalid("invalid --userns mode \"" + mode +
                             "\": only \"host\" is valid (the daemon's --userns-remap is the default)"));
}
}  // namespace

Result<void> validate_security(const nlohmann::json& hc, uint64_t held) {
  spec::Spec scratch;
  return apply_security(scratch, hc, held);
}

Result<void> apply_security(spec::Spec& s, const nlohmann::json& hc, uint64_t held) {
  TRY_ASSIGN(const bool privileged, privileged_of(hc));
  TRY_ASSIGN(SecurityOptions opts, parse_security_options(hc));
  TRY_ASSIGN(auto caps, container_capabilities(hc, held));
  s.process.capabilities = {caps, caps, caps, {}, {}};
  s.process.no_new_privileges = opts.no_new_privileges;
  TRY_ASSIGN(DevicePlan devices, container_devices(hc));
  s.linux.devices = std::move(devices.nodes);
  s.linux.resources.devices = std::move(devices.rules);
  TRY_ASSIGN(s.linux.seccomp, seccomp_of(opts, privileged, caps));
  TRY_ASSIGN(auto masked, path_list(hc, "MaskedPaths"));
  TRY_ASSIGN(auto readonly, path_list(hc, "ReadonlyPaths"));
  if (masked) s.linux.masked_paths = std::move(*masked);
  if (readonly) s.linux.readonly_paths = std::move(*readonly);
  if (privileged || opts.unconfined_system_paths) {
    s.linux.masked_paths.clear();
    s.linux.readonly_paths.clear();
  }
  TRY_VOID(check_userns(hc));
  TRY_VOID(apply_cgroupns(s, hc, libcontainer::cgroups::detect_version() == libcontainer::cgroups::Version::V2));
  if (privileged || opts.writable_cgroups) make_writable(s, privileged);
  return {};
}

}  // namespace mydocker::daemon::security
