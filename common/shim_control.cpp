#include "common/shim_control.hpp"

#include "common/fd_passing.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

namespace mydocker::shim_control {

namespace {
sockaddr_un address(const std::string& path) {
  sockaddr_un a{};
  a.sun_family = AF_UNIX;
  std::strncpy(a.sun_path, path.c_str(), sizeof a.sun_path - 1);
  return a;
}
}  // namespace

Result<std::string> send(const std::string& bundle_dir, const std::string& line, int pass_fd) {
  UniqueFd dir(::open(bundle_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir) return fail(Error::from_errno(errno, "open " + bundle_dir));
  UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s) return fail(Error::from_errno(errno, "socket"));
  sockaddr_un a = address("/proc/self/fd/" + std::to_string(dir.get()) + "/" + kSocketName);
  if (::connect(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
    return fail(Error::from_errno(errno, "connect to shim"));
  const long sent = send_with_fd(s.get(), line.data(), line.size(), pass_fd);
  if (sent != long(line.size())) return fail(Error::from_errno(sent < 0 ? int(-sent) : EPIPE, "send to shim"));
  // The shim closes the connection once it has acted: wait for that, so the
  // caller knows the attach or resize is in place.
  std::string reply;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(s.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    reply.append(buf, size_t(n));
  }
  return reply;
}

Result<std::string> receive(int conn, UniqueFd& passed) {
  char buf[4096];
  int fd = -1;
  const long n = recv_with_fd(conn, buf, sizeof buf, &fd);
  passed.reset(fd);
  if (n <= 0) return fail(Error::from_errno(n < 0 ? int(-n) : EPIPE, "read control message"));
  std::string line(buf, size_t(n));
  // A long line (an exec request) comes in pieces: read up to its newline.
  while (line.back() != '\n' && line.size() < (1 << 20)) {
    ssize_t more = ::read(conn, buf, sizeof buf);
    if (more < 0 && errno == EINTR) continue;
    if (more <= 0) break;
    line.append(buf, size_t(more));
  }
  return line;
}

Result<UniqueFd> listen_at(int dir_fd) {
  UniqueFd s(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s) return fail(Error::from_errno(errno, "socket"));
  const std::string path = "/proc/self/fd/" + std::to_string(dir_fd) + "/" + kSocketName;
  ::unlink(path.c_str());
  sockaddr_un a = address(path);
  if (::bind(s.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(s.get(), 16) != 0)
    return fail(Error::from_errno(errno, "listen on control socket"));
  return s;
}

std::string to_hex(const std::string& bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out.empty() ? "-" : out;
}

std::string from_hex(const std::string& hex) {
  std::string out;
  auto v = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2) out.push_back(char(v(hex[i]) * 16 + v(hex[i + 1])));
  return out;
}

}  // namespace mydocker::shim_control
