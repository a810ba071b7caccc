#include "daemon/security/seccomp_vocabulary.hpp"

#include <algorithm>
#include <array>

namespace mydocker::daemon::security {
namespace {

template <size_t N>
bool one_of(const std::array<std::string_view, N>& words, std::string_view w) {
  return std::find(words.begin(), words.end(), w) != words.end();
}

std::string quoted(std::string_view what, std::string_view w) {
  return std::string(what) + " \"" + std::string(w) + "\"";
}

// The runtime-spec's actions minus SCMP_ACT_NOTIFY, refused below.
constexpr std::array<std::string_view, 8> kActions = {
    "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP",
    "SCMP_ACT_ERRNO", "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG"};

constexpr std::array<std::string_view, 7> kOps = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",        "SCMP_CMP_EQ",
                                                  "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};

// Every architecture libseccomp knows, as the runtime-spec spells them.
constexpr std::array<std::string_view, 23> kScmpArches = {
    "SCMP_ARCH_X86",        "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",       "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",    "SCMP_ARCH_MIPS",      "SCMP_ARCH_MIPS64",    "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",     "SCMP_ARCH_MIPSEL64",  "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",      "SCMP_ARCH_PPC64LE",   "SCMP_ARCH_S390",      "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",     "SCMP_ARCH_PARISC64",  "SCMP_ARCH_RISCV64",   "SCMP_ARCH_LOONGARCH64",
    "SCMP_ARCH_M68K",       "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB"};

// includes/excludes.arches: Docker compares them with Go's architecture
// translated to libseccomp's naming ("amd64", "arm64", "x86", ...). Both
// spellings are accepted so that a typo is caught rather than never matching;
// "loong64" and "mips3l64n32" are spellings moby's own tables use.
constexpr std::array<std::string_view, 28> kNativeArches = {
    "x86",      "386",        "amd64",       "x86_64",      "x32",      "arm",     "arm64",
    "aarch64",  "loong64",    "loongarch64", "mips",        "mipsel",   "mipsle",  "mips64",
    "mips64le", "mips64n32",  "mipsel64",    "mipsel64n32", "mips3l64n32", "ppc", "ppc64",
    "ppc64le",  "riscv64",    "s390",        "s390x",       "parisc",   "parisc64", "m68k"};

// Flags we can hand to seccomp(2) through libseccomp. TSYNC is harmless:
// the container's init is single-threaded when the filter goes in.
constexpr std::array<std::string_view, 3> kFlags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG",
                                                    "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};

}  // namespace

std::string check_seccomp_action(std::string_view action) {
  if (one_of(kActions, action)) return {};
  if (action == "SCMP_ACT_NOTIFY")
    return "action SCMP_ACT_NOTIFY is not supported (no seccomp notify listener)";
  return quoted("unknown action", action);
}

std::string check_seccomp_op(std::string_view op) { return one_of(kOps, op) ? std::string() : quoted("unknown op", op); }

std::string check_seccomp_arch(std::string_view arch) {
  return one_of(kScmpArches, arch) ? std::string() : quoted("unknown architecture", arch);
}

std::string check_native_arch(std::string_view arch) {
  return one_of(kNativeArches, arch) ? std::string() : quoted("unknown architecture", arch);
}

std::string check_seccomp_flag(std::string_view flag) {
  if (one_of(kFlags, flag)) return {};
  if (flag == "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV")
    return "flag SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV is not supported (it only applies to SCMP_ACT_NOTIFY)";
  return quoted("unknown flag", flag);
}

bool seccomp_action_takes_errno(std::string_view action) {
  return action == "SCMP_ACT_ERRNO" || action == "SCMP_ACT_TRACE";
}

// Compile-time, like Docker's runtime.GOARCH: the daemon resolves profiles
// for containers of its own architecture.
std::string native_arch() {
#if defined(__x86_64__)
  return "amd64";
#elif defined(__i386__)
  return "x86";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__powerpc64__) && defined(__LITTLE_ENDIAN__)
  return "ppc64le";
#elif defined(__powerpc64__)
  return "ppc64";
#elif defined(__s390x__)
  return "s390x";
#elif defined(__s390__)
  return "s390";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#elif defined(__loongarch64)
  return "loongarch64";
#else
  return {};
#endif
}

std::string native_scmp_arch() {
  const std::string a = native_arch();
  if (a == "amd64") return "SCMP_ARCH_X86_64";
  if (a == "x86") return "SCMP_ARCH_X86";
  if (a == "arm64") return "SCMP_ARCH_AARCH64";
  if (a == "arm") return "SCMP_ARCH_ARM";
  if (a == "ppc64le") return "SCMP_ARCH_PPC64LE";
  if (a == "ppc64") return "SCMP_ARCH_PPC64";
  if (a == "s390x") return "SCMP_ARCH_S390X";
  if (a == "s390") return "SCMP_ARCH_S390";
  if (a == "riscv64") return "SCMP_ARCH_RISCV64";
  if (a == "loongarch64") return "SCMP_ARCH_LOONGARCH64";
  return {};
}

}  // namespace mydocker::daemon::security
