#pragma once
// A --device-cgroup-rule as Docker writes it: "c 1:3 rwm", "b *:* m",
// "a 7:* r". Parsed by hand, not with std::regex (its recursion grows the
// stack with the input); shared by the CLI's check and the daemon's.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace mydocker {

struct DeviceCgroupRule {
  char type = 'a';                     // 'a', 'b' or 'c'
  std::optional<int64_t> major, minor; // absent: "*"
  std::string access;                  // 1 to 3 of "rwm"
};

// nullopt unless the whole text is "<a|b|c> <n|*>:<n|*> <rwm>" with one
// space between the parts and numbers of at most 9 digits.
std::optional<DeviceCgroupRule> parse_device_cgroup_rule(std::string_view text);

}  // namespace mydocker
