#pragma once
// Small file-system helpers. Every state write goes through
// write_file_atomic: temp file, fsync, rename.
#include <cstdint>
#include <string>
#include <string_view>
#include <sys/types.h>

#include "common/error.hpp"

namespace mydocker::fs {

Result<std::string> read_file(const std::string& path);
Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode = 0644);
Result<void> write_file(const std::string& path, std::string_view data, mode_t mode = 0644);
// Every byte of data to fd (short writes and EINTR retried); `what` names
// the file in the error.
Result<void> write_all(int fd, std::string_view data, const std::string& what);
// mkdir -p; existing directories are fine.
Result<void> mkdir_all(const std::string& path, mode_t mode = 0755);
// rm -rf that never follows symlinks and never crosses into other mounts'
// content by accident (it refuses to descend into mount points).
Result<void> remove_all(const std::string& path);
bool exists(const std::string& path);
bool is_dir(const std::string& path);
// Bytes of the regular files under a folder, symlinks not followed (what
// Docker reports as a volume's or a layer's size); 0 for a missing folder.
int64_t tree_size(const std::string& path);

}  // namespace mydocker::fs
