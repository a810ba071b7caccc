#pragma once
// The engine behind /containers/*. One operation per .cpp file (create.cpp,
// start.cpp, stop.cpp, remove.cpp, ...), each following the same recipe:
// resolve the name → lock the container → check its state → do the work →
// update the state → checkpoint to disk.
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/containers/container.hpp"
#include "daemon/containers/container_store.hpp"
#include "daemon/containers/exit_monitor.hpp"
#include "daemon/images/image_service.hpp"
#include "daemon/images/layer_store.hpp"
#include "daemon/logging/json_file_reader.hpp"
#include "daemon/store/paths.hpp"
#include "libcontainer/spec/spec.hpp"
#include "daemon/networks/network_service.hpp"
#include "daemon/volumes/volume_service.hpp"

namespace mydocker::daemon::containers {

struct CreateResult {
  std::string id;
  std::vector<std::string> warnings;
};

enum class WaitCondition { NotRunning, NextExit, Removed };

struct WaitResult {
  int status_code = 0;
  std::string error;  // empty when none
};

// Filters of GET /containers/json, already decoded: key → values.
using Filters = std::map<std::string, std::vector<std::string>>;

struct ListOptions {
  bool all = false;
  int limit = -1;
  bool size = false;
  Filters filters;
};

struct PruneResult {
  std::vector<std::string> deleted;
  uint64_t space_reclaimed = 0;
};

// POST /containers/{id}/attach's query.
struct AttachOptions {
  bool in = false, out = false, err = false;
  bool stream = true;       // join the live streams
  bool replay_logs = false;  // logs=1: the log so far first
  std::string detach_keys;   // bytes (see detach_keys.hpp)
  // The 101 response, written by attach() before the socket can receive
  // any output: a `docker run` whose start overtakes its attach must not
  // lose what the container writes first.
  std::string upgrade_head;
};

// One `docker exec`, from create to its exit code.
struct ExecConfig {
  std::string id, container_id;
  std::vector<std::string> cmd, env;
  std::string user, workdir;
  bool tty = false, attach_stdin = false, attach_stdout = false, attach_stderr = false;
  bool privileged = false;  // every capability the daemon holds, as Docker's exec --privileged
  bool started = false, running = false;
  std::optional<int> exit_code;
  pid_t pid = 0;
  // A resize that came before the process started (the CLI sends one right
  // after the hijack): applied as soon as it runs.
  std::optional<std::pair<unsigned, unsigned>> pending_size;
};

struct ServiceOptions {
  std::string shim_path;  // the mydocker-shim executable
  // mydockerd --userns-remap: the user namespace of every container created
  // without --userns host. Empty: none.
  UsernsMaps userns_remap;
};

class ContainerService {
 public:
  ContainerService(const store::Paths& paths, images::ImageService& images, images::LayerStore& layers,
                   volumes::VolumeService& volumes, networks::NetworkService& networks, ExitMonitor& monitor,
                   ServiceOptions options);

  // Rebuilds the store from disk and reconciles with live shims.
  Result<void> restore();

  Result<CreateResult> create(const std::string& name, nlohmann::json config, nlohmann::json host_config);
  Result<void> start(const std::string& name);
  Result<void> stop(const std::string& name, std::optional<int> timeout_s, std::optional<int> signal);
  Result<void> kill(const std::string& name, const std::string& signal);
  Result<void> restart(const std::string& name, std::optional<int> timeout_s);
  Result<void> remove(const std::string& name, bool force, bool remove_volumes);
  // docker update: Resources fields and RestartPolicy; the warnings.
  Result<std::vector<std::string>> update(const std::string& name, const nlohmann::json& request);
  Result<void> pause(const std::string& name);
  Result<void> unpause(const std::string& name);
  Result<void> rename(const std::string& name, const std::string& new_name);
  // GET /containers/{id}/top: Titles and Processes as Docker's `ps -ef` view.
  Result<nlohmann::json> top(const std::string& name);
  Result<PruneResult> prune(const Filters& filters);

  // Calls done(result) exactly once, possibly later on another thread.
  Result<void> wait(const std::string& name, WaitCondition condition, std::function<void(WaitResult)> done);

  // Hands a hijacked client socket to the container's shim: now when it
  // runs, else when it starts. detach_keys are bytes (see detach_keys.hpp).
  Result<void> attach(const std::string& name, UniqueFd client, const AttachOptions& options);
  // The container's tty size; 409 when it is not running.
  Result<void> resize(const std::string& name, unsigned rows, unsigned cols);

