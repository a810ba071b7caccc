#include "io_loop.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>

#include "common/shim_control.hpp"
#include "common/stream_frame.hpp"

namespace mydocker::shim {

namespace {
// A client further behind than this makes the shim stop reading the
// container's output (the container waits, as with Docker's blocking
// copy) until it catches up; one that stays behind for kStallLimitMs is
// dropped, so a stuck client never holds the container for long.
constexpr size_t kMaxPending = 4 << 20;
constexpr int kStallLimitMs = 10000;

int64_t now_ms() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

// epoll data: small tags for our fds, client index + 16 for clients.
constexpr uint64_t kTagStdout = 1, kTagStderr = 2, kTagInit = 3, kTagStdin = 4, kTagControl = 5, kTagClient = 16;
// Exec sessions: kTagExec | index << 2 | kind.
constexpr uint64_t kTagExec = uint64_t(1) << 32;
enum ExecKind { kExecPid = 0, kExecOut = 1, kExecErr = 2, kExecClient = 3 };

void set_nonblock(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }
}  // namespace

IoLoop::IoLoop(IoConfig config, std::vector<AttachClient> clients)
    : cfg_(std::move(config)), clients_(std::move(clients)), log_(cfg_.log_fd),
      epoll_(::epoll_create1(EPOLL_CLOEXEC)) {}

void IoLoop::watch(int fd, uint64_t tag, uint32_t events, int op) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag;
  ::epoll_ctl(epoll_.get(), op, fd, &ev);
}

// A client is read only while the container's stdin can take more, and
// written to only while it has output pending: backpressure both ways.
void IoLoop::update_client_events(size_t index) {
  AttachClient& c = clients_[index];
  if (!c.fd) return;
  uint32_t ev = 0;
  if (c.in && !c.read_closed && stdin_pending_.empty()) ev |= EPOLLIN | EPOLLRDHUP;
  if (!c.pending.empty()) ev |= EPOLLOUT;
  watch(c.fd.get(), kTagClient + index, ev, EPOLL_CTL_MOD);
}

void IoLoop::feed_stdin(std::string_view data) {
  if (!cfg_.stdin_w || data.empty()) return;
  if (stdin_pending_.empty()) {
    ssize_t w = ::write(cfg_.stdin_w.get(), data.data(), data.size());
    if (w < 0 && errno != EAGAIN && errno != EINTR) {
      close_stdin();
      return;
    }
    if (w > 0) data.remove_prefix(size_t(w));
    if (data.empty()) return;
    watch(cfg_.stdin_w.get(), kTagStdin, EPOLLOUT, EPOLL_CTL_ADD);
  }
  stdin_pending_.append(data);
  for (size_t i = 0; i < clients_.size(); ++i) update_client_events(i);
}

void IoLoop::on_stdin_writable() {
  ssize_t w = ::write(cfg_.stdin_w.get(), stdin_pending_.data(), stdin_pending_.size());
  if (w < 0 && errno != EAGAIN && errno != EINTR) {
    close_stdin();
    return;
  }
  if (w > 0) stdin_pending_.erase(0, size_t(w));
  if (!stdin_pending_.empty()) return;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, cfg_.stdin_w.get(), nullptr);
  if (stdin_close_after_flush_) close_stdin();
  for (size_t i = 0; i < clients_.size(); ++i) update_client_events(i);
}

