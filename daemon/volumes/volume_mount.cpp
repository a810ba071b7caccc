#include "daemon/volumes/volume_mount.hpp"

#include <sys/mount.h>

#include <cerrno>
#include <sstream>
#include <vector>

#include "libcontainer/mount_options.hpp"

namespace mydocker::daemon::volumes {

Result<void> mount_volume_fs(const std::map<std::string, std::string>& options, const std::string& target) {
  auto get = [&](const char* k) {
    auto it = options.find(k);
    return it == options.end() ? std::string() : it->second;
  };
  std::string type = get("type"), device = get("device");
  std::vector<std::string> opts;
  std::stringstream ss(get("o"));
  for (std::string o; std::getline(ss, o, ',');)
    if (!o.empty()) opts.push_back(o);
  if (auto size = get("size"); !size.empty()) opts.push_back("size=" + size);
  auto parsed = libcontainer::parse_mount_options(opts);
  if (type == "none") type.clear();  // o=bind: a bind of device
  if (type == "tmpfs" && device.empty()) device = "tmpfs";
  const unsigned long flags = parsed.flags | (parsed.bind ? MS_BIND : 0);
  if (::mount(device.c_str(), target.c_str(), type.empty() ? nullptr : type.c_str(), flags,
              parsed.data.empty() ? nullptr : parsed.data.c_str()) != 0)
    return fail(Error::from_errno(errno, "error while mounting volume '" + target + "'"));
  if (parsed.bind && parsed.readonly &&
      ::mount(nullptr, target.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
    const int e = errno;
    (void)::umount2(target.c_str(), MNT_DETACH);
    return fail(Error::from_errno(e, "remount volume read-only '" + target + "'"));
  }
  return {};
}

Result<void> unmount_volume_fs(const std::string& target) {
  if (::umount2(target.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT)
    return fail(Error::from_errno(errno, "unmount " + target));
  return {};
}

}  // namespace mydocker::daemon::volumes
