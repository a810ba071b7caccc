#include "daemon/logging/json_file_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <vector>

#include "common/fs.hpp"
#include "common/unique_fd.hpp"
#include "common/time.hpp"

namespace mydocker::daemon::logging {

bool parse_log_line(std::string_view line, LogEntry& out) {
  auto j = nlohmann::json::parse(line, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return false;
  auto log = j.find("log");
  if (log == j.end() || !log->is_string()) return false;
  out.log = log->get<std::string>();
  out.stream = j.value("stream", "stdout") == "stderr" ? 2 : 1;
  out.time = j.value("time", "");
  out.time_ns = timeutil::parse_rfc3339(out.time).value_or(0);
  return true;
}

Result<uint64_t> read_json_log(const std::string& path, const ReadOptions& opt,
                               const std::function<bool(int, std::string_view)>& sink, uint64_t offset) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return offset;
    return fail(Error::from_errno(errno, "open " + path));
  }
  std::string text;
  char buf[65536];
  for (;;) {
    ssize_t n = ::pread(fd.get(), buf, sizeof buf, off_t(offset + text.size()));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno(errno, "read " + path));
    if (n == 0) break;
    text.append(buf, size_t(n));
  }
  // Only complete lines: the shim may be writing the next one right now.
  const size_t complete = text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1;
  std::vector<LogEntry> entries;
  std::string_view rest = std::string_view(text).substr(0, complete);
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = rest.substr(nl + 1);
    LogEntry e;
    if (!parse_log_line(line, e)) continue;
    if ((e.stream == 1 && !opt.want_stdout) || (e.stream == 2 && !opt.want_stderr)) continue;
    if (opt.since_ns && e.time_ns < opt.since_ns) continue;
    if (opt.until_ns && e.time_ns > opt.until_ns) continue;
    entries.push_back(std::move(e));
  }
  size_t first = 0;
  if (opt.tail >= 0 && size_t(opt.tail) < entries.size()) first = entries.size() - size_t(opt.tail);
  for (size_t i = first; i < entries.size(); ++i) {
    const LogEntry& e = entries[i];
    bool more = opt.timestamps ? sink(e.stream, timeutil::format_rfc3339_nano_fixed(e.time_ns) + " " + e.log)
                               : sink(e.stream, e.log);
    if (!more) break;
  }
  return offset + complete;
}

}  // namespace mydocker::daemon::logging
