#include "daemon/security/capabilities.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

#include "libcontainer/capabilities.hpp"
#include "libcontainer/spec/defaults.hpp"

namespace mydocker::daemon::security {

namespace lc = libcontainer;

Result<std::string> normalize_capability(const std::string& name) {
  std::string up;
  for (char c : name) up.push_back(char(std::toupper(static_cast<unsigned char>(c))));
  if (up == "ALL") return up;
  if (up.rfind("CAP_", 0) != 0) up = "CAP_" + up;
  if (!lc::capability_number(up)) return fail(Error::invalid("unknown capability: \"" + up + "\""));
  return up;
}

uint64_t held_capabilities() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("CapBnd:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  return 0;
}

namespace {
Result<std::vector<std::string>> normalized_list(const nlohmann::json& hc, const char* key) {
  std::vector<std::string> out;
  auto it = hc.find(key);
  if (it == hc.end() || it->is_null()) return out;
  if (!it->is_array()) return fail(Error::invalid("HostConfig." + std::string(key) + " must be a list of strings"));
  for (const auto& v : *it) {
    if (!v.is_string()) return fail(Error::invalid("HostConfig." + std::string(key) + " must be a list of strings"));
    TRY_ASSIGN(std::string name, normalize_capability(v.get<std::string>()));
    out.push_back(std::move(name));
  }
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}
}  // namespace

Result<bool> privileged_of(const nlohmann::json& hc) {
  auto it = hc.is_object() ? hc.find("Privileged") : hc.end();
  if (!hc.is_object() || it == hc.end() || it->is_null()) return false;
  if (!it->is_boolean())
    return fail(Error::invalid("json: cannot unmarshal " + std::string(it->type_name()) +
                               " into Go struct field HostConfig.Privileged of type bool"));
  return it->get<bool>();
}

Result<std::vector<std::string>> container_capabilities(const nlohmann::json& hc, uint64_t held) {
  TRY_ASSIGN(auto add, normalized_list(hc, "CapAdd"));
  TRY_ASSIGN(auto drop, normalized_list(hc, "CapDrop"));
  const auto held_names = lc::capability_names(held);
  TRY_ASSIGN(const bool privileged, privileged_of(hc));
  std::vector<std::string> caps;
  if (privileged || contains(add, "ALL")) {
    // Everything the daemon can hand on, less what is dropped (not for --privileged).
    for (const auto& c : held_names)
      if (privileged || !contains(drop, c)) caps.push_back(c);
    return caps;
  }
  if (!contains(drop, "ALL"))
    for (const auto& c : lc::spec::default_capabilities())
      if (!contains(drop, c) && contains(held_names, c)) caps.push_back(c);
  for (const auto& c : add) {
    if (!contains(held_names, c))
      return fail(Error::invalid("cannot add capability " + c + ": the daemon does not hold it on this host"));
    if (!contains(caps, c)) caps.push_back(c);
  }
  // Capability number order, as the kernel and Docker print them.
  std::sort(caps.begin(), caps.end(), [](const std::string& a, const std::string& b) {
    return *lc::capability_number(a) < *lc::capability_number(b);
  });
  return caps;
}

}  // namespace mydocker::daemon::security
