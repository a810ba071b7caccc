#pragma once
// Docker's JSON progress messages (jsonmessage) as pull and push stream
// them: {"status","id"}, byte progress with its bar, errors, aux.
#include <cstdint>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

namespace mydocker::daemon::registry {

using ProgressSink = std::function<void(const nlohmann::json&)>;

nlohmann::json status_message(const std::string& status, const std::string& id = "");
// {"status":"Downloading","progressDetail":{"current":..,"total":..},"progress":"[=>   ]  1kB/2kB","id":..}
nlohmann::json progress_message(const std::string& status, const std::string& id, int64_t current, int64_t total);
// The bar Docker's daemon renders into "progress".
std::string progress_bar(int64_t current, int64_t total);

// Serialises messages from several download threads, and rate-limits byte
// progress (a message per ~100 ms or 512 KiB per id, and always the last).
class ProgressWriter {
 public:
  explicit ProgressWriter(ProgressSink sink) : sink_(std::move(sink)) {}
  void status(const std::string& status, const std::string& id = "");
  void bytes(const std::string& status, const std::string& id, int64_t current, int64_t total);
  void raw(const nlohmann::json& message);

 private:
  struct Last {
    int64_t at_ns = 0, current = 0;
  };
  std::mutex mu_;
  ProgressSink sink_;
  std::map<std::string, Last> last_;
};

}  // namespace mydocker::daemon::registry
