#include "daemon/registry/auth.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

namespace mydocker::daemon::registry {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int sextet(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}
}  // namespace

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    const uint32_t v = (uint8_t(data[i]) << 16) | (uint8_t(data[i + 1]) << 8) | uint8_t(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) out.push_back(kAlphabet[(v >> s) & 63]);
  }
  if (i < data.size()) {
    uint32_t v = uint8_t(data[i]) << 16;
    if (i + 1 < data.size()) v |= uint8_t(data[i + 1]) << 8;
    out.push_back(kAlphabet[(v >> 18) & 63]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < data.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') continue;
    const int v = sextet(c);
    if (v < 0) return false;
    acc = (acc << 6) | uint32_t(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(char((acc >> bits) & 0xff));
    }
  }
  return true;
}

Result<Credentials> decode_registry_auth(std::string_view header) {
  Credentials c;
  if (header.empty()) return c;
  std::string text;
  if (!base64_decode(header, text)) return fail(Error::invalid("invalid X-Registry-Auth header: not base64"));
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return fail(Error::invalid("invalid X-Registry-Auth header: not a JSON object"));
  c.username = j.value("username", "");
  c.password = j.value("password", "");
  c.identity_token = j.value("identitytoken", "");
  return c;
}

std::vector<Challenge> parse_challenges(std::string_view h) {
  std::vector<Challenge> out;
  size_t i = 0;
  auto skip_space = [&] {
    while (i < h.size() && (h[i] == ' ' || h[i] == '\t')) ++i;
  };
  auto token = [&] {
    const size_t start = i;
    while (i < h.size() && h[i] != '=' && h[i] != ',' && h[i] != ' ' && h[i] != '\t') ++i;
    return std::string(h.substr(start, i - start));
  };
  while (i < h.size()) {
    skip_space();
    std::string scheme = token();
    if (scheme.empty()) {
      ++i;
      continue;
    }
    Challenge c;
    for (auto& ch : scheme) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    c.scheme = scheme;
    // Parameters: key=value or key="quoted, value", separated by commas,
    // until the next bare token that is a new scheme.
    for (;;) {
      skip_space();
      const size_t mark = i;
      std::string key = token();
      skip_space();
      if (key.empty() || i >= h.size() || h[i] != '=') {
        i = mark;
        break;
      }
      ++i;  // '='
      skip_space();
      std::string value;
      if (i < h.size() && h[i] == '"') {
        for (++i; i < h.size() && h[i] != '"'; ++i) {
          if (h[i] == '\\' && i + 1 < h.size()) ++i;
          value.push_back(h[i]);
        }
        ++i;  // closing quote
      } else {
        const size_t start = i;
        while (i < h.size() && h[i] != ',') ++i;
        value = std::string(h.substr(start, i - start));
        while (!value.empty() && value.back() == ' ') value.pop_back();
      }
      for (auto& ch : key) ch = char(std::tolower(static_cast<unsigned char>(ch)));
      c.params[key] = value;
      skip_space();
      if (i < h.size() && h[i] == ',') ++i;
    }
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace mydocker::daemon::registry
