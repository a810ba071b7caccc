#include "daemon/logging/json_file_reader.hpp"

#include <nlohmann/json.hpp>
#include <vector>

#include "common/fs.hpp"
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

Result<void> read_json_log(const std::string& path, const ReadOptions& opt,
                           const std::function<bool(int, std::string_view)>& sink) {
  auto text = fs::read_file(path);
  if (!text) {
    if (text.error().err_no == ENOENT) return {};
    return fail(text.error());
  }
  std::vector<LogEntry> entries;
  std::string_view rest = *text;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
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
  return {};
}

}  // namespace mydocker::daemon::logging
