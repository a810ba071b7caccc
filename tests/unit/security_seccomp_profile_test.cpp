// Docker seccomp profiles: parsing (and how errors name the bad value), the
// built-in default's semantics, and resolution for a container's
// capabilities, architecture and kernel.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>

#include "daemon/security/seccomp_profile.hpp"
#include "libcontainer/spec/defaults.hpp"

using namespace mydocker::daemon::security;
namespace spec = mydocker::libcontainer::spec;

namespace {

const SeccompHost kAmd64{"amd64", "SCMP_ARCH_X86_64", KernelVersion{6, 1}};
const SeccompHost kS390x{"s390x", "SCMP_ARCH_S390X", KernelVersion{6, 1}};

// Rules (as resolved) that name the syscall.
std::vector<spec::SeccompSyscall> rules_for(const spec::Seccomp& s, const std::string& name) {
  std::vector<spec::SeccompSyscall> out;
  for (const auto& r : s.syscalls)
    if (std::find(r.names.begin(), r.names.end(), name) != r.names.end()) out.push_back(r);
  return out;
}

// Allowed without conditions on arguments.
bool allows(const spec::Seccomp& s, const std::string& name) {
  for (const auto& r : rules_for(s, name))
    if (r.action == "SCMP_ACT_ALLOW" && r.args.empty()) return true;
  return false;
}

spec::Seccomp resolve_default(std::vector<std::string> caps, const SeccompHost& host = kAmd64) {
  auto s = seccomp_for_container(default_seccomp_profile(), caps, host);
  EXPECT_TRUE(s) << s.error().message;
  return s ? *s : spec::Seccomp{};
}

std::vector<std::string> docker_default_caps() { return spec::default_capabilities(); }

std::string parse_error(std::string_view json_text) {
  auto p = parse_seccomp_profile(json_text);
  if (p) return "(parsed)";
  EXPECT_EQ(p.error().kind, mydocker::ErrorKind::InvalidParameter);
  return p.error().message;
}

}  // namespace

