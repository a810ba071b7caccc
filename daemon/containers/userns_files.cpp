#include "daemon/containers/userns_files.hpp"

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "libcontainer/userns.hpp"

namespace mydocker::daemon::containers {

namespace {

// nftw() takes a plain function: the maps travel in a thread-local.
thread_local const UsernsMaps* t_maps = nullptr;
thread_local int t_error = 0;

int shift_one(const char* path, const struct stat* st, int /*type*/, FTW* /*ftw*/) {
  const auto uid = libcontainer::host_id_of(t_maps->uids, st->st_uid);
  const auto gid = libcontainer::host_id_of(t_maps->gids, st->st_gid);
  if (::lchown(path, uid ? *uid : st->st_uid, gid ? *gid : st->st_gid) != 0) {
    t_error = errno;
    return 1;
  }
  // chown() clears set-user-ID and set-group-ID bits: put them back.
  if (S_ISREG(st->st_mode) && (st->st_mode & (S_ISUID | S_ISGID)) && ::chmod(path, st->st_mode & 07777) != 0) {
    t_error = errno;
    return 1;
  }
  return 0;
}

}  // namespace

uint32_t container_id_of(const std::vector<libcontainer::spec::IdMapping>& maps, uint32_t host_id) {
  for (const auto& m : maps)
    if (host_id >= m.host_id && host_id - m.host_id < m.size) return m.container_id + (host_id - m.host_id);
  return host_id;
}

Result<void> shift_owners(const std::string& path, const UsernsMaps& maps) {
  if (maps.empty()) return {};
  t_maps = &maps;
  t_error = 0;
  const int r = ::nftw(path.c_str(), shift_one, 32, FTW_PHYS | FTW_MOUNT);
  t_maps = nullptr;
  if (r != 0) return fail(Error::from_errno(t_error ? t_error : errno, "shift owners under " + path));
  return {};
}

}  // namespace mydocker::daemon::containers
