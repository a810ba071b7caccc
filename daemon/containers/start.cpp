// POST /containers/{id}/start
#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "common/time.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/containers/oci_spec.hpp"
#include "daemon/containers/shim_launcher.hpp"

namespace mydocker::daemon::containers {

Result<void> ContainerService::start(const std::string& name) {
  TRY_ASSIGN(auto c, find(name));
  std::unique_lock lk(c->mu);
  if (c->state.running()) return fail(Error::not_modified());
  if (c->state.status == Status::Removing || c->removed)
    return fail(Error::conflict("container " + c->id + " is marked for removal and cannot be started"));
  if (auto r = start_locked(*c, lk); !r) {
    // A container run with --rm that cannot start is removed, as Docker does.
    const bool auto_remove = c->host_config.value("AutoRemove", false);
    lk.unlock();
    if (auto_remove) (void)remove(c->id, true, true);
    return r;
  }
  lk.unlock();
  watch_shim(c);
  return {};
}

Result<void> ContainerService::start_locked(Container& c, std::unique_lock<std::mutex>&) {
  TRY_ASSIGN(auto spec, build_oci_spec(c, paths_));
  UniqueFd netns;  // ours until the container has joined it
  TRY_VOID(join_network(c, spec, netns));
  // Any failure from here on gives the network back.
  struct LeaveOnFailure {
    ContainerService* service;
    Container* container;
    bool armed = true;
    ~LeaveOnFailure() {
      if (armed) service->leave_network(*container);
    }
  } network_guard{this, &c};
  const std::string bundle = paths_.bundle_dir(c.id);
  TRY_VOID(fs::mkdir_all(bundle, 0700));
  (void)::unlink(paths_.exit_file(c.id).c_str());
  TRY_VOID(fs::write_file_atomic(bundle + "/config.json", libcontainer::spec::serialize(spec), 0600));

  ShimLaunch launch;
  launch.shim_path = options_.shim_path;
  launch.id = c.id;
  launch.bundle = bundle;
  launch.log_path = paths_.container_log(c.id);
  launch.exit_file = paths_.exit_file(c.id);
  launch.tty = c.tty();
  launch.open_stdin = c.config.value("OpenStdin", false);
  launch.stdin_once = c.config.value("StdinOnce", false);
  launch.attaches = std::move(c.pending_attaches);
  c.pending_attaches.clear();

  TRY_VOID(activate_volumes(c));
  auto started = launch_shim(std::move(launch));
  if (!started) {
    volumes_.deactivate(c.id);
    // Docker records the failure on the container: exit code 127 for a
    // missing executable, 126 when it cannot be run, else 128.
    const std::string& msg = started.error().message;
    c.state.error = msg;
    c.state.exit_code = msg.find("executable file not found") != std::string::npos ||
                                msg.find("no such file or directory") != std::string::npos
                            ? 127
                        : msg.find("permission denied") != std::string::npos ? 126
                                                                              : 128;
    if (c.has_been_started) {
      c.state.status = Status::Exited;
      c.state.finished_at_ns = timeutil::now_ns();
    }
    (void)store_.checkpoint(c);
    return fail(started.error());
  }
  TRY_VOID(check_transition(c.state.status, Status::Running, c.name));
  network_guard.armed = false;
  c.state.status = Status::Running;
  c.state.pid = started->init_pid;
  c.state.shim_pid = started->shim_pid;
  c.state.exit_code = 0;
  c.state.error.clear();
  c.state.oom_killed = false;
  c.state.started_at_ns = timeutil::now_ns();
  c.state.finished_at_ns = 0;
  c.has_been_started = true;
  if (auto r = store_.checkpoint(c); !r) spdlog::error("checkpoint {}: {}", c.id, r.error().message);
  c.changed.notify_all();
  spdlog::debug("started container {} pid {} shim {}", c.id, c.state.pid, c.state.shim_pid);
  return {};
}

}  // namespace mydocker::daemon::containers
