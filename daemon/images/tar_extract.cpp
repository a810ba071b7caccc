#include "daemon/images/tar_extract.hpp"

#include "common/unique_fd.hpp"
#include "daemon/images/digest.hpp"
#include "daemon/images/layer_source.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <fcntl.h>
#include <unistd.h>

#include <climits>
#include <cstring>
#include <cstdlib>
#include <memory>
#include <vector>

namespace mydocker::daemon::images {

namespace {
struct ReadCloser {
  void operator()(archive* a) const { archive_read_free(a); }
};
struct WriteCloser {
  void operator()(archive* a) const { archive_write_free(a); }
};
using ArchiveReader = std::unique_ptr<archive, ReadCloser>;
using ArchiveWriter = std::unique_ptr<archive, WriteCloser>;

Error archive_error(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  return Error::invalid(what + ": " + (msg ? msg : "unknown archive error"));
}

// sha256 of the decompressed stream: libarchive's "raw" format hands us the
// bytes after the compression filters.
Result<std::string> uncompressed_digest(const std::string& path) {
  ArchiveReader a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    return fail(archive_error(a.get(), "open layer"));
  archive_entry* e;
  if (archive_read_next_header(a.get(), &e) != ARCHIVE_OK) return fail(archive_error(a.get(), "read layer"));
  Sha256 hash;
  std::vector<char> buf(1 << 16);
  for (;;) {
    la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0) return fail(archive_error(a.get(), "read layer"));
    if (n == 0) break;
    hash.update(std::string_view(buf.data(), size_t(n)));
  }
  return hash.digest();
}

// Whether the directory dir (which may not exist yet) resolves inside root:
// whiteouts are made with plain syscalls, so planted symlinks are checked here.
bool resolves_inside(const std::string& root, const std::string& dir) {
  char real_root[PATH_MAX], real_dir[PATH_MAX];
  if (!::realpath(root.c_str(), real_root)) return false;
  if (!::realpath(dir.c_str(), real_dir)) return errno == ENOENT;
  std::string r = real_root, d = real_dir;
  return d == r || d.rfind(r + "/", 0) == 0;
}

bool whiteout(const std::string& dest, const std::string& rel) {
  const size_t slash = rel.rfind('/');
  const std::string dir = slash == std::string::npos ? "" : rel.substr(0, slash + 1);
  const std::string base = rel.substr(slash == std::string::npos ? 0 : slash + 1);
  if (base.rfind(".wh.", 0) != 0) return false;
  if (!resolves_inside(dest, dest + "/" + dir)) return true;  // dropped: it would land outside
  if (base == ".wh..wh..opq") {
    std::string d = dest + "/" + dir;
    ::mkdir(d.c_str(), 0755);
    ::setxattr(d.c_str(), "trusted.overlay.opaque", "y", 1, 0);
    return true;
  }
  std::string target = dest + "/" + dir + base.substr(4);
  ::mknod(target.c_str(), S_IFCHR | 0, makedev(0, 0));
  return true;
}
}  // namespace

Result<std::string> clean_entry_path(const std::string& name) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= name.size()) {
    size_t j = name.find('/', i);
    if (j == std::string::npos) j = name.size();
    std::string comp = name.substr(i, j - i);
    if (comp == "..") {
      if (parts.empty()) return fail(Error::invalid("invalid tar entry \"" + name + "\": path escapes the layer"));
      parts.pop_back();
    } else if (!comp.empty() && comp != ".") {
      parts.push_back(comp);
    }
    i = j + 1;
  }
  std::string out;
  for (const auto& p : parts) out += (out.empty() ? "" : "/") + p;
  return out;
}

