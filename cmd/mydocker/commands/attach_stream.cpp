#include "commands/attach_stream.hpp"

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <memory>
#include <optional>
#include <thread>

#include "common/detach_keys.hpp"
#include "format/stream.hpp"
#include "terminal/raw_terminal.hpp"
#include "terminal/window_watcher.hpp"

namespace mydocker::cli {

bool pump_attached(api::client::Hijacked& h, bool tty, bool stdin_open, const std::string& detach_keys) {
  // The daemon's shim acts on the sequence; we only need to know it was sent.
  auto keys = parse_detach_keys(detach_keys.empty() ? kDefaultDetachKeys : detach_keys);
  auto detached = std::make_shared<std::atomic<bool>>(false);
  format::Demuxer demux([](int stream, std::string_view d) { (void)!::write(stream == 2 ? 2 : 1, d.data(), d.size()); });
  auto out = [&](std::string_view d) {
    if (tty) (void)!::write(1, d.data(), d.size());
    else demux.feed(d);
  };
  if (!h.early.empty()) out(h.early);
  const int fd = h.fd.get();
  if (stdin_open) {
    // Detached: the process ends when the output stream does, whatever
    // this thread is blocked on.
    std::thread([fd, detached, seq = keys ? *keys : std::string()] {
      char buf[65536];
      size_t matched = 0;
      for (;;) {
        ssize_t n = ::read(0, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        const bool may_match = !seq.empty() && (matched > 0 || std::memchr(buf, seq[0], size_t(n)));
        for (ssize_t i = 0; i < n && may_match; ++i) {
          matched = buf[i] == seq[matched] ? matched + 1 : (buf[i] == seq[0] ? 1 : 0);
          if (matched == seq.size()) {
            *detached = true;
            matched = 0;
          }
        }
        if (::send(fd, buf, size_t(n), MSG_NOSIGNAL) < 0) break;
      }
      ::shutdown(fd, SHUT_WR);
    }).detach();
  } else {
    ::shutdown(fd, SHUT_WR);
  }
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    out(std::string_view(buf, size_t(n)));
  }
  return *detached;
}

bool join_session(api::client::Client& c, api::client::Hijacked& h, const SessionOptions& o) {
  std::optional<RawTerminal> raw;
  if (o.tty && o.stdin_open) raw.emplace(0);
  std::optional<WindowWatcher> watcher;
  if (o.tty) {
    auto send_size = [&c, path = o.resize_path](unsigned rows, unsigned cols) {
      (void)c.request("POST", path + api::client::Query().add("h", std::to_string(rows)).add("w", std::to_string(cols)).str());
    };
    unsigned rows, cols;
    if (terminal_size(1, rows, cols)) send_size(rows, cols);
    watcher.emplace(1, send_size);
  }
  return pump_attached(h, o.tty, o.stdin_open, o.detach_keys);
}

}  // namespace mydocker::cli
