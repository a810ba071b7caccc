#include "daemon/containers/export.hpp"

namespace mydocker::daemon::containers {

Result<ExportSource> export_source(ContainerService& containers, const images::ImageService& images,
                                   const std::string& name) {
  TRY_ASSIGN(nlohmann::json info, containers.inspect(name));
  const std::string id = info.value("Id", "");
  // By the image's id, which the container keeps even when the image was
  // deleted with -f (its layers stay for the container).
  TRY_ASSIGN(std::vector<std::string> chains, images.layer_chains(info.value("Image", "")));
  ExportSource out;
  TRY_ASSIGN(out.dirs, images.layer_store().container_fs_dirs(id, chains));
  TRY_ASSIGN(out.userns, containers.userns_of(id));
  return out;
}

Result<void> write_export(const ExportSource& source, const images::ArchiveSink& sink) {
  images::TarStreamWriter tar(sink);
  if (!source.userns.empty())
    tar.set_owner_map([&maps = source.userns](uint32_t& uid, uint32_t& gid) {
      uid = container_id_of(maps.uids, uid);
      gid = container_id_of(maps.gids, gid);
    });
  TRY_VOID(tar.add_merged_tree(source.dirs));
  return tar.finish();
}

}  // namespace mydocker::daemon::containers