namespace {
// Entries of an open tar reader written under dest; sizes counted in result.
Result<void> unpack_entries(archive* in, const std::string& dest, ExtractResult& result) {
  ArchiveWriter out(archive_write_disk_new());
  // Our own cleaning makes paths safe; libarchive additionally refuses to
  // write through a symlink an earlier entry planted.
  archive_write_disk_set_options(out.get(), ARCHIVE_EXTRACT_TIME | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_OWNER |
                                                ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
                                                ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_UNLINK);
  archive_entry* e;
  for (;;) {
    int r = archive_read_next_header(in, &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return fail(archive_error(in, "read tarball"));
    const std::string name = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    TRY_ASSIGN(std::string rel, clean_entry_path(name));
    if (rel.empty()) continue;  // the root itself
    if (whiteout(dest, rel)) continue;
    archive_entry_set_pathname(e, (dest + "/" + rel).c_str());
    if (const char* hl = archive_entry_hardlink(e)) {
      auto target = clean_entry_path(hl);
      if (!target || target->empty())
        return fail(Error::invalid("invalid tar entry \"" + name + "\": hardlink to \"" + hl + "\" escapes the layer"));
      archive_entry_set_hardlink(e, (dest + "/" + *target).c_str());
    }
    if (archive_entry_filetype(e) == AE_IFREG) result.size += archive_entry_size(e);
    r = archive_write_header(out.get(), e);
    if (r < ARCHIVE_WARN) return fail(archive_error(out.get(), "extract \"" + name + "\""));
    const void* block;
    size_t size;
    la_int64_t offset;
    while ((r = archive_read_data_block(in, &block, &size, &offset)) == ARCHIVE_OK) {
      if (archive_write_data_block(out.get(), block, size, offset) < ARCHIVE_WARN)
        return fail(archive_error(out.get(), "extract \"" + name + "\""));
    }
    if (r < ARCHIVE_WARN) return fail(archive_error(in, "read \"" + name + "\""));
    archive_write_finish_entry(out.get());
  }
  if (archive_write_close(out.get()) < ARCHIVE_WARN) return fail(archive_error(out.get(), "finish extraction"));
  return {};
}

la_ssize_t read_layer_source(archive*, void* client, const void** buffer) {
  return la_ssize_t(static_cast<LayerSource*>(client)->read(buffer));
}

// xz and bzip2 (docker import takes them): libarchive's filters decompress,
// at the price of a second pass for the diff id. Registries never send these.
bool needs_libarchive_filters(int fd) {
  unsigned char magic[6] = {};
  const ssize_t n = ::pread(fd, magic, sizeof magic, 0);
  if (n >= 6 && std::memcmp(magic, "\xfd" "7zXZ\0", 6) == 0) return true;
  return n >= 3 && std::memcmp(magic, "BZh", 3) == 0;
}

Result<ExtractResult> extract_with_filters(const std::string& tar_path, const std::string& dest) {
  ExtractResult result;
  TRY_ASSIGN(result.diff_id, uncompressed_digest(tar_path));
  ArchiveReader in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  if (archive_read_open_filename(in.get(), tar_path.c_str(), 1 << 16) != ARCHIVE_OK)
    return fail(archive_error(in.get(), "open tarball"));
  TRY_VOID(unpack_entries(in.get(), dest, result));
  return result;
}
}  // namespace

Result<ExtractResult> extract_layer_fd(int fd, const std::string& dest) {
  LayerSource source(fd);
  ArchiveReader in(archive_read_new());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  if (archive_read_open(in.get(), &source, nullptr, read_layer_source, nullptr) != ARCHIVE_OK) {
    if (!source.error().empty()) return fail(Error::invalid("read layer: " + source.error()));
    return fail(archive_error(in.get(), "open tarball"));
  }
  ExtractResult result;
  if (auto unpacked = unpack_entries(in.get(), dest, result); !unpacked) {
    // The decompressor's complaint names the real cause (truncated gzip, ...).
    if (!source.error().empty()) return fail(Error::invalid("read layer: " + source.error()));
    return fail(unpacked.error());
  }
  TRY_VOID(source.drain());
  result.diff_id = source.digest();
  return result;
}

Result<ExtractResult> extract_layer(const std::string& tar_path, const std::string& dest) {
  UniqueFd fd(::open(tar_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(Error::from_errno(errno, "open " + tar_path));
  if (needs_libarchive_filters(fd.get())) return extract_with_filters(tar_path, dest);
  return extract_layer_fd(fd.get(), dest);
}

}  // namespace mydocker::daemon::images
