#include "daemon/images/image_archive_reader.hpp"

#include <fcntl.h>
#include <unistd.h>

#include "common/random_id.hpp"
#include "common/unique_fd.hpp"
#include "daemon/images/digest.hpp"
#include "daemon/images/image_archive_decompress.hpp"
#include "daemon/images/image_archive_manifest.hpp"
#include "daemon/images/image_archive_members.hpp"

namespace mydocker::daemon::images {

using nlohmann::json;

namespace {
// One image of the archive, checked and ready to register.
struct PendingImage {
  std::string config;  // bytes
  std::vector<std::string> diff_ids;
  std::vector<std::string> layer_files;  // scratch files, bottom first
  std::vector<Reference> tags;
};

Result<std::vector<ArchiveImageEntry>> archive_entries(const ArchiveMembers& m) {
  if (m.contains("manifest.json")) {
    TRY_ASSIGN(std::string text, m.read_small("manifest.json"));
    return parse_docker_manifest(text);
  }
  if (m.contains("index.json")) {
    TRY_ASSIGN(std::string text, m.read_small("index.json"));
    return parse_oci_index(text, [&m](const std::string& digest) -> Result<std::string> {
      TRY_ASSIGN(std::string member, blob_member_path(digest));
      TRY_ASSIGN(std::string bytes, m.read_small(member));
      if (sha256_digest(bytes) != digest) return fail(Error::invalid("invalid archive: blob " + digest + " does not match its digest"));
      return bytes;
    });
  }
  return fail(Error::invalid("invalid archive: it has neither manifest.json nor index.json: not an image archive"));
}

Result<PendingImage> check_entry(const ArchiveMembers& m, const ArchiveImageEntry& e) {
  PendingImage p;
  TRY_ASSIGN(p.config, m.read_small(e.config));
  const json config = json::parse(p.config, nullptr, false);
  if (!config.is_object() || !config.contains("rootfs") || !config["rootfs"].is_object() ||
      !config["rootfs"].value("diff_ids", json()).is_array())
    return fail(Error::invalid("invalid archive: " + e.config + " is not an image config"));
  for (const auto& d : config["rootfs"]["diff_ids"]) {
    if (!d.is_string() || !blob_member_path(d.get<std::string>()))
      return fail(Error::invalid("invalid archive: " + e.config + " has an invalid diff id"));
    p.diff_ids.push_back(d.get<std::string>());
  }
  if (p.diff_ids.size() != e.layers.size())
    return fail(Error::invalid("invalid archive: image " + sha256_digest(p.config) + " has " +
                               std::to_string(e.layers.size()) + " layers, its config lists " +
                               std::to_string(p.diff_ids.size())));
  for (const auto& l : e.layers) {
    TRY_ASSIGN(std::string file, m.file(l));
    p.layer_files.push_back(std::move(file));
  }
  for (const auto& t : e.repo_tags) {
    auto ref = parse_reference(t);
    if (!ref) return fail(Error::invalid("invalid archive: invalid tag \"" + t + "\": " + ref.error().message));
    if (!ref->digest.empty()) continue;  // a digest is no tag
    p.tags.push_back(*ref);
  }
  return p;
}

// The layer file as the layer's blob: gzip and plain tar as they are (the
// store gzips plain ones), other compressions decompressed first.
Result<void> keep_blob(LayerStore& layers, const std::string& file, const std::string& chain) {
  if (!compressed_other_than_gzip(file)) return layers.keep_blob_from_tar(file, chain);
  const std::string plain = file + ".tar";
  UniqueFd fd(::open(plain.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!fd) return fail(Error::from_errno(errno, "create " + plain));
  auto d = decompress_into(file, fd.get(), plain);
  fd.reset();
  auto kept = d ? layers.keep_blob_from_tar(plain, chain) : Result<void>(fail(d.error()));
  ::unlink(plain.c_str());
  return kept;
}

// The layers of one image into the store, each diff id checked against the config.
Result<void> add_layers(LayerStore& layers, const PendingImage& p) {
  const auto chains = LayerStore::chain_ids(p.diff_ids);
  for (size_t i = 0; i < chains.size(); ++i) {
    if (!layers.has_layer(chains[i])) {
      std::string diff_id;
      TRY_ASSIGN(std::string chain, layers.add_layer_from_tar(p.layer_files[i], i ? chains[i - 1] : "", diff_id));
      if (diff_id != p.diff_ids[i])
        return fail(Error::invalid("invalid diffID for layer " + std::to_string(i) + ": expected \"" + p.diff_ids[i] +
                                   "\", got \"" + diff_id + "\""));
      (void)chain;
    }
    // Kept compressed as for import, so that a push sends stable bytes.
    if (!layers.layer_blob(chains[i])) TRY_VOID(keep_blob(layers, p.layer_files[i], chains[i]));
  }
  return {};
}

Result<void> register_image(ImageService& images, const PendingImage& p, std::vector<std::string>& lines) {
  TRY_ASSIGN(Image img, images.add_image(p.config, std::nullopt, ""));
  for (const auto& tag : p.tags) {
    const std::string name = tag.familiar_string();
    if (auto old = images.resolve(name); old && old->id != img.id)
      lines.push_back("The image " + name + " already exists, renaming the old one with ID " + old->id +
                      " to empty string\n");
    TRY_VOID(images.tag(img.id, tag));
    lines.push_back("Loaded image: " + name + "\n");
  }
  if (p.tags.empty()) lines.push_back("Loaded image ID: " + img.id + "\n");
  return {};
}
}  // namespace

Result<std::vector<std::string>> load_images(ImageService& images, const std::string& tar_path) {
  LayerStore& layers = images.layer_store();
  TRY_ASSIGN(auto members, ArchiveMembers::read(tar_path, layers.tmp_dir() + "/load-" + random_hex_id().substr(0, 16)));
  TRY_ASSIGN(auto entries, archive_entries(*members));
  if (entries.empty()) return fail(Error::invalid("invalid archive: it holds no image"));
  std::vector<PendingImage> pending;
  for (const auto& e : entries) {
    TRY_ASSIGN(PendingImage p, check_entry(*members, e));
    pending.push_back(std::move(p));
  }
  LayerPins pins(layers);
  for (const auto& p : pending)
    for (const auto& c : LayerStore::chain_ids(p.diff_ids)) pins.add(c);
  for (const auto& p : pending) {
    if (auto r = add_layers(layers, p); !r) {
      pins.release();
      images.release_unused_layers();  // what this load added, unless an image uses it
      return fail(r.error());
    }
  }
  std::vector<std::string> lines;
  for (const auto& p : pending) TRY_VOID(register_image(images, p, lines));
  return lines;
}

}  // namespace mydocker::daemon::images
