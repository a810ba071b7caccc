#include "daemon/networks/ipv4.hpp"

#include <arpa/inet.h>

#include <cstdio>

namespace mydocker::daemon::networks {

std::optional<uint32_t> parse_ipv4(const std::string& text) {
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string format_ipv4(uint32_t ip) {
  char buf[INET_ADDRSTRLEN];
  in_addr a{htonl(ip)};
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

std::optional<Subnet> parse_subnet(const std::string& text, bool allow_host_bits) {
  const size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto ip = parse_ipv4(text.substr(0, slash));
  int prefix = -1, used = 0;
  if (!ip || std::sscanf(text.c_str() + slash + 1, "%d%n", &prefix, &used) != 1 ||
      size_t(used) != text.size() - slash - 1 || prefix < 0 || prefix > 32)
    return std::nullopt;
  Subnet s{*ip, prefix};
  if ((*ip & s.mask()) != *ip && !allow_host_bits) return std::nullopt;
  s.network = *ip & s.mask();
  return s;
}

std::string Subnet::str() const { return format_ipv4(network) + "/" + std::to_string(prefix); }

std::string mac_for(uint32_t ip) {
  char buf[18];
  std::snprintf(buf, sizeof buf, "02:42:%02x:%02x:%02x:%02x", ip >> 24, (ip >> 16) & 0xff, (ip >> 8) & 0xff, ip & 0xff);
  return buf;
}

}  // namespace mydocker::daemon::networks
