// The daemon's security model without the kernel: capability sets from
// --cap-add/--cap-drop/--privileged, device rules and --device mappings,
// --security-opt parsing, and the v1 lines and v2 program of device rules.
#include <gtest/gtest.h>

#include <algorithm>

#include "daemon/security/capabilities.hpp"
#include "daemon/security/devices.hpp"
#include "daemon/security/security_opts.hpp"
#include "libcontainer/capabilities.hpp"
#include "libcontainer/cgroups/devices.hpp"

namespace mydocker::daemon::security {
namespace {

using nlohmann::json;
namespace lc = libcontainer;

uint64_t all_held() { return ~uint64_t(0); }

bool has(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }

TEST(SecurityCapabilities, NamesAreNormalizedAndUnknownOnesRefused) {
  EXPECT_EQ(*normalize_capability("net_admin"), "CAP_NET_ADMIN");
  EXPECT_EQ(*normalize_capability("CAP_CHOWN"), "CAP_CHOWN");
  EXPECT_EQ(*normalize_capability("all"), "ALL");
  auto bad = normalize_capability("FOO");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::InvalidParameter);
  EXPECT_EQ(bad.error().message, "unknown capability: \"CAP_FOO\"");
}

TEST(SecurityCapabilities, DefaultsAddAndDrop) {
  auto def = container_capabilities(json::object(), all_held());
  ASSERT_TRUE(def);
  EXPECT_EQ(def->size(), 14u);
  EXPECT_TRUE(has(*def, "CAP_CHOWN"));
  EXPECT_FALSE(has(*def, "CAP_NET_ADMIN"));
  EXPECT_FALSE(has(*def, "CAP_SYS_ADMIN"));

  auto tweaked = container_capabilities({{"CapAdd", {"NET_ADMIN"}}, {"CapDrop", {"chown", "CAP_KILL"}}}, all_held());
  ASSERT_TRUE(tweaked);
  EXPECT_TRUE(has(*tweaked, "CAP_NET_ADMIN"));
  EXPECT_FALSE(has(*tweaked, "CAP_CHOWN"));
  EXPECT_FALSE(has(*tweaked, "CAP_KILL"));

  auto none = container_capabilities({{"CapDrop", {"ALL"}}}, all_held());
  ASSERT_TRUE(none);
  EXPECT_TRUE(none->empty());
  auto only = container_capabilities({{"CapDrop", {"ALL"}}, {"CapAdd", {"chown"}}}, all_held());
  ASSERT_TRUE(only);
  EXPECT_EQ(*only, std::vector<std::string>{"CAP_CHOWN"});

  auto everything_but = container_capabilities({{"CapAdd", {"ALL"}}, {"CapDrop", {"SYS_ADMIN"}}}, all_held());
  ASSERT_TRUE(everything_but);
  EXPECT_EQ(everything_but->size(), lc::all_capability_names().size() - 1);
  EXPECT_FALSE(has(*everything_but, "CAP_SYS_ADMIN"));
}

TEST(SecurityCapabilities, PrivilegedGetsWhatTheDaemonHolds) {
  const uint64_t held = ~(uint64_t(1) << *lc::capability_number("CAP_SYS_RESOURCE"));
  auto caps = container_capabilities({{"Privileged", true}, {"CapDrop", {"ALL"}}}, held);
  ASSERT_TRUE(caps);
  EXPECT_TRUE(has(*caps, "CAP_SYS_ADMIN"));
  EXPECT_FALSE(has(*caps, "CAP_SYS_RESOURCE"));
  EXPECT_EQ(caps->size(), lc::all_capability_names().size() - 1);
  // Asked for by name, a capability the daemon lacks is refused, not dropped.
  auto refused = container_capabilities({{"CapAdd", {"SYS_RESOURCE"}}}, held);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("CAP_SYS_RESOURCE"), std::string::npos);
}

TEST(SecurityCapabilities, PrivilegedMustBeABoolean) {
  auto bad = container_capabilities({{"Privileged", "yes"}}, all_held());
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::InvalidParameter);
  EXPECT_EQ(bad.error().message, "json: cannot unmarshal string into Go struct field HostConfig.Privileged of type bool");
  EXPECT_FALSE(container_devices({{"Privileged", 1}}));
  EXPECT_TRUE(container_capabilities({{"Privileged", nullptr}}, all_held()));
}

TEST(SecurityCapabilities, WrongTypesAndUnknownNamesAre400) {
  EXPECT_FALSE(container_capabilities({{"CapAdd", "NET_ADMIN"}}, all_held()));
  EXPECT_FALSE(container_capabilities({{"CapAdd", {1}}}, all_held()));
  auto r = container_capabilities({{"CapDrop", {"BOGUS"}}}, all_held());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "unknown capability: \"CAP_BOGUS\"");
}

