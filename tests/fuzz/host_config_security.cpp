// The security part of a container-create body (HostConfig: SecurityOpt
// with inline seccomp profiles, CapAdd/CapDrop, Privileged, Devices,
// DeviceCgroupRules), checked as POST /containers/create checks it before
// anything exists: daemon/security's validate_security and apply_security on
// a scratch spec. Nothing here needs a kernel beyond stat() of /dev.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "daemon/security/capabilities.hpp"
#include "daemon/security/container_security.hpp"
#include "daemon/security/devices.hpp"
#include "libcontainer/spec/spec.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;
namespace security = daemon::security;

namespace {
// Device paths on the host are stat()ed and folders walked: keep the fuzzer
// to /dev (a PathOnHost of "/" would walk the whole disk on every input,
// which the daemon does too, as Docker's does, but that is not what we test).
void confine_devices(nlohmann::json& hc) {
  auto it = hc.find("Devices");
  if (it == hc.end() || !it->is_array()) return;
  for (auto& d : *it)
    if (d.is_object() && d.contains("PathOnHost") && d["PathOnHost"].is_string()) {
      const std::string p = d["PathOnHost"].get<std::string>();
      if (p.rfind("/dev/", 0) != 0 || p.find("..") != std::string::npos) d["PathOnHost"] = "/dev/null";
    }
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  // One rule alone, as --device-cgroup-rule gives it.
  (void)security::parse_device_cgroup_rule(std::string(in.substr(0, 64)));
  auto hc = nlohmann::json::parse(in, nullptr, false);
  if (hc.is_discarded() || !hc.is_object()) return 0;
  confine_devices(hc);
  // Since fbf824b a wrongly typed field is a 400 in Go's words, so any
  // exception (nlohmann's type_error included) is a finding.
  for (uint64_t held : {~uint64_t(0), uint64_t(0xa80425fb)}) {
    libcontainer::spec::Spec spec;
    spec.process.args = {"/bin/sh"};
    spec.root.path = "/rootfs";
    auto applied = security::apply_security(spec, hc, held);
    auto validated = security::validate_security(hc, held);
    if (bool(applied) != bool(validated)) fuzz::property_failed("validate and apply disagree", in);
    if (!applied && applied.error().kind != ErrorKind::InvalidParameter)
      fuzz::property_failed("a bad HostConfig is not a 400", applied.error().message);
    // What the shim will read back from the bundle's config.json.
    if (applied)
      if (auto back = libcontainer::spec::parse(libcontainer::spec::serialize(spec)); !back)
        fuzz::property_failed("the spec does not read back", back.error().message);
  }
  return 0;
}
