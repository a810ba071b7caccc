#pragma once
// The engine behind /volumes/*: the local driver's volumes, who uses them,
// and the filesystems mounted for volumes made with type/device/o options.
// Containers register as users when they are created (acquire) and drop
// out when removed (release); a volume in use cannot be removed.
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "daemon/store/paths.hpp"
#include "daemon/volumes/volume.hpp"

namespace mydocker::daemon::volumes {

using Filters = std::map<std::string, std::vector<std::string>>;

struct CreateRequest {
  std::string name;  // empty: an anonymous volume with a 64-hex name
  std::string driver = "local";
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> options;
  bool anonymous = false;  // adds the anonymous label (for -v /path, VOLUME)
};

struct PruneResult {
  std::vector<std::string> deleted;
  uint64_t space_reclaimed = 0;
};

class VolumeService {
 public:
  explicit VolumeService(const store::Paths& paths);

  // Loads every volume's metadata; unmounts filesystems a previous daemon
  // left mounted (containers that still run activate them again).
  Result<void> restore();

  // Creating a volume that exists returns it, as Docker does (unless the
  // driver differs: 409).
  Result<Volume> create(const CreateRequest& request);
  Result<Volume> get(const std::string& name) const;
  std::vector<Volume> list(const Filters& filters) const;
  Result<void> remove(const std::string& name, bool force);
  // all=false: only anonymous volumes, as current Docker.
  Result<PruneResult> prune(bool all, const Filters& filters);

  // Docker's JSON for a volume (GET /volumes/{name}).
  nlohmann::json to_json(const Volume& v) const;
  std::string data_path(const std::string& name) const { return paths_.volume_data(name); }

  // Users: containers whose mounts name the volume.
  void acquire(const std::string& name, const std::string& container_id);
  void release(const std::string& container_id);
  std::vector<std::string> users(const std::string& name) const;

  // Running users: volumes with a filesystem of their own are mounted at
  // _data by the first container that starts and unmounted after the last
  // one stops.
  Result<void> activate(const std::string& name, const std::string& container_id);
  void deactivate(const std::string& container_id);

 private:
  Result<void> remove_locked(const std::string& name);
  Result<void> validate_options(const std::map<std::string, std::string>& options) const;

  const store::Paths& paths_;
  mutable std::mutex mu_;
  std::map<std::string, Volume> volumes_;
  std::map<std::string, std::set<std::string>> users_;   // volume → container ids
  std::map<std::string, std::set<std::string>> active_;  // volume → running container ids
};

}  // namespace mydocker::daemon::volumes
