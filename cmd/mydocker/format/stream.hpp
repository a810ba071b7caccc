#pragma once
// The 8-byte multiplexing header of attach/logs streams without a tty:
// [stream, 0, 0, 0, size (uint32 big-endian)] then size bytes.
#include <functional>
#include <string>
#include <string_view>

namespace mydocker::cli::format {

class Demuxer {
 public:
  // sink(stream, bytes): stream 1 stdout, 2 stderr (0 stdin, echoed as stdout).
  explicit Demuxer(std::function<void(int, std::string_view)> sink) : sink_(std::move(sink)) {}
  // Feed bytes as they arrive; frames split across reads are reassembled.
  void feed(std::string_view data);
  bool idle() const { return buf_.empty(); }

 private:
  std::function<void(int, std::string_view)> sink_;
  std::string buf_;
};

}  // namespace mydocker::cli::format