  Result<nlohmann::json> inspect(const std::string& name);
  // The maps of its user namespace (empty: the host's); fixed at create.
  Result<UsernsMaps> userns_of(const std::string& name) const {
    TRY_ASSIGN(auto c, find(name));
    return c->userns;
  }
  Result<nlohmann::json> list(const ListOptions& options);
  // Streams the json-file log; with options.follow, keeps streaming until
  // the container stops or hangup_fd (the client's connection) closes.
  // tty_out is set before the first entry is delivered.
  Result<void> logs(const std::string& name, const logging::ReadOptions& options,
                    const std::function<bool(int stream, std::string_view data)>& sink, bool& tty_out,
                    int hangup_fd = -1);

  // POST /containers/{id}/exec, /exec/{id}/start, GET /exec/{id}/json.
  Result<std::string> exec_create(const std::string& container, const nlohmann::json& body);
  // Checks before the connection is hijacked: 404 / 409 as plain HTTP.
  Result<void> exec_can_start(const std::string& exec_id);
  // client may be invalid (detached). Errors after the upgrade are written
  // into the client's stream by the caller.
  Result<void> exec_start(const std::string& exec_id, UniqueFd client);
  Result<nlohmann::json> exec_inspect(const std::string& exec_id);
  // POST /exec/{id}/resize: sets the exec's pty size; ignored without a tty.
  Result<void> exec_resize(const std::string& exec_id, unsigned rows, unsigned cols);

  // POST /networks/{id}/connect and /disconnect: live on a running
  // container (an interface appears or vanishes), else for its next start.
  Result<void> connect_network(const std::string& network, const std::string& container,
                               const nlohmann::json& endpoint_config);
  Result<void> disconnect_network(const std::string& network, const std::string& container, bool force);

  // Whether some container uses the image (for rmi); the container id if so.
  std::optional<std::string> image_user(const std::string& image_id) const;
  size_t count(Status status) const;
  size_t count_all() const;

 private:
  Result<std::shared_ptr<Container>> find(std::string_view name) const { return store_.find(name); }
  Result<void> start_locked(Container& c, std::unique_lock<std::mutex>& lk);
  Result<void> stop_locked(Container& c, std::unique_lock<std::mutex>& lk, int timeout_s, int signal);
  Result<void> remove_files(Container& c);
  void watch_shim(const std::shared_ptr<Container>& c);
  void on_shim_exit(const std::shared_ptr<Container>& c);
  void finish_exit_locked(Container& c, int exit_code, int64_t finished_ns, bool oom);
  void reconcile(const std::shared_ptr<Container>& c);
  // create: every mount the container asked for, volumes made or found
  // (those made here listed in `created`), bind sources checked, new
  // volumes filled from the image.
  Result<std::vector<volumes::MountPoint>> resolve_mounts(const Container& c, std::vector<std::string>& created);
  // start: the container's network namespace made and wired as its
  // NetworkMode says; the spec's network namespace points at it. `holder`
  // keeps the namespace alive until the container has joined it.
  Result<void> join_network(Container& c, libcontainer::spec::Spec& spec, UniqueFd& holder);
  void leave_network(Container& c);
  struct Link {
    std::string alias, name, short_id;
    uint32_t ip = 0;
    std::vector<std::string> env;
  };
  Result<std::vector<Link>> resolve_links(const Container& c);
  std::vector<std::string> dns_upstreams(const Container& c) const;
  networks::EndpointRequest endpoint_request(const Container& c, const std::string& key) const;
  // (EndpointsConfig key, network name) pairs, NetworkMode's network first.
  Result<std::vector<std::pair<std::string, std::string>>> networks_to_join(const Container& c) const;
  std::vector<uint32_t> lookup_name(const std::string& asker, const std::vector<std::string>& networks,
                                    const std::string& name) const;
  nlohmann::json networks_view(const Container& c) const;
  // A network's id by name ("" when it is not one of ours).
  std::string network_id(const std::string& name) const;
  // create: NetworkMode and port specs checked (404 unknown network/container, 400 bad ports).
  Result<void> check_network_config(const Container& c);
  Result<void> fill_from_image(const Container& c, const volumes::MountPoint& m);
  Result<void> activate_volumes(const Container& c);
  // rm -v: the container's anonymous volumes nobody else uses.
  void remove_anonymous_volumes(const Container& c);

  const store::Paths& paths_;
  images::ImageService& images_;
  images::LayerStore& layers_;
  volumes::VolumeService& volumes_;
  networks::NetworkService& networks_;
  ExitMonitor& monitor_;
  ServiceOptions options_;
  ContainerStore store_;
  Result<void> send_exec_resize(const std::string& container, const std::string& exec_id, unsigned rows, unsigned cols);
  std::mutex exec_mu_;
  std::map<std::string, ExecConfig> execs_;
};

}  // namespace mydocker::daemon::containers