int IoLoop::run() {
  if (cfg_.stdout_r) {
    set_nonblock(cfg_.stdout_r.get());
    watch(cfg_.stdout_r.get(), kTagStdout, EPOLLIN, EPOLL_CTL_ADD);
  }
  if (cfg_.stderr_r) {
    set_nonblock(cfg_.stderr_r.get());
    watch(cfg_.stderr_r.get(), kTagStderr, EPOLLIN, EPOLL_CTL_ADD);
  }
  if (cfg_.stdin_w && !cfg_.tty) set_nonblock(cfg_.stdin_w.get());
  watch(cfg_.init_pidfd.get(), kTagInit, EPOLLIN, EPOLL_CTL_ADD);
  if (cfg_.control) watch(cfg_.control.get(), kTagControl, EPOLLIN, EPOLL_CTL_ADD);
  std::vector<AttachClient> initial;
  initial.swap(clients_);
  for (auto& c : initial) add_client(std::move(c));

  epoll_event events[16];
  while (!exited_ || cfg_.stdout_r || cfg_.stderr_r) {
    const int timeout = output_paused_ ? int(std::max<int64_t>(0, stall_deadline_ms_ - now_ms())) : -1;
    int n = ::epoll_wait(epoll_.get(), events, 16, timeout);
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (output_paused_ && now_ms() >= stall_deadline_ms_) drop_stalled_clients();
    for (int i = 0; i < n; ++i) {
      uint64_t tag = events[i].data.u64;
      if (tag == kTagStdout) on_output(1);
      else if (tag == kTagStderr) on_output(2);
      else if (tag == kTagStdin) on_stdin_writable();
      else if (tag == kTagControl) on_control();
      else if (tag == kTagInit) {
        ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, cfg_.init_pidfd.get(), nullptr);
        siginfo_t info{};
        while (::waitid(P_PID, cfg_.init_pid, &info, WEXITED) < 0 && errno == EINTR) {
        }
        wait_status_ = info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status;
        exited_ = true;
        // Nobody can write to the container's stdin any more.
        close_stdin();
      } else if (tag >= kTagExec) {
        on_exec(size_t((tag - kTagExec) >> 2), int(tag & 3), events[i].events);
      } else if (tag >= kTagClient) {
        on_client(size_t(tag - kTagClient), events[i].events);
      }
    }
  }
  log_.flush_partial();
  // Give clients what they are owed, then close: the stream's EOF tells
  // them the container is done.
  for (auto& c : clients_) {
    if (!c.fd) continue;
    if (!c.pending.empty()) {
      // Blocking now, but a client stuck for the stall limit loses the rest.
      int fl = ::fcntl(c.fd.get(), F_GETFL);
      ::fcntl(c.fd.get(), F_SETFL, fl & ~O_NONBLOCK);
      timeval limit{kStallLimitMs / 1000, 0};
      ::setsockopt(c.fd.get(), SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);
      std::string_view rest = c.pending;
      while (!rest.empty()) {
        ssize_t w = ::send(c.fd.get(), rest.data(), rest.size(), MSG_NOSIGNAL);
        if (w <= 0) break;
        rest.remove_prefix(size_t(w));
      }
    }
    ::shutdown(c.fd.get(), SHUT_RDWR);
    c.fd.reset();
  }
  return wait_status_;
}

