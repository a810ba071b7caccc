// LayerSource: a layer's bytes decompressed (gzip, zstd, none) and hashed
// in one pass, from a pipe as a download delivers them.
#include "daemon/images/layer_source.hpp"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <random>
#include <string>
#include <thread>

#include "common/unique_fd.hpp"
#include "daemon/images/digest.hpp"

namespace mydocker::daemon::images {
namespace {

std::string gzip_of(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = unsigned(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = unsigned(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(out.size() - z.avail_out);
  deflateEnd(&z);
  return out;
}

std::string zstd_of(const std::string& data) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), 3);
  EXPECT_FALSE(ZSTD_isError(n));
  out.resize(n);
  return out;
}

// Some megabytes, part random (incompressible) and part repetitive, so
// both the input and the output buffers fill and wrap several times.
std::string sample(size_t size) {
  std::mt19937 rng(42);
  std::string s(size, '\0');
  for (size_t i = 0; i < size; ++i) s[i] = (i / 4096) % 2 ? char(rng()) : char('a' + i % 7);
  return s;
}

struct Outcome {
  std::string bytes, digest, error;
};

// Feeds `input` through a pipe in small, uneven pieces from another thread.
Outcome read_all(const std::string& input) {
  int p[2];
  EXPECT_EQ(::pipe(p), 0);
  UniqueFd rd(p[0]), wr(p[1]);
  std::thread writer([&] {
    for (size_t off = 0, step = 1; off < input.size(); off += step, step = step * 3 % 70001 + 1) {
      const size_t n = std::min(step, input.size() - off);
      EXPECT_EQ(::write(wr.get(), input.data() + off, n), ssize_t(n));
    }
    wr.reset();
  });
  Outcome out;
  LayerSource source(rd.get());
  const void* data;
  for (int64_t n; (n = source.read(&data)) != 0;) {
    if (n < 0) {
      out.error = source.error();
      break;
    }
    out.bytes.append(static_cast<const char*>(data), size_t(n));
  }
  writer.join();
  out.digest = source.digest();
  return out;
}

TEST(LayerSource, PlainGzipAndZstdGiveTheSameBytesAndDigest) {
  const std::string data = sample(3 << 20);
  for (const std::string& input : {data, gzip_of(data), zstd_of(data)}) {
    Outcome out = read_all(input);
    EXPECT_EQ(out.error, "");
    EXPECT_EQ(out.bytes.size(), data.size());
    EXPECT_TRUE(out.bytes == data);
    EXPECT_EQ(out.digest, sha256_digest(data));
  }
}

TEST(LayerSource, ConcatenatedGzipMembersAreOneStream) {
  const std::string a = sample(100000), b = "second member";
  Outcome out = read_all(gzip_of(a) + gzip_of(b));
  EXPECT_EQ(out.error, "");
  EXPECT_TRUE(out.bytes == a + b);
}

TEST(LayerSource, TruncatedOrCorruptStreamsAreErrors) {
  const std::string data = sample(1 << 20);
  const std::string gz = gzip_of(data), zs = zstd_of(data);
  EXPECT_EQ(read_all(gz.substr(0, gz.size() / 2)).error, "gzip: unexpected EOF");
  EXPECT_EQ(read_all(zs.substr(0, zs.size() / 2)).error, "zstd: unexpected EOF");
  std::string bad = gz;
  bad[bad.size() / 2] ^= 0x55;
  EXPECT_NE(read_all(bad).error.find("gzip: "), std::string::npos);
}

}  // namespace
}  // namespace mydocker::daemon::images
