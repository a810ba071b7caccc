#pragma once
// One file descriptor passed over a Unix socket with SCM_RIGHTS, alongside
// the bytes of `data`. No allocation, no exceptions: usable between
// clone() and exec() (a container's console) as well as by the daemon.
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace mydocker {

// Sends data (at least one byte) with fd attached (-1: none). Returns the
// bytes sent, or -errno.
inline long send_with_fd(int sock, const void* data, size_t len, int fd) {
  iovec iov{const_cast<void*>(data), len};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  if (fd >= 0) {
    msg.msg_control = control;
    msg.msg_controllen = sizeof control;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  ssize_t n;
  do n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (n < 0 && errno == EINTR);
  return n < 0 ? -errno : long(n);
}

// Receives up to len bytes; *fd_out gets a passed descriptor (close-on-exec)
// or -1. Returns the bytes read (0 at EOF), or -errno.
inline long recv_with_fd(int sock, void* data, size_t len, int* fd_out, int flags = 0) {
  iovec iov{data, len};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  *fd_out = -1;
  ssize_t n;
  do n = ::recvmsg(sock, &msg, MSG_CMSG_CLOEXEC | flags);
  while (n < 0 && errno == EINTR);
  if (n < 0) return -errno;
  for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS && c->cmsg_len == CMSG_LEN(sizeof(int)))
      std::memcpy(fd_out, CMSG_DATA(c), sizeof(int));
  return long(n);
}

}  // namespace mydocker
