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

// One query relayed to the upstream resolvers over UDP; the reply, or ""
// when none answered.
std::string ask_upstreams(const std::string& query, const std::vector<std::string>& upstreams) {
  for (const auto& up : upstreams) {
    const size_t colon = up.find(':');
    auto ip = parse_ipv4(up.substr(0, colon));
    if (!ip) continue;
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(colon == std::string::npos ? 53 : uint16_t(std::atoi(up.c_str() + colon + 1)));
    to.sin_addr.s_addr = htonl(*ip);
    UniqueFd s(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!s || ::sendto(s.get(), query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to) < 0) continue;
    pollfd p{s.get(), POLLIN, 0};
    if (::poll(&p, 1, 2000) != 1) continue;
    char buf[4096];
    ssize_t n = ::recv(s.get(), buf, sizeof buf, 0);
    if (n > 0) return std::string(buf, size_t(n));
  }
  return {};
}

// DNS over TCP: each message is preceded by its length (RFC 1035 4.2.2).
std::string with_length(const std::string& message) {
  std::string out;
  put16(out, uint16_t(message.size()));
  return out + message;
}

constexpr size_t kMaxTcpClients = 256;
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
  {
    std::lock_guard lk(mu_);
    if (auto it = listeners_.find(cid); it != listeners_.end()) {
      auto& nets = it->second.networks;
      if (std::find(nets.begin(), nets.end(), network) == nets.end()) nets.push_back(network);
      return {};
    }
  }
  const uint32_t ip = *parse_ipv4("127.0.0.11");
  TRY_ASSIGN(int udp, udp_socket_in_netns(netns_fd, ip, 53));
  UniqueFd udp_fd(udp);
  TRY_ASSIGN(int tcp, tcp_listener_in_netns(netns_fd, ip, 53));
  std::lock_guard lk(mu_);
  Listener& l = listeners_[cid];
  l.networks = {network};
  l.udp = std::move(udp_fd);
  l.tcp.reset(tcp);
  l.upstreams = std::move(upstreams);
  watch_locked(l.udp.get(), Socket{Socket::Udp, cid, {}, {}});
  watch_locked(l.tcp.get(), Socket{Socket::TcpListen, cid, {}, {}});
  return {};
}

void DnsServer::watch_locked(int fd, Socket socket) {
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.fd = fd;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, fd, &ev);
  sockets_.insert_or_assign(fd, std::move(socket));
}

void DnsServer::forget_locked(int fd) {
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd, nullptr);
  sockets_.erase(fd);  // closes a TCP client's fd
}

void DnsServer::close_listener_locked(const std::string& cid) {
  for (auto it = sockets_.begin(); it != sockets_.end();) {
    if (it->second.container_id != cid) {
      ++it;
      continue;
    }
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, it->first, nullptr);
    it = sockets_.erase(it);
  }
  listeners_.erase(cid);
}

void DnsServer::remove(const std::string& cid, const std::string& network) {
  std::lock_guard lk(mu_);
  auto it = listeners_.find(cid);
  if (it == listeners_.end()) return;
  auto& nets = it->second.networks;
  nets.erase(std::remove(nets.begin(), nets.end(), network), nets.end());
  if (nets.empty()) close_listener_locked(cid);
}

void DnsServer::remove_all(const std::string& cid) {
  std::lock_guard lk(mu_);
  close_listener_locked(cid);
}

DnsServer::Outcome DnsServer::answer_locally(const std::string& cid, const std::string& query, std::string& reply,
                                             std::vector<std::string>& upstreams) {
  std::string name;
  int qtype = 0;
  if (!dns_question(query, name, qtype)) return Outcome::Drop;
  std::vector<std::string> networks;
  NameLookup lookup;
  {
    std::lock_guard lk(mu_);
    auto it = listeners_.find(cid);
    if (it == listeners_.end()) return Outcome::Drop;
    networks = it->second.networks;
    upstreams = it->second.upstreams;
    lookup = lookup_;
  }
  // Lookups run without our lock: they take containers' locks.
  std::vector<uint32_t> ips = lookup ? lookup(cid, networks, name) : std::vector<uint32_t>{};
  if (ips.empty()) return Outcome::Forward;
  reply = dns_answer(query, ips, rotation_++);
  return Outcome::Answered;
}

