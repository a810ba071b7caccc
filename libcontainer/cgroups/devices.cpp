#include "libcontainer/cgroups/devices.hpp"

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/unique_fd.hpp"
#include "libcontainer/cgroups/cgroup.hpp"

namespace mydocker::libcontainer::cgroups {

namespace {

std::string number_or_any(const std::optional<int64_t>& n) {
  return n && *n >= 0 ? std::to_string(*n) : "*";
}

// The kernel's access bits of a "rwm" string (BPF_DEVCG_ACC_*).
int32_t access_bits(const std::string& access) {
  int32_t bits = 0;
  for (char c : access) {
    if (c == 'r') bits |= BPF_DEVCG_ACC_READ;
    if (c == 'w') bits |= BPF_DEVCG_ACC_WRITE;
    if (c == 'm') bits |= BPF_DEVCG_ACC_MKNOD;
  }
  return bits;
}

// The eBPF instructions the program needs; the kernel's own helper macros
// are not part of the UAPI headers.
bpf_insn load_word(int dst, int src, int16_t off) {
  return bpf_insn{uint8_t(BPF_LDX | BPF_MEM | BPF_W), uint8_t(dst), uint8_t(src), off, 0};
}
bpf_insn alu_imm(int op, int dst, int32_t imm) {
  return bpf_insn{uint8_t(BPF_ALU64 | op | BPF_K), uint8_t(dst), 0, 0, imm};
}
bpf_insn mov_reg(int dst, int src) { return bpf_insn{uint8_t(BPF_ALU64 | BPF_MOV | BPF_X), uint8_t(dst), uint8_t(src), 0, 0}; }
bpf_insn jump_imm(int op, int dst, int32_t imm, int16_t off) {
  return bpf_insn{uint8_t(BPF_JMP | op | BPF_K), uint8_t(dst), 0, off, imm};
}
bpf_insn exit_insn() { return bpf_insn{uint8_t(BPF_JMP | BPF_EXIT), 0, 0, 0, 0}; }

// One rule: a run of checks that jump past the block when they fail,
// ending with "return allow". Returns false for a rule that matches every
// request: nothing after it can run (and the verifier refuses dead code).
bool emit_rule(std::vector<bpf_insn>& prog, const spec::DeviceRule& rule) {
  std::vector<bpf_insn> block;
  std::vector<size_t> skips;  // indices whose jump goes to the block's end
  auto skip_unless = [&](int op, int reg, int32_t imm) {
    skips.push_back(block.size());
    block.push_back(jump_imm(op, reg, imm, 0));
  };
  if (rule.type == "c" || rule.type == "b")
    skip_unless(BPF_JNE, 2, rule.type == "c" ? BPF_DEVCG_DEV_CHAR : BPF_DEVCG_DEV_BLOCK);
  const int32_t bits = access_bits(rule.access);
  if (bits != (BPF_DEVCG_ACC_READ | BPF_DEVCG_ACC_WRITE | BPF_DEVCG_ACC_MKNOD)) {
    // An allow rule covers requests within its bits; a deny rule any
    // request that touches one of them.
    block.push_back(mov_reg(6, 3));
    if (rule.allow) {
      block.push_back(alu_imm(BPF_AND, 6, ~bits));
      skip_unless(BPF_JNE, 6, 0);
    } else {
      block.push_back(alu_imm(BPF_AND, 6, bits));
      skip_unless(BPF_JEQ, 6, 0);
    }
  }
  if (rule.major && *rule.major >= 0) skip_unless(BPF_JNE, 4, int32_t(*rule.major));
  if (rule.minor && *rule.minor >= 0) skip_unless(BPF_JNE, 5, int32_t(*rule.minor));
  block.push_back(alu_imm(BPF_MOV, 0, rule.allow ? 1 : 0));
  block.push_back(exit_insn());
  for (size_t i : skips) block[i].off = int16_t(block.size() - i - 1);
  prog.insert(prog.end(), block.begin(), block.end());
  return !skips.empty();
}

long bpf(int cmd, bpf_attr& attr) { return ::syscall(SYS_bpf, cmd, &attr, sizeof attr); }

}  // namespace

std::string device_rule_line(const spec::DeviceRule& r) {
  const std::string type = r.type.empty() ? "a" : r.type;
  return type + " " + number_or_any(r.major) + ":" + number_or_any(r.minor) + " " +
         (r.access.empty() ? "rwm" : r.access);
}

Result<void> apply_v1_devices(const std::string& dir, const std::vector<spec::DeviceRule>& rules) {
  for (const auto& r : rules)
    TRY_VOID(write_value(dir + (r.allow ? "/devices.allow" : "/devices.deny"), device_rule_line(r)));
  return {};
}

std::vector<bpf_insn> device_filter_program(const std::vector<spec::DeviceRule>& rules) {
  // ctx: struct bpf_cgroup_dev_ctx {u32 access_type (access << 16 | type); u32 major; u32 minor;}
  std::vector<bpf_insn> prog = {
      load_word(2, 1, 0), alu_imm(BPF_AND, 2, 0xffff),  // r2 = type
      load_word(3, 1, 0), alu_imm(BPF_RSH, 3, 16),      // r3 = access
      load_word(4, 1, 4),                                // r4 = major
      load_word(5, 1, 8),                                // r5 = minor
  };
  // Later rules win: test them last to first, the first match decides.
  for (auto it = rules.rbegin(); it != rules.rend(); ++it)
    if (!emit_rule(prog, *it)) return prog;
  prog.push_back(alu_imm(BPF_MOV, 0, 0));
  prog.push_back(exit_insn());
  return prog;
}

Result<void> attach_v2_devices(const std::string& dir, const std::vector<spec::DeviceRule>& rules) {
  const std::vector<bpf_insn> prog = device_filter_program(rules);
  static const char kLicense[] = "GPL";
  bpf_attr load{};
  load.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
  load.insns = uint64_t(uintptr_t(prog.data()));
  load.insn_cnt = uint32_t(prog.size());
  load.license = uint64_t(uintptr_t(kLicense));
  UniqueFd prog_fd(int(bpf(BPF_PROG_LOAD, load)));
  if (!prog_fd && errno == EINVAL) {
    // Again with the verifier's log, for a message that says why.
    std::string log(16384, '\0');
    load.log_level = 1;
    load.log_buf = uint64_t(uintptr_t(log.data()));
    load.log_size = uint32_t(log.size());
    prog_fd.reset(int(bpf(BPF_PROG_LOAD, load)));
    if (!prog_fd) {
      log.resize(std::strlen(log.c_str()));
      return fail(Error::from_errno(EINVAL, "load the device cgroup program (" + log + ")"));
    }
  }
  if (!prog_fd) return fail(Error::from_errno(errno, "load the device cgroup program"));
  UniqueFd cgroup_fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!cgroup_fd) return fail(Error::from_errno(errno, "open " + dir));
  bpf_attr attach{};
  attach.target_fd = uint32_t(cgroup_fd.get());
  attach.attach_bpf_fd = uint32_t(prog_fd.get());
  attach.attach_type = BPF_CGROUP_DEVICE;
  attach.attach_flags = BPF_F_ALLOW_MULTI;
  if (bpf(BPF_PROG_ATTACH, attach) != 0) return fail(Error::from_errno(errno, "attach the device cgroup program to " + dir));
  return {};
}

}  // namespace mydocker::libcontainer::cgroups
