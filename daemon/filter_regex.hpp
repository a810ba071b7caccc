#pragma once
// Docker's name filters (`ps -f name=`, `network ls -f name=`) are Go
// regular expressions: RE2 syntax, searched anywhere in the value. RE2
// runs in linear time with bounded memory and no recursion on the input,
// so a hostile pattern from a client can neither stall nor crash the
// daemon (std::regex can do both).
#include <optional>
#include <string_view>

namespace mydocker::daemon {

// Whether `pattern` matches somewhere in `value`; nullopt when the pattern
// is not a valid RE2 expression (or too big to compile).
std::optional<bool> filter_regex_search(std::string_view pattern, std::string_view value);

}  // namespace mydocker::daemon
