#pragma once
// Unpacks a layer tarball (plain or compressed) into a directory, refusing
// anything that would write outside it: "../" components, absolute paths
// (made relative, as Docker does), writes through symlinks, hardlinks to
// outside. Whiteouts (.wh.*) become overlayfs whiteouts.
#include <cstdint>
#include <string>

#include "common/error.hpp"

namespace mydocker::daemon::images {

struct ExtractResult {
  std::string diff_id;  // "sha256:<hex>" of the uncompressed tar stream
  int64_t size = 0;     // bytes of regular-file content written
};

Result<ExtractResult> extract_layer(const std::string& tar_path, const std::string& dest_dir);
// The same from a stream (a pipe a download writes into): gzip, zstd or
// plain tar, unpacked and hashed in one pass as the bytes arrive.
Result<ExtractResult> extract_layer_fd(int fd, const std::string& dest_dir);

// "a/./b/../c" style cleanup of an entry name, relative to the layer root;
// InvalidParameter when it climbs out ("../x", "a/../../x").
Result<std::string> clean_entry_path(const std::string& name);

}  // namespace mydocker::daemon::images
