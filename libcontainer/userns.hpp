#pragma once
// User namespaces (linux.uidMappings/gidMappings), the way mydocker runs
// them: the container's first process sets up every mount as root of the
// host, pivots, and only then unshares a user namespace whose maps the
// parent writes. Image layers are seen through idmapped mounts so that
// their root-owned files are the container's root's; see docs/security.md.
#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::libcontainer {

// "containerID hostID size\n" per mapping: the text of /proc/PID/uid_map.
std::string id_map_text(const std::vector<spec::IdMapping>& maps);

// The host ID of a container ID; nullopt when the maps leave it out.
std::optional<uint32_t> host_id_of(const std::vector<spec::IdMapping>& maps, uint32_t container_id);

// Writes uid_map, then gid_map, of a process that unshared its user
// namespace. Each map is one write(), as the kernel requires.
Result<void> write_id_maps(pid_t pid, const std::string& uid_map, const std::string& gid_map);

// A user namespace with the container's maps, held by a short-lived helper
// process: its fd is what mount_setattr(MOUNT_ATTR_IDMAP) needs before the
// container's own namespace exists. The helper is told to exit as soon as
// its namespace is open (the fd keeps it alive) and reaped on destruction.
class MappingUserns {
 public:
  static Result<MappingUserns> make(const std::string& uid_map, const std::string& gid_map);
  MappingUserns(MappingUserns&&) noexcept;
  MappingUserns& operator=(MappingUserns&&) noexcept;
  MappingUserns(const MappingUserns&) = delete;
  ~MappingUserns();
  int fd() const { return ns_.get(); }

 private:
  MappingUserns() = default;
  void reap();
  pid_t helper_ = -1;
  UniqueFd release_;  // closing it lets the helper exit
  UniqueFd ns_;
};

// Overlay options with every lowerdir replaced by a detached, idmapped
// clone of it ("/proc/self/fd/N", for the child's mount(2)); the fds that
// keep the clones alive go to `keep`.
Result<std::string> idmap_overlay_lowers(const std::string& overlay_data, int userns_fd, std::vector<UniqueFd>& keep);

// An idmapped, detached clone of a folder.
Result<UniqueFd> idmapped_clone(const std::string& path, int userns_fd, bool recursive);

}  // namespace mydocker::libcontainer
