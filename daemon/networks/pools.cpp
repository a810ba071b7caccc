#include "daemon/networks/pools.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdio>
#include <fstream>

namespace mydocker::daemon::networks {

std::vector<Subnet> default_pools() {
  std::vector<Subnet> pools;
  for (uint32_t b = 17; b <= 31; ++b) pools.push_back({(172u << 24) | (b << 16), 16});
  for (uint32_t c = 0; c < 256; c += 16) pools.push_back({(192u << 24) | (168u << 16) | (c << 8), 20});
  return pools;
}

std::vector<Subnet> host_subnets(const std::string& own_bridge) {
  std::vector<Subnet> out;
  std::ifstream routes("/proc/net/route");
  std::string line;
  std::getline(routes, line);  // header
  while (std::getline(routes, line)) {
    char iface[64];
    unsigned dest = 0, gw = 0, flags = 0, refcnt = 0, use = 0, metric = 0, mask = 0;
    if (std::sscanf(line.c_str(), "%63s %x %x %x %u %u %u %x", iface, &dest, &gw, &flags, &refcnt, &use, &metric, &mask) != 8)
      continue;
    if (own_bridge == iface || mask == 0) continue;  // the default route covers nothing of its own
    const uint32_t m = ntohl(mask), d = ntohl(dest);
    out.push_back({d & m, __builtin_popcount(m)});
  }
  ifaddrs* ifs = nullptr;
  if (::getifaddrs(&ifs) == 0) {
    for (ifaddrs* i = ifs; i; i = i->ifa_next) {
      if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET || !i->ifa_netmask || own_bridge == i->ifa_name) continue;
      const uint32_t a = ntohl(reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr.s_addr);
      const uint32_t m = ntohl(reinterpret_cast<sockaddr_in*>(i->ifa_netmask)->sin_addr.s_addr);
      out.push_back({a & m, __builtin_popcount(m)});
    }
    ::freeifaddrs(ifs);
  }
  return out;
}

std::optional<Subnet> pick_pool(const std::vector<Subnet>& host, const std::vector<Subnet>& ours) {
  for (const auto& pool : default_pools()) {
    bool clash = false;
    for (const auto& t : host) clash |= pool.overlaps(t);
    for (const auto& t : ours) clash |= pool.overlaps(t);
    if (!clash) return pool;
  }
  return std::nullopt;
}

}  // namespace mydocker::daemon::networks
