#pragma once
// A layer's bytes without their compression (gzip, zstd, xz, bzip2 or none,
// whatever libarchive's filters know), streamed into a file.
#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace mydocker::daemon::images {

struct Decompressed {
  std::string digest;  // "sha256:..." of the uncompressed bytes
  int64_t size = 0;
};

Result<Decompressed> decompress_into(const std::string& src, int dest_fd, const std::string& dest_name);

// Compressed, but not with gzip: the kept blobs of layers are gzip or plain
// tar, so such a layer is decompressed before it is kept.
bool compressed_other_than_gzip(const std::string& path);

}  // namespace mydocker::daemon::images
