#pragma once
// Small helpers shared by the libFuzzer targets of this folder.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

namespace mydocker::fuzz {

inline std::string_view as_view(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits an input at NUL bytes into at most `max_parts` pieces (the last one
// keeps the rest): the corpus files are then readable ("part0\0part1").
inline std::vector<std::string> split_parts(std::string_view in, size_t max_parts) {
  std::vector<std::string> out;
  while (out.size() + 1 < max_parts) {
    const size_t nul = in.find('\0');
    if (nul == std::string_view::npos) break;
    out.emplace_back(in.substr(0, nul));
    in.remove_prefix(nul + 1);
  }
  out.emplace_back(in);
  return out;
}

// A property the code must keep (a round trip, a bound) did not hold: a
// finding, reported like a crash so libFuzzer saves the input.
[[noreturn]] inline void property_failed(const char* what, std::string_view detail) {
  std::fprintf(stderr, "fuzz property violated: %s: %.*s\n", what, int(detail.size()), detail.data());
  std::abort();
}

}  // namespace mydocker::fuzz