TEST(SecurityDevices, DefaultRulesDenyFirstThenAllowTheStandardNodes) {
  auto rules = default_device_rules();
  ASSERT_FALSE(rules.empty());
  EXPECT_EQ(lc::cgroups::device_rule_line(rules[0]), "a *:* rwm");
  EXPECT_FALSE(rules[0].allow);
  std::vector<std::string> lines;
  for (size_t i = 1; i < rules.size(); ++i) {
    EXPECT_TRUE(rules[i].allow);
    lines.push_back(lc::cgroups::device_rule_line(rules[i]));
  }
  for (const char* want : {"c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:9 rwm", "c 136:* rwm", "c 5:2 rwm"})
    EXPECT_TRUE(has(lines, want)) << want;
  // No block device is readable or writable, and fuse (10:229) is not listed.
  for (const auto& l : lines) {
    if (l[0] == 'b') {
      EXPECT_EQ(l, "b *:* m");
    }
    EXPECT_NE(l, "c 10:229 rwm");
  }
}

TEST(SecurityDevices, CgroupRulesParseOrNameTheBadOne) {
  auto r = parse_device_cgroup_rule("c 1:3 rw");
  ASSERT_TRUE(r);
  EXPECT_EQ(lc::cgroups::device_rule_line(*r), "c 1:3 rw");
  auto any = parse_device_cgroup_rule("b *:* m");
  ASSERT_TRUE(any);
  EXPECT_FALSE(any->major);
  for (const char* bad : {"x 1:3 rwm", "c 1:3", "c 1:3 rwx", "c a:b rwm", "c 1:3 rwm extra", "", "c  1:3 rwm",
                          "c 1:3  rwm", "c 1234567890:3 rwm", "c :3 rwm", "c 1: rwm", "c 1:3 rwmr", "c 1 3 rwm"}) {
    auto e = parse_device_cgroup_rule(bad);
    ASSERT_FALSE(e) << bad;
    EXPECT_EQ(e.error().message, std::string("invalid device cgroup rule format: '") + bad + "'");
  }
}

TEST(SecurityDevices, HostDeviceMappingsAndTheirErrors) {
  auto plan = container_devices({{"Devices", {{{"PathOnHost", "/dev/zero"}, {"PathInContainer", "/dev/myzero"},
                                               {"CgroupPermissions", "rw"}}}}});
  ASSERT_TRUE(plan) << plan.error().message;
  ASSERT_EQ(plan->nodes.size(), 1u);
  EXPECT_EQ(plan->nodes[0].path, "/dev/myzero");
  EXPECT_EQ(plan->nodes[0].type, "c");
  EXPECT_EQ(plan->nodes[0].major, 1);
  EXPECT_EQ(plan->nodes[0].minor, 5);
  EXPECT_EQ(lc::cgroups::device_rule_line(plan->rules.back()), "c 1:5 rw");

  auto missing = container_devices({{"Devices", {{{"PathOnHost", "/dev/nonexistent"}}}}});
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::InvalidParameter);
  EXPECT_EQ(missing.error().message,
            "error gathering device information while adding custom device \"/dev/nonexistent\": No such file or directory");
  EXPECT_FALSE(container_devices({{"Devices", {{{"PathOnHost", "/dev/null"}, {"CgroupPermissions", "rwx"}}}}}));
  EXPECT_FALSE(container_devices({{"Devices", {{{"PathOnHost", "/dev/null"}, {"PathInContainer", "/etc/x"}}}}}));
  EXPECT_FALSE(container_devices({{"Devices", {{{"PathOnHost", "/dev/null"}, {"PathInContainer", "/dev/../etc/x"}}}}}));
  EXPECT_FALSE(container_devices({{"Devices", {{{"PathOnHost", "/etc/hostname"}}}}}));
}

TEST(SecurityDevices, PrivilegedAllowsEverythingAndMapsHostNodes) {
  auto plan = container_devices({{"Privileged", true}});
  ASSERT_TRUE(plan);
  ASSERT_EQ(plan->rules.size(), 1u);
  EXPECT_TRUE(plan->rules[0].allow);
  EXPECT_EQ(lc::cgroups::device_rule_line(plan->rules[0]), "a *:* rwm");
  bool null_seen = false;
  for (const auto& n : plan->nodes) {
    EXPECT_EQ(n.path.rfind("/dev/", 0), 0u);
    EXPECT_NE(n.path.rfind("/dev/pts/", 0), 0u);
    if (n.path == "/dev/null") null_seen = true;
  }
  EXPECT_TRUE(null_seen);
}

TEST(SecurityOpts, DockersSpellings) {
  auto o = parse_security_options({{"SecurityOpt", {"no-new-privileges", "seccomp=unconfined", "label=disable",
                                                    "apparmor=unconfined"}}});
  ASSERT_TRUE(o);
  EXPECT_TRUE(o->no_new_privileges);
  EXPECT_EQ(o->seccomp, SeccompMode::Unconfined);
  auto colon = parse_security_options({{"SecurityOpt", {"no-new-privileges:true", "seccomp:{\"defaultAction\":\"SCMP_ACT_ALLOW\"}"}}});
  ASSERT_TRUE(colon);
  EXPECT_TRUE(colon->no_new_privileges);
  EXPECT_EQ(colon->seccomp, SeccompMode::Custom);
  EXPECT_EQ(colon->seccomp_profile, "{\"defaultAction\":\"SCMP_ACT_ALLOW\"}");
  auto off = parse_security_options({{"SecurityOpt", {"no-new-privileges=false", "systempaths=unconfined"}}});
  ASSERT_TRUE(off);
  EXPECT_FALSE(off->no_new_privileges);
  EXPECT_TRUE(off->unconfined_system_paths);
  auto none = parse_security_options(json::object());
  ASSERT_TRUE(none);
  EXPECT_EQ(none->seccomp, SeccompMode::Builtin);
}

