#pragma once
// The image's files as a container created from it starts with, readable
// on the host for a moment: to fill a new volume with what the image has at
// its mount point (Docker's copy-up). With overlay2 the read-only layers are
// mounted in a private mount namespace of one short-lived thread, so nothing
// is ever mounted on the host and nothing can leak; vfs roots are plain
// folders already.
#include <functional>
#include <optional>
#include <string>

#include "common/error.hpp"

namespace mydocker::daemon::containers {

// Calls fn with the path of the image's root; overlay_options are the
// container's ("lowerdir=a:b,upperdir=...,workdir=..."), absent for vfs.
Result<void> with_image_root(const std::optional<std::string>& overlay_options, const std::string& rootfs_path,
                             const std::string& scratch_dir, const std::function<Result<void>(const std::string&)>& fn);

}  // namespace mydocker::daemon::containers
