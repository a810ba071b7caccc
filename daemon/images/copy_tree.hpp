#pragma once
// cp -a for the vfs fallback: files, directories, symlinks, device nodes,
// owners, modes and times; overlay whiteouts in `src` delete from `dst`.
#include <string>

#include "common/error.hpp"

namespace mydocker::daemon::images {

Result<void> copy_tree(const std::string& src, const std::string& dst);

}  // namespace mydocker::daemon::images
