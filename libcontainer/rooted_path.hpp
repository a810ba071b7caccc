#pragma once
// Paths inside a container's root resolved as if that root were "/": a
// symlink in the image (/data -> /etc) can never lead a mount, a mkdir or
// a created file out to the host (openat2 with RESOLVE_IN_ROOT, the kernel
// doing what runc's securejoin does by hand). Safe between clone() and
// exec(): no allocation, errors as errno values.
#include <cstddef>

namespace mydocker::libcontainer {

// An O_PATH fd of `rel` ("data/x", no leading slash needed) under root_fd;
// -errno on failure.
int open_in_root(int root_fd, const char* rel);

// mkdir -p of `rel` under root_fd, or with file=true its parents and an
// empty file: the mount point of a bind. Returns 0 or an errno.
int make_mount_point_in_root(int root_fd, const char* rel, bool file);

// "/proc/self/fd/N" into buf: a path naming what fd names, for mount(2).
void fd_path(int fd, char* buf, size_t cap);

}  // namespace mydocker::libcontainer
