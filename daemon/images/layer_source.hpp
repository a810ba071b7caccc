#pragma once
// A layer's bytes as the tar reader wants them: read from a file or a pipe,
// decompressed here (gzip through zlib, zstd through libzstd, or plain tar)
// and hashed on the way, so that one pass yields both the files and the
// layer's diff id (sha256 of the uncompressed tar). libarchive then only
// parses tar; it never decompresses or reads the input twice.
#include <zlib.h>
#include <zstd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/images/digest.hpp"

namespace mydocker::daemon::images {

class LayerSource {
 public:
  explicit LayerSource(int fd);  // not owned
  ~LayerSource();
  LayerSource(const LayerSource&) = delete;
  LayerSource& operator=(const LayerSource&) = delete;

  // The next piece of uncompressed data: its size (0 at the end); *data
  // points into our buffer until the next call. -1 on error (see error()).
  int64_t read(const void** data);
  // Reads and hashes whatever the tar reader left (the archive's padding
  // after its end marker): the diff id covers every byte.
  Result<void> drain();
  // "sha256:<hex>" of all uncompressed bytes read so far.
  std::string digest();
  const std::string& error() const { return error_; }

 private:
  enum class Kind { Unknown, Plain, Gzip, Zstd };
  bool fill_input();
  int64_t produce(const void** data);
  int64_t fail_with(std::string message);

  int fd_;
  Kind kind_ = Kind::Unknown;
  std::vector<unsigned char> in_, out_;
  size_t in_pos_ = 0, in_len_ = 0;
  bool in_eof_ = false;
  bool out_full_ = false;    // the decoder filled our buffer: more may be pending
  bool mid_stream_ = false;  // inside a gzip member or zstd frame: EOF here is truncation
  z_stream z_{};
  bool z_init_ = false;
  ZSTD_DStream* zstd_ = nullptr;
  Sha256 hash_;
  std::string error_;
};

}  // namespace mydocker::daemon::images
