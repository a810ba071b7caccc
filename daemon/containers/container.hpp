#pragma once
// One container: what the user asked for (Docker's Config and HostConfig,
// kept as JSON in Docker's own shape), what the daemon derived from it, and
// its state. Each container has its own lock; operations on different
// containers never wait on each other.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>

#include "daemon/containers/userns_files.hpp"
#include <optional>
#include <string>
#include <vector>

#include "common/unique_fd.hpp"
#include "daemon/containers/state.hpp"
#include "daemon/networks/endpoint.hpp"
#include "daemon/volumes/mount_point.hpp"

namespace mydocker::daemon::containers {

// A client attached before start (docker run): its socket is handed to the
// shim when the container starts.
struct PendingAttach {
  UniqueFd fd;
  bool in = false, out = false, err = false;
  std::string detach_keys;  // bytes; empty: none
};

struct Container {
  std::string id;
  std::string name;  // Docker keeps the leading "/"
  int64_t created_ns = 0;
  std::string path;               // the executable (entrypoint[0] or cmd[0])
  std::vector<std::string> args;  // the rest
  nlohmann::json config;          // Docker's Config, merged with the image's
  nlohmann::json host_config;     // Docker's HostConfig
  std::string image_id;           // "sha256:..."
  std::string rootfs_path;
  std::optional<std::string> overlay_options;
  // Its user namespace (mydockerd --userns-remap), fixed at create: the
  // files made for it belong to these IDs. Empty: the host's.
  UsernsMaps userns;
  std::vector<volumes::MountPoint> mount_points;  // resolved at create, in mount order
  // Its places on networks while it runs, in order of joining (eth0 first).
  std::vector<networks::Endpoint> endpoints;
  // NetworkingConfig.EndpointsConfig: the networks it joins at start (keyed
  // by the name the user gave; NetworkMode's own first) with their
  // aliases, --ip and --mac-address. network connect/disconnect edit it.
  nlohmann::json endpoints_config = nlohmann::json::object();
  State state;
  bool has_been_started = false;

  // Runtime only, never on disk.
  mutable std::mutex mu;
  std::condition_variable changed;  // notified on every state change
  std::vector<PendingAttach> pending_attaches;
  // Called once, under no lock, when the container next stops (wait, --rm).
  std::vector<std::function<void()>> on_exit;
  std::vector<std::function<void()>> on_removed;
  bool removed = false;

  std::string short_id() const { return id.substr(0, 12); }
  std::string bare_name() const { return name.empty() ? name : name.substr(1); }
  bool tty() const { return config.value("Tty", false); }
  const networks::Endpoint* endpoint_on(const std::string& network) const {
    for (const auto& e : endpoints)
      if (e.network == network) return &e;
    return nullptr;
  }

  // config.v2.json: everything but HostConfig.
  nlohmann::json to_disk_json() const;
  static Result<Container*> from_disk_json(const nlohmann::json& j, Container& into);
};

// The container's cgroup, relative to each hierarchy (the OCI cgroupsPath).
inline std::string cgroup_path_of(const Container& c) { return "/mydocker/" + c.id; }
// Freezes or thaws the container's processes (pause / unpause).
Result<void> freeze_container(const Container& c, bool frozen);

// Docker's label filter: every "key" or "key=value" must hold.
bool labels_match(const nlohmann::json& labels, const std::vector<std::string>& wanted);

}  // namespace mydocker::daemon::containers
