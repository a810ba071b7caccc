#pragma once
#include <string_view>

#include "common/error.hpp"

namespace mydocker::daemon::containers {

// "SIGKILL", "KILL", "kill", "9" → 9; InvalidParameter "Invalid signal: X" otherwise.
Result<int> parse_signal(std::string_view s);

}  // namespace mydocker::daemon::containers
