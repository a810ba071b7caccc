// POST /containers/{id}/wait
#include "daemon/containers/container_service.hpp"

namespace mydocker::daemon::containers {

Result<void> ContainerService::wait(const std::string& name, WaitCondition condition,
                                    std::function<void(WaitResult)> done) {
  TRY_ASSIGN(auto c, find(name));
  std::lock_guard lk(c->mu);
  auto result_of = [](const Container& ct) {
    WaitResult r;
    r.status_code = ct.state.exit_code;
    return r;
  };
  std::weak_ptr<Container> weak = c;
  switch (condition) {
    case WaitCondition::NotRunning:
      if (!c->state.running()) {
        done(result_of(*c));
        return {};
      }
      [[fallthrough]];
    case WaitCondition::NextExit:
      c->on_exit.push_back([weak, done] {
        auto sp = weak.lock();
        WaitResult r;
        if (sp) {
          std::lock_guard l2(sp->mu);
          r.status_code = sp->state.exit_code;
        }
        done(r);
      });
      return {};
    case WaitCondition::Removed:
      c->on_removed.push_back([weak, done] {
        auto sp = weak.lock();
        WaitResult r;
        if (sp) r.status_code = sp->state.exit_code;  // the container is gone: no lock contention
        done(r);
      });
      return {};
  }
  return {};
}

}  // namespace mydocker::daemon::containers
