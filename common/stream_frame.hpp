#pragma once
// The 8-byte header that multiplexes stdout and stderr on attach and logs
// streams without a tty: [stream, 0, 0, 0, size as uint32 big-endian].
#include <array>
#include <cstddef>

namespace mydocker {

inline std::array<char, 8> stream_frame_header(int stream, size_t len) {
  return {char(stream), 0, 0, 0, char((len >> 24) & 0xff), char((len >> 16) & 0xff), char((len >> 8) & 0xff),
          char(len & 0xff)};
}

}  // namespace mydocker