TEST(SeccompDefaultProfile, DefaultCapsAllowTheEverydaySyscalls) {
  const auto s = resolve_default(docker_default_caps());
  EXPECT_EQ(s.default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(s.default_errno_ret, std::optional<uint32_t>(1));  // EPERM
  EXPECT_EQ(s.architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"}));
  for (const char* name : {"read", "write", "execve", "openat", "exit_group", "futex", "arch_prctl", "modify_ldt",
                           "ptrace", "socketpair"})
    EXPECT_TRUE(allows(s, name)) << name;
}

TEST(SeccompDefaultProfile, CloneOnlyWithoutNamespaceFlags) {
  const auto s = resolve_default(docker_default_caps());
  const auto clone = rules_for(s, "clone");
  ASSERT_EQ(clone.size(), 1u);
  EXPECT_EQ(clone[0].action, "SCMP_ACT_ALLOW");
  ASSERT_EQ(clone[0].args.size(), 1u);
  EXPECT_EQ(clone[0].args[0].index, 0u);
  EXPECT_EQ(clone[0].args[0].value, 0x7E020000u);  // NEWNS|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET|NEWCGROUP
  EXPECT_EQ(clone[0].args[0].value_two, 0u);
  EXPECT_EQ(clone[0].args[0].op, "SCMP_CMP_MASKED_EQ");
  // clone3 hides its flags from the filter: ENOSYS makes glibc use clone.
  const auto clone3 = rules_for(s, "clone3");
  ASSERT_EQ(clone3.size(), 1u);
  EXPECT_EQ(clone3[0].action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(clone3[0].errno_ret, std::optional<uint32_t>(38));
}

TEST(SeccompDefaultProfile, S390PassesCloneFlagsSecond) {
  const auto s = resolve_default(docker_default_caps(), kS390x);
  const auto clone = rules_for(s, "clone");
  ASSERT_EQ(clone.size(), 1u);
  EXPECT_EQ(clone[0].args.at(0).index, 1u);
  EXPECT_FALSE(allows(s, "arch_prctl"));
  EXPECT_TRUE(allows(s, "s390_runtime_instr"));
  EXPECT_EQ(s.architectures, (std::vector<std::string>{"SCMP_ARCH_S390X", "SCMP_ARCH_S390"}));
}

TEST(SeccompDefaultProfile, KeepsDangerousSyscallsOut) {
  const auto s = resolve_default(docker_default_caps());
  for (const char* name : {"mount", "umount2", "unshare", "setns", "keyctl", "add_key", "request_key",
                           "io_uring_setup", "io_uring_enter", "io_uring_register", "mbind", "set_mempolicy",
                           "move_pages", "userfaultfd", "kexec_load", "open_by_handle_at", "init_module", "bpf",
                           "reboot", "settimeofday", "perf_event_open"})
    EXPECT_TRUE(rules_for(s, name).empty()) << name;
}

TEST(SeccompDefaultProfile, SocketRefusesVsockAndAlg) {
  const auto s = resolve_default(docker_default_caps());
  const auto socket = rules_for(s, "socket");
  ASSERT_EQ(socket.size(), 3u);
  // The allowed ranges are < 38, == 39 and > 40: neither AF_ALG nor AF_VSOCK.
  auto admits = [&](uint64_t family) {
    for (const auto& r : socket) {
      const auto& a = r.args.at(0);
      if ((a.op == "SCMP_CMP_LT" && family < a.value) || (a.op == "SCMP_CMP_EQ" && family == a.value) ||
          (a.op == "SCMP_CMP_GT" && family > a.value))
        return true;
    }
    return false;
  };
  EXPECT_TRUE(admits(1));   // AF_UNIX
  EXPECT_TRUE(admits(2));   // AF_INET
  EXPECT_TRUE(admits(16));  // AF_NETLINK
  EXPECT_FALSE(admits(38));
  EXPECT_FALSE(admits(40));
}

TEST(SeccompDefaultProfile, PersonalityOnlyForSafePersonas) {
  const auto s = resolve_default(docker_default_caps());
  std::vector<uint64_t> values;
  for (const auto& r : rules_for(s, "personality")) {
    ASSERT_EQ(r.args.size(), 1u);
    EXPECT_EQ(r.args[0].op, "SCMP_CMP_EQ");
    values.push_back(r.args[0].value);
  }
  EXPECT_EQ(values, (std::vector<uint64_t>{0x0, 0x8, 0x20000, 0x20008, 0xffffffff}));
}

TEST(SeccompDefaultProfile, CapSysAdminOpensNamespacesAndMounts) {
  auto caps = docker_default_caps();
  caps.push_back("CAP_SYS_ADMIN");
  const auto s = resolve_default(caps);
  for (const char* name : {"mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf"})
    EXPECT_TRUE(allows(s, name)) << name;
  // Without the masked clone rule or the clone3 ENOSYS answer.
  for (const auto& r : rules_for(s, "clone")) EXPECT_TRUE(r.args.empty());
  for (const auto& r : rules_for(s, "clone3")) EXPECT_EQ(r.action, "SCMP_ACT_ALLOW");
  EXPECT_TRUE(rules_for(s, "keyctl").empty());
}

TEST(SeccompDefaultProfile, OtherCapabilitiesOpenTheirGroups) {
  const auto s = resolve_default({"CAP_SYS_NICE", "CAP_SYS_TIME", "CAP_SYS_PTRACE", "CAP_DAC_READ_SEARCH"});
  for (const char* name : {"mbind", "set_mempolicy", "settimeofday", "kcmp", "open_by_handle_at"})
    EXPECT_TRUE(allows(s, name)) << name;
  EXPECT_FALSE(allows(s, "mount"));
}

TEST(SeccompDefaultProfile, PtraceNeedsKernel48) {
  const auto old = resolve_default(docker_default_caps(), SeccompHost{"amd64", "SCMP_ARCH_X86_64", KernelVersion{4, 4}});
  EXPECT_FALSE(allows(old, "ptrace"));
  EXPECT_TRUE(allows(resolve_default(docker_default_caps(), SeccompHost{"amd64", "SCMP_ARCH_X86_64", KernelVersion{4, 8}}),
                     "ptrace"));
  auto unknown = seccomp_for_container(default_seccomp_profile(), {}, SeccompHost{"amd64", "SCMP_ARCH_X86_64", {}});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("4.8"), std::string::npos) << unknown.error().message;
}

TEST(SeccompDefaultProfile, RoundTripsThroughDockerJson) {
  const auto text = seccomp_profile_to_json(default_seccomp_profile()).dump();
  auto back = parse_seccomp_profile(text);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(seccomp_profile_to_json(*back), seccomp_profile_to_json(default_seccomp_profile()));
}

TEST(SeccompProfileResolve, MinimalCustomProfile) {
  auto p = parse_seccomp_profile(
      R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]})");
  ASSERT_TRUE(p) << p.error().message;
  auto s = seccomp_for_container(*p, docker_default_caps(), kAmd64);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->default_action, "SCMP_ACT_ALLOW");
  EXPECT_FALSE(s->default_errno_ret);
  // No architectures and no archMap: like Docker, the list stays empty and
  // libseccomp's filter covers the native architecture.
  EXPECT_TRUE(s->architectures.empty());
  ASSERT_EQ(s->syscalls.size(), 1u);
  EXPECT_EQ(s->syscalls[0].names, std::vector<std::string>{"mkdir"});
  EXPECT_EQ(s->syscalls[0].action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(s->syscalls[0].errno_ret, std::optional<uint32_t>(1));
  EXPECT_TRUE(s->syscalls[0].args.empty());
}

