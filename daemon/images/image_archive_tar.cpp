#include "daemon/images/image_archive_tar.hpp"

#include "common/fs.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <utility>

#include "common/unique_fd.hpp"

namespace mydocker::daemon::images {

namespace {
constexpr size_t kBlock = 1 << 16;

struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};
using Entry = std::unique_ptr<archive_entry, EntryFree>;

// What the upper layers hide from the ones below: whited-out paths (the
// path and all below it) and opaque directories (only what is below).
struct Masks {
  std::set<std::string> whiteout, opaque;
  bool hides(const std::string& rel) const {
    for (size_t i = rel.find('/'); ; i = rel.find('/', i + 1)) {
      const std::string prefix = rel.substr(0, i);
      if (whiteout.contains(prefix)) return true;
      if (i == std::string::npos) return false;
      if (opaque.contains(prefix)) return true;
    }
  }
  void merge(const Masks& o) {
    whiteout.insert(o.whiteout.begin(), o.whiteout.end());
    opaque.insert(o.opaque.begin(), o.opaque.end());
  }
};

bool is_whiteout(const struct stat& st) { return S_ISCHR(st.st_mode) && st.st_rdev == 0; }

bool is_opaque(const std::string& path) {
  char v[2] = {};
  return ::lgetxattr(path.c_str(), "trusted.overlay.opaque", v, 1) == 1 && v[0] == 'y';
}

// Names in a directory, sorted so that the same tree gives the same tar.
Result<std::vector<std::string>> list_dir(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return fail(Error::from_errno(errno, "open " + dir));
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

std::string join(const std::string& dir, const std::string& name) { return dir.empty() ? name : dir + "/" + name; }
}  // namespace

struct TarStreamWriter::Impl {
  ArchiveSink sink;
  OwnerMap owner_map;
  archive* a = nullptr;
  bool opened = false, finished = false, discard = false;
  // First name written for each (device, inode) with several links.
  std::map<std::pair<dev_t, ino_t>, std::string> links;

  static la_ssize_t on_write(archive* a, void* ctx, const void* buf, size_t n) {
    auto* self = static_cast<Impl*>(ctx);
    if (self->discard) return la_ssize_t(n);
    if (!self->sink(std::string_view(static_cast<const char*>(buf), n))) {
      archive_set_error(a, EPIPE, "the reader of the archive went away");
      return -1;
    }
    return la_ssize_t(n);
  }

  Error error(const std::string& what) const {
    const char* msg = archive_error_string(a);
    return Error::internal(what + ": " + (msg ? msg : "archive error"));
  }

  Result<void> check_open() const {
    if (!opened || finished) return fail(Error::internal("write archive: the stream is not open"));
    return {};
  }

  // Writes the header, then up to the entry's size from data_fd (-1: none).
  Result<void> write(archive_entry* e, int data_fd, const std::string& name) {
    TRY_VOID(check_open());
    if (archive_write_header(a, e) < ARCHIVE_WARN) return fail(error("write \"" + name + "\""));
    int64_t left = archive_entry_size(e);
    std::vector<char> buf(data_fd >= 0 && left > 0 ? kBlock : 0);
    while (data_fd >= 0 && left > 0) {
      ssize_t n = ::read(data_fd, buf.data(), size_t(std::min<int64_t>(left, int64_t(buf.size()))));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(Error::from_errno(errno, "read " + name));
      if (n == 0) break;  // shrank while we read (a running container): padded with zeros
      if (archive_write_data(a, buf.data(), size_t(n)) < 0) return fail(error("write \"" + name + "\""));
      left -= n;
    }
    if (archive_write_finish_entry(a) < ARCHIVE_WARN) return fail(error("write \"" + name + "\""));
    return {};
  }

  Result<void> write_regular(const std::string& name, int64_t size, mode_t mode, int data_fd) {
    Entry e(archive_entry_new());
    archive_entry_set_pathname(e.get(), name.c_str());
    archive_entry_set_filetype(e.get(), AE_IFREG);
    archive_entry_set_perm(e.get(), mode);
    archive_entry_set_size(e.get(), size);
    archive_entry_set_mtime(e.get(), 0, 0);
    return write(e.get(), data_fd, name);
  }

