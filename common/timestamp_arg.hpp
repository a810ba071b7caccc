#pragma once
// The --since/--until values of `logs` (and later `events`) as Docker's CLI
// reads them, turned into the "seconds.nanoseconds" form the API takes:
// a Go duration ("10m", "1h30m", "1.5s": that long before now), an RFC 3339
// time or a shorter form of it ("2026-11-25", "2026-11-25T10:04"; local time
// unless a zone is given), or a Unix timestamp passed on as it is.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace mydocker::timeutil {

// A Go time.ParseDuration string in nanoseconds; nullopt when it is not one.
std::optional<int64_t> parse_go_duration(std::string_view s);

// `value` as the API's timestamp; an error naming it when it is none of the above.
Result<std::string> api_timestamp(std::string_view value, int64_t now_ns);

}  // namespace mydocker::timeutil
