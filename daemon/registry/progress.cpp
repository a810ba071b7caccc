#include "daemon/registry/progress.hpp"

#include "common/human.hpp"
#include "common/time.hpp"

namespace mydocker::daemon::registry {

using nlohmann::json;

json status_message(const std::string& status, const std::string& id) {
  json m = {{"status", status}};
  if (!id.empty()) {
    m["progressDetail"] = json::object();
    m["id"] = id;
  }
  return m;
}

std::string progress_bar(int64_t current, int64_t total) {
  if (total <= 0) return human::size(double(current), 4);
  int pct = int(double(current) / double(total) * 100) / 2;
  if (pct > 50) pct = 50;
  std::string numbers = human::size(double(current), 4);
  if (numbers.size() < 8) numbers.insert(0, 8 - numbers.size(), ' ');
  return "[" + std::string(size_t(pct), '=') + ">" + std::string(size_t(50 - pct), ' ') + "] " + numbers + "/" +
         human::size(double(total), 4);
}

json progress_message(const std::string& status, const std::string& id, int64_t current, int64_t total) {
  return {{"status", status},
          {"progressDetail", {{"current", current}, {"total", total}}},
          {"progress", progress_bar(current, total)},
          {"id", id}};
}

void ProgressWriter::status(const std::string& s, const std::string& id) { raw(status_message(s, id)); }

void ProgressWriter::bytes(const std::string& s, const std::string& id, int64_t current, int64_t total) {
  {
    std::lock_guard lk(mu_);
    Last& last = last_[id + "/" + s];
    const int64_t now = timeutil::now_ns();
    const bool done = current >= total;
    if (!done && now - last.at_ns < 100'000'000 && current - last.current < (512 << 10)) return;
    last = {now, current};
  }
  raw(progress_message(s, id, current, total));
}

void ProgressWriter::raw(const json& message) {
  std::lock_guard lk(mu_);
  if (sink_) sink_(message);
}

}  // namespace mydocker::daemon::registry
