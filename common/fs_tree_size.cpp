// Apart from fs.cpp so that the shim, which links fs.cpp, does not carry
// std::filesystem's directory walking (the shim is kept small).
#include <sys/stat.h>

#include <filesystem>

#include "common/fs.hpp"

namespace mydocker::fs {

int64_t tree_size(const std::string& path) {
  int64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(
           path, std::filesystem::directory_options::skip_permission_denied, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    struct stat st;
    if (::lstat(it->path().c_str(), &st) == 0 && S_ISREG(st.st_mode)) total += st.st_size;
  }
  return total;
}

}  // namespace mydocker::fs