  // One file-system object as a tar entry: owner, mode, times, xattrs
  // (but not overlayfs' own), link target, content.
  Result<void> write_path(const std::string& name, const std::string& path, const struct stat& st) {
    if (S_ISSOCK(st.st_mode)) return {};  // tar has no sockets
    Entry e(archive_entry_new());
    archive_entry_copy_stat(e.get(), &st);
    if (owner_map) {
      uint32_t uid = st.st_uid, gid = st.st_gid;
      owner_map(uid, gid);
      archive_entry_set_uid(e.get(), uid);
      archive_entry_set_gid(e.get(), gid);
    }
    archive_entry_set_pathname(e.get(), name.c_str());
    if (S_ISLNK(st.st_mode)) {
      std::string target(size_t(st.st_size) + 1, '\0');
      ssize_t n = ::readlink(path.c_str(), target.data(), target.size());
      if (n < 0) return fail(Error::from_errno(errno, "readlink " + path));
      target.resize(size_t(n));
      archive_entry_set_symlink(e.get(), target.c_str());
      archive_entry_set_size(e.get(), 0);
    } else if (!S_ISREG(st.st_mode)) {
      archive_entry_set_size(e.get(), 0);
    }
    copy_xattrs(e.get(), path);
    if (S_ISREG(st.st_mode) && st.st_nlink > 1) {
      auto [it, first] = links.try_emplace({st.st_dev, st.st_ino}, name);
      if (!first) {
        archive_entry_set_hardlink(e.get(), it->second.c_str());
        archive_entry_set_size(e.get(), 0);
        return write(e.get(), -1, name);
      }
    }
    if (!S_ISREG(st.st_mode)) return write(e.get(), -1, name);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return fail(Error::from_errno(errno, "open " + path));
    return write(e.get(), fd.get(), name);
  }

  static void copy_xattrs(archive_entry* e, const std::string& path) {
    ssize_t len = ::llistxattr(path.c_str(), nullptr, 0);
    if (len <= 0) return;
    std::string names(size_t(len), '\0');
    len = ::llistxattr(path.c_str(), names.data(), names.size());
    for (size_t i = 0; len > 0 && i < size_t(len); i += std::strlen(names.c_str() + i) + 1) {
      const char* key = names.c_str() + i;
      if (std::string_view(key).starts_with("trusted.overlay.")) continue;
      ssize_t vlen = ::lgetxattr(path.c_str(), key, nullptr, 0);
      if (vlen < 0) continue;
      std::string value(size_t(vlen), '\0');
      vlen = ::lgetxattr(path.c_str(), key, value.data(), value.size());
      if (vlen >= 0) archive_entry_xattr_add_entry(e, key, value.data(), size_t(vlen));
    }
  }

  // One layer of the union, below the layers whose masks are in `above`.
  Result<void> walk_merged(const std::string& root, const std::string& rel_dir, const Masks& above, Masks& found,
                           std::map<std::string, bool>& emitted_is_dir) {
    TRY_ASSIGN(auto names, list_dir(join(root, rel_dir)));
    for (const auto& n : names) {
      const std::string rel = join(rel_dir, n), path = root + "/" + rel;
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) continue;  // removed while we walk a running container
        return fail(Error::from_errno(errno, "stat " + path));
      }
      if (above.hides(rel)) continue;
      if (is_whiteout(st)) {
        found.whiteout.insert(rel);
        continue;
      }
      auto seen = emitted_is_dir.find(rel);
      if (seen == emitted_is_dir.end()) {
        TRY_VOID(write_path(rel, path, st));
        seen = emitted_is_dir.emplace(rel, S_ISDIR(st.st_mode)).first;
      }
      // A directory merges with the directories below it, nothing else does.
      if (!seen->second || !S_ISDIR(st.st_mode)) continue;
      if (is_opaque(path)) found.opaque.insert(rel);
      TRY_VOID(walk_merged(root, rel, above, found, emitted_is_dir));
    }
    return {};
  }

  Result<void> walk_layer(const std::string& root, const std::string& rel_dir) {
    TRY_ASSIGN(auto names, list_dir(join(root, rel_dir)));
    for (const auto& n : names) {
      const std::string rel = join(rel_dir, n), path = root + "/" + rel;
      struct stat st {};
      if (::lstat(path.c_str(), &st) != 0) return fail(Error::from_errno(errno, "stat " + path));
      if (is_whiteout(st)) {
        TRY_VOID(write_regular(join(rel_dir, ".wh." + n), 0, 0600, -1));
        continue;
      }
      TRY_VOID(write_path(rel, path, st));
      if (!S_ISDIR(st.st_mode)) continue;
      if (is_opaque(path)) TRY_VOID(write_regular(rel + "/.wh..wh..opq", 0, 0600, -1));
      TRY_VOID(walk_layer(root, rel));
    }
    return {};
  }
};

