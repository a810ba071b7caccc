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

// Splits a JSON-lines body into lines, whatever the chunking; the renderers
// below say what each line prints as.
class JsonLines {
 public:
  virtual ~JsonLines() = default;
  // Feed body bytes as they arrive; returns the text to print for the
  // complete lines among them.
  std::string feed(std::string_view data);
  // Whatever is left at the end of the body.
  std::string finish();
  // The message of the first {"error": ...} seen.
  const std::optional<std::string>& error() const { return error_; }

 protected:
  virtual std::string line(const std::string& text) = 0;
  std::optional<std::string> error_;

 private:
  std::string buf_;
};

class JsonMessageStream final : public JsonLines {
 protected:
  std::string line(const std::string& text) override;
};

// The same stream on a terminal, as the docker CLI draws it: one line per
// layer id, redrawn in place (ANSI cursor moves) with its progress bar.
class TerminalProgress final : public JsonLines {
 protected:
  std::string line(const std::string& text) override;

 private:
  std::map<std::string, size_t> row_of_;  // id → its line, counted from the first
  size_t rows_ = 0;                       // lines printed so far
};

}  // namespace mydocker::cli::format