void IoLoop::on_output(int stream) {
  UniqueFd& fd = stream == 1 ? cfg_.stdout_r : cfg_.stderr_r;
  char buf[32768];
  for (;;) {
    if (output_paused_) return;
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n > 0) {
      log_.write(stream, std::string_view(buf, size_t(n)));
      broadcast(stream, buf, size_t(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;
    // EOF, or EIO from a pty master whose slave side is all closed.
    ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd.get(), nullptr);
    fd.reset();
    return;
  }
}

void IoLoop::broadcast(int stream, const char* data, size_t len) {
  const auto header = stream_frame_header(stream, len);
  for (auto& c : clients_) {
    if (!c.fd || (stream == 1 && !c.out) || (stream == 2 && !c.err)) continue;
    if (!cfg_.tty) send_to(c, std::string_view(header.data(), header.size()));
    send_to(c, std::string_view(data, len));
  }
}

void IoLoop::send_to(AttachClient& c, std::string_view bytes) {
  if (!c.fd) return;
  if (c.pending.empty()) {
    ssize_t w = ::send(c.fd.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno != EAGAIN && errno != EINTR) {
      drop_client(c);
      return;
    }
    if (w > 0) bytes.remove_prefix(size_t(w));
    if (bytes.empty()) return;
  }
  c.pending.append(bytes);
  if (c.pending.size() > kMaxPending) pause_output();
  update_client_events(size_t(&c - clients_.data()));
}

// Out of the epoll set while paused (a pipe whose writer is gone reports
// EPOLLHUP whatever events are asked for), back in when resumed.
void IoLoop::watch_output(bool on) {
  const int op = on ? EPOLL_CTL_ADD : EPOLL_CTL_DEL;
  if (cfg_.stdout_r) watch(cfg_.stdout_r.get(), kTagStdout, EPOLLIN, op);
  if (cfg_.stderr_r) watch(cfg_.stderr_r.get(), kTagStderr, EPOLLIN, op);
}

void IoLoop::pause_output() {
  if (output_paused_) return;
  output_paused_ = true;
  stall_deadline_ms_ = now_ms() + kStallLimitMs;
  watch_output(false);
}

// Once every client is well within its limit again.
void IoLoop::maybe_resume_output() {
  if (!output_paused_) return;
  for (const auto& c : clients_)
    if (c.fd && c.pending.size() > kMaxPending / 2) return;
  output_paused_ = false;
  watch_output(true);
}

void IoLoop::drop_stalled_clients() {
  for (auto& c : clients_)
    if (c.fd && c.pending.size() > kMaxPending / 2) drop_client(c);
  maybe_resume_output();
}

void IoLoop::on_client(size_t index, uint32_t events) {
  AttachClient& c = clients_[index];
  if (!c.fd) return;
  if (events & EPOLLOUT) {
    ssize_t w = ::send(c.fd.get(), c.pending.data(), c.pending.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (w < 0 && errno != EAGAIN) return drop_client(c);
    if (w > 0) c.pending.erase(0, size_t(w));
    if (c.pending.empty()) update_client_events(index);
    maybe_resume_output();
  }
  if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) && !c.read_closed) {
    char buf[32768];
    for (;;) {
      ssize_t n = ::recv(c.fd.get(), buf, sizeof buf, MSG_DONTWAIT);
      if (n > 0) {
        if (c.in) client_input(index, std::string_view(buf, size_t(n)));
        if (!c.fd) return;  // it detached
        if (!stdin_pending_.empty()) break;  // wait until the container reads
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) break;
      // The client half-closed (or went away): its stdin has ended.
      c.read_closed = true;
      update_client_events(index);
      if (c.in && cfg_.stdin_once && !cfg_.tty) end_stdin_after_flush();
      break;
    }
  }
  if ((events & EPOLLHUP) && !(events & EPOLLIN) && !(events & EPOLLOUT)) drop_client(c);
}

void IoLoop::drop_client(AttachClient& c) {
  if (!c.fd) return;
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, c.fd.get(), nullptr);
  c.fd.reset();
  c.pending.clear();
  // With StdinOnce the container's stdin ends with its client's session.
  if (c.in && !c.read_closed && cfg_.stdin_once && !cfg_.tty) end_stdin_after_flush();
  maybe_resume_output();
}

void IoLoop::end_stdin_after_flush() {
  if (stdin_pending_.empty()) close_stdin();
  else stdin_close_after_flush_ = true;
}

void IoLoop::add_client(AttachClient c) {
  set_nonblock(c.fd.get());
  const uint64_t tag = kTagClient + clients_.size();
  const uint32_t ev = c.in && stdin_pending_.empty() ? EPOLLIN | EPOLLRDHUP : 0;
  const int fd = c.fd.get();
  clients_.push_back(std::move(c));
  watch(fd, tag, ev, EPOLL_CTL_ADD);
}

