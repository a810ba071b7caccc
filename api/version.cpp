#include "api/version.hpp"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <limits>

namespace mydocker::api {

int version_number(const std::string& v) {
  // "<major>.<minor>" in decimal digits. Numbers too large for an int
  // (the version comes from the request path) are simply too new; they
  // must not overflow (sscanf's %d and major * 1000 did).
  uint64_t parts[2] = {0, 0};
  const char* p = v.data();
  const char* const end = p + v.size();
  for (int i = 0; i < 2; ++i) {
    if (p == end || *p < '0' || *p > '9') return -1;
    auto [next, ec] = std::from_chars(p, end, parts[i]);
    if (ec == std::errc::result_out_of_range) parts[i] = UINT64_MAX;
    p = next;
    if (i == 0 && (p == end || *p++ != '.')) return -1;
  }
  if (p != end) return -1;
  constexpr uint64_t kMax = std::numeric_limits<int>::max();
  if (parts[0] > kMax / 1000 || parts[1] > kMax) return int(kMax);
  return int(std::min(parts[0] * 1000 + parts[1], kMax));
}

std::string check_api_version(const std::string& version) {
  int v = version_number(version);
  if (v < 0) return "invalid API version: " + version;
  if (v < version_number(kMinApiVersion))
    return "client version " + version + " is too old. Minimum supported API version is " + kMinApiVersion +
           ", please upgrade your client to a newer version";
  if (v > version_number(kApiVersion))
    return "client version " + version + " is too new. Maximum supported API version is " + kApiVersion;
  return {};
}

}  // namespace mydocker::api
