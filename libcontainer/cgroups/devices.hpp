#pragma once
// The device cgroup: which device nodes a container may create (m), read
// (r) and write (w). v1 takes the rules as lines in devices.allow and
// devices.deny; v2 has no files for it and takes an eBPF program of type
// CGROUP_DEVICE attached to the cgroup's directory.
#include <linux/bpf.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::libcontainer::cgroups {

// "c 1:3 rwm", "b *:* m", "a *:* rwm": the v1 line of a rule.
std::string device_rule_line(const spec::DeviceRule& rule);

// Writes the rules, in order, into a v1 devices hierarchy's directory.
Result<void> apply_v1_devices(const std::string& dir, const std::vector<spec::DeviceRule>& rules);

// The v2 program for the rules: the last matching rule decides, no match
// denies (as v1 after "a" was denied).
std::vector<bpf_insn> device_filter_program(const std::vector<spec::DeviceRule>& rules);

// Loads the program and attaches it to the cgroup2 directory (the program
// stays attached as long as the cgroup exists).
Result<void> attach_v2_devices(const std::string& dir, const std::vector<spec::DeviceRule>& rules);

}  // namespace mydocker::libcontainer::cgroups
