#pragma once
// IPv4 addresses and subnets as plain numbers (host byte order), with
// Docker's spellings: "172.17.0.2", "172.17.0.0/16", MACs "02:42:ac:11:00:02".
#include <cstdint>
#include <optional>
#include <string>

namespace mydocker::daemon::networks {

struct Subnet {
  uint32_t network = 0;  // host order, host bits zero
  int prefix = 0;
  uint32_t mask() const { return prefix == 0 ? 0 : ~uint32_t(0) << (32 - prefix); }
  bool contains(uint32_t ip) const { return (ip & mask()) == network; }
  bool overlaps(const Subnet& o) const {
    const uint32_t m = prefix < o.prefix ? mask() : o.mask();
    return (network & m) == (o.network & m);
  }
  uint32_t broadcast() const { return network | ~mask(); }
  std::string str() const;
};

std::optional<uint32_t> parse_ipv4(const std::string& text);
std::string format_ipv4(uint32_t ip);
// "a.b.c.d/n"; host bits must be zero unless allow_host_bits.
std::optional<Subnet> parse_subnet(const std::string& text, bool allow_host_bits = false);
// Docker's MAC for an address: 02:42 and the four address bytes.
std::string mac_for(uint32_t ip);

}  // namespace mydocker::daemon::networks
