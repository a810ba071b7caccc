#include "daemon/containers/export.hpp"

namespace mydocker::daemon::containers {

Result<std::vector<std::string>> export_dirs(ContainerService& containers, const images::ImageService& images,
                                             const std::string& name) {
  TRY_ASSIGN(nlohmann::json info, containers.inspect(name));
  const std::string id = info.value("Id", "");
  TRY_ASSIGN(images::Image image, images.resolve(info.value("Image", "")));
  return images.layer_store().container_fs_dirs(id, image);
}

Result<void> write_export(const std::vector<std::string>& dirs, const images::ArchiveSink& sink) {
  images::TarStreamWriter tar(sink);
  TRY_VOID(tar.add_merged_tree(dirs));
  return tar.finish();
}

}  // namespace mydocker::daemon::containers
