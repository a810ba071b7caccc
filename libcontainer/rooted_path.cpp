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

namespace {
bool is_dot_name(const char* n) { return n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0)); }

// out = the link's folder + link + "/" + rest, for a symlink met on the way whose
// target does not exist yet: it is made where the link points, inside the
// root (RESOLVE_IN_ROOT clamps any "..").
int follow_dangling(int parent, const char* name, const char* prefix_dir, const char* rest, char* out, size_t cap) {
  char link[4096];
  ssize_t n = ::readlinkat(parent, name, link, sizeof link - 1);
  if (n < 0) return errno;
  link[n] = 0;
  size_t at = 0;
  auto put = [&](const char* s) {
    for (; *s; ++s) {
      if (at + 1 >= cap) return false;
      out[at++] = *s;
    }
    return true;
  };
  bool ok = true;
  if (link[0] != '/') ok = put(prefix_dir) && put("/");
  ok = ok && put(link) && (!*rest || (put("/") && put(rest)));
  out[at] = 0;
  return ok ? 0 : ENAMETOOLONG;
}

int make_in_root(int root_fd, const char* rel, bool file, int depth) {
  if (depth > 16) return ELOOP;
  char buf[4096];
  while (*rel == '/') ++rel;
  const size_t n = std::strlen(rel);
  if (n >= sizeof buf) return ENAMETOOLONG;
  std::memcpy(buf, rel, n + 1);
  if (int fd = open_in_root(root_fd, buf); fd >= 0) {
    ::close(fd);
    return 0;  // already there (whatever a symlink on the way pointed at, inside the root)
  }
  // Each component in turn: its parent resolved inside the root, then the
  // component made there.
  for (size_t i = 1; i <= n; ++i) {
    if (buf[i] != '/' && buf[i] != 0) continue;
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
    if (*name && !is_dot_name(name)) {
      if (last && file) {
        // O_NOFOLLOW: never through a symlink here (handled below).
        int fd = ::openat(parent, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        r = fd < 0 && errno != EEXIST ? errno : 0;
        if (fd >= 0) ::close(fd);
      } else {
        r = ::mkdirat(parent, name, 0755) != 0 && errno != EEXIST ? errno : 0;
      }
      struct stat st;
      if (r == 0 && ::fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode)) {
        if (int fd = open_in_root(root_fd, buf); fd >= 0) {
          ::close(fd);  // it leads somewhere inside the root that exists
        } else {
          // A dangling symlink: make its target instead, inside the root.
          char next[4096];
          const char* rest = saved ? buf + i + 1 : "";
          if (slash) *slash = 0;  // buf: the link's folder; name: the link
          r = follow_dangling(parent, name, slash ? buf : ".", rest, next, sizeof next);
          ::close(parent);
          return r ? r : make_in_root(root_fd, next, file, depth + 1);
        }
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
}  // namespace

int make_mount_point_in_root(int root_fd, const char* rel, bool file) { return make_in_root(root_fd, rel, file, 0); }

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
