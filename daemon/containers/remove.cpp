// DELETE /containers/{id}, POST /containers/prune
#include <spdlog/spdlog.h>

#include "common/fs.hpp"
#include "daemon/containers/container_service.hpp"

namespace mydocker::daemon::containers {

Result<void> ContainerService::remove(const std::string& name, bool force, bool remove_volumes) {
  TRY_ASSIGN(auto c, find(name));
  std::vector<std::function<void()>> callbacks;
  {
    std::unique_lock lk(c->mu);
    if (c->removed) return {};
    if (c->state.status == Status::Removing)
      return fail(Error::conflict("removal of container " + c->id + " is already in progress"));
    if (c->state.running()) {
      if (!force)
        return fail(Error::conflict("cannot remove container \"" + c->name +
                                    "\": container is running: stop the container before removing or force remove"));
      TRY_VOID(stop_locked(*c, lk, 0, 9));
    }
    if (c->state.status == Status::Removing || c->removed) return {};
    c->state.status = Status::Removing;
    (void)store_.checkpoint(*c);
    TRY_VOID(remove_files(*c));
    c->removed = true;
    store_.erase(c->id);
    // Its volumes are free of it; with -v (and --rm) the anonymous ones go.
    volumes_.release(c->id);
    if (remove_volumes) remove_anonymous_volumes(*c);
    callbacks.swap(c->on_removed);
    c->on_exit.clear();
    c->changed.notify_all();
  }
  for (auto& cb : callbacks) cb();
  spdlog::debug("removed container {}", c->id);
  return {};
}

Result<void> ContainerService::remove_files(Container& c) {
  if (auto r = layers_.remove_container_layer(c.id); !r) {
    c.state.status = Status::Dead;
    (void)store_.checkpoint(c);
    return fail(r.error().wrap("unable to remove filesystem for " + c.id));
  }
  (void)fs::remove_all(paths_.bundle_dir(c.id));
  if (auto r = fs::remove_all(paths_.container_dir(c.id)); !r) {
    c.state.status = Status::Dead;
    return fail(r.error().wrap("unable to remove filesystem for " + c.id));
  }
  return {};
}

Result<PruneResult> ContainerService::prune(const Filters& filters) {
  PruneResult out;
  for (auto& c : store_.all()) {
    {
      std::lock_guard lk(c->mu);
      if (c->state.running() || c->state.status == Status::Removing) continue;
      if (auto it = filters.find("label");
          it != filters.end() && !labels_match(c->config.value("Labels", nlohmann::json::object()), it->second))
        continue;
    }
    if (remove(c->id, false, false)) out.deleted.push_back(c->id);
  }
  return out;
}

}  // namespace mydocker::daemon::containers
