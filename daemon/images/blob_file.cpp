#include "daemon/images/blob_file.hpp"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>
#include <zlib.h>

#include <vector>

#include "common/fs.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::daemon::images {

namespace {
constexpr size_t kChunk = 1 << 16;

}  // namespace

Result<std::string> file_digest(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(Error::from_errno(errno, "open " + path));
  Sha256 h;
  std::vector<char> buf(kChunk);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno(errno, "read " + path));
    if (n == 0) break;
    h.update(std::string_view(buf.data(), size_t(n)));
  }
  return h.digest();
}

Result<LayerBlob> gzip_file(const std::string& src, const std::string& dest) {
  UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return fail(Error::from_errno(errno, "open " + src));
  UniqueFd out(::open(dest.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!out) return fail(Error::from_errno(errno, "create " + dest));
  LayerBlob blob;
  blob.media_type = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  Sha256 h;
  std::vector<unsigned char> ibuf(kChunk), obuf(kChunk);
  unsigned char magic[2] = {};
  const bool already = ::pread(in.get(), magic, 2, 0) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  z_stream z{};
  // windowBits 15 + 16: a gzip wrapper; its header carries no time, so the
  // same tarball always gives the same blob.
  if (!already && deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    return fail(Error::internal("deflateInit2 failed"));
  struct End {
    z_stream* z;
    bool active;
    ~End() {
      if (active) deflateEnd(z);
    }
  } end{&z, !already};
  auto emit = [&](const unsigned char* p, size_t n) -> Result<void> {
    h.update(std::string_view(reinterpret_cast<const char*>(p), n));
    blob.size += int64_t(n);
    return fs::write_all(out.get(), std::string_view(reinterpret_cast<const char*>(p), n), dest);
  };
  for (bool eof = false; !eof;) {
    ssize_t n = ::read(in.get(), ibuf.data(), ibuf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno(errno, "read " + src));
    eof = n == 0;
    if (already) {
      if (n > 0) TRY_VOID(emit(ibuf.data(), size_t(n)));
      continue;
    }
    z.next_in = ibuf.data();
    z.avail_in = unsigned(n);
    do {
      z.next_out = obuf.data();
      z.avail_out = unsigned(obuf.size());
      if (deflate(&z, eof ? Z_FINISH : Z_NO_FLUSH) == Z_STREAM_ERROR) return fail(Error::internal("deflate failed"));
      TRY_VOID(emit(obuf.data(), obuf.size() - z.avail_out));
    } while (z.avail_out == 0);
  }
  blob.digest = h.digest();
  return blob;
}

}  // namespace mydocker::daemon::images
