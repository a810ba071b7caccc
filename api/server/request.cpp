#include "api/server/request.hpp"

namespace mydocker::api {

std::string Request::param(const std::string& k) const {
  auto it = params.find(k);
  return it == params.end() ? std::string() : it->second;
}

std::optional<std::string> Request::query_value(const std::string& k) const {
  auto it = query.find(k);
  if (it == query.end()) return std::nullopt;
  return it->second;
}

bool Request::query_bool(const std::string& k, bool fallback) const {
  auto v = query_value(k);
  if (!v) return fallback;
  return !(v->empty() || *v == "0" || *v == "false" || *v == "False" || *v == "FALSE");
}

std::optional<int64_t> Request::query_int(const std::string& k) const {
  auto v = query_value(k);
  if (!v || v->empty()) return std::nullopt;
  try {
    size_t used = 0;
    int64_t n = std::stoll(*v, &used);
    if (used != v->size()) return std::nullopt;
    return n;
  } catch (...) {
    return std::nullopt;
  }
}

std::string Request::header(const std::string& lower_name) const {
  auto it = headers.find(lower_name);
  return it == headers.end() ? std::string() : it->second;
}

Result<nlohmann::json> Request::json_body() const {
  if (body.find_first_not_of(" \t\r\n") == std::string::npos) return nlohmann::json::object();
  auto j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded()) return fail(Error::invalid("invalid JSON: unexpected content in request body"));
  return j;
}

std::string upgrade_head(std::string_view content_type) {
  return "HTTP/1.1 101 UPGRADED\r\nContent-Type: " + std::string(content_type) +
         "\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n";
}

}  // namespace mydocker::api
