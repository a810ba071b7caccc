#pragma once
// HostConfig.SecurityOpt: what Docker accepts there, parsed once. Options
// this host cannot honour (SELinux labels, AppArmor profiles) are refused,
// never stored and ignored.
#include <string>

#include <nlohmann/json.hpp>

#include "common/error.hpp"

namespace mydocker::daemon::security {

enum class SeccompMode { Builtin, Unconfined, Custom };

struct SecurityOptions {
  bool no_new_privileges = false;
  SeccompMode seccomp = SeccompMode::Builtin;
  std::string seccomp_profile;  // the profile's JSON text when Custom
  bool unconfined_system_paths = false;  // systempaths=unconfined: no masked or read-only /proc paths
  bool writable_cgroups = false;
};

// "no-new-privileges[=bool]", "seccomp=unconfined|builtin|<profile JSON>",
// "label=disable", "apparmor=unconfined", "systempaths=unconfined",
// "writable-cgroups=bool"; "key:value" is Docker's deprecated spelling.
// Anything else is a 400 naming the option, in Docker's words.
Result<SecurityOptions> parse_security_options(const nlohmann::json& host_config);

}  // namespace mydocker::daemon::security
