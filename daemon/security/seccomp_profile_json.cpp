// A profile written back in Docker's JSON format, e.g. to show the built-in
// default or to store a resolved copy; parse_seccomp_profile reads it back.
#include <nlohmann/json.hpp>

#include "daemon/security/seccomp_profile.hpp"

namespace mydocker::daemon::security {
namespace {

using nlohmann::json;

json filter_json(const SeccompFilter& f) {
  json out = json::object();
  if (!f.caps.empty()) out["caps"] = f.caps;
  if (!f.arches.empty()) out["arches"] = f.arches;
  if (f.min_kernel) out["minKernel"] = std::to_string(f.min_kernel->kernel) + "." + std::to_string(f.min_kernel->major);
  return out;
}

json rule_json(const SeccompRule& r) {
  json out = {{"names", r.names}, {"action", r.action}};
  if (r.errno_ret) out["errnoRet"] = *r.errno_ret;
  if (!r.args.empty()) {
    json args = json::array();
    for (const auto& a : r.args)
      args.push_back({{"index", a.index}, {"value", a.value}, {"valueTwo", a.value_two}, {"op", a.op}});
    out["args"] = std::move(args);
  }
  if (!r.comment.empty()) out["comment"] = r.comment;
  if (!r.includes.empty()) out["includes"] = filter_json(r.includes);
  if (!r.excludes.empty()) out["excludes"] = filter_json(r.excludes);
  return out;
}

}  // namespace

nlohmann::json seccomp_profile_to_json(const SeccompProfile& p) {
  json out = {{"defaultAction", p.default_action}};
  if (p.default_errno_ret) out["defaultErrnoRet"] = *p.default_errno_ret;
  if (!p.architectures.empty()) out["architectures"] = p.architectures;
  if (!p.arch_map.empty()) {
    json map = json::array();
    for (const auto& e : p.arch_map)
      map.push_back({{"architecture", e.architecture}, {"subArchitectures", e.sub_architectures}});
    out["archMap"] = std::move(map);
  }
  if (!p.flags.empty()) out["flags"] = p.flags;
  json rules = json::array();
  for (const auto& r : p.syscalls) rules.push_back(rule_json(r));
  out["syscalls"] = std::move(rules);
  return out;
}

}  // namespace mydocker::daemon::security
