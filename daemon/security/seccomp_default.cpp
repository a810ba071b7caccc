// The built-in seccomp profile: Docker's default semantics (moby's
// profiles/seccomp, Docker 25+), written as grouped allowlists. Everything
// not listed fails with EPERM. What it keeps out of reach without the
// matching capability: namespaces and mounts (CAP_SYS_ADMIN), the kernel
// keyring (add_key, keyctl, request_key: not namespaced), io_uring (a large
// attack surface that bypasses the filter), NUMA policy (CAP_SYS_NICE),
// userfaultfd, kexec, modules, clock setting, reboot.
#include <sched.h>
#include <sys/socket.h>

#include <cerrno>

#include "daemon/security/seccomp_profile.hpp"

namespace mydocker::daemon::security {
namespace {

namespace spec = libcontainer::spec;

SeccompRule allow(std::string comment, std::vector<std::string> names) {
  SeccompRule r;
  r.names = std::move(names);
  r.action = "SCMP_ACT_ALLOW";
  r.comment = std::move(comment);
  return r;
}
SeccompRule with_cap(std::string cap, SeccompRule r) {
  r.includes.caps = {std::move(cap)};
  return r;
}
SeccompRule on_arches(std::vector<std::string> arches, SeccompRule r) {
  r.includes.arches = std::move(arches);
  return r;
}
SeccompRule with_arg(SeccompRule r, uint32_t index, uint64_t value, std::string op, uint64_t value_two = 0) {
  r.args.push_back({index, value, value_two, std::move(op)});
  return r;
}

// The base allowlist, by what the calls do. Listing a syscall the kernel or
// libseccomp does not know is harmless: it is skipped when compiling.
void add_base_allowlist(std::vector<SeccompRule>& out) {
  out.push_back(allow("paths and metadata", {
      "access", "faccessat", "faccessat2", "chdir", "fchdir", "getcwd", "chmod", "fchmod", "fchmodat", "fchmodat2",
      "chown", "chown32", "fchown", "fchown32", "fchownat", "lchown", "lchown32", "creat", "open", "openat",
      "openat2", "name_to_handle_at", "mkdir", "mkdirat", "mknod", "mknodat", "rmdir", "link", "linkat", "symlink",
      "symlinkat", "readlink", "readlinkat", "rename", "renameat", "renameat2", "unlink", "unlinkat", "truncate",
      "truncate64", "ftruncate", "ftruncate64", "umask", "utime", "utimes", "utimensat", "utimensat_time64",
      "futimesat", "getdents", "getdents64", "stat", "stat64", "lstat", "lstat64", "fstat", "fstat64", "fstatat64",
      "newfstatat", "statx", "statfs", "statfs64", "fstatfs", "fstatfs64", "listmount", "statmount"}));
  out.push_back(allow("reading and writing descriptors", {
      "read", "readv", "pread64", "preadv", "preadv2", "write", "writev", "pwrite64", "pwritev", "pwritev2", "lseek",
      "_llseek", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "fcntl64", "flock", "fsync", "fdatasync",
      "sync", "syncfs", "sync_file_range", "fallocate", "fadvise64", "fadvise64_64", "readahead", "cachestat",
      "copy_file_range", "sendfile", "sendfile64", "splice", "tee", "vmsplice", "ioctl", "pipe", "pipe2"}));
  out.push_back(allow("extended attributes", {
      "getxattr", "lgetxattr", "fgetxattr", "getxattrat", "setxattr", "lsetxattr", "fsetxattr", "setxattrat",
      "listxattr", "llistxattr", "flistxattr", "listxattrat", "removexattr", "lremovexattr", "fremovexattr",
      "removexattrat"}));
  out.push_back(allow("waiting for events", {
      "poll", "ppoll", "ppoll_time64", "select", "_newselect", "pselect6", "pselect6_time64", "epoll_create",
      "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_wait", "epoll_wait_old", "epoll_pwait", "epoll_pwait2",
      "eventfd", "eventfd2", "signalfd", "signalfd4", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
      "timerfd_settime", "timerfd_settime64", "inotify_init", "inotify_init1", "inotify_add_watch",
      "inotify_rm_watch", "fanotify_mark"}));
  out.push_back(allow("asynchronous I/O (not io_uring)", {
      "io_setup", "io_destroy", "io_submit", "io_cancel", "io_getevents", "io_pgetevents", "io_pgetevents_time64",
      "ioprio_get", "ioprio_set"}));
  out.push_back(allow("memory", {
      "brk", "mmap", "mmap2", "munmap", "mremap", "mprotect", "madvise", "mincore", "msync", "mlock", "mlock2",
      "mlockall", "munlock", "munlockall", "membarrier", "memfd_create", "memfd_secret", "remap_file_pages",
      "pkey_alloc", "pkey_free", "pkey_mprotect", "map_shadow_stack", "mseal"}));
  out.push_back(allow("processes and threads (clone is conditional, below)", {
      "execve", "execveat", "exit", "exit_group", "fork", "vfork", "wait4", "waitid", "waitpid", "getpid", "getppid",
      "gettid", "getpgid", "getpgrp", "setpgid", "getsid", "setsid", "set_tid_address", "set_robust_list",
      "get_robust_list", "futex", "futex_time64", "futex_waitv", "futex_wait", "futex_wake", "futex_requeue", "rseq",
      "restart_syscall", "prctl", "get_thread_area", "set_thread_area", "capget", "capset", "seccomp", "pidfd_open",
      "pidfd_send_signal", "process_mrelease", "landlock_create_ruleset", "landlock_add_rule",
      "landlock_restrict_self", "uretprobe", "riscv_hwprobe"}));
  out.push_back(allow("scheduling, limits and system information", {
      "sched_yield", "sched_getaffinity", "sched_setaffinity", "sched_getattr", "sched_setattr", "sched_getparam",
      "sched_setparam", "sched_getscheduler", "sched_setscheduler", "sched_get_priority_max",
      "sched_get_priority_min", "sched_rr_get_interval", "sched_rr_get_interval_time64", "getpriority",
      "setpriority", "getrlimit", "setrlimit", "ugetrlimit", "prlimit64", "getrusage", "times", "sysinfo", "uname",
      "getcpu", "getrandom"}));
  out.push_back(allow("credentials (the kernel checks CAP_SETUID/CAP_SETGID)", {
      "getuid", "getuid32", "geteuid", "geteuid32", "getgid", "getgid32", "getegid", "getegid32", "getresuid",
      "getresuid32", "getresgid", "getresgid32", "getgroups", "getgroups32", "setuid", "setuid32", "setgid",
      "setgid32", "setreuid", "setreuid32", "setregid", "setregid32", "setresuid", "setresuid32", "setresgid",
      "setresgid32", "setfsuid", "setfsuid32", "setfsgid", "setfsgid32", "setgroups", "setgroups32"}));
  out.push_back(allow("signals", {
      "kill", "tkill", "tgkill", "rt_sigaction", "rt_sigprocmask", "rt_sigpending", "rt_sigqueueinfo",
      "rt_tgsigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait", "rt_sigtimedwait_time64",
      "sigaltstack", "sigprocmask", "sigreturn", "pause", "alarm"}));
  out.push_back(allow("clocks and timers (setting the clock needs CAP_SYS_TIME, below)", {
      "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
      "clock_nanosleep_time64", "nanosleep", "gettimeofday", "time", "adjtimex", "clock_adjtime", "clock_adjtime64",
      "getitimer", "setitimer", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
      "timer_gettime64", "timer_settime", "timer_settime64"}));
  out.push_back(allow("sockets (socket itself is conditional, below)", {
      "socketpair", "socketcall", "bind", "connect", "listen", "accept", "accept4", "getsockname", "getpeername",
      "getsockopt", "setsockopt", "send", "sendto", "sendmsg", "sendmmsg", "recv", "recvfrom", "recvmsg",
      "recvmmsg", "recvmmsg_time64", "shutdown"}));
  out.push_back(allow("System V and POSIX IPC (namespaced)", {
      "ipc", "msgget", "msgctl", "msgsnd", "msgrcv", "semget", "semctl", "semop", "semtimedop", "semtimedop_time64",
      "shmget", "shmctl", "shmat", "shmdt", "mq_open", "mq_unlink", "mq_getsetattr", "mq_notify", "mq_timedsend",
      "mq_timedsend_time64", "mq_timedreceive", "mq_timedreceive_time64"}));
}

// Calls whose arguments decide: socket families, personality values.
void add_argument_rules(std::vector<SeccompRule>& out) {
  // Before 4.8 a tracer could rewrite a syscall after the filter checked it.
  SeccompRule tracing = allow("ptrace is safe under seccomp from kernel 4.8",
                              {"ptrace", "process_vm_readv", "process_vm_writev"});
  tracing.includes.min_kernel = KernelVersion{4, 8};
  out.push_back(std::move(tracing));
  // Every address family but AF_ALG (38: kernel crypto) and AF_VSOCK (40:
  // host-guest sockets, not namespaced). Rules for one syscall are OR'ed.
  static_assert(AF_ALG == 38 && AF_VSOCK == 40);
  out.push_back(with_arg(allow("socket: families below AF_ALG", {"socket"}), 0, AF_ALG, "SCMP_CMP_LT"));
  out.push_back(with_arg(allow("socket: the family between AF_ALG and AF_VSOCK", {"socket"}), 0, AF_ALG + 1,
                         "SCMP_CMP_EQ"));
  out.push_back(with_arg(allow("socket: families above AF_VSOCK", {"socket"}), 0, AF_VSOCK, "SCMP_CMP_GT"));
  // PER_LINUX, PER_LINUX with UNAME26, PER_LINUX32, PER_LINUX32|UNAME26,
  // and the query 0xffffffff; other personalities change how the kernel
  // lays out memory (READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE).
  for (uint64_t persona : {0x0ull, 0x8ull, 0x20000ull, 0x20008ull, 0xffffffffull})
    out.push_back(with_arg(allow("personality: allowed persona", {"personality"}), 0, persona, "SCMP_CMP_EQ"));
}

void add_arch_rules(std::vector<SeccompRule>& out) {
  out.push_back(on_arches({"ppc64le"}, allow("ppc64le", {"sync_file_range2", "swapcontext"})));
  out.push_back(on_arches({"arm", "arm64"}, allow("arm", {"arm_fadvise64_64", "arm_sync_file_range",
                                                          "sync_file_range2", "breakpoint", "cacheflush", "set_tls"})));
  out.push_back(on_arches({"amd64", "x32"}, allow("x86-64 thread pointer", {"arch_prctl"})));
  out.push_back(on_arches({"amd64", "x32", "x86"}, allow("x86 local descriptor table", {"modify_ldt"})));
  out.push_back(on_arches({"s390", "s390x"},
                          allow("s390", {"s390_pci_mmio_read", "s390_pci_mmio_write", "s390_runtime_instr"})));
  out.push_back(on_arches({"riscv64"}, allow("riscv64", {"riscv_flush_icache"})));
}

// clone without CAP_SYS_ADMIN: only without namespace flags. clone3 passes
// its flags in memory the filter cannot read, so it answers ENOSYS and
// glibc falls back to clone, where the flags are visible.
void add_clone_rules(std::vector<SeccompRule>& out) {
  constexpr uint64_t kNamespaceFlags =
      CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;
  SeccompRule clone = with_arg(allow("clone without namespace flags", {"clone"}), 0, kNamespaceFlags,
                               "SCMP_CMP_MASKED_EQ", 0);
  clone.excludes.caps = {"CAP_SYS_ADMIN"};
  clone.excludes.arches = {"s390", "s390x"};
  out.push_back(std::move(clone));
  // s390 passes clone's flags as the second argument.
  SeccompRule clone_s390 = with_arg(allow("s390 parameter ordering for clone is different", {"clone"}), 1,
                                    kNamespaceFlags, "SCMP_CMP_MASKED_EQ", 0);
  clone_s390.includes.arches = {"s390", "s390x"};
  clone_s390.excludes.caps = {"CAP_SYS_ADMIN"};
  out.push_back(std::move(clone_s390));
  SeccompRule clone3;
  clone3.names = {"clone3"};
  clone3.action = "SCMP_ACT_ERRNO";
  clone3.errno_ret = ENOSYS;
  clone3.comment = "clone3 answers ENOSYS so that glibc falls back to clone";
  clone3.excludes.caps = {"CAP_SYS_ADMIN"};
  out.push_back(std::move(clone3));
}

// What each capability makes reachable, for containers given it.
void add_capability_rules(std::vector<SeccompRule>& out) {
  out.push_back(with_cap("CAP_DAC_READ_SEARCH", allow("open by file handle", {"open_by_handle_at"})));
  out.push_back(with_cap("CAP_SYS_ADMIN", allow("namespaces, mounts, hostnames, admin", {
      "clone", "clone3", "unshare", "setns", "mount", "umount", "umount2", "mount_setattr", "move_mount",
      "open_tree", "fsopen", "fsconfig", "fsmount", "fspick", "quotactl", "quotactl_fd", "sethostname",
      "setdomainname", "fanotify_init", "lookup_dcookie", "perf_event_open", "bpf", "syslog", "lsm_get_self_attr",
      "lsm_set_self_attr", "lsm_list_modules"})));
  out.push_back(with_cap("CAP_SYS_BOOT", allow("reboot", {"reboot"})));
  out.push_back(with_cap("CAP_SYS_CHROOT", allow("chroot", {"chroot"})));
  out.push_back(with_cap("CAP_SYS_MODULE", allow("kernel modules", {"init_module", "finit_module", "delete_module"})));
  out.push_back(with_cap("CAP_SYS_PACCT", allow("process accounting", {"acct"})));
  out.push_back(with_cap("CAP_SYS_PTRACE", allow("tracing other processes", {
      "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "pidfd_getfd", "kcmp"})));
  out.push_back(with_cap("CAP_SYS_RAWIO", allow("I/O ports", {"iopl", "ioperm"})));
  out.push_back(with_cap("CAP_SYS_TIME", allow("setting the clock", {
      "settimeofday", "stime", "clock_settime", "clock_settime64"})));
  out.push_back(with_cap("CAP_SYS_TTY_CONFIG", allow("vhangup", {"vhangup"})));
  out.push_back(with_cap("CAP_SYS_NICE", allow("NUMA memory policy", {
      "get_mempolicy", "set_mempolicy", "set_mempolicy_home_node", "mbind"})));
  out.push_back(with_cap("CAP_SYSLOG", allow("kernel log", {"syslog"})));
  out.push_back(with_cap("CAP_BPF", allow("eBPF", {"bpf"})));
  out.push_back(with_cap("CAP_PERFMON", allow("performance monitoring", {"perf_event_open"})));
}

SeccompProfile build_default_profile() {
  SeccompProfile p;
  p.default_action = "SCMP_ACT_ERRNO";
  p.default_errno_ret = EPERM;
  // Each 64-bit architecture also runs its 32-bit (and x32/n32) binaries.
  p.arch_map = {
      {"SCMP_ARCH_X86_64", {"SCMP_ARCH_X86", "SCMP_ARCH_X32"}},
      {"SCMP_ARCH_AARCH64", {"SCMP_ARCH_ARM"}},
      {"SCMP_ARCH_MIPS64", {"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32"}},
      {"SCMP_ARCH_MIPS64N32", {"SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64"}},
      {"SCMP_ARCH_MIPSEL64", {"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32"}},
      {"SCMP_ARCH_MIPSEL64N32", {"SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64"}},
      {"SCMP_ARCH_S390X", {"SCMP_ARCH_S390"}},
      {"SCMP_ARCH_RISCV64", {}},
      {"SCMP_ARCH_LOONGARCH64", {}},
  };
  add_base_allowlist(p.syscalls);
  add_argument_rules(p.syscalls);
  add_arch_rules(p.syscalls);
  add_clone_rules(p.syscalls);
  add_capability_rules(p.syscalls);
  return p;
}

}  // namespace

const SeccompProfile& default_seccomp_profile() {
  // Built once and never changed: a constant, not shared mutable state.
  static const SeccompProfile profile = build_default_profile();
  return profile;
}

}  // namespace mydocker::daemon::security
