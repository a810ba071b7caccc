// How the daemon learns that containers stopped: the shim's pidfd becomes
// readable when it exits, and its exit.json holds the container's status.
// The same path serves a daemon restart (restore + reconcile).
#include <spdlog/spdlog.h>

#include <thread>

#include "common/fs.hpp"
#include "common/time.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/containers/shim_launcher.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

ContainerService::ContainerService(const store::Paths& paths, images::ImageService& images,
                                   images::LayerStore& layers, volumes::VolumeService& volumes,
                                   networks::NetworkService& networks, ExitMonitor& monitor, ServiceOptions options)
    : paths_(paths), images_(images), layers_(layers), volumes_(volumes), networks_(networks), monitor_(monitor),
      options_(std::move(options)), store_(paths) {
  networks_.set_name_lookup(
      [this](const std::string& asker, const std::vector<std::string>& networks, const std::string& name) {
        return lookup_name(asker, networks, name);
      });
}

void ContainerService::watch_shim(const std::shared_ptr<Container>& c) {
  pid_t shim;
  {
    std::lock_guard lk(c->mu);
    shim = c->state.shim_pid;
  }
  std::weak_ptr<Container> weak = c;
  auto r = monitor_.watch(shim, [this, weak] {
    if (auto sp = weak.lock()) on_shim_exit(sp);
  });
  // Already gone: it exited between start and here.
  if (!r) on_shim_exit(c);
}

void ContainerService::on_shim_exit(const std::shared_ptr<Container>& c) {
  std::vector<std::function<void()>> callbacks;
  bool auto_remove = false;
  {
    std::lock_guard lk(c->mu);
    if (!c->state.running()) return;
    int code = 255;
    int64_t finished = timeutil::now_ns();
    bool oom = false;
    if (auto text = fs::read_file(paths_.exit_file(c->id))) {
      json j = json::parse(*text, nullptr, false);
      if (j.is_object()) {
        code = j.value("ExitCode", 255);
        finished = timeutil::parse_rfc3339(j.value("FinishedAt", "")).value_or(finished);
        oom = j.value("OOMKilled", false);
      }
    } else {
      c->state.error = "container shim exited without recording a status";
    }
    finish_exit_locked(*c, code, finished, oom);
    callbacks.swap(c->on_exit);
    auto_remove = c->host_config.value("AutoRemove", false);
  }
  for (auto& cb : callbacks) cb();
  if (auto_remove) {
    // Removal deletes files: not on the monitor thread.
    std::thread([this, id = c->id] {
      if (auto r = remove(id, true, true); !r && r.error().kind != ErrorKind::NotFound)
        spdlog::warn("auto-remove {}: {}", id, r.error().message);
    }).detach();
  }
}

void ContainerService::finish_exit_locked(Container& c, int exit_code, int64_t finished_ns, bool oom) {
  c.state.status = Status::Exited;
  c.state.exit_code = exit_code;
  c.state.finished_at_ns = finished_ns;
  c.state.oom_killed = oom;
  c.state.pid = 0;
  c.state.shim_pid = 0;
  volumes_.deactivate(c.id);
  leave_network(c);
  if (auto r = store_.checkpoint(c); !r) spdlog::error("checkpoint {}: {}", c.id, r.error().message);
  (void)fs::remove_all(paths_.bundle_dir(c.id));
  c.changed.notify_all();
}

Result<void> ContainerService::restore() {
  TRY_VOID(fs::mkdir_all(paths_.containers_dir(), 0710));
  TRY_VOID(fs::mkdir_all(paths_.bundles_dir(), 0700));
  for (auto& c : store_.load_all()) {
    for (const auto& m : c->mount_points)
      if (m.type == "volume") volumes_.acquire(m.name, c->id);
    reconcile(c);
  }
  return {};
}

void ContainerService::reconcile(const std::shared_ptr<Container>& c) {
  bool live = false;
  {
    std::lock_guard lk(c->mu);
    if (c->state.status == Status::Removing) {
      c->state.status = Status::Dead;
      return;
    }
    if (!c->state.running()) return;
    live = is_our_shim(c->state.shim_pid, c->id);
  }
  if (live) {
    spdlog::info("container {} still running (shim {})", c->id, c->state.shim_pid);
    // Its volumes with a filesystem of their own are mounted again (a
    // restart unmounted them; the container's own mounts are unaffected).
    if (auto r = activate_volumes(*c); !r) spdlog::warn("container {}: {}", c->id, r.error().message);
    std::lock_guard lk(c->mu);
    // An endpoint the network service could not take back is forgotten, so
    // inspect does not show an interface and address that are gone.
    const size_t before = c->endpoints.size();
    std::erase_if(c->endpoints,
                  [&](const auto& e) { return !networks_.readopt(c->id, e, c->state.pid, dns_upstreams(*c)); });
    if (c->endpoints.size() != before)
      if (auto r = store_.checkpoint(*c); !r) spdlog::error("checkpoint {}: {}", c->id, r.error().message);
  }
  if (live) {
    watch_shim(c);
  } else {
    on_shim_exit(c);  // reads the status the shim left, or records 255
  }
}

}  // namespace mydocker::daemon::containers
