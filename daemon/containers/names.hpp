#pragma once
#include <functional>
#include <string>

namespace mydocker::daemon::containers {

// Docker's name pattern: [a-zA-Z0-9][a-zA-Z0-9_.-]+ (a leading "/" allowed).
bool valid_container_name(const std::string& name);

// "adjective_surname" like Docker's generated names; `taken` is asked so a
// free one is returned (a digit is appended after a few collisions).
std::string generate_container_name(const std::function<bool(const std::string&)>& taken);

}  // namespace mydocker::daemon::containers
