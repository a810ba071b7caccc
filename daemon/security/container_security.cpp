#include "daemon/security/container_security.hpp"

#include <algorithm>

#include "daemon/security/capabilities.hpp"
#include "daemon/security/devices.hpp"
#include "daemon/security/seccomp_profile.hpp"
#include "daemon/security/security_opts.hpp"

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
}  // namespace

Result<void> validate_security(const nlohmann::json& hc, uint64_t held) {
  spec::Spec scratch;
  return apply_security(scratch, hc, held);
}

Result<void> apply_security(spec::Spec& s, const nlohmann::json& hc, uint64_t held) {
  const bool privileged = hc.value("Privileged", false);
  TRY_ASSIGN(SecurityOptions opts, parse_security_options(hc));
  TRY_ASSIGN(auto caps, container_capabilities(hc, held));
  s.process.capabilities = {caps, caps, caps, {}, {}};
  s.process.no_new_privileges = opts.no_new_privileges;
  TRY_ASSIGN(DevicePlan devices, container_devices(hc));
  s.linux.devices = std::move(devices.nodes);
  s.linux.resources.devices = std::move(devices.rules);
  TRY_ASSIGN(s.linux.seccomp, seccomp_of(opts, privileged, caps));
  if (privileged || opts.unconfined_system_paths) {
    s.linux.masked_paths.clear();
    s.linux.readonly_paths.clear();
  }
  if (privileged || opts.writable_cgroups) make_writable(s, privileged);
  return {};
}

}  // namespace mydocker::daemon::security
