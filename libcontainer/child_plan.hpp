#pragma once
// Everything the container's first process needs, computed before clone():
// plain arrays and C strings the child only reads. The strings live in the
// parent's ChildPlanStorage; the child sees its copy-on-write image.
#include <linux/filter.h>
#include <sys/resource.h>
#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "libcontainer/capabilities.hpp"

namespace mydocker::libcontainer {

struct MountStep {
  const char* source = nullptr;
  const char* target = nullptr;  // absolute, inside the new root (before pivot): for messages
  const char* rel_target = nullptr;  // the destination, resolved inside the root (rooted_path.hpp)
  const char* fstype = nullptr;
  const char* data = nullptr;
  unsigned long flags = 0;
  unsigned long propagation = 0;
  bool bind = false;
  bool remount_ro = false;   // bind mounts: ro needs a second, remount call
  bool file_target = false;  // bind of a file: the mount point is a file
  // Instead of a mount: a symlink at rel_target pointing here (the v1
  // cgroup aliases, cpu -> cpu,cpuacct).
  const char* symlink_to = nullptr;
  bool remount_only = false;  // remount what is at rel_target with flags (read-only after filling it)
};

// A device node (linux.devices), made in the container's fresh /dev.
struct DeviceStep {
  const char* path = nullptr;  // rootfs + the node's path, e.g. ".../rootfs/dev/fuse"
  mode_t mode = 0;             // S_IFCHR or S_IFBLK (etc.) | permissions
  dev_t dev = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct RlimitStep {
  int resource = 0;
  rlimit value{};
};

struct SetnsStep {
  int fd = -1;
  int nstype = 0;
};

// The step the child was at when it failed, for the parent's message.
enum class ChildStep : int32_t {
  Cgroup = 1, Setns, Stdio, Hostname, Propagation, Rootfs, Mount, Devices, PivotRoot, MaskPath,
  ReadonlyPath, Sysctl, RootReadonly, User, Groups, Rlimit, Capabilities, SetUid, Cwd, ExecLookup, Exec,
  NoNewPrivs, Console, Seccomp, UserNamespace,
};

struct ChildError {
  int32_t step = 0;
  int32_t err = 0;
  char detail[240] = {};
};

struct ChildPlan {
  int stdio[3] = {-1, -1, -1};
  bool terminal = false;
  int console_socket = -1;  // terminal made inside; stdio[] unused (see Stdio)
  int error_fd = -1;
  const int* cgroup_fds = nullptr;
  int n_cgroup_fds = 0;
  // A new cgroup namespace, entered after joining the cgroup (not at
  // clone()): the container's own cgroup becomes the namespace's root.
  bool unshare_cgroup_ns = false;
  const SetnsStep* setns = nullptr;
  int n_setns = 0;
  const char* hostname = nullptr;  // null: keep (no new UTS namespace)
  bool new_mount_ns = false;
  const char* rootfs = nullptr;
  const char* overlay_data = nullptr;  // mount overlay on rootfs with these options
  // A user namespace, unshared after the root is set up (every mount is
  // made as the host's root): the child writes a byte to userns_ready, the
  // parent writes the maps and a byte to userns_go.
  bool unshare_user = false;
  int userns_ready = -1;
  int userns_go = -1;
  const MountStep* mounts = nullptr;
  int n_mounts = 0;
  const char* dev_dir = nullptr;  // rootfs + "/dev" when /dev is a fresh tmpfs
  const DeviceStep* devices = nullptr;
  int n_devices = 0;
  const char* const* masked = nullptr;
  int n_masked = 0;
  const char* const* readonly = nullptr;
  int n_readonly = 0;
  const char* const* sysctl_files = nullptr;
  const char* const* sysctl_values = nullptr;
  int n_sysctl = 0;
  bool root_readonly = false;
  const char* user_spec = nullptr;  // Docker's -u value, resolved inside
  uid_t uid = 0;
  gid_t gid = 0;
  const gid_t* groups = nullptr;
  int n_groups = 0;
  CapMasks caps;
  bool no_new_privs = false;
  // Compiled before clone() (seccomp.hpp); null: no filter.
  const sock_fprog* seccomp = nullptr;
  unsigned seccomp_flags = 0;  // SECCOMP_FILTER_FLAG_*
  const RlimitStep* rlimits = nullptr;
  int n_rlimits = 0;
  const char* cwd = "/";
  const char* const* argv = nullptr;
  const char* const* envp = nullptr;
  const char* path_env = nullptr;
};

// Runs in the child. Never returns: execs or reports and _exit()s.
[[noreturn]] void child_main(const ChildPlan& plan);

}  // namespace mydocker::libcontainer
