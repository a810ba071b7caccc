// The value checks of a seccomp profile: every word known and something we
// can carry out, so that a bad profile is a 400 at create time instead of a
// container that fails to start (or, worse, starts with a weaker filter).
#include "daemon/security/seccomp_profile.hpp"
#include "daemon/security/seccomp_vocabulary.hpp"

namespace mydocker::daemon::security {
namespace {

Error invalid(const std::string& where, const std::string& why) {
  return Error::invalid("invalid seccomp profile: " + (where.empty() ? why : where + ": " + why));
}

// errno travels in the 16-bit data field of the filter's return value.
constexpr uint32_t kMaxErrno = 0xFFFF;

Result<void> check_action(const std::string& where, const std::string& action,
                          const std::optional<uint32_t>& errno_ret, std::string_view errno_key) {
  if (action.empty()) return fail(invalid(where, "no action"));
  if (auto why = check_seccomp_action(action); !why.empty()) return fail(invalid(where, why));
  if (!errno_ret) return {};
  if (!seccomp_action_takes_errno(action))
    return fail(invalid(where, std::string(errno_key) + " is only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not " +
                                   action));
  if (*errno_ret > kMaxErrno)
    return fail(invalid(where, std::string(errno_key) + " " + std::to_string(*errno_ret) + " is out of range (0-65535)"));
  return {};
}

Result<void> check_filter(const std::string& where, const SeccompFilter& f) {
  for (const auto& arch : f.arches)
    if (auto why = check_native_arch(arch); !why.empty()) return fail(invalid(where, why));
  for (const auto& cap : f.caps)
    if (cap.empty()) return fail(invalid(where, "empty capability name"));
  if (f.min_kernel && f.min_kernel->kernel == 0 && f.min_kernel->major == 0)
    return fail(invalid(where, "minKernel cannot be 0.0"));
  return {};
}

Result<void> check_rule(const std::string& where, const SeccompRule& r) {
  if (r.names.empty()) return fail(invalid(where, "no syscall names"));
  for (const auto& n : r.names)
    if (n.empty()) return fail(invalid(where, "empty syscall name"));
  TRY_VOID(check_action(where, r.action, r.errno_ret, "errnoRet"));
  for (size_t i = 0; i < r.args.size(); ++i) {
    const auto& a = r.args[i];
    const std::string at = where + ".args[" + std::to_string(i) + "]";
    // A syscall has six arguments, numbered from 0.
    if (a.index > 5) return fail(invalid(at, "index " + std::to_string(a.index) + " is out of range (0-5)"));
    if (auto why = check_seccomp_op(a.op); !why.empty()) return fail(invalid(at, why));
  }
  TRY_VOID(check_filter(where + ".includes", r.includes));
  TRY_VOID(check_filter(where + ".excludes", r.excludes));
  return {};
}

Result<void> check_architectures(const SeccompProfile& p) {
  if (!p.architectures.empty() && !p.arch_map.empty())
    return fail(invalid("", "both 'architectures' and 'archMap' are specified, use either 'architectures' or 'archMap'"));
  for (const auto& a : p.architectures)
    if (auto why = check_seccomp_arch(a); !why.empty()) return fail(invalid("architectures", why));
  for (size_t i = 0; i < p.arch_map.size(); ++i) {
    const std::string where = "archMap[" + std::to_string(i) + "]";
    if (auto why = check_seccomp_arch(p.arch_map[i].architecture); !why.empty()) return fail(invalid(where, why));
    for (const auto& sub : p.arch_map[i].sub_architectures)
      if (auto why = check_seccomp_arch(sub); !why.empty()) return fail(invalid(where, why));
  }
  return {};
}

}  // namespace

Result<void> validate_seccomp_profile(const SeccompProfile& p) {
  if (p.empty()) return {};  // Docker's "no filter at all"; see SeccompProfile::empty
  if (p.default_action.empty()) return fail(invalid("", "no defaultAction"));
  TRY_VOID(check_action("", p.default_action, p.default_errno_ret, "defaultErrnoRet"));
  TRY_VOID(check_architectures(p));
  for (const auto& f : p.flags)
    if (auto why = check_seccomp_flag(f); !why.empty()) return fail(invalid("flags", why));
  for (size_t i = 0; i < p.syscalls.size(); ++i)
    TRY_VOID(check_rule("syscalls[" + std::to_string(i) + "]", p.syscalls[i]));
  return {};
}

}  // namespace mydocker::daemon::security