TEST(SeccompProfileResolve, NativeResolutionUsesThisMachine) {
  auto s = seccomp_for_container(default_seccomp_profile(), docker_default_caps());
  ASSERT_TRUE(s) << s.error().message;
  const auto host = current_seccomp_host();
  ASSERT_FALSE(host.scmp_arch.empty()) << "unknown build architecture";
  ASSERT_FALSE(s->architectures.empty());
  EXPECT_EQ(s->architectures[0], host.scmp_arch);
  EXPECT_TRUE(allows(*s, "read"));
}

TEST(SeccompProfileResolve, LegacyNameAndCaseInsensitiveKeys) {
  auto p = parse_seccomp_profile(
      R"({"DefaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_X86_64"],
          "syscalls":[{"name":"read","action":"SCMP_ACT_ALLOW","comment":"ignored","args":null}]})");
  ASSERT_TRUE(p) << p.error().message;
  auto s = seccomp_for_container(*p, {}, kAmd64);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->default_action, "SCMP_ACT_ERRNO");
  EXPECT_EQ(s->architectures, std::vector<std::string>{"SCMP_ARCH_X86_64"});
  ASSERT_EQ(s->syscalls.size(), 1u);
  EXPECT_EQ(s->syscalls[0].names, std::vector<std::string>{"read"});
}

