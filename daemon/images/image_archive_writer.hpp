#pragma once
// `docker save`: images as one tar in the layout Docker 25+ writes, an OCI
// image layout (oci-layout, index.json, blobs/sha256/...) with the legacy
// manifest.json and repositories beside it. Layers go in uncompressed, so
// their blob digests are the config's diff_ids.
#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/images/image_archive_tar.hpp"
#include "daemon/images/image_service.hpp"

namespace mydocker::daemon::images {

struct SavePlanImage {
  Image image;
  std::string config;  // the stored bytes (the id is their digest)
  std::vector<Reference> tags;
};

// The images the names stand for, checked before a byte is sent (a bad
// name is a 404 with nothing streamed). A repository name alone stands for
// every tag of it, an id for the untagged image, as in Docker.
Result<std::vector<SavePlanImage>> plan_save(const ImageService& images, const std::vector<std::string>& names);

// Streams the archive. A failure midway leaves the stream unfinished (no
// end-of-archive blocks), so the reader sees it truncated.
Result<void> write_save(const ImageService& images, const std::vector<SavePlanImage>& plan, const ArchiveSink& sink);

}  // namespace mydocker::daemon::images
