#pragma once
// The subset of the OCI runtime spec (config.json) that libcontainer runs.
// Unknown fields are ignored on input.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace mydocker::libcontainer::spec {

struct User {
  uint32_t uid = 0, gid = 0;
  std::vector<uint32_t> additional_gids;
};
struct Capabilities {
  std::vector<std::string> bounding, effective, permitted, inheritable, ambient;
};
struct Rlimit {
  std::string type;
  uint64_t hard = 0, soft = 0;
};
struct Process {
  bool terminal = false;
  User user;
  std::vector<std::string> args, env;
  std::string cwd = "/";
  Capabilities capabilities;
  std::vector<Rlimit> rlimits;
  bool no_new_privileges = false;
};
struct Root {
  std::string path;
  bool readonly = false;
};
struct Mount {
  std::string destination, type, source;
  std::vector<std::string> options;
};
struct Namespace {
  std::string type;  // pid, network, mount, ipc, uts, user, cgroup
  std::string path;
};
// A block device throttle (linux.resources.blockIO.throttle*Device).
struct ThrottleDevice {
  int64_t major = 0, minor = 0;
  uint64_t rate = 0;
};
// A device cgroup rule (linux.resources.devices): allow or deny access
// ("rwm" letters) to a type ("a" all, "b" block, "c" char) and numbers
// (absent = any, "*").
struct DeviceRule {
  bool allow = false;
  std::string type = "a";
  std::optional<int64_t> major, minor;
  std::string access = "rwm";
};
struct Resources {
  std::vector<DeviceRule> devices;  // in order; later rules win
  std::optional<int64_t> memory_limit, memory_swap;
  std::optional<uint64_t> cpu_shares;
  std::optional<int64_t> cpu_quota;
  std::optional<uint64_t> cpu_period;
  std::string cpuset_cpus, cpuset_mems;
  std::optional<int64_t> pids_limit;
  std::optional<uint16_t> blkio_weight;
  std::vector<ThrottleDevice> read_bps, write_bps, read_iops, write_iops;
};
// A device node made in the container's /dev (linux.devices).
struct Device {
  std::string path;  // inside the container, e.g. /dev/fuse
  std::string type;  // "c", "b", "u" or "p"
  int64_t major = 0, minor = 0;
  std::optional<uint32_t> file_mode;  // permission bits; absent = 0666
  std::optional<uint32_t> uid, gid;
};
// linux.seccomp as the OCI runtime spec has it.
struct SeccompArg {
  uint32_t index = 0;
  uint64_t value = 0, value_two = 0;
  std::string op;  // SCMP_CMP_NE, SCMP_CMP_LT, ..., SCMP_CMP_MASKED_EQ
};
struct SeccompSyscall {
  std::vector<std::string> names;
  std::string action;  // SCMP_ACT_ALLOW, SCMP_ACT_ERRNO, ...
  std::optional<uint32_t> errno_ret;
  std::vector<SeccompArg> args;
};
struct Seccomp {
  std::string default_action;
  std::optional<uint32_t> default_errno_ret;
  std::vector<std::string> architectures;  // SCMP_ARCH_X86_64, ...
  std::vector<std::string> flags;
  std::vector<SeccompSyscall> syscalls;
};
// linux.uidMappings / gidMappings: container IDs [container_id, +size)
// are host IDs [host_id, +size) in the container's user namespace.
struct IdMapping {
  uint32_t container_id = 0, host_id = 0, size = 0;
};
struct Linux {
  std::vector<Namespace> namespaces;
  std::vector<IdMapping> uid_mappings, gid_mappings;
  std::vector<Device> devices;
  std::optional<Seccomp> seccomp;
  std::vector<std::string> masked_paths, readonly_paths;
  std::string cgroups_path;
  Resources resources;
  std::map<std::string, std::string> sysctl;
};
struct Spec {
  std::string oci_version = "1.0.2";
  Process process;
  Root root;
  std::string hostname;
  std::vector<Mount> mounts;
  Linux linux;
  std::map<std::string, std::string> annotations;
};

Result<Spec> parse(std::string_view json_text);
std::string serialize(const Spec& spec);
// Reads bundle_dir/config.json; a relative root.path is made absolute.
Result<Spec> load(const std::string& bundle_dir);

}  // namespace mydocker::libcontainer::spec