// Input from a client, minus its detach sequence: when the sequence is
// complete the client goes and the container keeps running; a partial
// match is held back until the next byte tells.
void IoLoop::client_input(size_t index, std::string_view data) {
  AttachClient& c = clients_[index];
  // Nearly all input: no partial match held and no first key byte in it.
  if (c.detach_keys.empty() || (c.matched == 0 && !std::memchr(data.data(), c.detach_keys[0], data.size())))
    return feed_stdin(data);
  std::string out;
  for (char ch : data) {
    if (ch == c.detach_keys[c.matched]) {
      if (++c.matched == c.detach_keys.size()) {
        feed_stdin(out);
        drop_client(c);
        return;
      }
      continue;
    }
    // A broken partial match: the bytes held back were input after all.
    out.append(c.detach_keys, 0, c.matched);
    c.matched = 0;
    if (ch == c.detach_keys[0]) {
      c.matched = 1;
      continue;
    }
    out.push_back(ch);
  }
  feed_stdin(out);
}

void IoLoop::on_control() {
  UniqueFd conn(::accept4(cfg_.control.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) return;
  // The daemon writes its one line right after connecting.
  int fl = ::fcntl(conn.get(), F_GETFL);
  ::fcntl(conn.get(), F_SETFL, fl & ~O_NONBLOCK);
  UniqueFd passed;
  auto msg = shim_control::receive(conn.get(), passed);
  if (!msg) return;
  if (msg->rfind("exec ", 0) == 0) {
    std::string hex = msg->substr(5);
    while (!hex.empty() && (hex.back() == '\n' || hex.back() == ' ')) hex.pop_back();
    const std::string reply = handle_exec(hex, std::move(passed));
    (void)!::write(conn.get(), reply.data(), reply.size());
    return;
  }
  char verb[16] = {}, a[80] = {}, b[128] = {}, c3[16] = {};
  if (std::sscanf(msg->c_str(), "%15s %79s %127s %15s", verb, a, b, c3) < 2) return;
  if (std::strcmp(verb, "attach") == 0 && passed) {
    AttachClient c;
    c.fd = std::move(passed);
    c.in = a[0] == 'i' && cfg_.stdin_w;
    c.out = a[1] == 'o';
    c.err = a[2] == 'e';
    if (b[0] != '-') c.detach_keys = shim_control::from_hex(b);
    if (!exited_) add_client(std::move(c));
  } else if (std::strcmp(verb, "resize") == 0 && cfg_.tty && cfg_.stdout_r) {
    winsize ws{};
    ws.ws_row = static_cast<unsigned short>(std::atoi(a));
    ws.ws_col = static_cast<unsigned short>(std::atoi(b));
    ::ioctl(cfg_.stdout_r.get(), TIOCSWINSZ, &ws);
  } else if (std::strcmp(verb, "execresize") == 0) {
    // execresize <exec id> <rows> <cols>: the exec's own pty.
    for (auto& e : execs_) {
      if (e->id != a || !e->tty || !e->out_r) continue;
      winsize ws{};
      ws.ws_row = static_cast<unsigned short>(std::atoi(b));
      ws.ws_col = static_cast<unsigned short>(std::atoi(c3));
      ::ioctl(e->out_r.get(), TIOCSWINSZ, &ws);
    }
  }
}

std::string IoLoop::handle_exec(const std::string& hex, UniqueFd client) {
  if (exited_ || !cfg_.spec) return "error container is not running";
  auto session = start_exec(*cfg_.spec, cfg_.init_pid, cfg_.bundle, shim_control::from_hex(hex), std::move(client));
  if (!session) return "error " + session.error().message;
  ExecSession& e = **session;
  const uint64_t base = kTagExec | (uint64_t(execs_.size()) << 2);
  watch(e.pidfd.get(), base | kExecPid, EPOLLIN, EPOLL_CTL_ADD);
  if (e.out_r) watch(e.out_r.get(), base | kExecOut, EPOLLIN, EPOLL_CTL_ADD);
  if (e.err_r) watch(e.err_r.get(), base | kExecErr, EPOLLIN, EPOLL_CTL_ADD);
  if (e.client) watch(e.client.get(), base | kExecClient, 0, EPOLL_CTL_ADD);
  const std::string reply = "pid " + std::to_string(e.pid);
  execs_.push_back(std::move(*session));
  update_exec_events(execs_.size() - 1);
  return reply;
}

// As for attach clients: read while the process can take input, write
// only while output is pending.
void IoLoop::update_exec_events(size_t index) {
  ExecSession& e = *execs_[index];
  const uint64_t base = kTagExec | (uint64_t(index) << 2);
  const uint32_t out_ev = e.client_pending.size() < kMaxPending ? uint32_t(EPOLLIN) : 0u;
  if (e.out_r) watch(e.out_r.get(), base | kExecOut, out_ev, EPOLL_CTL_MOD);
  if (e.err_r) watch(e.err_r.get(), base | kExecErr, out_ev, EPOLL_CTL_MOD);
  if (!e.client) return;
  uint32_t ev = 0;
  if (e.client_in && e.in_w && !e.client_read_closed) ev |= EPOLLIN | EPOLLRDHUP;
  if (!e.client_pending.empty()) ev |= EPOLLOUT;
  watch(e.client.get(), base | kExecClient, ev, EPOLL_CTL_MOD);
}

void IoLoop::on_exec(size_t index, int kind, uint32_t events) {
  if (index >= execs_.size()) return;
  ExecSession& e = *execs_[index];
  if (kind == kExecClient && (events & EPOLLOUT)) {
    flush_exec_client(e);
    update_exec_events(index);
  }
  if (kind == kExecClient && (events & (EPOLLHUP | EPOLLERR)) && !(events & (EPOLLIN | EPOLLOUT))) {
    e.client.reset();  // gone: its output is discarded from now on
    e.client_pending.clear();
    update_exec_events(index);
  }
  if (e.done) return;
  char buf[32768];
  // The exec's output goes only to its client: a slow client slows the
  // process (its pipe fills while we stop reading), never the shim.
  auto drain = [&](UniqueFd& fd, int stream, bool to_the_end) {
    for (;;) {
      if (!to_the_end && e.client_pending.size() >= kMaxPending) return update_exec_events(index);
      ssize_t n = fd ? ::read(fd.get(), buf, sizeof buf) : 0;
      if (n > 0) {
        send_exec_output(e, stream, buf, size_t(n));
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) return;
      if (fd) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd.get(), nullptr);
      fd.reset();
      return;
    }
  };
  if (kind == kExecOut) return drain(e.out_r, 1, false);
  if (kind == kExecErr) return drain(e.err_r, 2, false);
  if (kind == kExecClient) {
    if (!(events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP)) || !e.client || e.client_read_closed) return;
    ssize_t n = ::recv(e.client.get(), buf, sizeof buf, MSG_DONTWAIT);
    if (n > 0 && e.in_w) {
      std::string_view rest(buf, size_t(n));
      while (!rest.empty()) {
        ssize_t w = ::write(e.in_w.get(), rest.data(), rest.size());
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) break;
        rest.remove_prefix(size_t(w));
      }
    } else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
      // The client's stdin ended.
      e.client_read_closed = true;
      if (!e.tty) e.in_w.reset();
      update_exec_events(index);
    }
    return;
  }
  // The process exited: reap it, hand over its last output, record the status.
  siginfo_t info{};
  while (::waitid(P_PID, e.pid, &info, WEXITED) < 0 && errno == EINTR) {
  }
  for (UniqueFd* fd : {&e.out_r, &e.err_r})
    if (*fd) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, fd->get(), nullptr);
  ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, e.pidfd.get(), nullptr);
  drain(e.out_r, 1, true);
  drain(e.err_r, 2, true);
  e.client_read_closed = true;
  finish_exec(e, info.si_code == CLD_EXITED ? info.si_status : 128 + info.si_status);
  update_exec_events(index);
}

void IoLoop::close_stdin() {
  if (cfg_.stdin_w && !stdin_pending_.empty()) ::epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, cfg_.stdin_w.get(), nullptr);
  stdin_pending_.clear();
  cfg_.stdin_w.reset();
}

}  // namespace mydocker::shim
