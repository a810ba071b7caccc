#pragma once
// The JSON-lines progress stream of POST /images/create (pull, import),
// rendered as the docker CLI does when its output is not a terminal:
// "<id>: <status>" or "<status>" per message, byte-progress updates skipped,
// the first {"error": ...} reported.
#include <nlohmann/json.hpp>
#include <map>
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

// The same stream on a terminal, as the docker CLI draws it: one line per
// layer id, redrawn in place (ANSI cursor moves) with its progress bar.
class TerminalProgress {
 public:
  std::string feed(std::string_view data);
  std::string finish();
  const std::optional<std::string>& error() const { return error_; }

 private:
  std::string line(const std::string& text);
  std::string buf_;
  std::optional<std::string> error_;
  std::map<std::string, size_t> row_of_;  // id → its line, counted from the first
  size_t rows_ = 0;                       // lines printed so far
};

}  // namespace mydocker::cli::format
