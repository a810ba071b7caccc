#pragma once
// Reads the json-file log the shim writes: one JSON object per line,
// {"log":"...","stream":"stdout|stderr","time":"RFC3339Nano"}, as Docker's
// json-file driver.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace mydocker::daemon::logging {

struct ReadOptions {
  bool want_stdout = true;
  bool want_stderr = true;
  bool timestamps = false;
  int64_t tail = -1;      // last N entries; -1 = all
  int64_t since_ns = 0;   // 0 = from the start
  int64_t until_ns = 0;   // 0 = no end
  bool follow = false;    // keep streaming while the container runs
};

struct LogEntry {
  int stream = 1;  // 1 stdout, 2 stderr (the multiplexing header's ids)
  std::string log;
  std::string time;  // as written
  int64_t time_ns = 0;
};

// Parses one line; false for a line that is not a log entry.
bool parse_log_line(std::string_view line, LogEntry& out);

// Calls sink(stream, payload) for each selected entry from byte `offset`
// on, payload prefixed with the timestamp and a space when asked. Stops
// early when sink returns false. Returns the offset just past the last
// complete line, where a follower continues.
Result<uint64_t> read_json_log(const std::string& path, const ReadOptions& options,
                               const std::function<bool(int stream, std::string_view payload)>& sink,
                               uint64_t offset = 0);

}  // namespace mydocker::daemon::logging
