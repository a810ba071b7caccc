#include "common/random_id.hpp"

#include <sys/random.h>

#include <cstdint>

namespace mydocker {

std::string random_hex_id() {
  static constexpr char kHex[] = "0123456789abcdef";
  for (;;) {
    uint8_t raw[32];
    size_t got = 0;
    while (got < sizeof raw) {
      ssize_t n = ::getrandom(raw + got, sizeof raw - got, 0);
      if (n > 0) got += static_cast<size_t>(n);
    }
    std::string id;
    id.reserve(64);
    bool has_letter = false;
    for (uint8_t b : raw) {
      id.push_back(kHex[b >> 4]);
      id.push_back(kHex[b & 15]);
    }
    for (size_t i = 0; i < 12; ++i) has_letter |= id[i] >= 'a';
    if (has_letter) return id;
  }
}

}  // namespace mydocker
