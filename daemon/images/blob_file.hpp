#pragma once
// Blob files: a streaming sha256 for bytes as they arrive, and a layer
// tarball written gzip-compressed (the form registries store layers in).
#include <memory>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "daemon/images/digest.hpp"  // Sha256
#include "daemon/images/layer_store.hpp"

namespace mydocker::daemon::images {

// "sha256:<hex>" of a file's bytes.
Result<std::string> file_digest(const std::string& path);

// Writes `src` to `dest` gzip-compressed (copied as is when it already is
// gzip) and describes the result as a Docker layer blob.
Result<LayerBlob> gzip_file(const std::string& src, const std::string& dest);

}  // namespace mydocker::daemon::images
