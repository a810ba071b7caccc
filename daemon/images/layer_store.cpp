#include "daemon/images/layer_store.hpp"

#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "daemon/images/blob_file.hpp"
#include "daemon/images/copy_tree.hpp"
#include "daemon/images/digest.hpp"
#include "daemon/images/image_service.hpp"
#include "daemon/images/tar_extract.hpp"

namespace mydocker::daemon::images {

namespace {
std::string hex_of(const std::string& digest) { return digest.substr(digest.find(':') + 1); }
}  // namespace

LayerStore::LayerStore(std::string data_root, std::string driver)
    : root_(std::move(data_root)), driver_(std::move(driver)) {}

std::string LayerStore::layerdb(const std::string& chain_id) const {
  return root_ + "/image/overlay2/layerdb/sha256/" + hex_of(chain_id);
}

Result<void> LayerStore::restore() {
  TRY_VOID(fs::mkdir_all(root_ + "/image/overlay2/layerdb/sha256", 0700));
  TRY_VOID(fs::mkdir_all(root_ + "/overlay2", 0710));
  // Downloads in progress; what a crash left there is garbage.
  (void)fs::remove_all(tmp_dir());
  TRY_VOID(fs::mkdir_all(tmp_dir(), 0700));
  if (driver_ != "overlay2" && driver_ != "vfs")
    return fail(Error::invalid("unsupported storage driver: " + driver_ + " (overlay2 or vfs)"));
  overlay_ = driver_ == "overlay2" && detect_overlay();
  if (!overlay_) {
    if (driver_ == "overlay2") spdlog::warn("overlayfs is not usable here: containers get a copied root (vfs)");
    TRY_VOID(fs::mkdir_all(root_ + "/vfs/dir", 0710));
  }
  return {};
}

// A real overlay mount in a scratch folder: /proc/filesystems alone does not
// tell whether the backing file system supports it.
bool LayerStore::detect_overlay() {
  const std::string dir = root_ + "/overlay2/check-" + random_hex_id().substr(0, 8);
  for (const char* sub : {"/lower", "/upper", "/work", "/merged"}) (void)fs::mkdir_all(dir + sub, 0700);
  const std::string opts = "lowerdir=" + dir + "/lower,upperdir=" + dir + "/upper,workdir=" + dir + "/work";
  bool ok = ::mount("overlay", (dir + "/merged").c_str(), "overlay", 0, opts.c_str()) == 0;
  if (ok) ::umount2((dir + "/merged").c_str(), MNT_DETACH);
  (void)fs::remove_all(dir);
  return ok;
}

std::vector<std::string> LayerStore::chain_ids(const std::vector<std::string>& diff_ids) {
  std::vector<std::string> out;
  for (const auto& d : diff_ids) out.push_back(out.empty() ? d : sha256_digest(out.back() + " " + d));
  return out;
}

Result<LayerStore::NewLayerDir> LayerStore::new_layer_dir() {
  NewLayerDir dir;
  dir.cache_id = random_hex_id();
  dir.path = root_ + "/overlay2/" + dir.cache_id;
  TRY_VOID(fs::mkdir_all(dir.path + "/diff", 0755));
  return dir;
}

void LayerStore::discard_layer_dir(const NewLayerDir& dir) {
  if (!dir.path.empty()) (void)fs::remove_all(dir.path);
}

Result<std::string> LayerStore::commit_layer(const NewLayerDir& dir, const std::string& parent_chain,
                                             const std::string& diff_id, int64_t size, bool pin) {
  const std::string chain = parent_chain.empty() ? diff_id : sha256_digest(parent_chain + " " + diff_id);
  std::lock_guard lk(mu_);
  // Pinned under the lock release_unused takes, so no prune slips in between.
  if (pin) ++pinned_[chain];
  const std::string db = layerdb(chain);
  if (fs::exists(db + "/cache-id")) {
    discard_layer_dir(dir);  // stored once
    return chain;
  }
  auto written = [&]() -> Result<void> {
    TRY_VOID(fs::mkdir_all(db, 0700));
    TRY_VOID(fs::write_file_atomic(db + "/diff", diff_id));
    TRY_VOID(fs::write_file_atomic(db + "/size", std::to_string(size)));
    if (!parent_chain.empty()) TRY_VOID(fs::write_file_atomic(db + "/parent", parent_chain));
    return fs::write_file_atomic(db + "/cache-id", dir.cache_id);  // last: the layer is complete
  }();
  if (!written) {
    if (pin && --pinned_[chain] <= 0) pinned_.erase(chain);
    return fail(written.error());
  }
  return chain;
}
Result<std::string> LayerStore::add_layer_from_tar(const std::string& tar_path, const std::string& parent_chain,
                                                   std::string& diff_id_out, bool pin) {
  TRY_ASSIGN(NewLayerDir dir, new_layer_dir());
  auto extracted = extract_layer(tar_path, dir.path + "/diff");
  if (!extracted) {
    discard_layer_dir(dir);
    return fail(extracted.error());
  }
  diff_id_out = extracted->diff_id;
  auto chain = commit_layer(dir, parent_chain, extracted->diff_id, extracted->size, pin);
  if (!chain) discard_layer_dir(dir);
  return chain;
}

Result<void> LayerStore::keep_blob(const std::string& chain, const std::string& blob_path, const LayerBlob& blob) {
  std::lock_guard lk(mu_);
  const std::string db = layerdb(chain);
  if (fs::exists(db + "/blob-digest")) return {};
  if (::rename(blob_path.c_str(), (db + "/blob").c_str()) != 0)
    return fail(Error::from_errno(errno, "keep blob of layer " + chain));
  TRY_VOID(fs::write_file_atomic(db + "/blob-media-type", blob.media_type));
  TRY_VOID(fs::write_file_atomic(db + "/blob-size", std::to_string(blob.size)));
  return fs::write_file_atomic(db + "/blob-digest", blob.digest);  // last: the blob is complete
}

Result<void> LayerStore::keep_blob_from_tar(const std::string& tar_path, const std::string& chain) {
  const std::string db = layerdb(chain);
  if (fs::exists(db + "/blob-digest")) return {};
  const std::string tmp = tmp_dir() + "/blob-" + random_hex_id().substr(0, 16);
  TRY_ASSIGN(LayerBlob blob, gzip_file(tar_path, tmp));
  std::lock_guard lk(mu_);
  if (fs::exists(db + "/blob-digest")) {
    (void)::unlink(tmp.c_str());
    return {};
  }
  if (::rename(tmp.c_str(), (db + "/blob").c_str()) != 0) {
    const int e = errno;
    (void)::unlink(tmp.c_str());
    return fail(Error::from_errno(e, "keep blob of layer " + chain));
  }
  TRY_VOID(fs::write_file_atomic(db + "/blob-media-type", blob.media_type));
  TRY_VOID(fs::write_file_atomic(db + "/blob-size", std::to_string(blob.size)));
  return fs::write_file_atomic(db + "/blob-digest", blob.digest);
}

bool LayerStore::has_layer(const std::string& chain_id) const { return fs::exists(layerdb(chain_id) + "/cache-id"); }

std::string LayerStore::blob_path(const std::string& chain_id) const { return layerdb(chain_id) + "/blob"; }

std::optional<LayerBlob> LayerStore::layer_blob(const std::string& chain_id) const {
  auto digest = fs::read_file(layerdb(chain_id) + "/blob-digest");
  if (!digest || digest->empty()) return std::nullopt;
  LayerBlob b;
  b.digest = *digest;
  b.media_type = fs::read_file(layerdb(chain_id) + "/blob-media-type").value_or("");
  b.size = std::atoll(fs::read_file(layerdb(chain_id) + "/blob-size").value_or("0").c_str());
  return b;
}

void LayerStore::pin(const std::string& chain_id) {
  std::lock_guard lk(mu_);
  ++pinned_[chain_id];
}

void LayerStore::unpin(const std::string& chain_id) {
  std::lock_guard lk(mu_);
  if (--pinned_[chain_id] <= 0) pinned_.erase(chain_id);
}

int64_t LayerStore::layer_size(const std::string& chain_id) const {
  auto s = fs::read_file(layerdb(chain_id) + "/size");
  return s ? std::stoll(*s) : 0;
}

std::string LayerStore::layer_diff_dir(const std::string& chain_id) const {
  auto cache = fs::read_file(layerdb(chain_id) + "/cache-id");
  return cache ? root_ + "/overlay2/" + *cache + "/diff" : std::string();
}

void LayerStore::release_unused(const std::vector<std::vector<std::string>>& chains_in_use) {
  std::lock_guard lk(mu_);
  const std::string base = root_ + "/image/overlay2/layerdb/sha256";
  std::vector<std::string> listing;
  if (DIR* d = ::opendir(base.c_str())) {
    while (dirent* e = ::readdir(d))
      if (e->d_name[0] != '.') listing.push_back(e->d_name);
    ::closedir(d);
  }
  for (const auto& hex : listing) {
    const std::string chain = "sha256:" + hex;
    bool used = false;
    for (const auto& chains : chains_in_use)
      for (const auto& c : chains) used |= c == chain;
    if (used || pinned_.count(chain)) continue;
    auto cache = fs::read_file(base + "/" + hex + "/cache-id");
    if (cache && !cache->empty()) (void)fs::remove_all(root_ + "/overlay2/" + *cache);
    (void)fs::remove_all(base + "/" + hex);
  }
}

Result<RootfsPlan> LayerStore::create_container_layer(const std::string& id, const Image& image) {
  std::vector<std::string> diff_ids;
  for (const auto& d : image.config["rootfs"].value("diff_ids", nlohmann::json::array())) diff_ids.push_back(d);
  auto chains = chain_ids(diff_ids);
  std::vector<std::string> lowers;  // top first, as overlayfs wants
  for (auto it = chains.rbegin(); it != chains.rend(); ++it) {
    std::string d = layer_diff_dir(*it);
    if (d.empty()) return fail(Error::internal("layer " + *it + " of image " + image.id + " is missing"));
    lowers.push_back(d);
  }
  if (!overlay_) {
    const std::string dir = root_ + "/vfs/dir/" + id;
    TRY_VOID(fs::mkdir_all(dir, 0755));
    for (auto it = lowers.rbegin(); it != lowers.rend(); ++it) {
      if (auto r = copy_tree(*it, dir); !r) {
        (void)fs::remove_all(dir);
        return fail(r.error());
      }
    }
    return RootfsPlan{dir, std::nullopt};
  }
  const std::string dir = root_ + "/overlay2/" + id;
  for (const char* sub : {"/diff", "/work", "/merged"}) TRY_VOID(fs::mkdir_all(dir + sub, 0755));
  std::string lowerdir;
  for (const auto& l : lowers) lowerdir += (lowerdir.empty() ? "" : ":") + l;
  if (lowers.empty()) {
    // overlayfs needs a lower layer: an image without layers gets an empty one.
    TRY_VOID(fs::mkdir_all(dir + "/empty", 0755));
    lowerdir = dir + "/empty";
  }
  return RootfsPlan{dir + "/merged", "lowerdir=" + lowerdir + ",upperdir=" + dir + "/diff,workdir=" + dir + "/work"};
}

Result<void> LayerStore::remove_container_layer(const std::string& id) {
  TRY_VOID(fs::remove_all(root_ + "/overlay2/" + id));
  return fs::remove_all(root_ + "/vfs/dir/" + id);
}

Result<std::vector<std::string>> LayerStore::container_fs_dirs(const std::string& id,
                                                               const std::vector<std::string>& chains) const {
  if (const std::string vfs = root_ + "/vfs/dir/" + id; fs::is_dir(vfs)) return std::vector<std::string>{vfs};
  std::vector<std::string> dirs{root_ + "/overlay2/" + id + "/diff"};
  if (!fs::is_dir(dirs[0])) return fail(Error::internal("the layer of container " + id + " is missing"));
  for (auto it = chains.rbegin(); it != chains.rend(); ++it) {
    std::string d = layer_diff_dir(*it);
    if (d.empty()) return fail(Error::internal("layer " + *it + " of container " + id + " is missing"));
    dirs.push_back(d);
  }
  return dirs;
}

}  // namespace mydocker::daemon::images
