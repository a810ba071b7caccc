#pragma once
// The body of POST /containers/create as the docker CLI sends it for
// `run`/`create` flags: Config, HostConfig and NetworkingConfig with Docker's
// field order and its zero values, so the daemon sees what docker sends.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace mydocker::cli::format {

struct RunOptions {
  bool detach = false, rm = false, interactive = false, tty = false, privileged = false, read_only = false;
  bool publish_all = false;
  std::string name, workdir, user, entrypoint, hostname, network, memory, memory_swap, memory_reservation, cpus,
      cpuset_cpus, cpuset_mems, restart, stop_signal, detach_keys, pid_mode, ipc_mode, uts_mode, shm_size, ip, mac_address,
      cgroupns, userns;
  std::string pull = "missing", platform;  // --pull always|missing|never, --platform os/arch[/variant]
  bool entrypoint_set = false;
  int64_t cpu_shares = 0, pids_limit = 0, cpu_period = 0, cpu_quota = 0;
  int blkio_weight = 0;
  std::vector<std::string> device_read_bps, device_write_bps, device_read_iops, device_write_iops;
  int stop_timeout = -1;
  unsigned console_rows = 0, console_cols = 0;
  std::vector<std::string> env, env_files, labels, publish, expose, volumes, mounts, tmpfs, dns, dns_search, dns_options,
      add_host, volumes_from, links, network_aliases, extra_networks, cap_add, cap_drop, security_opt, group_add,
      devices, device_cgroup_rules;
};

// "64m" → 67108864, as go-units RAMInBytes; InvalidParameter otherwise.
Result<int64_t> ram_in_bytes(const std::string& s);
// "on-failure:3" → {"Name":"on-failure","MaximumRetryCount":3}.
Result<nlohmann::ordered_json> restart_policy(const std::string& s);
// -p specs into ExposedPorts keys and PortBindings (Docker's nat.ParsePortSpecs).
Result<void> parse_publish(const std::string& spec, nlohmann::json& exposed, nlohmann::json& bindings);
// Env as docker builds it: --env-file lines first, then -e; "VAR" alone takes
// the client's value when set. getenv is injectable for tests.
Result<std::vector<std::string>> build_env(const RunOptions& o, const char* (*getenv_fn)(const char*) = nullptr);

// --cpus "1.5" as NanoCpus (0 for empty).
Result<int64_t> nano_cpus_of(const std::string& cpus);
// --device-read-bps and friends ("/dev/sda:1mb"; iops: a plain number) as
// HostConfig's [{"Path":..,"Rate":..}]; flag names the option in errors.
Result<nlohmann::ordered_json> throttle_devices(const std::vector<std::string>& specs, bool iops, const char* flag);

// --device "/dev/x[:/dev/y][:rwm]" as HostConfig's Devices entries.
Result<nlohmann::ordered_json> device_mappings(const std::vector<std::string>& specs);
// --device-cgroup-rule "c 1:3 rwm", checked as docker checks it.
Result<void> check_device_cgroup_rules(const std::vector<std::string>& rules);
// --security-opt as docker sends it: seccomp=<file> becomes
// seccomp=<the file's JSON>, read here on the client.
Result<std::vector<std::string>> security_opts_for_wire(const std::vector<std::string>& opts);

// The full create body; image and command as given on the command line.
Result<nlohmann::ordered_json> container_create_body(const RunOptions& o, const std::string& image,
                                                     const std::vector<std::string>& cmd);

}  // namespace mydocker::cli::format
