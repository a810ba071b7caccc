#include "common/device_cgroup_rule.hpp"

namespace mydocker {

namespace {
// "*" or 1 to 9 digits; false for anything else.
bool parse_number(std::string_view s, std::optional<int64_t>& out) {
  if (s == "*") {
    out.reset();
    return true;
  }
  if (s.empty() || s.size() > 9) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  out = v;
  return true;
}
}  // namespace

std::optional<DeviceCgroupRule> parse_device_cgroup_rule(std::string_view text) {
  DeviceCgroupRule r;
  if (text.size() < 2 || (text[0] != 'a' && text[0] != 'b' && text[0] != 'c') || text[1] != ' ') return std::nullopt;
  r.type = text[0];
  text.remove_prefix(2);
  const size_t space = text.find(' ');
  const size_t colon = text.find(':');
  if (space == std::string_view::npos || colon == std::string_view::npos || colon > space) return std::nullopt;
  if (!parse_number(text.substr(0, colon), r.major) || !parse_number(text.substr(colon + 1, space - colon - 1), r.minor))
    return std::nullopt;
  const std::string_view access = text.substr(space + 1);
  if (access.empty() || access.size() > 3) return std::nullopt;
  for (char c : access)
    if (c != 'r' && c != 'w' && c != 'm') return std::nullopt;
  r.access = std::string(access);
  return r;
}

}  // namespace mydocker
