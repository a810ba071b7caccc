#include "daemon/networks/dns_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <spdlog/spdlog.h>

#include "daemon/networks/ipv4.hpp"
#include "daemon/networks/netlink.hpp"

namespace mydocker::daemon::networks {

namespace {
constexpr uint16_t kTypeA = 1;

uint16_t be16(const std::string& s, size_t at) {
  return uint16_t((uint8_t(s[at]) << 8) | uint8_t(s[at + 1]));
}
void put16(std::string& s, uint16_t v) {
  s.push_back(char(v >> 8));
  s.push_back(char(v & 0xff));
}

// One query relayed to an upstream resolver; the reply goes back to the
// container's client. On its own short-lived thread: never holds the loop.
void forward(int reply_socket, sockaddr_in client, std::string query, std::vector<std::string> upstreams) {
  for (const auto& up : upstreams) {
    const size_t colon = up.find(':');
    auto ip = parse_ipv4(up.substr(0, colon));
    if (!ip) continue;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(colon == std::string::npos ? 53 : uint16_t(std::stoi(up.substr(colon + 1))));
    to.sin_addr.s_addr = htonl(*ip);
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s || ::sendto(s.get(), query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) continue;
    pollfd p{s.get(), POLLIN, 0};
    if (::poll(&p, 1, 2000) != 1) continue;
    char buf[4096];
    ssize_t n = ::recv(s.get(), buf, sizeof buf, 0);
    if (n <= 0) continue;
    (void)::sendto(reply_socket, buf, size_t(n), 0, reinterpret_cast<sockaddr*>(&client), sizeof client);
    return;
  }
}
}  // namespace

bool dns_question(const std::string& q, std::string& name, int& qtype) {
  if (q.size() < 12 || be16(q, 4) != 1) return false;
  size_t at = 12;
  name.clear();
  while (at < q.size()) {
    const size_t len = uint8_t(q[at++]);
    if (len == 0) break;
    if (len > 63 || at + len > q.size()) return false;
    if (!name.empty()) name += '.';
    for (size_t i = 0; i < len; ++i) name += char(std::tolower(uint8_t(q[at + i])));
    at += len;
  }
  if (at + 4 > q.size()) return false;
  qtype = be16(q, at);
  return true;
}

std::string dns_answer(const std::string& q, const std::vector<uint32_t>& ips, size_t rotate) {
  std::string name;
  int qtype = 0;
  if (!dns_question(q, name, qtype)) return {};
  size_t question_end = 12;
  while (q[question_end] != 0) question_end += 1 + uint8_t(q[question_end]);
  question_end += 5;  // the root label, type, class
  std::string out = q.substr(0, 2);
  put16(out, uint16_t(0x8180 | (be16(q, 2) & 0x0100)));  // response, recursion desired as asked, available
  put16(out, 1);
  const bool answer = qtype == kTypeA;
  put16(out, answer ? uint16_t(ips.size()) : 0);
  put16(out, 0);
  put16(out, 0);
  out += q.substr(12, question_end - 12);
  if (!answer) return out;
  for (size_t i = 0; i < ips.size(); ++i) {
    const uint32_t ip = ips[(i + rotate) % ips.size()];
    put16(out, 0xC00C);  // the name, by pointer to the question
    put16(out, kTypeA);
    put16(out, 1);       // IN
    put16(out, 0);
    put16(out, 600);     // TTL, as Docker's
    put16(out, 4);
    put16(out, uint16_t(ip >> 16));
    put16(out, uint16_t(ip & 0xffff));
  }
  return out;
}

DnsServer::DnsServer() : epoll_(::epoll_create1(EPOLL_CLOEXEC)), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = wake_.get();
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_.get(), &ev);
  thread_ = std::thread([this] { loop(); });
}

DnsServer::~DnsServer() {
  const uint64_t one = 1;
  (void)!::write(wake_.get(), &one, sizeof one);
  thread_.join();
}

void DnsServer::set_lookup(NameLookup lookup) {
  std::lock_guard lk(mu_);
  lookup_ = std::move(lookup);
}

Result<void> DnsServer::add(const std::string& cid, const std::string& network, int netns_fd,
                            std::vector<std::string> upstreams) {
  TRY_ASSIGN(int fd, udp_socket_in_netns(netns_fd, *parse_ipv4("127.0.0.11"), 53));
  std::lock_guard lk(mu_);
  Listener& l = listeners_[fd];
  l.container_id = cid;
  l.network = network;
  l.socket.reset(fd);
  l.upstreams = std::move(upstreams);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev);
  return {};
}

void DnsServer::remove(const std::string& cid) {
  std::lock_guard lk(mu_);
  for (auto it = listeners_.begin(); it != listeners_.end();) {
    if (it->second.container_id != cid) {
      ++it;
      continue;
    }
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->first, nullptr);
    it = listeners_.erase(it);
  }
}

void DnsServer::loop() {
  epoll_event events[16];
  for (;;) {
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    for (int i = 0; i < n; ++i) {
      if (events[i].data.fd == wake_.get()) return;
      char buf[1500];
      sockaddr_in from{};
      socklen_t len = sizeof from;
      std::string network;
      std::vector<std::string> upstreams;
      int fd = events[i].data.fd;
      NameLookup lookup;
      {
        std::lock_guard lk(mu_);
        auto it = listeners_.find(fd);
        if (it == listeners_.end()) continue;
        network = it->second.network;
        upstreams = it->second.upstreams;
        lookup = lookup_;
      }
      ssize_t got = ::recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
      if (got <= 0) continue;
      const std::string query(buf, size_t(got));
      std::string name;
      int qtype = 0;
      if (!dns_question(query, name, qtype)) continue;
      // Lookups run without our lock: they take containers' locks.
      std::vector<uint32_t> ips = lookup ? lookup(network, name) : std::vector<uint32_t>{};
      if (ips.empty()) {
        int dup = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
        std::thread([dup, from, query, upstreams] {
          forward(dup, from, query, upstreams);
          ::close(dup);
        }).detach();
        continue;
      }
      const std::string reply = dns_answer(query, ips, rotation_++);
      (void)::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
    }
  }
}

}  // namespace mydocker::daemon::networks
