#include "format/stream.hpp"

#include <cstdint>

namespace mydocker::cli::format {

void Demuxer::feed(std::string_view data) {
  buf_.append(data);
  size_t pos = 0;
  while (buf_.size() - pos >= 8) {
    const auto* h = reinterpret_cast<const unsigned char*>(buf_.data() + pos);
    const uint32_t size = uint32_t(h[4]) << 24 | uint32_t(h[5]) << 16 | uint32_t(h[6]) << 8 | uint32_t(h[7]);
    if (buf_.size() - pos - 8 < size) break;
    int stream = h[0] == 2 ? 2 : 1;
    sink_(stream, std::string_view(buf_).substr(pos + 8, size));
    pos += 8 + size;
  }
  buf_.erase(0, pos);
}

}  // namespace mydocker::cli::format
