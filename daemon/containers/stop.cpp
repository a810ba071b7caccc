// POST /containers/{id}/stop, /kill, /restart
#include <csignal>

#include "daemon/containers/container_service.hpp"
#include "daemon/containers/signals.hpp"

namespace mydocker::daemon::containers {

namespace {
constexpr int kDefaultStopTimeout = 10;

Error not_running(const Container& c) {
  return Error::conflict("Container " + c.id + " is not running");
}

int stop_signal_of(const Container& c) {
  std::string s = c.config.value("StopSignal", "");
  if (s.empty()) return SIGTERM;
  auto sig = parse_signal(s);
  return sig ? *sig : SIGTERM;
}
}  // namespace

// A frozen process acts on a signal only once thawed: signal, then thaw.
static void signal_container(Container& c, int sig) {
  ::kill(c.state.pid, sig);
  if (c.state.status == Status::Paused && freeze_container(c, false)) c.state.status = Status::Running;
}

Result<void> ContainerService::stop_locked(Container& c, std::unique_lock<std::mutex>& lk, int timeout_s, int sig) {
  if (!c.state.running()) return {};
  if (timeout_s != 0) {
    signal_container(c, sig);
    if (timeout_s < 0) {
      c.changed.wait(lk, [&] { return !c.state.running(); });
      return {};
    }
    if (c.changed.wait_for(lk, std::chrono::seconds(timeout_s), [&] { return !c.state.running(); })) return {};
  }
  signal_container(c, SIGKILL);
  // SIGKILL cannot be caught; the exit reaches us through the shim at once.
  if (!c.changed.wait_for(lk, std::chrono::seconds(30), [&] { return !c.state.running(); }))
    return fail(Error::internal("container " + c.id + " did not exit after SIGKILL"));
  return {};
}

Result<void> ContainerService::stop(const std::string& name, std::optional<int> timeout_s, std::optional<int> signal) {
  TRY_ASSIGN(auto c, find(name));
  std::unique_lock lk(c->mu);
  if (!c->state.running()) return fail(Error::not_modified());
  int timeout = timeout_s.value_or(c->config.value("StopTimeout", kDefaultStopTimeout));
  return stop_locked(*c, lk, timeout, signal.value_or(stop_signal_of(*c)));
}

Result<void> ContainerService::kill(const std::string& name, const std::string& signal) {
  TRY_ASSIGN(auto c, find(name));
  int sig = SIGKILL;
  if (!signal.empty()) {
    TRY_ASSIGN(sig, parse_signal(signal));
  }
  std::unique_lock lk(c->mu);
  if (!c->state.running()) return fail(not_running(*c));
  if (::kill(c->state.pid, sig) != 0) return fail(Error::from_errno(errno, "kill container " + c->id));
  if (sig == SIGKILL && c->state.status == Status::Paused && freeze_container(*c, false)) c->state.status = Status::Running;
  if (sig == SIGKILL) {
    // Docker returns from kill -9 once the container is down.
    c->changed.wait_for(lk, std::chrono::seconds(30), [&] { return !c->state.running(); });
  }
  return {};
}

Result<void> ContainerService::restart(const std::string& name, std::optional<int> timeout_s) {
  TRY_ASSIGN(auto c, find(name));
  std::unique_lock lk(c->mu);
  if (c->state.running()) {
    int timeout = timeout_s.value_or(c->config.value("StopTimeout", kDefaultStopTimeout));
    TRY_VOID(stop_locked(*c, lk, timeout, stop_signal_of(*c)));
    // The exit callbacks (wait, --rm) ran on the monitor thread already.
  }
  TRY_VOID(start_locked(*c, lk));
  lk.unlock();
  watch_shim(c);
  return {};
}

}  // namespace mydocker::daemon::containers
