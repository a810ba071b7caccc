#pragma once
// What devices a container sees and may open: Docker's default device
// cgroup allowlist, --device, --device-cgroup-rule and --privileged.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::daemon::security {

struct DevicePlan {
  std::vector<libcontainer::spec::Device> nodes;      // made in the container's /dev
  std::vector<libcontainer::spec::DeviceRule> rules;  // the device cgroup, in order
};

// Deny all, then: mknod of any char or block device (opening needs a rule),
// null, zero, full, random, urandom, tty, console, ptmx, the ptys and tun.
std::vector<libcontainer::spec::DeviceRule> default_device_rules();

// "c 1:3 rwm", "a *:* m", "b 8:* r": a --device-cgroup-rule.
Result<libcontainer::spec::DeviceRule> parse_device_cgroup_rule(const std::string& text);

// The nodes under a host path (a device, or a folder of them), mapped under
// the container path, with the given cgroup permissions ("rwm" letters).
Result<DevicePlan> host_devices(const std::string& host_path, const std::string& container_path,
                                const std::string& permissions);

// HostConfig's Devices, DeviceCgroupRules and Privileged; errors are 400s
// naming the value ("error gathering device information while adding
// custom device ...").
Result<DevicePlan> container_devices(const nlohmann::json& host_config);

}  // namespace mydocker::daemon::security
