#include "daemon/images/layer_source.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mydocker::daemon::images {

namespace {
constexpr size_t kInputBuffer = 1 << 17;
constexpr size_t kOutputBuffer = 1 << 18;
}  // namespace

LayerSource::LayerSource(int fd)
    : fd_(fd), in_(kInputBuffer), out_(kOutputBuffer) {}

LayerSource::~LayerSource() {
  if (z_init_) inflateEnd(&z_);
  if (zstd_) ZSTD_freeDStream(zstd_);
}

int64_t LayerSource::fail_with(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return -1;
}

// True when there are unread input bytes; false at the end of the input or
// on a read error (error_ set).
bool LayerSource::fill_input() {
  if (in_pos_ < in_len_) return true;
  if (in_eof_) return false;
  for (;;) {
    const ssize_t n = ::read(fd_, in_.data(), in_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      fail_with(std::string("read layer: ") + std::strerror(errno));
      in_eof_ = true;
      return false;
    }
    if (n == 0) {
      in_eof_ = true;
      return false;
    }
    in_pos_ = 0;
    in_len_ = size_t(n);
    return true;
  }
}

int64_t LayerSource::read(const void** data) {
  if (!error_.empty()) return -1;
  if (kind_ == Kind::Unknown) {
    // The magic numbers of gzip and zstd frames; anything else is taken as
    // an uncompressed tar (the tar reader then judges it).
    while (in_len_ < 4 && !in_eof_) {
      const ssize_t n = ::read(fd_, in_.data() + in_len_, in_.size() - in_len_);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail_with(std::string("read layer: ") + std::strerror(errno));
      if (n == 0) in_eof_ = true;
      in_len_ += size_t(n);
    }
    const unsigned char* p = in_.data();
    if (in_len_ >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
      kind_ = Kind::Gzip;
      if (inflateInit2(&z_, 15 + 16) != Z_OK) return fail_with("gzip: cannot initialise zlib");
      z_init_ = true;
    } else if (in_len_ >= 4 && p[0] == 0x28 && p[1] == 0xb5 && p[2] == 0x2f && p[3] == 0xfd) {
      kind_ = Kind::Zstd;
      zstd_ = ZSTD_createDStream();
      if (!zstd_) return fail_with("zstd: cannot create a decompression stream");
    } else {
      kind_ = Kind::Plain;
    }
  }
  const int64_t n = produce(data);
  if (n > 0) hash_.update(std::string_view(static_cast<const char*>(*data), size_t(n)));
  return n;
}

int64_t LayerSource::produce(const void** data) {
  if (kind_ == Kind::Plain) {
    if (!fill_input()) return error_.empty() ? 0 : -1;
    *data = in_.data() + in_pos_;
    const size_t n = in_len_ - in_pos_;
    in_pos_ = in_len_;
    return int64_t(n);
  }
  for (;;) {
    // More output may be waiting in the decoder even with no new input.
    const bool need_input = in_pos_ == in_len_ && !out_full_;
    if (need_input && !fill_input()) {
      if (!error_.empty()) return -1;
      if (mid_stream_) return fail_with(kind_ == Kind::Gzip ? "gzip: unexpected EOF" : "zstd: unexpected EOF");
      return 0;
    }
    size_t produced = 0;
    if (kind_ == Kind::Gzip) {
      z_.next_in = in_.data() + in_pos_;
      z_.avail_in = unsigned(in_len_ - in_pos_);
      z_.next_out = out_.data();
      z_.avail_out = unsigned(out_.size());
      const int r = inflate(&z_, Z_NO_FLUSH);
      in_pos_ = in_len_ - z_.avail_in;
      produced = out_.size() - z_.avail_out;
      out_full_ = z_.avail_out == 0;
      if (r == Z_STREAM_END) {
        // One member done; a next one may follow (gzip files may be concatenated).
        inflateReset(&z_);
        mid_stream_ = false;
      } else if (r == Z_OK || (r == Z_BUF_ERROR && produced == 0)) {
        mid_stream_ = true;
      } else {
        return fail_with(std::string("gzip: ") + (z_.msg ? z_.msg : "invalid compressed data"));
      }
    } else {
      ZSTD_inBuffer in{in_.data() + in_pos_, in_len_ - in_pos_, 0};
      ZSTD_outBuffer out{out_.data(), out_.size(), 0};
      const size_t r = ZSTD_decompressStream(zstd_, &out, &in);
      if (ZSTD_isError(r)) return fail_with(std::string("zstd: ") + ZSTD_getErrorName(r));
      in_pos_ += in.pos;
      produced = out.pos;
      out_full_ = out.pos == out.size;
      mid_stream_ = r != 0;  // 0: a frame ended exactly here
    }
    if (produced > 0) {
      *data = out_.data();
      return int64_t(produced);
    }
  }
}

Result<void> LayerSource::drain() {
  const void* data;
  for (;;) {
    const int64_t n = read(&data);
    if (n < 0) return fail(Error::invalid("read layer: " + error_));
    if (n == 0) return {};
  }
}

std::string LayerSource::digest() { return hash_.digest(); }

}  // namespace mydocker::daemon::images