void DnsServer::on_udp(int fd, const std::string& cid) {
  char buf[1500];
  sockaddr_in from{};
  socklen_t len = sizeof from;
  ssize_t got = ::recvfrom(fd, buf, sizeof buf, MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&from), &len);
  if (got <= 0) return;
  std::string query(buf, size_t(got)), reply;
  std::vector<std::string> upstreams;
  switch (answer_locally(cid, query, reply, upstreams)) {
    case Outcome::Drop: return;
    case Outcome::Answered:
      (void)::sendto(fd, reply.data(), reply.size(), 0, reinterpret_cast<sockaddr*>(&from), len);
      return;
    case Outcome::Forward: break;
  }
  // On a short-lived thread, never holding the loop; the reply goes out
  // through a duplicate (the listener may close meanwhile).
  std::thread([out = UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 0)), from, query = std::move(query),
               upstreams = std::move(upstreams)] {
    const std::string reply = ask_upstreams(query, upstreams);
    if (!reply.empty())
      (void)::sendto(out.get(), reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&from), sizeof from);
  }).detach();
}

void DnsServer::on_tcp_accept(int fd, const std::string& cid) {
  UniqueFd client(::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!client) return;
  std::lock_guard lk(mu_);
  if (sockets_.size() >= kMaxTcpClients) return;  // closed: the client retries
  const int cfd = client.get();
  watch_locked(cfd, Socket{Socket::TcpClient, cid, std::move(client), {}});
}

void DnsServer::on_tcp_data(int fd) {
  char buf[4096];
  const ssize_t got = ::recv(fd, buf, sizeof buf, MSG_DONTWAIT);
  if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
  std::vector<std::string> queries;
  std::string cid;
  {
    std::lock_guard lk(mu_);
    auto it = sockets_.find(fd);
    if (it == sockets_.end()) return;
    if (got <= 0) {
      forget_locked(fd);
      return;
    }
    std::string& pending = it->second.pending;
    pending.append(buf, size_t(got));
    while (pending.size() >= 2 && pending.size() >= 2u + be16(pending, 0)) {
      queries.push_back(pending.substr(2, be16(pending, 0)));
      pending.erase(0, 2u + be16(pending, 0));
    }
    cid = it->second.container_id;
  }
  std::vector<std::pair<std::string, std::vector<std::string>>> forwards;
  for (const auto& q : queries) {
    std::string reply;
    std::vector<std::string> upstreams;
    switch (answer_locally(cid, q, reply, upstreams)) {
      case Outcome::Drop: break;
      case Outcome::Answered: {
        const std::string framed = with_length(reply);
        (void)::send(fd, framed.data(), framed.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        break;
      }
      case Outcome::Forward: forwards.emplace_back(q, std::move(upstreams)); break;
    }
  }
  if (forwards.empty()) return;
  // Upstream answers are written through the connection's own duplicate:
  // the client may be dropped from our table meanwhile.
  std::thread([out = UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 0)), forwards = std::move(forwards)] {
    for (const auto& [query, upstreams] : forwards) {
      const std::string reply = ask_upstreams(query, upstreams);
      if (reply.empty()) continue;
      const std::string framed = with_length(reply);
      (void)::send(out.get(), framed.data(), framed.size(), MSG_NOSIGNAL);
    }
  }).detach();
}

void DnsServer::loop() {
  epoll_event events[16];
  for (;;) {
    int n = ::epoll_wait(epoll_.get(), events, 16, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return;
    for (int i = 0; i < n; ++i) {
      const int fd = events[i].data.fd;
      if (fd == wake_.get()) return;
      Socket::Kind kind;
      std::string cid;
      {
        std::lock_guard lk(mu_);
        auto it = sockets_.find(fd);
        if (it == sockets_.end()) continue;
        kind = it->second.kind;
        cid = it->second.container_id;
      }
      switch (kind) {
        case Socket::Udp: on_udp(fd, cid); break;
        case Socket::TcpListen: on_tcp_accept(fd, cid); break;
        case Socket::TcpClient: on_tcp_data(fd); break;
      }
    }
  }
}

}  // namespace mydocker::daemon::networks
