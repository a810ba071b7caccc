// POST /containers/{id}/attach and /resize: clients reach the container
// through its shim, which writes output to them directly.
#include <sys/socket.h>

#include "common/shim_control.hpp"
#include "common/stream_frame.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/logging/json_file_reader.hpp"

namespace mydocker::daemon::containers {

namespace {
// Blocking: the replay is the client's to take at its own pace, before the
// shim (which never blocks on a client) takes over the socket.
bool send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(size_t(n));
  }
  return true;
}

// attach?logs=1: what the container has written so far, as `logs` would
// give it (framed without a tty).
Result<void> replay_log(const std::string& path, int fd, bool tty, bool out, bool err) {
  logging::ReadOptions o;
  o.want_stdout = out;
  o.want_stderr = err;
  bool alive = true;
  TRY_VOID(logging::read_json_log(path, o, [&](int stream, std::string_view payload) {
    if (!tty) {
      const auto h = stream_frame_header(stream, payload.size());
      alive = send_all(fd, std::string_view(h.data(), h.size()));
    }
    alive = alive && send_all(fd, payload);
    return alive;
  }));
  if (!alive) return fail(Error::invalid("attach client went away during the log replay"));
  return {};
}
}  // namespace

Result<void> ContainerService::attach(const std::string& name, UniqueFd client, const AttachOptions& o) {
  bool head_sent = false;
  auto send_head = [&] {
    if (head_sent) return true;
    head_sent = true;
    return send_all(client.get(), o.upgrade_head);
  };
  auto found = find(name);
  if (!found) {
    send_head();
    return fail(found.error());
  }
  auto c = *found;
  if (o.replay_logs && (o.out || o.err)) {
    if (!send_head()) return fail(Error::invalid("attach client went away"));
    TRY_VOID(replay_log(paths_.container_log(c->id), client.get(), c->tty(), o.out, o.err));
  }
  if (!o.stream) {
    send_head();
    return {};  // closing the socket ends the client's stream
  }
  // Under the container's lock: the 101 is on the socket before a shim can
  // write to it, even when a `docker run`'s start overtakes its attach.
  std::lock_guard lk(c->mu);
  if (!send_head()) return fail(Error::invalid("attach client went away"));
  const bool in = o.in && c->config.value("OpenStdin", false);
  const std::string keys = in ? o.detach_keys : "";
  if (c->state.status == Status::Paused)
    return fail(Error::conflict("container " + c->id + " is paused, unpause the container before attach"));
  if (c->state.running()) {
    const std::string line = std::string("attach ") + (in ? "i" : "-") + (o.out ? "o" : "-") + (o.err ? "e" : "-") +
                             " " + shim_control::to_hex(keys) + "\n";
    TRY_VOID(shim_control::send(paths_.bundle_dir(c->id), line, client.get()));
    return {};
  }
  // Not running yet (docker run, start -a): the shim gets it at start.
  c->pending_attaches.push_back(PendingAttach{std::move(client), in, o.out, o.err, keys});
  return {};
}

Result<void> ContainerService::resize(const std::string& name, unsigned rows, unsigned cols) {
  TRY_ASSIGN(auto c, find(name));
  std::lock_guard lk(c->mu);
  if (!c->state.running()) return fail(Error::conflict("Container " + c->id + " is not running"));
  if (!c->tty()) return {};  // as Docker: nothing to resize without a tty
  TRY_VOID(shim_control::send(paths_.bundle_dir(c->id),
                              "resize " + std::to_string(rows) + " " + std::to_string(cols) + "\n"));
  return {};
}

}  // namespace mydocker::daemon::containers
