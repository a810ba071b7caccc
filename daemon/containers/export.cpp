#include "daemon/containers/export.hpp"

namespace mydocker::daemon::containers {

Result<std::vector<std::string>> export_dirs(ContainerService& containers, const images::ImageService& images,
                                             const std::string& name) {
  TRY_ASSIGN(nlohmann::json info, containers.inspect(name));
  const std::string id = info.value("Id", "");
  // By the image's id, which the container keeps even when the image was
  // deleted with -f (its layers stay for the container).
  TRY_ASSIGN(std::vector<std::string> chains, images.layer_chains(info.value("Image", "")));
  return images.layer_store().container_fs_dirs(id, chains);
}

Result<void> write_export(const std::vector<std::string>& dirs, const images::ArchiveSink& sink) {
  images::TarStreamWriter tar(sink);
  TRY_VOID(tar.add_merged_tree(dirs));
  return tar.finish();
}

}  // namespace mydocker::daemon::containers
