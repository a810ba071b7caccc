// The container-create body the CLI builds from `run`/`create` flags
// (cmd/mydocker/format/create_config): -p, --expose, -v, --mount, --tmpfs,
// memory and cpu sizes, --restart, --device, --device-cgroup-rule,
// throttles, labels, env. Input: one flag per line, "name value"
// ("publish 8080:80/udp"); the last line "--" then the command.
#include <cstdint>
#include <map>
#include <sstream>

#include "format/create_config.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;
using cli::format::RunOptions;

namespace {
using Strings = std::vector<std::string> RunOptions::*;
using String = std::string RunOptions::*;

const std::map<std::string, Strings>& list_flags() {
  static const std::map<std::string, Strings> m = {
      {"env", &RunOptions::env}, {"label", &RunOptions::labels}, {"publish", &RunOptions::publish},
      {"expose", &RunOptions::expose}, {"volume", &RunOptions::volumes}, {"mount", &RunOptions::mounts},
      {"tmpfs", &RunOptions::tmpfs}, {"dns", &RunOptions::dns}, {"add-host", &RunOptions::add_host},
      {"cap-add", &RunOptions::cap_add}, {"cap-drop", &RunOptions::cap_drop},
      {"security-opt", &RunOptions::security_opt}, {"device", &RunOptions::devices},
      {"device-cgroup-rule", &RunOptions::device_cgroup_rules}, {"device-read-bps", &RunOptions::device_read_bps},
      {"device-write-bps", &RunOptions::device_write_bps}, {"device-read-iops", &RunOptions::device_read_iops},
      {"device-write-iops", &RunOptions::device_write_iops}, {"network-alias", &RunOptions::network_aliases},
      {"extra-network", &RunOptions::extra_networks}, {"volumes-from", &RunOptions::volumes_from},
  };
  return m;
}
const std::map<std::string, String>& string_flags() {
  static const std::map<std::string, String> m = {
      {"name", &RunOptions::name}, {"workdir", &RunOptions::workdir}, {"user", &RunOptions::user},
      {"entrypoint", &RunOptions::entrypoint}, {"hostname", &RunOptions::hostname},
      {"network", &RunOptions::network}, {"memory", &RunOptions::memory}, {"memory-swap", &RunOptions::memory_swap},
      {"memory-reservation", &RunOptions::memory_reservation}, {"cpus", &RunOptions::cpus},
      {"restart", &RunOptions::restart}, {"stop-signal", &RunOptions::stop_signal},
      {"shm-size", &RunOptions::shm_size}, {"ip", &RunOptions::ip}, {"mac-address", &RunOptions::mac_address},
      {"pid", &RunOptions::pid_mode}, {"ipc", &RunOptions::ipc_mode}, {"uts", &RunOptions::uts_mode},
  };
  return m;
}

// A seccomp=<file> option is read on the client: keep the fuzzer off the
// filesystem (seccomp=/dev/zero would read forever, as docker's CLI would).
bool reads_a_file(const std::string& security_opt) {
  if (security_opt.rfind("seccomp", 0) != 0 || security_opt.size() < 8) return false;
  const std::string v = security_opt.substr(8);
  return !(v.empty() || v == "unconfined" || v == "builtin");
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  RunOptions o;
  std::vector<std::string> cmd;
  std::istringstream lines{std::string(fuzz::as_view(data, size))};
  bool in_cmd = false;
  for (std::string line; std::getline(lines, line);) {
    if (in_cmd) {
      cmd.push_back(line);
      continue;
    }
    if (line == "--") {
      in_cmd = true;
      continue;
    }
    const size_t sp = line.find(' ');
    const std::string flag = line.substr(0, sp), value = sp == std::string::npos ? "" : line.substr(sp + 1);
    if (auto it = list_flags().find(flag); it != list_flags().end()) {
      if (flag == "security-opt" && reads_a_file(value)) continue;
      (o.*(it->second)).push_back(value);
    } else if (auto is = string_flags().find(flag); is != string_flags().end()) {
      o.*(is->second) = value;
    } else if (flag == "rm") {
      o.rm = true;
    } else if (flag == "detach") {
      o.detach = true;
    } else if (flag == "interactive") {
      o.interactive = true;
    } else if (flag == "privileged") {
      o.privileged = true;
    } else if (flag == "entrypoint-set") {
      o.entrypoint_set = true;
    }
  }
  // Each parser alone, then the whole body.
  for (const auto& s : o.device_cgroup_rules) (void)cli::format::check_device_cgroup_rules({s});
  (void)cli::format::ram_in_bytes(o.memory);
  (void)cli::format::nano_cpus_of(o.cpus);
  (void)cli::format::restart_policy(o.restart);
  (void)cli::format::device_mappings(o.devices);
  auto body = cli::format::container_create_body(o, "busybox", cmd);
  // As commands/run.cpp sends it.
  if (body) (void)body->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
  return 0;
}
