#pragma once
// `docker load`: an archive as Docker writes it (manifest.json, with its
// layers as blobs/sha256/<hex> or legacy <id>/layer.tar) or a bare OCI
// image layout (index.json), layers plain or compressed. Everything is
// read and checked before anything is registered: a broken archive leaves
// no image and no layer behind.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/images/image_service.hpp"

namespace mydocker::daemon::images {

// Loads the archive at tar_path; the lines Docker prints for it
// ("Loaded image: busybox:latest\n", "Loaded image ID: sha256:...\n").
Result<std::vector<std::string>> load_images(ImageService& images, const std::string& tar_path);

}  // namespace mydocker::daemon::images
