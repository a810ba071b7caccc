#include "daemon/containers/image_view.hpp"

#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <thread>

namespace mydocker::daemon::containers {

namespace {
// "lowerdir=a:b,upperdir=..." → "a:b".
std::string lowerdirs_of(const std::string& options) {
  const size_t at = options.find("lowerdir=");
  if (at == std::string::npos) return {};
  const size_t start = at + 9, end = options.find(',', start);
  return options.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

// On its own thread: unshare the fs attributes and the mount namespace,
// mount the layers read-only, run fn, and let the namespace die with it.
Result<void> in_private_overlay(const std::string& lowers, const std::string& scratch_dir,
                                const std::function<Result<void>(const std::string&)>& fn) {
  std::string dir = scratch_dir + "/image-view-XXXXXX";
  if (!::mkdtemp(dir.data())) return fail(Error::from_errno(errno, "mkdtemp " + dir));
  Result<void> result = fail(Error::internal("image view thread did not run"));
  std::thread([&] {
    if (::unshare(CLONE_FS | CLONE_NEWNS) != 0) {
      result = fail(Error::from_errno(errno, "unshare mount namespace"));
      return;
    }
    if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      result = fail(Error::from_errno(errno, "make mounts private"));
      return;
    }
    const std::string data = "lowerdir=" + lowers;
    if (::mount("overlay", dir.c_str(), "overlay", MS_RDONLY, data.c_str()) != 0) {
      result = fail(Error::from_errno(errno, "mount image layers"));
      return;
    }
    result = fn(dir);
    ::umount2(dir.c_str(), MNT_DETACH);
  }).join();
  ::rmdir(dir.c_str());
  return result;
}
}  // namespace

Result<void> with_image_root(const std::optional<std::string>& overlay_options, const std::string& rootfs_path,
                             const std::string& scratch_dir, const std::function<Result<void>(const std::string&)>& fn) {
  if (!overlay_options) return fn(rootfs_path);
  const std::string lowers = lowerdirs_of(*overlay_options);
  if (lowers.empty()) return fail(Error::internal("container has no image layers"));
  // One layer is its own view (and overlay wants two lowers without an upper).
  if (lowers.find(':') == std::string::npos) return fn(lowers);
  return in_private_overlay(lowers, scratch_dir, fn);
}

}  // namespace mydocker::daemon::containers
