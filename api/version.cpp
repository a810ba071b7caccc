#include "api/version.hpp"

#include <cstdio>

namespace mydocker::api {

int version_number(const std::string& v) {
  int major = 0, minor = 0;
  char extra;
  if (std::sscanf(v.c_str(), "%d.%d%c", &major, &minor, &extra) != 2) return -1;
  return major * 1000 + minor;
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
