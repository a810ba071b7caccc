#include "daemon/security/security_opts.hpp"

namespace mydocker::daemon::security {

namespace {
std::optional<bool> parse_bool(const std::string& v) {
  // Go's strconv.ParseBool.
  if (v == "1" || v == "t" || v == "T" || v == "true" || v == "TRUE" || v == "True") return true;
  if (v == "0" || v == "f" || v == "F" || v == "false" || v == "FALSE" || v == "False") return false;
  return std::nullopt;
}

Error invalid_option(int which, const std::string& opt) {
  return Error::invalid("invalid --security-opt " + std::to_string(which) + ": \"" + opt + "\"");
}

Result<void> apply_option(SecurityOptions& out, const std::string& opt) {
  if (opt == "no-new-privileges") {
    out.no_new_privileges = true;
    return {};
  }
  if (opt == "disable") return {};  // the old spelling of label=disable
  size_t sep = opt.find('=');
  if (sep == std::string::npos) sep = opt.find(':');
  if (sep == std::string::npos) return fail(invalid_option(1, opt));
  const std::string key = opt.substr(0, sep), value = opt.substr(sep + 1);
  if (key == "no-new-privileges" || key == "writable-cgroups") {
    auto b = parse_bool(value);
    if (!b) return fail(invalid_option(2, opt));
    (key == "no-new-privileges" ? out.no_new_privileges : out.writable_cgroups) = *b;
    return {};
  }
  if (key == "seccomp") {
    if (value == "unconfined") out.seccomp = SeccompMode::Unconfined;
    else if (value == "builtin" || value.empty()) out.seccomp = SeccompMode::Builtin;
    else {
      out.seccomp = SeccompMode::Custom;
      out.seccomp_profile = value;
    }
    return {};
  }
  if (key == "systempaths") {
    if (value != "unconfined") return fail(invalid_option(2, opt));
    out.unconfined_system_paths = true;
    return {};
  }
  // No SELinux and no AppArmor confinement here: "disable" and "unconfined"
  // describe what a container gets anyway; asking for a label or a profile
  // cannot be honoured.
  if (key == "label") {
    if (value == "disable") return {};
    return fail(Error::invalid("--security-opt " + opt + ": SELinux labels are not supported: mydocker does not apply SELinux labels on this host"));
  }
  if (key == "apparmor") {
    if (value == "unconfined") return {};
    return fail(Error::invalid("--security-opt " + opt + ": AppArmor profiles are not supported: mydocker does not apply AppArmor profiles on this host"));
  }
  return fail(invalid_option(2, opt));
}
}  // namespace

Result<SecurityOptions> parse_security_options(const nlohmann::json& hc) {
  SecurityOptions out;
  auto it = hc.find("SecurityOpt");
  if (it == hc.end() || it->is_null()) return out;
  if (!it->is_array()) return fail(Error::invalid("HostConfig.SecurityOpt must be a list of strings"));
  for (const auto& o : *it) {
    if (!o.is_string()) return fail(Error::invalid("HostConfig.SecurityOpt must be a list of strings"));
    TRY_VOID(apply_option(out, o.get<std::string>()));
  }
  return out;
}

}  // namespace mydocker::daemon::security