TEST(SecurityOpts, UnknownOrUnenforceableOptionsAre400) {
  auto foo = parse_security_options({{"SecurityOpt", {"foo=bar"}}});
  ASSERT_FALSE(foo);
  EXPECT_EQ(foo.error().message, "invalid --security-opt 2: \"foo=bar\"");
  auto bare = parse_security_options({{"SecurityOpt", {"foo"}}});
  ASSERT_FALSE(bare);
  EXPECT_EQ(bare.error().message, "invalid --security-opt 1: \"foo\"");
  EXPECT_FALSE(parse_security_options({{"SecurityOpt", {"no-new-privileges=maybe"}}}));
  auto label = parse_security_options({{"SecurityOpt", {"label=type:svirt_t"}}});
  ASSERT_FALSE(label);
  EXPECT_NE(label.error().message.find("label=type:svirt_t"), std::string::npos);
  auto aa = parse_security_options({{"SecurityOpt", {"apparmor=docker-default"}}});
  ASSERT_FALSE(aa);
  EXPECT_NE(aa.error().message.find("AppArmor"), std::string::npos);
  EXPECT_FALSE(parse_security_options({{"SecurityOpt", "no-new-privileges"}}));
}

TEST(DeviceCgroupProgram, LastMatchingRuleDecides) {
  // Interpret the emitted program on a few requests: a tiny eBPF
  // interpreter for the instructions the emitter uses.
  auto run = [](const std::vector<bpf_insn>& prog, uint32_t type, uint32_t access, uint32_t maj, uint32_t min) {
    uint64_t r[11] = {};
    const uint32_t ctx[3] = {(access << 16) | type, maj, min};
    for (size_t pc = 0; pc < prog.size(); ++pc) {
      const bpf_insn& i = prog[pc];
      const uint8_t cls = BPF_CLASS(i.code), op = BPF_OP(i.code);
      if (cls == BPF_LDX) r[i.dst_reg] = ctx[i.off / 4];
      else if (cls == BPF_ALU64 && BPF_SRC(i.code) == BPF_X && op == BPF_MOV) r[i.dst_reg] = r[i.src_reg];
      else if (cls == BPF_ALU64) {
        const uint64_t imm = uint64_t(int64_t(i.imm));
        if (op == BPF_MOV) r[i.dst_reg] = imm;
        if (op == BPF_AND) r[i.dst_reg] &= imm;
        if (op == BPF_RSH) r[i.dst_reg] >>= imm;
      } else if (cls == BPF_JMP && op == BPF_EXIT) return int(r[0]);
      else if (cls == BPF_JMP) {
        const bool eq = r[i.dst_reg] == uint64_t(int64_t(i.imm));
        if ((op == BPF_JNE && !eq) || (op == BPF_JEQ && eq)) pc += size_t(i.off);
      }
    }
    return -1;
  };
  const auto prog = lc::cgroups::device_filter_program(default_device_rules());
  constexpr uint32_t C = BPF_DEVCG_DEV_CHAR, B = BPF_DEVCG_DEV_BLOCK;
  constexpr uint32_t R = BPF_DEVCG_ACC_READ, W = BPF_DEVCG_ACC_WRITE, M = BPF_DEVCG_ACC_MKNOD;
  EXPECT_EQ(run(prog, C, R | W, 1, 3), 1);   // /dev/null
  EXPECT_EQ(run(prog, C, R, 136, 7), 1);     // a pty
  EXPECT_EQ(run(prog, B, M, 7, 0), 1);       // mknod of a loop device
  EXPECT_EQ(run(prog, B, R, 7, 0), 0);       // ...but not reading it
  EXPECT_EQ(run(prog, B, W, 8, 0), 0);
  EXPECT_EQ(run(prog, C, R, 10, 229), 0);    // fuse
  EXPECT_EQ(run(prog, C, R | M, 1, 1), 0);   // /dev/mem
  auto with_deny = default_device_rules();
  with_deny.push_back({false, "c", 1, 3, "w"});
  const auto prog2 = lc::cgroups::device_filter_program(with_deny);
  EXPECT_EQ(run(prog2, C, W, 1, 3), 0);
  EXPECT_EQ(run(prog2, C, R, 1, 3), 1);
  EXPECT_EQ(run(lc::cgroups::device_filter_program({{true, "a", std::nullopt, std::nullopt, "rwm"}}), B, R | W, 8, 0), 1);
}

}  // namespace
}  // namespace mydocker::daemon::security
