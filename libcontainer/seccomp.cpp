#include "libcontainer/seccomp.hpp"

#include <dirent.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <set>
#include <string_view>

#include "common/fs.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::libcontainer {

SeccompFilter::SeccompFilter(std::vector<sock_filter> code, unsigned flags) : code_(std::move(code)), flags_(flags) {
  prog_.len = static_cast<unsigned short>(code_.size());
  prog_.filter = code_.data();
}

SeccompFilter::SeccompFilter(SeccompFilter&& o) noexcept : SeccompFilter(std::move(o.code_), o.flags_) {}

SeccompFilter& SeccompFilter::operator=(SeccompFilter&& o) noexcept {
  code_ = std::move(o.code_);
  flags_ = o.flags_;
  prog_.len = static_cast<unsigned short>(code_.size());
  prog_.filter = code_.data();
  return *this;
}

namespace {

using FilterCtx = std::unique_ptr<void, decltype(&seccomp_release)>;

Error invalid(const std::string& what) { return Error::invalid("seccomp: " + what); }

// errnoRet defaults to EPERM for the actions that return one, as in runc.
Result<uint32_t> parse_action(const std::string& name, std::optional<uint32_t> errno_ret) {
  const uint32_t ret = errno_ret.value_or(EPERM);
  if (name == "SCMP_ACT_ALLOW") return SCMP_ACT_ALLOW;
  if (name == "SCMP_ACT_ERRNO") return SCMP_ACT_ERRNO(ret);
  if (name == "SCMP_ACT_KILL" || name == "SCMP_ACT_KILL_THREAD") return SCMP_ACT_KILL_THREAD;
  if (name == "SCMP_ACT_KILL_PROCESS") return SCMP_ACT_KILL_PROCESS;
  if (name == "SCMP_ACT_TRAP") return SCMP_ACT_TRAP;
  if (name == "SCMP_ACT_TRACE") return SCMP_ACT_TRACE(ret);
  if (name == "SCMP_ACT_LOG") return SCMP_ACT_LOG;
  // Needs a listener (linux.seccomp.listenerPath) we do not provide.
  if (name == "SCMP_ACT_NOTIFY") return fail(invalid("action SCMP_ACT_NOTIFY is not supported"));
  return fail(invalid("unknown action \"" + name + "\""));
}

Result<scmp_compare> parse_op(const std::string& name) {
  static const std::pair<std::string_view, scmp_compare> kOps[] = {
      {"SCMP_CMP_NE", SCMP_CMP_NE}, {"SCMP_CMP_LT", SCMP_CMP_LT}, {"SCMP_CMP_LE", SCMP_CMP_LE},
      {"SCMP_CMP_EQ", SCMP_CMP_EQ}, {"SCMP_CMP_GE", SCMP_CMP_GE}, {"SCMP_CMP_GT", SCMP_CMP_GT},
      {"SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ}};
  for (const auto& [n, op] : kOps)
    if (n == name) return op;
  return fail(invalid("unknown comparison operator \"" + name + "\""));
}

// seccomp(2) flags. TSYNC is dropped: the child is single-threaded.
Result<unsigned> parse_flags(const std::vector<std::string>& names) {
  unsigned flags = 0;
  for (const auto& n : names) {
    if (n == "SECCOMP_FILTER_FLAG_TSYNC") continue;
    if (n == "SECCOMP_FILTER_FLAG_LOG") flags |= SECCOMP_FILTER_FLAG_LOG;
    else if (n == "SECCOMP_FILTER_FLAG_SPEC_ALLOW") flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
    else return fail(invalid("unknown or unsupported flag \"" + n + "\""));
  }
  return flags;
}

// The OCI names; libseccomp knows them lowercased without the prefix.
Result<std::string> libseccomp_arch_name(const std::string& oci) {
  static const std::set<std::string_view> kOci = {
      "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",    "SCMP_ARCH_X32",    "SCMP_ARCH_ARM",      "SCMP_ARCH_AARCH64",
      "SCMP_ARCH_MIPS",    "SCMP_ARCH_MIPS64",    "SCMP_ARCH_MIPS64N32", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64",
      "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",   "SCMP_ARCH_PPC64",  "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",
      "SCMP_ARCH_S390X",   "SCMP_ARCH_PARISC",    "SCMP_ARCH_PARISC64", "SCMP_ARCH_RISCV64", "SCMP_ARCH_LOONGARCH64",
      "SCMP_ARCH_M68K",    "SCMP_ARCH_SH",        "SCMP_ARCH_SHEB"};
  if (!kOci.contains(oci)) return fail(invalid("unknown architecture \"" + oci + "\""));
  std::string name = oci.substr(std::strlen("SCMP_ARCH_"));
  for (auto& c : name) c = char(std::tolower(static_cast<unsigned char>(c)));
  return name;
}

// An architecture this libseccomp does not know, or that cannot share a
// filter with the native one (another endianness), cannot be the one the
// container runs as: it is left out.
Result<void> add_architectures(scmp_filter_ctx ctx, const std::vector<std::string>& archs) {
  for (const auto& oci : archs) {
    TRY_ASSIGN(std::string name, libseccomp_arch_name(oci));
    const uint32_t token = seccomp_arch_resolve_name(name.c_str());
    if (token == 0) continue;
    const int rc = seccomp_arch_add(ctx, token);
    if (rc == 0 || rc == -EEXIST || rc == -EDOM) continue;
    return fail(Error::from_errno(-rc, "seccomp: add architecture " + oci));
  }
  return {};
}

// One rule's conditions, ANDed. libseccomp takes one condition per
// argument in a rule, so conditions that repeat an index become one rule
// each (ORed), as runc does.
Result<std::vector<std::vector<scmp_arg_cmp>>> condition_sets(const std::vector<spec::SeccompArg>& args) {
  std::vector<scmp_arg_cmp> all;
  std::set<uint32_t> indexes;
  for (const auto& a : args) {
    if (a.index >= 6) return fail(invalid("argument index " + std::to_string(a.index) + " out of range"));
    TRY_ASSIGN(scmp_compare op, parse_op(a.op));
    all.push_back({a.index, op, a.value, a.value_two});
    indexes.insert(a.index);
  }
  if (indexes.size() == all.size()) return std::vector<std::vector<scmp_arg_cmp>>{all};
  std::vector<std::vector<scmp_arg_cmp>> sets;
  for (const auto& c : all) sets.push_back({c});
  return sets;
}

Result<void> add_syscall_rules(scmp_filter_ctx ctx, const spec::SeccompSyscall& sc, uint32_t default_action) {
  TRY_ASSIGN(uint32_t action, parse_action(sc.action, sc.errno_ret));
  TRY_ASSIGN(auto sets, condition_sets(sc.args));
  // libseccomp refuses a rule that changes nothing.
  if (action == default_action) return {};
  for (const auto& name : sc.names) {
    const int nr = seccomp_syscall_resolve_name(name.c_str());
    if (nr == __NR_SCMP_ERROR) continue;  // newer than this libseccomp
    for (const auto& conds : sets) {
      const int rc = seccomp_rule_add_array(ctx, action, nr, unsigned(conds.size()), conds.data());
      if (rc != 0) return fail(Error::from_errno(-rc, "seccomp: add rule for " + name));
    }
  }
  return {};
}

// The program as the kernel takes it, read back from a memfd.
Result<std::vector<sock_filter>> export_bpf(scmp_filter_ctx ctx) {
  UniqueFd fd(::memfd_create("seccomp-bpf", MFD_CLOEXEC));
  if (!fd) return fail(Error::from_errno(errno, "memfd_create"));
  if (int rc = seccomp_export_bpf(ctx, fd.get()); rc != 0) return fail(Error::from_errno(-rc, "seccomp: export BPF"));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return fail(Error::from_errno(errno, "fstat memfd"));
  std::vector<sock_filter> code(size_t(st.st_size) / sizeof(sock_filter));
  const size_t want = code.size() * sizeof(sock_filter);
  if (::pread(fd.get(), code.data(), want, 0) != ssize_t(want)) return fail(Error::internal("seccomp: short BPF read"));
  return code;
}

Result<FilterCtx> new_filter(const spec::Seccomp& p) {
  TRY_ASSIGN(uint32_t default_action, parse_action(p.default_action, p.default_errno_ret));
  FilterCtx ctx(seccomp_init(default_action), &seccomp_release);
  if (!ctx) return fail(invalid("cannot create a filter with default action " + p.default_action));
  // We set no_new_privs ourselves, or not, as the spec says.
  if (int rc = seccomp_attr_set(ctx.get(), SCMP_FLTATR_CTL_NNP, 0); rc != 0)
    return fail(Error::from_errno(-rc, "seccomp: clear the NNP attribute"));
  TRY_VOID(add_architectures(ctx.get(), p.architectures));
  for (const auto& sc : p.syscalls) TRY_VOID(add_syscall_rules(ctx.get(), sc, default_action));
  return ctx;
}

// The same profile compiles to other code with another libseccomp (its
// syscall tables) or on another architecture: both are part of the key.
std::string cache_key_text(const spec::Seccomp& p) {
  spec::Spec only;  // spec.cpp's serialization, so the key follows the OCI fields
  only.linux.seccomp = p;
  const scmp_version* v = seccomp_version();
  return "mydocker-seccomp-v2\n" + std::to_string(v->major) + "." + std::to_string(v->minor) + "." +
         std::to_string(v->micro) + "\n" + std::to_string(seccomp_arch_native()) + "\n" + spec::serialize(only);
}

// FNV-1a names the file; the file holds the whole key text before the
// code, and a hit needs the text to match, so two profiles never share a
// program. (No OpenSSL here: the shim would load libcrypto for it.)
std::string file_name_of(std::string_view key) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  char out[17];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(h));
  return out;
}

constexpr int kMaxCachedFilters = 64;

int cached_files(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (!d) return 0;
  int n = 0;
  while (dirent* e = ::readdir(d)) n += e->d_name[0] != '.';
  ::closedir(d);
  return n;
}

// [key length: 8 bytes][key][whole instructions]; anything else is
// ignored and recompiled.
std::optional<std::vector<sock_filter>> read_cached(const std::string& path, const std::string& key) {
  auto bytes = fs::read_file(path);
  uint64_t key_len = 0;
  if (!bytes || bytes->size() < sizeof key_len) return std::nullopt;
  std::memcpy(&key_len, bytes->data(), sizeof key_len);
  if (key_len != key.size() || bytes->size() < sizeof key_len + key_len ||
      bytes->compare(sizeof key_len, key_len, key) != 0)
    return std::nullopt;
  const size_t code_bytes = bytes->size() - sizeof key_len - key_len;
  if (code_bytes == 0 || code_bytes % sizeof(sock_filter) != 0 || code_bytes / sizeof(sock_filter) > BPF_MAXINSNS)
    return std::nullopt;
  std::vector<sock_filter> code(code_bytes / sizeof(sock_filter));
  std::memcpy(code.data(), bytes->data() + sizeof key_len + key_len, code_bytes);
  return code;
}

}  // namespace

