#pragma once
#include <string>
#include <string_view>

namespace mydocker::daemon::images {

// "sha256:<hex>" of the bytes.
std::string sha256_digest(std::string_view data);

}  // namespace mydocker::daemon::images
