#pragma once
#include <string>
#include <string_view>

namespace mydocker::daemon::images {

// "sha256:<hex>" of the bytes.
std::string sha256_digest(std::string_view data);
// "sha256:" and 64 lower-case hex digits: what may name a blob, a layer or
// an image. Digests from registries and archives are checked with it before
// they become paths or URLs.
bool is_sha256_digest(std::string_view text);

}  // namespace mydocker::daemon::images
