#pragma once
// Docker's json-file log format, written by the shim: one JSON object per
// line of output, {"log":"text\n","stream":"stdout","time":"RFC3339Nano"}.
// Partial lines are held until their newline (or 16 KiB, as Docker).
#include <string>
#include <string_view>

namespace mydocker::shim {

// JSON string body for arbitrary bytes: invalid UTF-8 becomes U+FFFD, as
// Go's encoder does, so every line stays parseable.
void append_json_escaped(std::string& out, std::string_view bytes);

class JsonLogWriter {
 public:
  explicit JsonLogWriter(int fd) : fd_(fd) {}
  // Appends output of one stream (1 stdout, 2 stderr).
  void write(int stream, std::string_view data);
  // Writes held partial lines (at the end of the container).
  void flush_partial();

 private:
  void write_lines(int stream, std::string_view data);
  void emit(int stream, std::string_view line);
  void flush();

  int fd_;
  std::string partial_[3];
  std::string out_;   // the lines of one write(), sent with one syscall
  std::string time_;  // the timestamp of the current write()
};

}  // namespace mydocker::shim
