#pragma once
// The local driver's mounted volumes (`volume create -o type=tmpfs -o
// device=tmpfs -o o=size=64m`, `-o type=none -o o=bind -o device=/srv`):
// the filesystem is mounted on the host at the volume's _data while a
// container uses it, as Docker's local driver does.
#include <map>
#include <string>

#include "common/error.hpp"

namespace mydocker::daemon::volumes {

Result<void> mount_volume_fs(const std::map<std::string, std::string>& options, const std::string& target);
// Nothing mounted there is fine.
Result<void> unmount_volume_fs(const std::string& target);

}  // namespace mydocker::daemon::volumes
