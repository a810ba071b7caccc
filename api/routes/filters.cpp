#include "api/routes/routes.hpp"

namespace mydocker::api {

Result<std::map<std::string, std::vector<std::string>>> parse_filters(const std::string& text) {
  std::map<std::string, std::vector<std::string>> out;
  if (text.empty()) return out;
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return fail(Error::invalid("invalid filter: " + text));
  for (auto& [key, val] : j.items()) {
    auto& list = out[key];
    if (val.is_array()) {
      for (auto& v : val)
        if (v.is_string()) list.push_back(v.get<std::string>());
    } else if (val.is_object()) {
      for (auto& [k, on] : val.items())
        if (on.is_boolean() && on.get<bool>()) list.push_back(k);
    } else {
      return fail(Error::invalid("invalid filter: " + text));
    }
  }
  return out;
}

std::map<std::string, std::string> string_map_of(const nlohmann::json& body, const char* key) {
  std::map<std::string, std::string> out;
  if (body.is_object() && body.contains(key) && body[key].is_object())
    for (const auto& [k, v] : body[key].items())
      if (v.is_string()) out[k] = v.get<std::string>();
  return out;
}

}  // namespace mydocker::api
