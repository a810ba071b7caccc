#pragma once
// Docker's --detach-keys: "ctrl-p,ctrl-q" (the default), letters, "ctrl-@",
// "ctrl-[", ... into the byte sequence that detaches a client.
#include <string>

#include "common/error.hpp"

namespace mydocker {

inline constexpr const char* kDefaultDetachKeys = "ctrl-p,ctrl-q";

// InvalidParameter naming the bad value.
Result<std::string> parse_detach_keys(const std::string& spec);

}  // namespace mydocker
