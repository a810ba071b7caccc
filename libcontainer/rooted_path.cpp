#include "libcontainer/rooted_path.hpp"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mydocker::libcontainer {

namespace {
int openat2_in_root(int root_fd, const char* rel, unsigned long flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  while (*rel == '/') ++rel;
  long fd = ::syscall(SYS_openat2, root_fd, *rel ? rel : ".", &how, sizeof how);
  return fd < 0 ? -errno : int(fd);
}
}  // namespace

int open_in_root(int root_fd, const char* rel) { return openat2_in_root(root_fd, rel, O_PATH); }

int make_mount_point_in_root(int root_fd, const char* rel, bool file) {
  char buf[4096];
  while (*rel == '/') ++rel;
  const size_t n = std::strlen(rel);
  if (n >= sizeof buf) return ENAMETOOLONG;
  std::memcpy(buf, rel, n + 1);
  if (int fd = open_in_root(root_fd, buf); fd >= 0) {
    ::close(fd);
    return 0;  // already there (whatever a symlink on the way pointed at, inside the root)
  }
  // Each component in turn: its parent resolved inside the root, then
  // created there. A component that is a symlink is left alone by
  // mkdirat (EEXIST) and followed, inside the root, on the next step.
  for (size_t i = 0; i <= n; ++i) {
    if (buf[i] != '/' && buf[i] != 0) continue;
    if (i == 0) continue;
    const char saved = buf[i];
    buf[i] = 0;
    char* slash = std::strrchr(buf, '/');
    const char* name = slash ? slash + 1 : buf;
    int parent;
    if (slash) {
      *slash = 0;
      parent = openat2_in_root(root_fd, buf, O_PATH | O_DIRECTORY);
      *slash = '/';
    } else {
      parent = openat2_in_root(root_fd, ".", O_PATH | O_DIRECTORY);
    }
    if (parent < 0) return -parent;
    const bool last = saved == 0;
    int r = 0;
    if (*name && !(name[0] == '.' && (name[1] == 0 || (name[1] == '.' && name[2] == 0)))) {
      if (last && file) {
        // O_NOFOLLOW: a dangling symlink there is refused, not followed out.
        int fd = ::openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        r = fd < 0 && errno != EEXIST ? errno : 0;
        if (fd >= 0) ::close(fd);
      } else {
        r = ::mkdirat(parent, name, 0755) != 0 && errno != EEXIST ? errno : 0;
      }
    }
    ::close(parent);
    buf[i] = saved;
    if (r) return r;
  }
  int fd = open_in_root(root_fd, buf);
  if (fd < 0) return -fd;
  ::close(fd);
  return 0;
}

void fd_path(int fd, char* buf, size_t cap) {
  static const char kPrefix[] = "/proc/self/fd/";
  char digits[16];
  int n = 0;
  unsigned v = unsigned(fd);
  do digits[n++] = char('0' + v % 10);
  while ((v /= 10) != 0);
  size_t at = 0;
  for (const char* c = kPrefix; *c && at + 1 < cap; ++c) buf[at++] = *c;
  while (n > 0 && at + 1 < cap) buf[at++] = digits[--n];
  buf[at] = 0;
}

}  // namespace mydocker::libcontainer
