#pragma once
// Docker's image reference grammar and normalisation:
// [domain/]path[:tag][@digest], docker.io and library/ by default.
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace mydocker::daemon::images {

struct Reference {
  std::string domain;  // "docker.io"
  std::string path;    // "library/busybox"
  std::string tag;     // "latest" (empty with a digest only)
  std::string digest;  // "sha256:..."

  std::string familiar_name() const;    // "busybox", "me/app", "127.0.0.1:5000/busybox"
  std::string familiar_string() const;  // "busybox:latest", or name@digest
  std::string full_string() const;      // "docker.io/library/busybox:latest"
};

// InvalidParameter with Docker's messages ("invalid reference format", ...).
Result<Reference> parse_reference(std::string_view s, bool default_tag = true);

// A 64-hex id, "sha256:" + hex, or a hex prefix that could be an id.
bool looks_like_image_id(std::string_view s);

}  // namespace mydocker::daemon::images
