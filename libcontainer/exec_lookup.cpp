#include "libcontainer/exec_lookup.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mydocker::libcontainer {

namespace {
int check(const char* path) {
  struct stat st;
  if (::stat(path, &st) != 0) return errno;
  if (S_ISDIR(st.st_mode) || ::access(path, X_OK) != 0) return EACCES;
  return 0;
}
}  // namespace

int find_executable(const char* name, const char* path_env, char* out, size_t cap) {
  const size_t nlen = std::strlen(name);
  if (std::strchr(name, '/')) {
    if (nlen + 1 > cap) return ENAMETOOLONG;
    std::memcpy(out, name, nlen + 1);
    return check(out);
  }
  if (!path_env || !*path_env) path_env = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  // As Go's LookPath (and so Docker): a file that is there but cannot be
  // run does not count as found.
  const char* p = path_env;
  for (;;) {
    const char* colon = std::strchr(p, ':');
    size_t dlen = colon ? size_t(colon - p) : std::strlen(p);
    if (dlen == 0) {
      dlen = 1;
      p = ".";
    }
    if (dlen + 1 + nlen + 1 <= cap) {
      std::memcpy(out, p, dlen);
      out[dlen] = '/';
      std::memcpy(out + dlen + 1, name, nlen + 1);
      if (check(out) == 0) return 0;
    }
    if (!colon) break;
    p = colon + 1;
  }
  return ENOENT;
}

}  // namespace mydocker::libcontainer
