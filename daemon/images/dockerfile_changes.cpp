#include "daemon/images/dockerfile_changes.hpp"

#include <cctype>
#include <sstream>

namespace mydocker::daemon::images {

using nlohmann::json;

namespace {
std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// JSON array form, or the shell form wrapped in /bin/sh -c.
json command_value(const std::string& rest, bool shell_wrap) {
  if (!rest.empty() && rest.front() == '[') {
    auto j = json::parse(rest, nullptr, false);
    if (!j.is_discarded() && j.is_array()) return j;
  }
  if (shell_wrap) return json::array({"/bin/sh", "-c", rest});
  return json::array({rest});
}

// KEY=VALUE pairs (quotes allowed), or the legacy "KEY VALUE" form.
std::vector<std::pair<std::string, std::string>> key_values(const std::string& rest) {
  std::vector<std::pair<std::string, std::string>> out;
  if (rest.find('=') == std::string::npos || rest.find(' ') < rest.find('=')) {
    size_t sp = rest.find(' ');
    if (sp != std::string::npos) out.emplace_back(rest.substr(0, sp), trim(rest.substr(sp + 1)));
    return out;
  }
  size_t i = 0;
  while (i < rest.size()) {
    while (i < rest.size() && rest[i] == ' ') ++i;
    size_t eq = rest.find('=', i);
    if (eq == std::string::npos) break;
    std::string key = rest.substr(i, eq - i), value;
    i = eq + 1;
    char quote = i < rest.size() && (rest[i] == '"' || rest[i] == '\'') ? rest[i++] : 0;
    while (i < rest.size() && (quote ? rest[i] != quote : rest[i] != ' ')) {
      if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
      value.push_back(rest[i++]);
    }
    if (quote) ++i;
    out.emplace_back(key, value);
  }
  return out;
}
}  // namespace

Result<void> apply_dockerfile_change(json& config, const std::string& line) {
  std::string l = trim(line);
  size_t sp = l.find_first_of(" \t");
  std::string op = l.substr(0, sp);
  for (auto& c : op) c = char(std::toupper(static_cast<unsigned char>(c)));
  std::string rest = sp == std::string::npos ? "" : trim(l.substr(sp));
  if (op == "CMD") config["Cmd"] = command_value(rest, true);
  else if (op == "ENTRYPOINT") config["Entrypoint"] = command_value(rest, true);
  else if (op == "WORKDIR") config["WorkingDir"] = rest;
  else if (op == "USER") config["User"] = rest;
  else if (op == "STOPSIGNAL") config["StopSignal"] = rest;
  else if (op == "ENV") {
    json env = config.value("Env", json::array());
    if (!env.is_array()) env = json::array();
    for (auto& [k, v] : key_values(rest)) {
      bool replaced = false;
      for (auto& e : env)
        if (e.get<std::string>().rfind(k + "=", 0) == 0) {
          e = k + "=" + v;
          replaced = true;
        }
      if (!replaced) env.push_back(k + "=" + v);
    }
    config["Env"] = env;
  } else if (op == "LABEL") {
    for (auto& [k, v] : key_values(rest)) config["Labels"][k] = v;
  } else if (op == "EXPOSE") {
    std::istringstream in(rest);
    std::string port;
    while (in >> port) config["ExposedPorts"][port.find('/') == std::string::npos ? port + "/tcp" : port] = json::object();
  } else if (op == "VOLUME") {
    json vols = command_value(rest, false);
    if (rest.front() != '[') {
      vols = json::array();
      std::istringstream in(rest);
      std::string v;
      while (in >> v) vols.push_back(v);
    }
    for (auto& v : vols) config["Volumes"][v.get<std::string>()] = json::object();
  } else {
    return fail(Error::invalid(op + " is not a valid change command"));
  }
  return {};
}

}  // namespace mydocker::daemon::images
