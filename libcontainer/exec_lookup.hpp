#pragma once
// Finds the executable the way execvp would, in the container's root and
// with the container's PATH, before exec: so that a missing command gives
// Docker's message instead of a bare ENOENT. No allocation.
#include <cstddef>

namespace mydocker::libcontainer {

// Fills out (cap bytes) with the path to exec. Returns 0, ENOENT (not found
// / no such file), EACCES (not executable or a directory).
int find_executable(const char* name, const char* path_env, char* out, size_t cap);

}  // namespace mydocker::libcontainer
