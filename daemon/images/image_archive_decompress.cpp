#include "daemon/images/image_archive_decompress.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <memory>
#include <vector>

#include "common/unique_fd.hpp"
#include "daemon/images/blob_file.hpp"
#include "daemon/images/image_archive_tar.hpp"

namespace mydocker::daemon::images {

namespace {
struct ReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};
}  // namespace

Result<Decompressed> decompress_into(const std::string& src, int dest_fd, const std::string& dest_name) {
  std::unique_ptr<archive, ReadFree> a(archive_read_new());
  archive_read_support_filter_all(a.get());
  archive_read_support_format_raw(a.get());  // the bytes after the filters, whatever they are
  archive_entry* e = nullptr;
  if (archive_read_open_filename(a.get(), src.c_str(), 1 << 16) != ARCHIVE_OK ||
      archive_read_next_header(a.get(), &e) != ARCHIVE_OK) {
    const char* msg = archive_error_string(a.get());
    return fail(Error::invalid("read layer " + src + ": " + (msg ? msg : "unknown error")));
  }
  Sha256 h;
  Decompressed out;
  const ArchiveSink to_file = fd_sink(dest_fd);
  std::vector<char> buf(1 << 16);
  for (;;) {
    const la_ssize_t n = archive_read_data(a.get(), buf.data(), buf.size());
    if (n < 0) {
      const char* msg = archive_error_string(a.get());
      return fail(Error::invalid("decompress layer " + src + ": " + (msg ? msg : "unknown error")));
    }
    if (n == 0) break;
    const std::string_view piece(buf.data(), size_t(n));
    h.update(piece);
    out.size += n;
    if (!to_file(piece)) return fail(Error::from_errno(errno, "write " + dest_name));
  }
  out.digest = h.digest();
  return out;
}

bool compressed_other_than_gzip(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  unsigned char m[6] = {};
  if (!fd || ::read(fd.get(), m, sizeof m) < 4) return false;
  const bool zstd = m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd;
  const bool xz = std::memcmp(m, "\xfd" "7zXZ", 5) == 0;
  const bool bzip2 = std::memcmp(m, "BZh", 3) == 0;
  return zstd || xz || bzip2;
}

}  // namespace mydocker::daemon::images
