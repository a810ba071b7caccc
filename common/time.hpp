#pragma once
// Wall-clock times as Docker writes them: RFC 3339 with nanoseconds, UTC.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mydocker::timeutil {

// Nanoseconds since the Unix epoch.
int64_t now_ns();
// "2026-11-22T13:29:32.249054745Z"; 0 gives Docker's zero time "0001-01-01T00:00:00Z".
std::string format_rfc3339_nano(int64_t ns);
// Always nine fraction digits, as `docker logs -t` prints them.
std::string format_rfc3339_nano_fixed(int64_t ns);
// Accepts RFC 3339 with or without fraction, "Z" or "+hh:mm"; Docker's zero time gives 0.
std::optional<int64_t> parse_rfc3339(std::string_view s);

}  // namespace mydocker::timeutil
