#pragma once
#include <string>

namespace mydocker {

// 64 lowercase hex characters from the kernel's random pool, as Docker's IDs.
// Never all digits (Docker re-rolls those: they would be read as numbers).
std::string random_hex_id();

}  // namespace mydocker
