#pragma once
// The embedded DNS server of user-defined networks: mydockerd answers at
// 127.0.0.11:53 inside each such container's network namespace (a UDP
// socket made in that namespace, served by one daemon thread), with the
// addresses of the containers on the same network by name, short id or
// alias, rotated round-robin; other names go to the upstream resolvers.
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::daemon::networks {

// Addresses (host order) of what `name` means on `network`; empty: unknown.
using NameLookup = std::function<std::vector<uint32_t>(const std::string& network, const std::string& name)>;

class DnsServer {
 public:
  DnsServer();
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  void set_lookup(NameLookup lookup);
  // Starts answering inside netns_fd for a container on `network`;
  // upstreams ("ip" or "ip:port") get what it does not know.
  Result<void> add(const std::string& container_id, const std::string& network, int netns_fd,
                   std::vector<std::string> upstreams);
  void remove(const std::string& container_id);

 private:
  struct Listener {
    std::string container_id, network;
    UniqueFd socket;
    std::vector<std::string> upstreams;
  };
  void loop();
  void serve(Listener& l);

  std::mutex mu_;
  NameLookup lookup_;
  std::map<int, Listener> listeners_;  // by socket fd
  UniqueFd epoll_, wake_;
  std::thread thread_;
  size_t rotation_ = 0;
};

// The answer to a query for addresses (pure, for tests): A records for
// `ips` (rotated by `rotate`), NOERROR with none for other types of a known
// name; nullopt-like empty string when the query cannot be parsed.
std::string dns_answer(const std::string& query, const std::vector<uint32_t>& ips, size_t rotate);
// The queried name (lower case, no trailing dot) and type; false when malformed.
bool dns_question(const std::string& query, std::string& name, int& qtype);

}  // namespace mydocker::daemon::networks