TEST(SeccompProfileResolve, IncludesAndExcludesByArchCapsAndKernel) {
  auto p = parse_seccomp_profile(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
      {"names":["a"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["arm64"]}},
      {"names":["b"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64","x32"]}},
      {"names":["c"],"action":"SCMP_ACT_ALLOW","excludes":{"arches":["amd64"]}},
      {"names":["d"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_NET_ADMIN","CAP_SYS_TIME"]}},
      {"names":["e"],"action":"SCMP_ACT_ALLOW","excludes":{"caps":["CAP_SYS_TIME"]}},
      {"names":["f"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"6.2"}},
      {"names":["g"],"action":"SCMP_ACT_ALLOW","excludes":{"minKernel":"5.10"}}]})");
  ASSERT_TRUE(p) << p.error().message;
  auto names = [&](const std::vector<std::string>& caps, const SeccompHost& host) {
    std::string out;
    auto s = seccomp_for_container(*p, caps, host);
    if (!s) return "error: " + s.error().message;
    for (const auto& r : s->syscalls) out += r.names.at(0);
    return out;
  };
  EXPECT_EQ(names({"CAP_NET_ADMIN"}, kAmd64), "be");  // d needs both caps; f: 6.1 < 6.2; g: 6.1 ≥ 5.10
  EXPECT_EQ(names({"CAP_NET_ADMIN", "CAP_SYS_TIME"}, kAmd64), "bd");
  EXPECT_EQ(names({}, SeccompHost{"arm64", "SCMP_ARCH_AARCH64", KernelVersion{6, 2}}), "acef");
  EXPECT_EQ(names({}, SeccompHost{"amd64", "SCMP_ARCH_X86_64", KernelVersion{5, 4}}), "beg");
}

TEST(SeccompProfileResolve, ArchMapExpandsOnlyTheNativeEntry) {
  auto p = parse_seccomp_profile(R"({"defaultAction":"SCMP_ACT_ALLOW","archMap":[
      {"architecture":"SCMP_ARCH_AARCH64","subArchitectures":["SCMP_ARCH_ARM"]},
      {"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],"syscalls":[]})");
  ASSERT_TRUE(p) << p.error().message;
  auto s = seccomp_for_container(*p, {}, kAmd64);
  ASSERT_TRUE(s) << s.error().message;
  EXPECT_EQ(s->architectures, (std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86"}));
}

TEST(SeccompProfileResolve, EmptyProfileIsDockersUnconfined) {
  auto p = parse_seccomp_profile("{}");
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_TRUE(p->empty());
  EXPECT_FALSE(seccomp_for_container(*p, {}, kAmd64));
}

TEST(SeccompProfileParse, ErrorsNameTheBadValue) {
  auto has = [](const std::string& msg, const std::string& part) {
    return msg.find(part) != std::string::npos;
  };
  std::string m = parse_error(R"({"defaultAction":"SCMP_ACT_FOO"})");
  EXPECT_TRUE(has(m, "SCMP_ACT_FOO")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_BAR"}]})");
  EXPECT_TRUE(has(m, "SCMP_ACT_BAR") && has(m, "syscalls[0]")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO","architectures":["SCMP_ARCH_Z80"]})");
  EXPECT_TRUE(has(m, "SCMP_ARCH_Z80")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW",
                     "includes":{"arches":["amd46"]}}]})");
  EXPECT_TRUE(has(m, "amd46")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW",
                     "args":[{"index":0,"value":1,"op":"SCMP_CMP_SORTA"}]}]})");
  EXPECT_TRUE(has(m, "SCMP_CMP_SORTA") && has(m, "args[0]")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO",)");
  EXPECT_TRUE(has(m, "invalid JSON")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":"read","action":"SCMP_ACT_ALLOW"}]})");
  EXPECT_TRUE(has(m, "syscalls[0].names") && has(m, "string")) << m;
  m = parse_error(R"({"defaultAction":1})");
  EXPECT_TRUE(has(m, "defaultAction") && has(m, "number")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":-1})");
  EXPECT_TRUE(has(m, "defaultErrnoRet")) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW",
                     "includes":{"minKernel":"4"}}]})");
  EXPECT_TRUE(has(m, "\"4\"")) << m;
}

TEST(SeccompProfileParse, RefusesWhatWeCannotDo) {
  std::string m = parse_error(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_NOTIFY"}]})");
  EXPECT_NE(m.find("SCMP_ACT_NOTIFY"), std::string::npos) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/run/agent.sock"})");
  EXPECT_NE(m.find("listenerPath"), std::string::npos) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_NEW_LISTENER"]})");
  EXPECT_NE(m.find("SECCOMP_FILTER_FLAG_NEW_LISTENER"), std::string::npos) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],
                      "archMap":[{"architecture":"SCMP_ARCH_X86_64"}]})");
  EXPECT_NE(m.find("archMap"), std::string::npos) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"a","names":["b"],"action":"SCMP_ACT_ALLOW"}]})");
  EXPECT_NE(m.find("'name'"), std::string::npos) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW","errnoRet":1}]})");
  EXPECT_NE(m.find("errnoRet"), std::string::npos) << m;
  m = parse_error(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["x"],"action":"SCMP_ACT_ALLOW",
                      "args":[{"index":6,"value":0,"op":"SCMP_CMP_EQ"}]}]})");
  EXPECT_NE(m.find("index 6"), std::string::npos) << m;
  EXPECT_TRUE(parse_seccomp_profile(R"({"defaultAction":"SCMP_ACT_LOG","flags":["SECCOMP_FILTER_FLAG_LOG"]})"));
}
