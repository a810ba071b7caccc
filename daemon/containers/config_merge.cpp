#include "daemon/containers/config_merge.hpp"

#include <string>
#include <vector>

namespace mydocker::daemon::containers {

using nlohmann::json;

namespace {
constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool empty_value(const json& j) {
  return j.is_null() || (j.is_array() && j.empty()) || (j.is_string() && j.get<std::string>().empty()) ||
         (j.is_object() && j.empty());
}

std::string env_key(const std::string& kv) { return kv.substr(0, kv.find('=')); }

// Later entries replace earlier ones with the same key, keeping first positions.
std::vector<std::string> merge_env(const std::vector<std::string>& base, const std::vector<std::string>& over) {
  std::vector<std::string> out = base;
  for (const auto& kv : over) {
    bool replaced = false;
    for (auto& existing : out) {
      if (env_key(existing) == env_key(kv)) {
        existing = kv;
        replaced = true;
        break;
      }
    }
    if (!replaced) out.push_back(kv);
  }
  return out;
}


void merge_object(json& config, const json& image, const char* key) {
  if (!image.contains(key) || !image[key].is_object()) return;
  json merged = image[key];
  if (config.contains(key) && config[key].is_object())
    for (auto& [k, v] : config[key].items()) merged[k] = v;
  config[key] = merged;
}
}  // namespace

void merge_image_config(json& config, const json& image) {
  if (!image.is_object()) return;
  config["Env"] = merge_env(strings_of(image.value("Env", json())), strings_of(config.value("Env", json())));
  const bool user_entrypoint = !empty_value(config.value("Entrypoint", json()));
  if (!user_entrypoint) {
    if (empty_value(config.value("Cmd", json()))) config["Cmd"] = image.value("Cmd", json());
    config["Entrypoint"] = image.value("Entrypoint", json());
  }
  for (const char* key : {"WorkingDir", "User"})
    if (empty_value(config.value(key, json())) && image.contains(key)) config[key] = image[key];
  for (const char* key : {"Labels", "ExposedPorts", "Volumes"}) merge_object(config, image, key);
  if (empty_value(config.value("StopSignal", json())) && image.contains("StopSignal"))
    config["StopSignal"] = image["StopSignal"];
}

Result<std::vector<std::string>> command_line(const json& config) {
  std::vector<std::string> argv = strings_of(config.value("Entrypoint", json()));
  for (auto& a : strings_of(config.value("Cmd", json()))) argv.push_back(a);
  if (argv.empty() || argv[0].empty()) return fail(Error::invalid("No command specified"));
  return argv;
}

std::vector<std::string> process_env(const json& config, const std::string& hostname) {
  std::vector<std::string> base = {kDefaultPath, "HOSTNAME=" + hostname};
  if (config.value("Tty", false)) base.push_back("TERM=xterm");
  return merge_env(base, strings_of(config.value("Env", json())));
}

std::vector<std::string> strings_of(const json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& v : j)
      if (v.is_string()) out.push_back(v.get<std::string>());
  if (j.is_string()) out.push_back(j.get<std::string>());
  return out;
}

}  // namespace mydocker::daemon::containers
