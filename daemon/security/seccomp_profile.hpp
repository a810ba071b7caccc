#pragma once
// Docker's seccomp profile format (the JSON `docker run --security-opt
// seccomp=profile.json` takes, and the built-in default): a runtime-spec
// seccomp section whose rules may be conditional on the container's
// capabilities, the host's architecture and kernel. seccomp_for_container
// resolves those conditions into the plain OCI section libcontainer installs.
#include <nlohmann/json_fwd.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::daemon::security {

// "<kernel>.<major>" as in minKernel: "4.8" matches 4.8.0-rc1 and 4.8.17.
struct KernelVersion {
  unsigned kernel = 0, major = 0;
  friend bool operator==(const KernelVersion&, const KernelVersion&) = default;
};

// A condition on a rule. Empty lists impose nothing.
struct SeccompFilter {
  std::vector<std::string> caps;    // "CAP_SYS_ADMIN"
  std::vector<std::string> arches;  // native names: "amd64", "x32", "arm64", "s390x"
  std::optional<KernelVersion> min_kernel;
  bool empty() const { return caps.empty() && arches.empty() && !min_kernel; }
};

// One archMap entry: when the host is `architecture`, the filter also
// covers the sub-architectures (x86_64 also runs x86 and x32 binaries).
struct SeccompArchMapEntry {
  std::string architecture;                    // SCMP_ARCH_X86_64
  std::vector<std::string> sub_architectures;  // SCMP_ARCH_X86, SCMP_ARCH_X32
};

struct SeccompRule {
  std::vector<std::string> names;  // the legacy single "name" is folded in here
  std::string action;              // SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...
  std::optional<uint32_t> errno_ret;
  std::vector<libcontainer::spec::SeccompArg> args;  // all must match (AND)
  std::string comment;                               // documentation only
  SeccompFilter includes;  // the rule applies only if every condition holds
  SeccompFilter excludes;  // the rule is dropped if any condition holds
};

struct SeccompProfile {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;    // used as is; exclusive with arch_map
  std::vector<SeccompArchMapEntry> arch_map;  // expanded for the native arch
  std::vector<std::string> flags;             // SECCOMP_FILTER_FLAG_LOG, ...
  std::vector<SeccompRule> syscalls;          // in order

  // Docker runs a container unconfined when its profile has neither a
  // default action nor rules; callers check this before resolving (which
  // refuses such a profile rather than install an empty filter).
  bool empty() const { return default_action.empty() && syscalls.empty(); }
};

// The host facts rules are resolved against.
struct SeccompHost {
  std::string arch;       // native name for includes/excludes.arches: "amd64"
  std::string scmp_arch;  // its libseccomp name for archMap: "SCMP_ARCH_X86_64"
  std::optional<KernelVersion> kernel;  // absent when uname's release did not parse
};

// Docker's seccomp profile JSON format, parsed and validated. Errors are
// InvalidParameter and name the bad value: not JSON, a wrong type, an
// unknown action ("SCMP_ACT_FOO"), arch, op or flag, and what we cannot do
// (SCMP_ACT_NOTIFY, listenerPath).
Result<SeccompProfile> parse_seccomp_profile(std::string_view json_text);

// The checks parse_seccomp_profile applies to values, for profiles built in code.
Result<void> validate_seccomp_profile(const SeccompProfile& profile);

// The built-in profile, with the semantics of Docker's default profile.
const SeccompProfile& default_seccomp_profile();

// The OCI section for one container: architectures (or the archMap entry of
// the native arch with its sub-architectures), the rules whose
// includes/excludes hold for `capabilities` (the container's capability
// names, e.g. "CAP_SYS_ADMIN"), the native arch and the running kernel.
Result<libcontainer::spec::Seccomp> seccomp_for_container(const SeccompProfile& profile,
                                                          const std::vector<std::string>& capabilities);
// Same, against given host facts (tests, or a daemon resolving for another arch).
Result<libcontainer::spec::Seccomp> seccomp_for_container(const SeccompProfile& profile,
                                                          const std::vector<std::string>& capabilities,
                                                          const SeccompHost& host);

// This machine: the compiled-for architecture and uname's kernel release.
SeccompHost current_seccomp_host();
// "5.15.0-91-generic" → 5.15; "3.12-1-amd64" → 3.12; nullopt if no "<n>.<n>" prefix.
std::optional<KernelVersion> parse_kernel_release(std::string_view release);

// The profile in Docker's JSON format (parse_seccomp_profile reads it back).
nlohmann::json seccomp_profile_to_json(const SeccompProfile& profile);

}  // namespace mydocker::daemon::security
