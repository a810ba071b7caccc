#pragma once
// linux.seccomp compiled to classic BPF with libseccomp, before clone(): the
// child only hands the ready program to seccomp(2), without allocating.
// Compiling a Docker-sized profile costs milliseconds per start and exec, so
// compiled programs can be kept on disk, keyed by the profile (one shim per
// container means an in-memory cache would rarely be hit).
#include <linux/filter.h>

#include <string>
#include <vector>

#include "common/error.hpp"
#include "libcontainer/spec/spec.hpp"

namespace mydocker::libcontainer {

// A BPF program and the seccomp(2) flags to install it with. Move-only: the
// sock_fprog points into the instruction vector it owns.
class SeccompFilter {
 public:
  SeccompFilter(std::vector<sock_filter> code, unsigned flags);
  SeccompFilter(SeccompFilter&& o) noexcept;
  SeccompFilter& operator=(SeccompFilter&& o) noexcept;
  SeccompFilter(const SeccompFilter&) = delete;
  SeccompFilter& operator=(const SeccompFilter&) = delete;

  const sock_fprog* prog() const { return &prog_; }
  unsigned flags() const { return flags_; }  // SECCOMP_FILTER_FLAG_*
  const std::vector<sock_filter>& code() const { return code_; }

 private:
  std::vector<sock_filter> code_;
  unsigned flags_ = 0;
  sock_fprog prog_{};
};

// Unknown actions, comparison operators, architectures and flags are
// Error::invalid; syscall names this libseccomp does not know are skipped
// (a profile written for a newer kernel still loads), and so are
// architectures that cannot join the native one in a filter.
Result<SeccompFilter> compile_seccomp(const spec::Seccomp& profile);

// compile_seccomp through `<cache_dir>/<key>.bpf`, the key being the SHA-256
// of the profile as serialized, the libseccomp version and the native
// architecture. A miss compiles and writes the file atomically; a cache
// that cannot be written costs only a compile. Empty cache_dir: no cache.
Result<SeccompFilter> compile_seccomp_cached(const spec::Seccomp& profile, const std::string& cache_dir);

}  // namespace mydocker::libcontainer
