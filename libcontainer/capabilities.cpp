#include "libcontainer/capabilities.hpp"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>

namespace mydocker::libcontainer {

namespace {
constexpr const char* kNames[] = {
    "CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID",
    "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK",
    "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT",
    "SYS_NICE", "SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL",
    "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON",
    "BPF", "CHECKPOINT_RESTORE"};
constexpr int kKnown = int(sizeof kNames / sizeof kNames[0]);
}  // namespace

int last_capability() {
  // The running kernel may know fewer capabilities than this list.
  static int last = [] {
    FILE* f = std::fopen("/proc/sys/kernel/cap_last_cap", "re");
    int v = kKnown - 1;
    if (f) {
      if (std::fscanf(f, "%d", &v) != 1) v = kKnown - 1;
      std::fclose(f);
    }
    return v < kKnown - 1 ? v : kKnown - 1;
  }();
  return last;
}

Result<int> capability_number(const std::string& name) {
  std::string up;
  for (char c : name) up.push_back(char(std::toupper(static_cast<unsigned char>(c))));
  if (up.rfind("CAP_", 0) == 0) up = up.substr(4);
  for (int i = 0; i < kKnown; ++i)
    if (up == kNames[i]) return i;
  return fail(Error::invalid("unknown capability \"" + name + "\""));
}

Result<uint64_t> capability_mask(const std::vector<std::string>& names) {
  uint64_t m = 0;
  for (const auto& n : names) {
    TRY_ASSIGN(int bit, capability_number(n));
    if (bit <= last_capability()) m |= uint64_t(1) << bit;
  }
  return m;
}

std::vector<std::string> capability_names(uint64_t mask) {
  std::vector<std::string> out;
  for (int i = 0; i <= last_capability(); ++i)
    if (mask & (uint64_t(1) << i)) out.push_back(std::string("CAP_") + kNames[i]);
  return out;
}

std::vector<std::string> all_capability_names() { return capability_names(~uint64_t(0)); }

int drop_bounding(uint64_t bounding) {
  const int last = last_capability();
  for (int cap = 0; cap <= last; ++cap) {
    if (bounding & (uint64_t(1) << cap)) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  }
  return 0;
}

int apply_capabilities(const CapMasks& m) {
  __user_cap_header_struct hdr{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = uint32_t(m.effective >> (32 * i));
    data[i].permitted = uint32_t(m.permitted >> (32 * i));
    data[i].inheritable = uint32_t(m.inheritable >> (32 * i));
  }
  if (::syscall(SYS_capset, &hdr, data) != 0) return errno;
  for (int cap = 0; cap <= last_capability(); ++cap) {
    if (!(m.ambient & (uint64_t(1) << cap))) continue;
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) return errno;
  }
  return 0;
}

}  // namespace mydocker::libcontainer
