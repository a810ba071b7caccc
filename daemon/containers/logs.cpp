// GET /containers/{id}/logs, with follow: what is in the file, then new
// lines as the shim writes them (inotify), until the container stops.
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <memory>

#include "daemon/containers/container_service.hpp"

namespace mydocker::daemon::containers {

namespace {
void signal_fd(int fd) {
  uint64_t one = 1;
  (void)!::write(fd, &one, sizeof one);
}

void drain(int fd) {
  char buf[4096];
  while (::read(fd, buf, sizeof buf) > 0) {
  }
}
}  // namespace

Result<void> ContainerService::logs(const std::string& name, const logging::ReadOptions& options,
                                    const std::function<bool(int, std::string_view)>& sink, bool& tty_out,
                                    int hangup_fd) {
  TRY_ASSIGN(auto c, find(name));
  std::string path;
  bool follow = false;
  // Shared with the exit callback, which may run after we return.
  auto exited = std::make_shared<UniqueFd>(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  {
    std::lock_guard lk(c->mu);
    tty_out = c->tty();
    path = paths_.container_log(c->id);
    follow = options.follow && c->state.running();
    if (follow) c->on_exit.push_back([exited] { signal_fd(exited->get()); });
  }
  TRY_ASSIGN(uint64_t offset, logging::read_json_log(path, options, sink));
  if (!follow) return {};

  UniqueFd watch(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
  if (!watch || ::inotify_add_watch(watch.get(), path.c_str(), IN_MODIFY) < 0)
    return fail(Error::from_errno(errno, "watch " + path));
  logging::ReadOptions more = options;
  more.tail = -1;
  // New lines may have landed between the first read and the watch.
  TRY_ASSIGN(offset, logging::read_json_log(path, more, sink, offset));
  for (;;) {
    pollfd p[3] = {{watch.get(), POLLIN, 0}, {exited->get(), POLLIN, 0}, {hangup_fd, POLLRDHUP, 0}};
    int n = ::poll(p, hangup_fd >= 0 ? 3 : 2, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(Error::from_errno(errno, "poll"));
    if (hangup_fd >= 0 && (p[2].revents & (POLLRDHUP | POLLHUP | POLLERR))) return {};
    if (p[0].revents & POLLIN) drain(watch.get());
    TRY_ASSIGN(offset, logging::read_json_log(path, more, sink, offset));
    // The shim writes the last lines before it exits: nothing follows.
    if (p[1].revents & POLLIN) return {};
  }
}

}  // namespace mydocker::daemon::containers
