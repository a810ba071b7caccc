#include "daemon/networks/network_filters.hpp"

#include <algorithm>

#include "daemon/filter_regex.hpp"

namespace mydocker::daemon::networks {

using nlohmann::json;

namespace {
bool predefined(const std::string& name) { return name == "bridge" || name == "host" || name == "none"; }

// Docker matches name and id filters as unanchored regular expressions
// (an exact match first); a value that is no valid expression matches
// only exactly.
bool matches(const std::string& pattern, const std::string& value) {
  if (pattern == value) return true;
  return filter_regex_search(pattern, value).value_or(false);
}

bool has_label(const json& labels, const std::string& want) {
  const size_t eq = want.find('=');
  const std::string key = want.substr(0, eq);
  if (!labels.is_object() || !labels.contains(key)) return false;
  return eq == std::string::npos || labels[key] == want.substr(eq + 1);
}

bool one_matches(const std::string& key, const std::string& v, const json& n) {
  const std::string name = n.value("Name", "");
  if (key == "name") return matches(v, name);
  if (key == "id") return matches(v, n.value("Id", ""));
  if (key == "driver") return n.value("Driver", "") == v;
  if (key == "scope") return n.value("Scope", "") == v;
  if (key == "type") return (v == "builtin") == predefined(name);
  if (key == "dangling") {
    const bool unused = !predefined(name) && n.value("Containers", json::object()).empty();
    return (v == "true" || v == "1") == unused;
  }
  return false;
}
}  // namespace

Result<void> check_network_filters(const NetworkFilters& filters) {
  static const char* const known[] = {"dangling", "driver", "id", "label", "name", "scope", "type"};
  for (const auto& [key, values] : filters) {
    if (std::find(std::begin(known), std::end(known), key) == std::end(known))
      return fail(Error::invalid("invalid filter '" + key + "'"));
    for (const auto& v : values) {
      if (key == "type" && v != "builtin" && v != "custom")
        return fail(Error::invalid("invalid filter: 'type'='" + v + "'"));
      if (key == "dangling" && v != "true" && v != "false" && v != "1" && v != "0")
        return fail(Error::invalid("invalid filter 'dangling=" + v + "'"));
    }
  }
  return {};
}

bool network_matches(const json& n, const NetworkFilters& filters) {
  for (const auto& [key, values] : filters) {
    if (values.empty()) continue;
    if (key == "label") {
      for (const auto& v : values)
        if (!has_label(n.value("Labels", json::object()), v)) return false;
      continue;
    }
    bool any = false;
    for (const auto& v : values) any |= one_matches(key, v, n);
    if (!any) return false;
  }
  return true;
}

}  // namespace mydocker::daemon::networks
