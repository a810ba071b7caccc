#pragma once
// `docker export`: a container's whole file system (its image's layers
// under its own changes), running or stopped, read from the layer folders
// rather than a mount, so it needs neither the container nor a mount.
#include <string>

#include "common/error.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/images/image_archive_tar.hpp"
#include "daemon/images/image_service.hpp"

namespace mydocker::daemon::containers {

// The folders whose union is the container's file system, top first, and
// its user namespace's maps (its files are stored in host IDs).
struct ExportSource {
  std::vector<std::string> dirs;
  UsernsMaps userns;
};
// 404 "No such container: x".
Result<ExportSource> export_source(ContainerService& containers, const images::ImageService& images,
                                   const std::string& name);

// Their union as a tar stream (whiteouts applied), owners in the
// container's own IDs.
Result<void> write_export(const ExportSource& source, const images::ArchiveSink& sink);

}  // namespace mydocker::daemon::containers
