#pragma once
// The API version we speak and the oldest we accept, as dockerd reports them.
#include <string>

namespace mydocker::api {

inline constexpr const char* kApiVersion = "1.48";
inline constexpr const char* kMinApiVersion = "1.24";
inline constexpr const char* kEngineVersion = "0.1.0";
inline constexpr const char* kServerHeader = "mydocker/0.1.0 (linux)";

// "1.41" → 1041, for comparing; -1 when malformed.
int version_number(const std::string& v);

// Empty when the version is acceptable; Docker's message otherwise.
std::string check_api_version(const std::string& version);

}  // namespace mydocker::api