Result<SeccompFilter> compile_seccomp(const spec::Seccomp& profile) {
  TRY_ASSIGN(unsigned flags, parse_flags(profile.flags));
  TRY_ASSIGN(FilterCtx ctx, new_filter(profile));
  TRY_ASSIGN(auto code, export_bpf(ctx.get()));
  if (code.empty() || code.size() > BPF_MAXINSNS)
    return fail(invalid("the filter has " + std::to_string(code.size()) + " instructions, the kernel takes 1 to " +
                        std::to_string(BPF_MAXINSNS)));
  return SeccompFilter(std::move(code), flags);
}

Result<SeccompFilter> compile_seccomp_cached(const spec::Seccomp& profile, const std::string& cache_dir) {
  if (cache_dir.empty()) return compile_seccomp(profile);
  TRY_ASSIGN(unsigned flags, parse_flags(profile.flags));
  const std::string key = cache_key_text(profile);
  const std::string path = cache_dir + "/" + file_name_of(key) + ".bpf";
  if (auto code = read_cached(path, key)) return SeccompFilter(std::move(*code), flags);
  TRY_ASSIGN(SeccompFilter filter, compile_seccomp(profile));
  // Best effort: without the file the next start compiles again.
  const auto& code = filter.code();
  const uint64_t key_len = key.size();
  std::string file(reinterpret_cast<const char*>(&key_len), sizeof key_len);
  file += key;
  file.append(reinterpret_cast<const char*>(code.data()), code.size() * sizeof(sock_filter));
  // Profiles come from clients: a bounded number of files, so a stream of
  // distinct custom profiles cannot fill the exec root (misses past the
  // bound just compile).
  if (fs::mkdir_all(cache_dir, 0700) && cached_files(cache_dir) < kMaxCachedFilters)
    (void)fs::write_file_atomic(path, file, 0600);
  return filter;
}

}  // namespace mydocker::libcontainer
