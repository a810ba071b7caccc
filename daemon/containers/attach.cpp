// POST /containers/{id}/attach and /resize: clients reach the container
// through its shim, which writes output to them directly.
#include "common/shim_control.hpp"
#include "daemon/containers/container_service.hpp"

namespace mydocker::daemon::containers {

Result<void> ContainerService::attach(const std::string& name, UniqueFd client, bool in, bool out, bool err,
                                      const std::string& detach_keys) {
  TRY_ASSIGN(auto c, find(name));
  std::lock_guard lk(c->mu);
  in = in && c->config.value("OpenStdin", false);
  if (c->state.status == Status::Paused) return fail(Error::conflict("container " + c->id + " is paused, unpause the container before attach"));
  if (c->state.running()) {
    const std::string line = std::string("attach ") + (in ? "i" : "-") + (out ? "o" : "-") + (err ? "e" : "-") + " " +
                             shim_control::to_hex(in ? detach_keys : "") + "\n";
    TRY_VOID(shim_control::send(paths_.bundle_dir(c->id), line, client.get()));
    return {};
  }
  // Not running yet (docker run, start -a): the shim gets it at start.
  c->pending_attaches.push_back(PendingAttach{std::move(client), in, out, err, in ? detach_keys : ""});
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
