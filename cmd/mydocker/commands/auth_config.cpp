#include "commands/auth_config.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/fs.hpp"

namespace mydocker::cli {

using nlohmann::json;

namespace {
std::string unbase64(std::string_view text) {
  std::string out;
  return base64::decode(text, out) ? out : std::string();
}

std::string config_dir() {
  if (const char* d = std::getenv("MYDOCKER_CONFIG"); d && *d) return d;
  const char* home = std::getenv("HOME");
  if (!home || !*home)
    if (passwd* pw = ::getpwuid(::getuid())) home = pw->pw_dir;
  return std::string(home ? home : "/root") + "/.mydocker";
}

json load_config() {
  auto text = fs::read_file(config_dir() + "/config.json");
  json j = text ? json::parse(*text, nullptr, false) : json::object();
  return j.is_object() ? j : json::object();
}
}  // namespace

std::string registry_of(const std::string& image) {
  const size_t slash = image.find('/');
  if (slash == std::string::npos) return "docker.io";
  const std::string first = image.substr(0, slash);
  if (first.find('.') == std::string::npos && first.find(':') == std::string::npos && first != "localhost")
    return "docker.io";
  return first;
}

std::string auth_key_for(const std::string& host) {
  if (host.empty() || host == "docker.io" || host == "index.docker.io" || host == "registry-1.docker.io")
    return "https://index.docker.io/v1/";
  return host;
}

std::optional<StoredAuth> load_auth(const std::string& key) {
  const json j = load_config();
  const json auths = j.value("auths", json::object());
  if (!auths.is_object() || !auths.contains(key) || !auths[key].is_object()) return std::nullopt;
  const std::string pair = unbase64(auths[key].value("auth", ""));
  const size_t colon = pair.find(':');
  if (colon == std::string::npos) return std::nullopt;
  return StoredAuth{pair.substr(0, colon), pair.substr(colon + 1)};
}

Result<void> save_auth(const std::string& key, const StoredAuth& auth) {
  json j = load_config();
  if (!j.contains("auths") || !j["auths"].is_object()) j["auths"] = json::object();
  j["auths"][key] = {{"auth", base64::encode(auth.username + ":" + auth.password)}};
  TRY_VOID(fs::mkdir_all(config_dir(), 0700));
  return fs::write_file_atomic(config_dir() + "/config.json", j.dump(1, '\t') + "\n", 0600);
}

Result<bool> remove_auth(const std::string& key) {
  json j = load_config();
  if (!j.contains("auths") || !j["auths"].is_object() || !j["auths"].contains(key)) return false;
  j["auths"].erase(key);
  TRY_VOID(fs::write_file_atomic(config_dir() + "/config.json", j.dump(1, '\t') + "\n", 0600));
  return true;
}

std::string registry_auth_header(const std::string& image) {
  const std::string host = registry_of(image);
  auto auth = load_auth(auth_key_for(host));
  if (!auth) return base64::encode("{}", true);
  const json j = {{"username", auth->username}, {"password", auth->password}, {"serveraddress", host}};
  return base64::encode(j.dump(), true);
}

}  // namespace mydocker::cli
