#include "commands/auth_config.hpp"

#include <pwd.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/fs.hpp"

namespace mydocker::cli {

using nlohmann::json;

namespace {
constexpr char kStd[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data, bool url) {
  std::string out;
  size_t i = 0;
  auto put = [&](uint32_t v, int chars) {
    for (int k = 0; k < 4; ++k) {
      char c = k < chars ? kStd[(v >> (18 - 6 * k)) & 63] : '=';
      if (url && c == '+') c = '-';
      if (url && c == '/') c = '_';
      out.push_back(c);
    }
  };
  for (; i + 2 < data.size(); i += 3)
    put((uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]), 4);
  if (i + 1 == data.size()) put(uint8_t(data[i]) << 16, 2);
  if (i + 2 == data.size()) put((uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8), 3);
  return out;
}

std::string unbase64(std::string_view text) {
  std::string out;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    const char* p = std::strchr(kStd, c == '-' ? '+' : c == '_' ? '/' : c);
    if (c == '=' || !p || !*p) continue;
    acc = (acc << 6) | uint32_t(p - kStd);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xff));
    }
  }
  return out;
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
  j["auths"][key] = {{"auth", base64(auth.username + ":" + auth.password, false)}};
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
  if (!auth) return base64("{}", true);
  const json j = {{"username", auth->username}, {"password", auth->password}, {"serveraddress", host}};
  return base64(j.dump(), true);
}

}  // namespace mydocker::cli
