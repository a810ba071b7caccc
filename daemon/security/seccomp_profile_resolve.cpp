// Resolving a Docker seccomp profile into one container's OCI section, with
// moby's semantics: includes need every condition, excludes drop a rule on
// any condition, and minKernel compares only "<kernel>.<major>".
#include <sys/utsname.h>

#include <algorithm>
#include <cstdio>

#include "daemon/security/seccomp_profile.hpp"
#include "daemon/security/seccomp_vocabulary.hpp"

namespace mydocker::daemon::security {
namespace {

namespace spec = libcontainer::spec;

bool contains(const std::vector<std::string>& list, const std::string& v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

bool kernel_at_least(const KernelVersion& have, const KernelVersion& want) {
  return have.kernel > want.kernel || (have.kernel == want.kernel && have.major >= want.major);
}

// A rule with a minKernel condition cannot be decided without the host's
// kernel; moby fails the container then, and so do we.
Result<bool> kernel_condition(const SeccompHost& host, const KernelVersion& want) {
  if (!host.kernel)
    return fail(Error::internal("seccomp profile: cannot compare minKernel " + std::to_string(want.kernel) + "." +
                                std::to_string(want.major) + ": the running kernel's version is unknown"));
  return kernel_at_least(*host.kernel, want);
}

Result<bool> excluded(const SeccompFilter& f, const std::vector<std::string>& caps, const SeccompHost& host) {
  if (contains(f.arches, host.arch)) return true;
  for (const auto& c : f.caps)
    if (contains(caps, c)) return true;
  if (f.min_kernel) return kernel_condition(host, *f.min_kernel);
  return false;
}

Result<bool> included(const SeccompFilter& f, const std::vector<std::string>& caps, const SeccompHost& host) {
  if (!f.arches.empty() && !contains(f.arches, host.arch)) return false;
  for (const auto& c : f.caps)
    if (!contains(caps, c)) return false;
  if (f.min_kernel) return kernel_condition(host, *f.min_kernel);
  return true;
}

// The profile's architectures as given, or the archMap entry for the host
// with its sub-architectures. With neither, the list stays empty, as in
// Docker: libseccomp's filter always covers the native architecture.
std::vector<std::string> architectures_for(const SeccompProfile& p, const SeccompHost& host) {
  std::vector<std::string> out = p.architectures;
  for (const auto& e : p.arch_map)
    if (!host.scmp_arch.empty() && e.architecture == host.scmp_arch) {
      out.push_back(e.architecture);
      out.insert(out.end(), e.sub_architectures.begin(), e.sub_architectures.end());
      break;
    }
  return out;
}

}  // namespace

std::optional<KernelVersion> parse_kernel_release(std::string_view release) {
  KernelVersion k;
  const std::string text(release);
  if (std::sscanf(text.c_str(), "%u.%u", &k.kernel, &k.major) != 2) return std::nullopt;
  return k;
}

SeccompHost current_seccomp_host() {
  SeccompHost host{native_arch(), native_scmp_arch(), std::nullopt};
  struct utsname u{};
  if (::uname(&u) == 0) host.kernel = parse_kernel_release(u.release);
  return host;
}

Result<spec::Seccomp> seccomp_for_container(const SeccompProfile& p, const std::vector<std::string>& caps,
                                            const SeccompHost& host) {
  if (p.empty())
    return fail(Error::invalid("seccomp profile has no defaultAction and no syscalls: run unconfined instead"));
  TRY_VOID(validate_seccomp_profile(p));
  spec::Seccomp out;
  out.default_action = p.default_action;
  out.default_errno_ret = p.default_errno_ret;
  out.architectures = architectures_for(p, host);
  out.flags = p.flags;
  for (const auto& rule : p.syscalls) {
    TRY_ASSIGN(const bool drop, excluded(rule.excludes, caps, host));
    if (drop) continue;
    TRY_ASSIGN(const bool keep, included(rule.includes, caps, host));
    if (!keep) continue;
    out.syscalls.push_back({rule.names, rule.action, rule.errno_ret, rule.args});
  }
  return out;
}

Result<spec::Seccomp> seccomp_for_container(const SeccompProfile& p, const std::vector<std::string>& caps) {
  return seccomp_for_container(p, caps, current_seccomp_host());
}

}  // namespace mydocker::daemon::security
