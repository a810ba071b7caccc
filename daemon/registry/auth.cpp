#include "daemon/registry/auth.hpp"

#include <cctype>
#include <nlohmann/json.hpp>

#include "common/base64.hpp"

namespace mydocker::daemon::registry {



Result<Credentials> decode_registry_auth(std::string_view header) {
  Credentials c;
  if (header.empty()) return c;
  std::string text;
  if (!base64::decode(header, text)) return fail(Error::invalid("invalid X-Registry-Auth header: not base64"));
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
        if (i < h.size()) ++i;  // the closing quote (an unterminated value ends the header)
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
