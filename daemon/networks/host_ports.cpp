#include "daemon/networks/host_ports.hpp"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "daemon/networks/ipv4.hpp"

namespace mydocker::daemon::networks {

namespace {
// 0 and the chosen port on success, else the errno of bind.
int try_bind(int fd, uint32_t host_ip, int port, int& chosen) {
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(uint16_t(port));
  a.sin_addr.s_addr = htonl(host_ip);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) return errno;
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  chosen = ntohs(a.sin_port);
  return 0;
}
}  // namespace

Result<UniqueFd> reserve_host_port(PortMapping& p) {
  const uint32_t host_ip = p.host_ip.empty() || p.host_ip == "0.0.0.0" ? 0 : parse_ipv4(p.host_ip).value_or(0);
  const int last = p.host_port_end > p.host_port ? p.host_port_end : p.host_port;
  const std::string where = (host_ip ? p.host_ip : "0.0.0.0") + ":" + std::to_string(p.host_port) +
                            (last != p.host_port ? "-" + std::to_string(last) : "");
  for (int port = p.host_port; port <= last; ++port) {
    // A socket per try: one that failed to bind cannot be bound again.
    UniqueFd s(::socket(AF_INET, (p.proto == "udp" ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0));
    if (!s) return fail(Error::from_errno(errno, "socket"));
    int chosen = 0;
    const int err = try_bind(s.get(), host_ip, port, chosen);
    if (err == 0) {
      p.host_port = chosen;
      p.host_port_end = 0;
      if (p.host_ip.empty()) p.host_ip = "0.0.0.0";
      return s;
    }
    if (err != EADDRINUSE) return fail(Error::from_errno(err, "Bind for " + where + " failed"));
  }
  return fail(Error::internal("Bind for " + where + " failed: port is already allocated"));
}

}  // namespace mydocker::daemon::networks
