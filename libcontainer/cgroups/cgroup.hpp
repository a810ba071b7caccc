#pragma once
// A container's cgroup, behind one interface for cgroup v1 (a directory per
// controller hierarchy) and v2 (one unified directory). Writers take their
// root so tests can point them at a temp folder.
#include <memory>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::libcontainer::cgroups {

class Cgroup {
 public:
  virtual ~Cgroup() = default;
  // Creates the directories and writes the resource limits.
  virtual Result<void> create(const spec::Resources& resources) = 0;
  // Opened before clone(): the child writes "0" to each to join.
  virtual Result<std::vector<UniqueFd>> open_procs() = 0;
  // Kills what is left inside and removes the directories.
  virtual Result<void> destroy() = 0;
  // Pids currently inside (from the first hierarchy).
  virtual std::vector<pid_t> pids() = 0;
  // Freezes (pause) or thaws (unpause) every process inside.
  virtual Result<void> freeze(bool frozen) = 0;
  // New limits for a running container (docker update); what is unset stays.
  virtual Result<void> update(const spec::Resources& resources) = 0;
};

enum class Version { V1, V2 };

// v2 only when /sys/fs/cgroup itself is a cgroup2 mount; the hybrid layout
// (v1 controllers plus a near-empty cgroup2 at /sys/fs/cgroup/unified)
// is v1.
Version detect_version(const std::string& root = "/sys/fs/cgroup");

// path: the spec's cgroupsPath, e.g. "/mydocker/<id>".
std::unique_ptr<Cgroup> make_cgroup(const std::string& path, const std::string& root = "/sys/fs/cgroup");
std::unique_ptr<Cgroup> make_v1(const std::string& path, const std::string& root);
std::unique_ptr<Cgroup> make_v2(const std::string& path, const std::string& root);

// The v1 hierarchies (real paths, e.g. /sys/fs/cgroup/cpu,cpuacct) a
// container gets a cgroup in.
std::vector<std::string> v1_hierarchies(const std::string& root = "/sys/fs/cgroup");

// Shared helpers.
Result<void> write_value(const std::string& file, const std::string& value);
std::vector<pid_t> read_pids(const std::string& procs_file);
// "8:0 1048576" lines for a v1 blkio.throttle.* file, one device each.
std::vector<std::string> throttle_lines(const std::vector<spec::ThrottleDevice>& devices);
// Kills every pid listed, waits for the directory to empty, removes it.
Result<void> kill_and_remove(const std::string& dir);

}  // namespace mydocker::libcontainer::cgroups
