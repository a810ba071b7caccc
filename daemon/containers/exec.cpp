// docker exec: the daemon keeps the exec's config; the container's shim
// runs the process and records its exit status in <bundle>/exec-<id>.json.
#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "common/shim_control.hpp"
#include "daemon/containers/config_merge.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/security/capabilities.hpp"
#include "libcontainer/capabilities.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

namespace {

Error no_such_exec(const std::string& id) { return Error::not_found("No such exec instance: " + id); }
}  // namespace

Result<std::string> ContainerService::exec_create(const std::string& name, const json& body) {
  TRY_ASSIGN(auto c, find(name));
  ExecConfig e;
  e.cmd = strings_of(body.value("Cmd", json()));
  if (e.cmd.empty()) return fail(Error::invalid("No exec command specified"));
  if (auto p = body.find("Privileged"); p != body.end() && !p->is_null()) {
    if (!p->is_boolean()) return fail(Error::invalid("Privileged must be a boolean"));
    e.privileged = p->get<bool>();
  }
  e.env = strings_of(body.value("Env", json()));
  e.user = body.value("User", "");
  e.workdir = body.value("WorkingDir", "");
  if (!e.workdir.empty() && e.workdir.front() != '/')
    return fail(Error::invalid("the working directory '" + e.workdir + "' is invalid, it needs to be an absolute path"));
  e.tty = body.value("Tty", false);
  e.attach_stdin = body.value("AttachStdin", false);
  e.attach_stdout = body.value("AttachStdout", false);
  e.attach_stderr = body.value("AttachStderr", false);
  {
    std::lock_guard lk(c->mu);
    if (!c->state.running()) return fail(Error::conflict("Container " + c->id + " is not running"));
    if (c->state.status == Status::Paused) return fail(Error::conflict("Container " + c->id + " is paused, unpause the container before exec"));
    e.container_id = c->id;
  }
  e.id = random_hex_id();
  std::lock_guard lk(exec_mu_);
  execs_[e.id] = e;
  return e.id;
}

Result<void> ContainerService::exec_can_start(const std::string& id) {
  std::string container;
  {
    std::lock_guard lk(exec_mu_);
    auto it = execs_.find(id);
    if (it == execs_.end()) return fail(no_such_exec(id));
    if (it->second.started) return fail(Error::conflict("exec " + id + " has already been started"));
    container = it->second.container_id;
  }
  TRY_ASSIGN(auto c, find(container));
  std::lock_guard lk(c->mu);
  if (!c->state.running()) return fail(Error::conflict("Container " + c->id + " is not running"));
  return {};
}

Result<void> ContainerService::exec_start(const std::string& id, UniqueFd client) {
  ExecConfig e;
  {
    std::lock_guard lk(exec_mu_);
    auto it = execs_.find(id);
    if (it == execs_.end()) return fail(no_such_exec(id));
    if (it->second.started) return fail(Error::conflict("exec " + id + " has already been started"));
    it->second.started = true;
    e = it->second;
  }
  TRY_ASSIGN(auto c, find(e.container_id));
  json request;
  {
    std::lock_guard lk(c->mu);
    if (!c->state.running()) return fail(Error::conflict("Container " + c->id + " is not running"));
    // The container's environment and defaults, then the exec's own.
    json cfg = c->config;
    json env = cfg.value("Env", json::array());
    for (const auto& kv : e.env) env.push_back(kv);
    cfg["Env"] = env;
    cfg["Tty"] = e.tty;
    request = {{"id", e.id},
               {"args", e.cmd},
               {"env", process_env(cfg, c->config.value("Hostname", c->short_id()))},
               {"cwd", e.workdir.empty() ? c->config.value("WorkingDir", "") : e.workdir},
               {"user", e.user},
               {"tty", e.tty},
               {"stdin", e.attach_stdin && client.valid()}};
    // The container's seccomp filter still applies, as in Docker.
    if (e.privileged) request["capabilities"] = libcontainer::capability_names(security::held_capabilities());
  }
  auto reply = shim_control::send(paths_.bundle_dir(e.container_id), "exec " + shim_control::to_hex(request.dump()) + "\n",
                                  client.get());
  std::unique_lock lk(exec_mu_);
  ExecConfig& stored = execs_[id];
  if (reply && reply->rfind("pid ", 0) == 0) {
    stored.pid = std::atoi(reply->c_str() + 4);
    stored.running = true;
    auto size = std::exchange(stored.pending_size, std::nullopt);
    lk.unlock();
    if (size) (void)send_exec_resize(e.container_id, id, size->first, size->second);
    return {};
  }
  const std::string msg = reply ? reply->substr(reply->find(' ') + 1) : reply.error().message;
  stored.exit_code = msg.find("not found") != std::string::npos || msg.find("no such file") != std::string::npos ? 127 : 126;
  return fail(Error::invalid("OCI runtime exec failed: exec failed: unable to start container process: " + msg + ": unknown"));
}

Result<void> ContainerService::exec_resize(const std::string& id, unsigned rows, unsigned cols) {
  std::string container;
  {
    std::lock_guard lk(exec_mu_);
    auto it = execs_.find(id);
    if (it == execs_.end()) return fail(no_such_exec(id));
    ExecConfig& e = it->second;
    if (!e.tty || e.exit_code) return {};  // as Docker: nothing to resize
    if (!e.running) {
      e.pending_size = {rows, cols};
      return {};
    }
    container = e.container_id;
  }
  return send_exec_resize(container, id, rows, cols);
}

Result<void> ContainerService::send_exec_resize(const std::string& container, const std::string& id, unsigned rows,
                                                unsigned cols) {
  TRY_VOID(shim_control::send(paths_.bundle_dir(container),
                              "execresize " + id + " " + std::to_string(rows) + " " + std::to_string(cols) + "\n"));
  return {};
}

Result<json> ContainerService::exec_inspect(const std::string& id) {
  std::lock_guard lk(exec_mu_);
  auto it = execs_.find(id);
  if (it == execs_.end()) return fail(no_such_exec(id));
  ExecConfig& e = it->second;
  if (e.running && !e.exit_code) {
    if (auto text = fs::read_file(paths_.bundle_dir(e.container_id) + "/exec-" + id + ".json")) {
      json j = json::parse(*text, nullptr, false);
      if (j.is_object()) e.exit_code = j.value("ExitCode", 0);
    } else if (auto c = find(e.container_id); !c || !(*c)->state.running()) {
      e.exit_code = 137;  // the container stopped under it
    }
    if (e.exit_code) e.running = false;
  }
  return json{{"ID", e.id},
              {"Running", e.running},
              {"ExitCode", e.exit_code ? json(*e.exit_code) : json(nullptr)},
              {"ProcessConfig",
               {{"tty", e.tty}, {"entrypoint", e.cmd.front()},
                {"arguments", std::vector<std::string>(e.cmd.begin() + 1, e.cmd.end())}, {"privileged", false},
                {"user", e.user}}},
              {"OpenStdin", e.attach_stdin},
              {"OpenStderr", e.attach_stderr},
              {"OpenStdout", e.attach_stdout},
              {"CanRemove", false},
              {"ContainerID", e.container_id},
              {"DetachKeys", ""},
              {"Pid", e.pid}};
}

}  // namespace mydocker::daemon::containers
