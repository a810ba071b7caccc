#pragma once
// The JSON-lines progress stream of POST /images/create (pull, import),
// rendered as the docker CLI does when its output is not a terminal:
// "<id>: <status>" or "<status>" per message, byte-progress updates skipped,
// the first {"error": ...} reported.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace mydocker::cli::format {

class JsonMessageStream {
 public:
  // Feed body bytes as they arrive; returns the text to print for the
  // complete lines among them.
  std::string feed(std::string_view data);
  // Whatever is left at the end of the body.
  std::string finish();
  // The message of the first {"error": ...} seen.
  const std::optional<std::string>& error() const { return error_; }

 private:
  std::string line(const std::string& text);
  std::string buf_;
  std::optional<std::string> error_;
};

}  // namespace mydocker::cli::format
