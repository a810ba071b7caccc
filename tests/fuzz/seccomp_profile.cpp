// Docker's seccomp profile JSON (--security-opt seccomp=profile.json, sent
// inline in the create body): parse_seccomp_profile, resolution for a
// container on a few hosts, and the JSON writer. Properties: a profile that
// parses prints to JSON that parses to the same JSON; a resolved filter
// names only what the profile allows.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "daemon/security/seccomp_profile.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;
namespace security = daemon::security;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  (void)security::parse_kernel_release(in.substr(0, 64));
  auto profile = security::parse_seccomp_profile(in);
  if (!profile) {
    if (profile.error().kind != ErrorKind::InvalidParameter)
      fuzz::property_failed("a bad profile is not a 400", profile.error().message);
    return 0;
  }
  if (!security::validate_seccomp_profile(*profile)) fuzz::property_failed("parsed but does not validate", in);
  const std::string printed = security::seccomp_profile_to_json(*profile).dump();
  auto again = security::parse_seccomp_profile(printed);
  if (!again) fuzz::property_failed("the printed profile does not parse", again.error().message);
  if (security::seccomp_profile_to_json(*again).dump() != printed) fuzz::property_failed("print/parse not stable", printed);
  if (profile->empty()) return 0;  // unconfined: nothing to resolve
  const std::vector<std::string> caps_sets[] = {{}, {"CAP_CHOWN", "CAP_SYS_ADMIN", "CAP_SYS_PTRACE"}};
  const security::SeccompHost hosts[] = {
      {"amd64", "SCMP_ARCH_X86_64", security::KernelVersion{6, 1}},
      {"arm64", "SCMP_ARCH_AARCH64", security::KernelVersion{4, 4}},
      {"amd64", "SCMP_ARCH_X86_64", std::nullopt},
  };
  for (const auto& caps : caps_sets)
    for (const auto& host : hosts) {
      auto filter = security::seccomp_for_container(*profile, caps, host);
      // A minKernel rule on a host whose kernel version is unknown is the
      // daemon's problem (500, as moby), anything else the profile's (400).
      if (!filter && filter.error().kind != ErrorKind::InvalidParameter &&
          !(filter.error().kind == ErrorKind::System && !host.kernel))
        fuzz::property_failed("a profile that cannot resolve is not a 400", filter.error().message);
    }
  return 0;
}