TarStreamWriter::TarStreamWriter(ArchiveSink sink) : impl_(std::make_unique<Impl>()) {
  impl_->sink = std::move(sink);
  impl_->a = archive_write_new();
  // pax only where ustar falls short (long names, xattrs, large ids).
  archive_write_set_format_pax_restricted(impl_->a);
  // Large blocks (fewer, bigger HTTP chunks), the last one unpadded.
  archive_write_set_bytes_per_block(impl_->a, 1 << 16);
  archive_write_set_bytes_in_last_block(impl_->a, 1);
  impl_->opened = archive_write_open(impl_->a, impl_.get(), nullptr, &Impl::on_write, nullptr) == ARCHIVE_OK;
}

TarStreamWriter::~TarStreamWriter() {
  // Unfinished means failed: no end-of-archive blocks that would make a
  // truncated stream look complete.
  impl_->discard = !impl_->finished;
  archive_write_free(impl_->a);
}

Result<void> TarStreamWriter::add_directory(const std::string& name) {
  Entry e(archive_entry_new());
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_filetype(e.get(), AE_IFDIR);
  archive_entry_set_perm(e.get(), 0755);
  archive_entry_set_mtime(e.get(), 0, 0);
  return impl_->write(e.get(), -1, name);
}

Result<void> TarStreamWriter::add_bytes(const std::string& name, std::string_view data) {
  TRY_VOID(impl_->check_open());
  Entry e(archive_entry_new());
  archive_entry_set_pathname(e.get(), name.c_str());
  archive_entry_set_filetype(e.get(), AE_IFREG);
  archive_entry_set_perm(e.get(), 0644);
  archive_entry_set_size(e.get(), int64_t(data.size()));
  archive_entry_set_mtime(e.get(), 0, 0);
  if (archive_write_header(impl_->a, e.get()) < ARCHIVE_WARN) return fail(impl_->error("write \"" + name + "\""));
  if (!data.empty() && archive_write_data(impl_->a, data.data(), data.size()) < 0)
    return fail(impl_->error("write \"" + name + "\""));
  if (archive_write_finish_entry(impl_->a) < ARCHIVE_WARN) return fail(impl_->error("write \"" + name + "\""));
  return {};
}

Result<void> TarStreamWriter::add_file(const std::string& name, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(Error::from_errno(errno, "open " + path));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(Error::from_errno(errno, "stat " + path));
  return impl_->write_regular(name, st.st_size, 0644, fd.get());
}

void TarStreamWriter::set_owner_map(OwnerMap map) { impl_->owner_map = std::move(map); }

Result<void> TarStreamWriter::add_merged_tree(const std::vector<std::string>& dirs_top_first) {
  Masks above;
  std::map<std::string, bool> emitted_is_dir;
  for (const auto& dir : dirs_top_first) {
    // A layer's whiteouts hide only what is below it, never its own entries.
    Masks found;
    TRY_VOID(impl_->walk_merged(dir, "", above, found, emitted_is_dir));
    above.merge(found);
  }
  return {};
}

Result<void> TarStreamWriter::add_layer_tree(const std::string& dir) { return impl_->walk_layer(dir, ""); }

Result<void> TarStreamWriter::finish() {
  TRY_VOID(impl_->check_open());
  if (archive_write_close(impl_->a) != ARCHIVE_OK) return fail(impl_->error("finish archive"));
  impl_->finished = true;
  return {};
}

ArchiveSink fd_sink(int fd) {
  return [fd](std::string_view data) { return bool(fs::write_all(fd, data, "archive")); };
}

}  // namespace mydocker::daemon::images
