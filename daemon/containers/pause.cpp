// POST /containers/{id}/pause, /unpause: the cgroup freezer.
#include "daemon/containers/container_service.hpp"
#include "libcontainer/cgroups/cgroup.hpp"

namespace mydocker::daemon::containers {

Result<void> freeze_container(const Container& c, bool frozen) {
  return libcontainer::cgroups::make_cgroup(cgroup_path_of(c))->freeze(frozen);
}

Result<void> ContainerService::pause(const std::string& name) {
  TRY_ASSIGN(auto c, find(name));
  std::lock_guard lk(c->mu);
  if (c->state.status == Status::Paused) return fail(Error::conflict("Container " + c->id + " is already paused"));
  if (!c->state.running()) return fail(Error::conflict("Container " + c->id + " is not running"));
  TRY_VOID(check_transition(c->state.status, Status::Paused, c->name));
  TRY_VOID(freeze_container(*c, true));
  c->state.status = Status::Paused;
  (void)store_.checkpoint(*c);
  return {};
}

Result<void> ContainerService::unpause(const std::string& name) {
  TRY_ASSIGN(auto c, find(name));
  std::lock_guard lk(c->mu);
  if (c->state.status != Status::Paused) return fail(Error::conflict("Container " + c->id + " is not paused"));
  TRY_VOID(freeze_container(*c, false));
  c->state.status = Status::Running;
  (void)store_.checkpoint(*c);
  return {};
}

}  // namespace mydocker::daemon::containers
