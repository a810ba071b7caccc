#pragma once
// The embedded DNS server of user-defined networks: mydockerd answers at
// 127.0.0.11:53 over UDP and TCP inside each such container's network
// namespace (sockets made in that namespace, served by one daemon thread),
// with the addresses of the containers on the container's networks by
// name, short id, alias or link alias, rotated round-robin; other names go
// to the upstream resolvers.
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::daemon::networks {

// Addresses (host order) of what `name` means to container `asker` on its
// `networks`; empty: unknown.
using NameLookup = std::function<std::vector<uint32_t>(const std::string& asker, const std::vector<std::string>& networks,
                                                       const std::string& name)>;

class DnsServer {
 public:
  DnsServer();
  ~DnsServer();
  DnsServer(const DnsServer&) = delete;
  DnsServer& operator=(const DnsServer&) = delete;

  void set_lookup(NameLookup lookup);
  // Starts answering inside netns_fd for a container on `network` (a
  // container on several networks has one listener that knows them all);
  // upstreams ("ip" or "ip:port") get what it does not know.
  Result<void> add(const std::string& container_id, const std::string& network, int netns_fd,
                   std::vector<std::string> upstreams);
  // The container left `network`; its listener goes with its last one.
  void remove(const std::string& container_id, const std::string& network);
  void remove_all(const std::string& container_id);

 private:
  struct Listener {
    std::vector<std::string> networks;
    UniqueFd udp, tcp;
    std::vector<std::string> upstreams;
  };
  // What a socket of ours is: a listener's UDP or TCP socket, or a TCP
  // client connection with the bytes it has sent so far.
  struct Socket {
    enum Kind { Udp, TcpListen, TcpClient } kind;
    std::string container_id;
    UniqueFd owned;  // TCP clients only (listeners own the others)
    std::string pending;
  };
  void loop();
  void watch_locked(int fd, Socket socket);
  void forget_locked(int fd);
  void close_listener_locked(const std::string& container_id);
  // A query answered from the containers' names (reply set), to be
  // forwarded to `upstreams`, or dropped (malformed, listener gone).
  enum class Outcome { Answered, Forward, Drop };
  Outcome answer_locally(const std::string& container_id, const std::string& query, std::string& reply,
                         std::vector<std::string>& upstreams);
  void on_udp(int fd, const std::string& container_id);
  void on_tcp_accept(int fd, const std::string& container_id);
  void on_tcp_data(int fd);

  std::mutex mu_;
  NameLookup lookup_;
  std::map<std::string, Listener> listeners_;  // by container id
  std::map<int, Socket> sockets_;              // by fd
  UniqueFd epoll_, wake_;
  std::thread thread_;
  std::atomic<size_t> rotation_ = 0;
};

// The answer to a query for addresses (pure, for tests): A records for
// `ips` (rotated by `rotate`), NOERROR with none for other types of a known
// name; nullopt-like empty string when the query cannot be parsed.
std::string dns_answer(const std::string& query, const std::vector<uint32_t>& ips, size_t rotate);
// The queried name (lower case, no trailing dot) and type; false when malformed.
bool dns_question(const std::string& query, std::string& name, int& qtype);

}  // namespace mydocker::daemon::networks
