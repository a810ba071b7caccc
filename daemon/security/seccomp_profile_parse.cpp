// Decoding Docker's seccomp profile JSON with Go's rules (keys match
// case-insensitively, null means absent, a wrong type is an error, unknown
// keys are ignored), then validating the values.
#include <nlohmann/json.hpp>

#include <charconv>

#include "daemon/security/seccomp_profile.hpp"
#include "daemon/security/seccomp_vocabulary.hpp"

namespace mydocker::daemon::security {
namespace {

using nlohmann::json;

// Docker's words for a profile it cannot decode.
Error decode_error(const std::string& path, const std::string& what) {
  return Error::invalid("Decoding seccomp profile failed: " + path + ": " + what);
}
Error type_error(const std::string& path, const char* expected, const json& got) {
  return decode_error(path, std::string("expected ") + expected + ", got " + got.type_name());
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

// Go's encoding/json: an exact key wins, otherwise any case-insensitive
// match; a null value counts as absent.
const json* field(const json& obj, std::string_view key) {
  const json* found = nullptr;
  if (auto it = obj.find(key); it != obj.end()) found = &*it;
  else
    for (auto it = obj.begin(); it != obj.end(); ++it)
      if (iequals(it.key(), key)) found = &*it;
  return found && !found->is_null() ? found : nullptr;
}

std::string at(const std::string& path, std::string_view key) {
  return path.empty() ? std::string(key) : path + "." + std::string(key);
}

Result<void> get_string(const json& obj, std::string_view key, const std::string& path, std::string& out) {
  const json* v = field(obj, key);
  if (!v) return {};
  if (!v->is_string()) return fail(type_error(at(path, key), "a string", *v));
  out = v->get<std::string>();
  return {};
}

Result<void> get_strings(const json& obj, std::string_view key, const std::string& path,
                         std::vector<std::string>& out) {
  const json* v = field(obj, key);
  if (!v) return {};
  if (!v->is_array()) return fail(type_error(at(path, key), "an array of strings", *v));
  for (size_t i = 0; i < v->size(); ++i) {
    const json& e = (*v)[i];
    if (!e.is_string())
      return fail(type_error(at(path, key) + "[" + std::to_string(i) + "]", "a string", e));
    out.push_back(e.get<std::string>());
  }
  return {};
}

// An unsigned integer no larger than `max` (Go refuses 1.5 and -1 for uint).
Result<std::optional<uint64_t>> get_unsigned(const json& obj, std::string_view key, const std::string& path,
                                             uint64_t max) {
  const json* v = field(obj, key);
  if (!v) return std::optional<uint64_t>();
  if (!v->is_number_unsigned()) return fail(type_error(at(path, key), "an unsigned integer", *v));
  const auto n = v->get<uint64_t>();
  if (n > max) return fail(decode_error(at(path, key), std::to_string(n) + " is out of range"));
  return std::optional<uint64_t>(n);
}

Result<void> get_u32(const json& obj, std::string_view key, const std::string& path, std::optional<uint32_t>& out) {
  TRY_ASSIGN(auto n, get_unsigned(obj, key, path, UINT32_MAX));
  if (n) out = static_cast<uint32_t>(*n);
  return {};
}

// minKernel: "<kernel>.<major>", each 0-255, not "0.0"; "" means absent.
Result<void> get_kernel(const json& obj, std::string_view key, const std::string& path,
                        std::optional<KernelVersion>& out) {
  std::string text;
  TRY_VOID(get_string(obj, key, path, text));
  if (text.empty()) return {};
  const auto bad = [&] {
    return decode_error(at(path, key), "invalid kernel version \"" + text + "\", expected \"<kernel>.<major>\"");
  };
  const auto dot = text.find('.');
  if (dot == std::string::npos || text.find('.', dot + 1) != std::string::npos) return fail(bad());
  KernelVersion k;
  for (auto [part, dest] : {std::pair{std::string_view(text).substr(0, dot), &k.kernel},
                            std::pair{std::string_view(text).substr(dot + 1), &k.major}}) {
    auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), *dest);
    if (part.empty() || ec != std::errc() || end != part.data() + part.size() || *dest > 255) return fail(bad());
  }
  if (k.kernel == 0 && k.major == 0) return fail(bad());
  out = k;
  return {};
}

Result<void> decode_filter(const json& obj, std::string_view key, const std::string& path, SeccompFilter& out) {
  const json* v = field(obj, key);
  if (!v) return {};
  const std::string p = at(path, key);
  if (!v->is_object()) return fail(type_error(p, "an object", *v));
  TRY_VOID(get_strings(*v, "caps", p, out.caps));
  TRY_VOID(get_strings(*v, "arches", p, out.arches));
  TRY_VOID(get_kernel(*v, "minKernel", p, out.min_kernel));
  return {};
}

Result<libcontainer::spec::SeccompArg> decode_arg(const json& a, const std::string& path) {
  if (!a.is_object()) return fail(type_error(path, "an object", a));
  libcontainer::spec::SeccompArg arg;
  TRY_ASSIGN(auto index, get_unsigned(a, "index", path, UINT32_MAX));
  TRY_ASSIGN(auto value, get_unsigned(a, "value", path, UINT64_MAX));
  TRY_ASSIGN(auto value_two, get_unsigned(a, "valueTwo", path, UINT64_MAX));
  arg.index = static_cast<uint32_t>(index.value_or(0));
  arg.value = value.value_or(0);
  arg.value_two = value_two.value_or(0);
  TRY_VOID(get_string(a, "op", path, arg.op));
  return arg;
}

Result<SeccompRule> decode_rule(const json& r, const std::string& path) {
  if (!r.is_object()) return fail(type_error(path, "an object", r));
  SeccompRule rule;
  std::string name;
  TRY_VOID(get_string(r, "name", path, name));
  TRY_VOID(get_strings(r, "names", path, rule.names));
  if (!name.empty()) {
    if (!rule.names.empty())
      return fail(Error::invalid("invalid seccomp profile: " + path +
                                 ": both 'name' and 'names' are specified, use either 'name' or 'names'"));
    rule.names.push_back(std::move(name));
  }
  TRY_VOID(get_string(r, "action", path, rule.action));
  TRY_VOID(get_u32(r, "errnoRet", path, rule.errno_ret));
  TRY_VOID(get_string(r, "comment", path, rule.comment));
  if (const json* args = field(r, "args")) {
    if (!args->is_array()) return fail(type_error(at(path, "args"), "an array", *args));
    for (size_t i = 0; i < args->size(); ++i) {
      TRY_ASSIGN(auto arg, decode_arg((*args)[i], at(path, "args") + "[" + std::to_string(i) + "]"));
      rule.args.push_back(std::move(arg));
    }
  }
  TRY_VOID(decode_filter(r, "includes", path, rule.includes));
  TRY_VOID(decode_filter(r, "excludes", path, rule.excludes));
  return rule;
}

Result<void> decode_arch_map(const json& v, SeccompProfile& p) {
  if (!v.is_array()) return fail(type_error("archMap", "an array", v));
  for (size_t i = 0; i < v.size(); ++i) {
    const std::string path = "archMap[" + std::to_string(i) + "]";
    if (!v[i].is_object()) return fail(type_error(path, "an object", v[i]));
    SeccompArchMapEntry e;
    TRY_VOID(get_string(v[i], "architecture", path, e.architecture));
    TRY_VOID(get_strings(v[i], "subArchitectures", path, e.sub_architectures));
    p.arch_map.push_back(std::move(e));
  }
  return {};
}

// listenerPath and listenerMetadata belong to SCMP_ACT_NOTIFY, which we
// do not implement: refuse them instead of silently dropping them.
Result<void> refuse_listener(const json& j) {
  for (std::string_view key : {"listenerPath", "listenerMetadata"}) {
    std::string value;
    TRY_VOID(get_string(j, key, "", value));
    if (!value.empty())
      return fail(Error::invalid("invalid seccomp profile: " + std::string(key) + " \"" + value +
                                 "\" is not supported (no seccomp notify listener)"));
  }
  return {};
}

Result<SeccompProfile> decode_profile(const json& j) {
  SeccompProfile p;
  if (j.is_null()) return p;  // Go decodes null into the empty profile
  if (!j.is_object()) return fail(type_error("profile", "an object", j));
  TRY_VOID(get_string(j, "defaultAction", "", p.default_action));
  TRY_VOID(get_u32(j, "defaultErrnoRet", "", p.default_errno_ret));
  TRY_VOID(get_strings(j, "architectures", "", p.architectures));
  TRY_VOID(get_strings(j, "flags", "", p.flags));
  TRY_VOID(refuse_listener(j));
  if (const json* m = field(j, "archMap")) TRY_VOID(decode_arch_map(*m, p));
  if (const json* s = field(j, "syscalls")) {
    if (!s->is_array()) return fail(type_error("syscalls", "an array", *s));
    for (size_t i = 0; i < s->size(); ++i) {
      TRY_ASSIGN(auto rule, decode_rule((*s)[i], "syscalls[" + std::to_string(i) + "]"));
      p.syscalls.push_back(std::move(rule));
    }
  }
  return p;
}

}  // namespace

Result<SeccompProfile> parse_seccomp_profile(std::string_view json_text) {
  json j;
  try {
    j = json::parse(json_text);
  } catch (const json::exception& e) {
    return fail(Error::invalid(std::string("Decoding seccomp profile failed: invalid JSON: ") + e.what()));
  }
  TRY_ASSIGN(auto profile, decode_profile(j));
  TRY_VOID(validate_seccomp_profile(profile));
  return profile;
}

}  // namespace mydocker::daemon::security
