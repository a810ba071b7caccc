#include "format/jsonmessage.hpp"

namespace mydocker::cli::format {

std::string JsonMessageStream::line(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return {};
  if (j.contains("error") || j.contains("errorDetail")) {
    std::string msg = j.value("error", std::string());
    if (msg.empty() && j["errorDetail"].is_object()) msg = j["errorDetail"].value("message", std::string());
    if (!error_) error_ = msg;
    return {};
  }
  // Byte counts only make sense on a terminal that redraws them.
  if (j.contains("progressDetail") && j["progressDetail"].is_object() && !j["progressDetail"].empty()) return {};
  std::string out;
  if (j.contains("id") && j["id"].is_string() && !j["id"].get<std::string>().empty()) out += j["id"].get<std::string>() + ": ";
  if (j.contains("stream") && j["stream"].is_string()) return out + j["stream"].get<std::string>();
  if (!j.contains("status") || !j["status"].is_string()) return {};
  return out + j["status"].get<std::string>() + "\n";
}

std::string JsonMessageStream::feed(std::string_view data) {
  buf_.append(data);
  std::string out;
  size_t pos = 0;
  for (size_t nl; (nl = buf_.find('\n', pos)) != std::string::npos; pos = nl + 1) out += line(buf_.substr(pos, nl - pos));
  buf_.erase(0, pos);
  return out;
}

std::string JsonMessageStream::finish() {
  std::string rest;
  rest.swap(buf_);
  return rest.find_first_not_of(" \r\n\t") == std::string::npos ? std::string() : line(rest);
}

}  // namespace mydocker::cli::format
