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

std::string JsonLines::feed(std::string_view data) {
  buf_.append(data);
  std::string out;
  size_t pos = 0;
  for (size_t nl; (nl = buf_.find('\n', pos)) != std::string::npos; pos = nl + 1) out += line(buf_.substr(pos, nl - pos));
  buf_.erase(0, pos);
  return out;
}

std::string JsonLines::finish() {
  std::string rest;
  rest.swap(buf_);
  return rest.find_first_not_of(" \r\n\t") == std::string::npos ? std::string() : line(rest);
}

std::string TerminalProgress::line(const std::string& text) {
  auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_object()) return {};
  if (j.contains("error") || j.contains("errorDetail")) {
    std::string msg = j.value("error", std::string());
    if (msg.empty() && j["errorDetail"].is_object()) msg = j["errorDetail"].value("message", std::string());
    if (!error_) error_ = msg;
    return {};
  }
  if (!j.contains("status") || !j["status"].is_string()) return {};
  const std::string id = j.contains("id") && j["id"].is_string() ? j["id"].get<std::string>() : "";
  std::string body = (id.empty() ? "" : id + ": ") + j["status"].get<std::string>();
  if (j.contains("progress") && j["progress"].is_string()) body += " " + j["progress"].get<std::string>();
  if (id.empty()) {
    ++rows_;
    return body + "\n";
  }
  auto it = row_of_.find(id);
  if (it == row_of_.end()) {
    row_of_[id] = rows_++;
    return body + "\n";
  }
  // Up to the id's line, rewrite it, back down.
  const size_t up = rows_ - it->second;
  return "\x1b[" + std::to_string(up) + "A\r\x1b[2K" + body + "\r\x1b[" + std::to_string(up) + "B";
}

}  // namespace mydocker::cli::format
