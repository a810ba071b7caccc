#pragma once
// Capability sets as bitmasks, built before clone() so the child applies
// them with raw syscalls and no allocation.
#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace mydocker::libcontainer {

struct CapMasks {
  uint64_t bounding = 0, effective = 0, permitted = 0, inheritable = 0, ambient = 0;
};

// "CAP_CHOWN" (or "chown") → its number; InvalidParameter for unknown names.
Result<int> capability_number(const std::string& name);
Result<uint64_t> capability_mask(const std::vector<std::string>& names);
int last_capability();
// "CAP_CHOWN", ... for every capability the running kernel knows.
std::vector<std::string> all_capability_names();
// The names in a mask.
std::vector<std::string> capability_names(uint64_t mask);

// Child side (async-signal-safe): drop from the bounding set what is not in
// it. Needs CAP_SETPCAP, so it runs before the uid changes.
int drop_bounding(uint64_t bounding);
// Child side: set effective/permitted/inheritable, then raise ambient.
int apply_capabilities(const CapMasks& m);

}  // namespace mydocker::libcontainer
