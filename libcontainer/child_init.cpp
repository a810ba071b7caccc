// The container's first process, between clone() and execve(). Runs on a
// copy of the parent's memory: it allocates nothing, throws nothing, takes
// no locks; on failure it writes {step, errno, detail} to the error pipe and
// exits. On success the pipe closes with exec (O_CLOEXEC) and the parent
// reads EOF.
#include <fcntl.h>
#include <grp.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd_passing.hpp"
#include "libcontainer/child_plan.hpp"
#include "libcontainer/exec_lookup.hpp"
#include "libcontainer/rooted_path.hpp"
#include "libcontainer/user_lookup.hpp"

namespace mydocker::libcontainer {

namespace {

[[noreturn]] void die(const ChildPlan& p, ChildStep step, int err, const char* detail = nullptr) {
  ChildError e;
  e.step = int32_t(step);
  e.err = err;
  if (detail) {
    size_t n = std::strlen(detail);
    if (n >= sizeof e.detail) n = sizeof e.detail - 1;
    std::memcpy(e.detail, detail, n);
    e.detail[n] = 0;
  }
  (void)!::write(p.error_fd, &e, sizeof e);
  _exit(127);
}

// mkdir -p on a copy in a stack buffer.
int mkdir_all(const char* path, mode_t mode) {
  char buf[4096];
  size_t n = std::strlen(path);
  if (n >= sizeof buf) return ENAMETOOLONG;
  std::memcpy(buf, path, n + 1);
  for (size_t i = 1; i <= n; ++i) {
    if (buf[i] != '/' && buf[i] != 0) continue;
    char saved = buf[i];
    buf[i] = 0;
    if (::mkdir(buf, mode) != 0 && errno != EEXIST) return errno;
    buf[i] = saved;
  }
  return 0;
}

// Every target is resolved inside the root: an image's symlinks cannot
// send a mount, a mkdir or a created file out of it.
void do_mounts(const ChildPlan& p) {
  const int root = ::open(p.rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) die(p, ChildStep::Mount, errno, p.rootfs);
  char path[64];
  for (int i = 0; i < p.n_mounts; ++i) {
    const MountStep& m = p.mounts[i];
    if (m.symlink_to) {
      if (::symlink(m.symlink_to, m.target) != 0 && errno != EEXIST) die(p, ChildStep::Mount, errno, m.target);
      continue;
    }
    if (m.remount_only) {
      int fd = open_in_root(root, m.rel_target);
      if (fd < 0) die(p, ChildStep::Mount, -fd, m.target);
      fd_path(fd, path, sizeof path);
      if (::mount(nullptr, path, nullptr, m.flags | MS_REMOUNT, m.data) != 0) die(p, ChildStep::Mount, errno, m.target);
      ::close(fd);
      continue;
    }
    if (int e = make_mount_point_in_root(root, m.rel_target, m.file_target)) die(p, ChildStep::Mount, e, m.target);
    int fd = open_in_root(root, m.rel_target);
    if (fd < 0) die(p, ChildStep::Mount, -fd, m.target);
    fd_path(fd, path, sizeof path);
    const unsigned long flags = m.flags;
    if (::mount(m.source, path, m.fstype, flags, m.data) != 0) die(p, ChildStep::Mount, errno, m.target);
    ::close(fd);
    if (!m.remount_ro && !m.propagation) continue;
    // The new mount, not the folder under it.
    fd = open_in_root(root, m.rel_target);
    if (fd < 0) die(p, ChildStep::Mount, -fd, m.target);
    fd_path(fd, path, sizeof path);
    if (m.remount_ro &&
        ::mount(nullptr, path, nullptr, (flags & ~MS_REC) | MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0)
      die(p, ChildStep::Mount, errno, m.target);
    if (m.propagation && ::mount(nullptr, path, nullptr, m.propagation, nullptr) != 0)
      die(p, ChildStep::Mount, errno, m.target);
    ::close(fd);
  }
  ::close(root);
}

void join(char* out, size_t cap, const char* a, const char* b) {
  size_t la = std::strlen(a), lb = std::strlen(b);
  if (la + lb + 1 > cap) lb = cap - la - 1;
  std::memcpy(out, a, la);
  std::memcpy(out + la, b, lb);
  out[la + lb] = 0;
}

// The standard nodes of a fresh /dev, as Docker makes them.
void make_devices(const ChildPlan& p) {
  struct Node {
    const char* name;
    unsigned maj, min;
  };
  static const Node kNodes[] = {{"/null", 1, 3}, {"/zero", 1, 5}, {"/full", 1, 7},
                                {"/random", 1, 8}, {"/urandom", 1, 9}, {"/tty", 5, 0}};
  char path[4096];
  const mode_t old = ::umask(0);
  for (const Node& n : kNodes) {
    join(path, sizeof path, p.dev_dir, n.name);
    if (::mknod(path, S_IFCHR | 0666, makedev(n.maj, n.min)) == 0) continue;
    // Without mknod (user namespaces), bind the host's node instead.
    int fd = ::open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
    if (fd >= 0) ::close(fd);
    char host[64];
    join(host, sizeof host, "/dev", n.name);
    if (::mount(host, path, nullptr, MS_BIND, nullptr) != 0) die(p, ChildStep::Devices, errno, path);
  }
  // The spec's devices, before any symlink exists in the fresh /dev that
  // could send a path elsewhere.
  for (int i = 0; i < p.n_devices; ++i) {
    const DeviceStep& d = p.devices[i];
    char parent[4096];
    join(parent, sizeof parent, d.path, "");
    if (char* slash = std::strrchr(parent, '/'); slash && slash != parent) *slash = 0;
    if (int e = mkdir_all(parent, 0755)) die(p, ChildStep::Devices, e, d.path);
    ::unlink(d.path);  // a spec device replaces a default node of the same name
    if (::mknod(d.path, d.mode, d.dev) != 0) die(p, ChildStep::Devices, errno, d.path);
    if (::chown(d.path, d.uid, d.gid) != 0) die(p, ChildStep::Devices, errno, d.path);
  }
  ::umask(old);
  struct Link {
    const char* target;
    const char* name;
  };
  static const Link kLinks[] = {{"/proc/self/fd", "/fd"}, {"/proc/self/fd/0", "/stdin"},
                                {"/proc/self/fd/1", "/stdout"}, {"/proc/self/fd/2", "/stderr"},
                                {"pts/ptmx", "/ptmx"}, {"/proc/kcore", "/core"}};
  for (const Link& l : kLinks) {
    join(path, sizeof path, p.dev_dir, l.name);
    if (::symlink(l.target, path) != 0 && errno != EEXIST) die(p, ChildStep::Devices, errno, path);
  }
}

void pivot(const ChildPlan& p) {
  if (::chdir(p.rootfs) != 0) die(p, ChildStep::PivotRoot, errno, p.rootfs);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) die(p, ChildStep::PivotRoot, errno, p.rootfs);
  // The old root is stacked under the new one: detach it.
  if (::umount2(".", MNT_DETACH) != 0) die(p, ChildStep::PivotRoot, errno, "old root");
  if (::chdir("/") != 0) die(p, ChildStep::PivotRoot, errno, "/");
}

void mask_paths(const ChildPlan& p) {
  for (int i = 0; i < p.n_masked; ++i) {
    struct stat st;
    if (::stat(p.masked[i], &st) != 0) continue;
    int r = S_ISDIR(st.st_mode) ? ::mount("tmpfs", p.masked[i], "tmpfs", MS_RDONLY, nullptr)
                                : ::mount("/dev/null", p.masked[i], nullptr, MS_BIND, nullptr);
    if (r != 0) die(p, ChildStep::MaskPath, errno, p.masked[i]);
  }
}

unsigned long current_flags(const char* path) {
  struct statvfs sv;
  unsigned long f = 0;
  if (::statvfs(path, &sv) != 0) return 0;
  if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
  if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
  if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
  return f;
}

void readonly_paths(const ChildPlan& p) {
  for (int i = 0; i < p.n_readonly; ++i) {
    struct stat st;
    if (::stat(p.readonly[i], &st) != 0) continue;
    if (::mount(p.readonly[i], p.readonly[i], nullptr, MS_BIND | MS_REC, nullptr) != 0)
      die(p, ChildStep::ReadonlyPath, errno, p.readonly[i]);
    unsigned long f = current_flags(p.readonly[i]) | MS_BIND | MS_REMOUNT | MS_RDONLY;
    if (::mount(nullptr, p.readonly[i], nullptr, f, nullptr) != 0) die(p, ChildStep::ReadonlyPath, errno, p.readonly[i]);
  }
}

void write_sysctls(const ChildPlan& p) {
  for (int i = 0; i < p.n_sysctl; ++i) {
    int fd = ::open(p.sysctl_files[i], O_WRONLY | O_CLOEXEC);
    if (fd < 0) die(p, ChildStep::Sysctl, errno, p.sysctl_files[i]);
    ssize_t n = ::write(fd, p.sysctl_values[i], std::strlen(p.sysctl_values[i]));
    int e = errno;
    ::close(fd);
    if (n < 0) die(p, ChildStep::Sysctl, e, p.sysctl_files[i]);
  }
}

// A pty in the devpts this process sees (the container's own after the
// pivot): the slave becomes 0/1/2 and the controlling terminal, the master
// goes to the shim. No allocation: ioctls and a stack message.
void setup_console(const ChildPlan& p) {
  int master = ::open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) master = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) die(p, ChildStep::Console, errno, "/dev/pts/ptmx");
  int unlock = 0;
  if (::ioctl(master, TIOCSPTLCK, &unlock) != 0) die(p, ChildStep::Console, errno, "unlockpt");
  int slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
  if (slave < 0) die(p, ChildStep::Console, errno, "open pty slave");
  for (int i = 0; i < 3; ++i)
    if (::dup2(slave, i) < 0) die(p, ChildStep::Console, errno);
  if (slave > 2) ::close(slave);
  if (::setsid() < 0) die(p, ChildStep::Console, errno, "setsid");
  if (::ioctl(0, TIOCSCTTY, 0) != 0) die(p, ChildStep::Console, errno, "TIOCSCTTY");
  const char byte = 0;
  if (long r = send_with_fd(p.console_socket, &byte, 1, master); r != 1)
    die(p, ChildStep::Console, r < 0 ? int(-r) : EPIPE, "send console");
  ::close(master);
  ::close(p.console_socket);
}

void setup_stdio(const ChildPlan& p) {
  if (p.console_socket >= 0) return;  // the console comes later, inside the root
  // Move the sources above 0-2 first so no dup2 clobbers a later source.
  int high[3];
  for (int i = 0; i < 3; ++i) {
    high[i] = ::fcntl(p.stdio[i], F_DUPFD_CLOEXEC, 10);
    if (high[i] < 0) die(p, ChildStep::Stdio, errno);
  }
  for (int i = 0; i < 3; ++i)
    if (::dup2(high[i], i) < 0) die(p, ChildStep::Stdio, errno);
  if (p.terminal) {
    if (::setsid() < 0) die(p, ChildStep::Stdio, errno, "setsid");
    if (::ioctl(0, TIOCSCTTY, 0) != 0) die(p, ChildStep::Stdio, errno, "TIOCSCTTY");
  }
}

void setup_rootfs(const ChildPlan& p) {
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) die(p, ChildStep::Propagation, errno);
  int r = p.overlay_data ? ::mount("overlay", p.rootfs, "overlay", 0, p.overlay_data)
                         : ::mount(p.rootfs, p.rootfs, nullptr, MS_BIND | MS_REC, nullptr);
  if (r != 0) die(p, ChildStep::Rootfs, errno, p.rootfs);
  do_mounts(p);
  if (p.dev_dir) make_devices(p);
  pivot(p);
  write_sysctls(p);
  mask_paths(p);
  readonly_paths(p);
  if (p.root_readonly &&
      ::mount(nullptr, "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | current_flags("/"), nullptr) != 0)
    die(p, ChildStep::RootReadonly, errno);
}

// The BPF was compiled before clone(): only the raw syscall here (glibc has
// no wrapper), nothing allocated.
void install_seccomp(const ChildPlan& p) {
  if (!p.seccomp) return;
  if (::syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p.seccomp_flags, p.seccomp) != 0)
    die(p, ChildStep::Seccomp, errno);
}

void become_user(const ChildPlan& p) {
  uid_t uid = p.uid;
  gid_t gid = p.gid;
  const gid_t* groups = p.groups;
  int ngroups = p.n_groups;
  static ResolvedUser resolved;
  if (p.user_spec) {
    if (int e = resolve_user(p.user_spec, resolved)) {
      // "u:name" or "g:name": the parent words the message.
      char detail[80] = {resolved.missing_group ? 'g' : 'u', ':'};
      std::memcpy(detail + 2, resolved.missing, sizeof resolved.missing < 70 ? sizeof resolved.missing : 70);
      die(p, ChildStep::User, e, detail);
    }
    uid = resolved.uid;
    gid = resolved.gid;
    groups = resolved.groups;
    ngroups = resolved.ngroups;
  }
  if (::setgroups(size_t(ngroups), groups) != 0) die(p, ChildStep::Groups, errno);
  for (int i = 0; i < p.n_rlimits; ++i)
    if (::setrlimit(__rlimit_resource(p.rlimits[i].resource), &p.rlimits[i].value) != 0)
      die(p, ChildStep::Rlimit, errno);
  // Without no_new_privs the kernel takes a filter only from a holder of
  // CAP_SYS_ADMIN: install it before the user and capabilities change (the
  // profile then has to allow what runs from here to exec).
  if (!p.no_new_privs) install_seccomp(p);
  if (int e = drop_bounding(p.caps.bounding)) die(p, ChildStep::Capabilities, e, "bounding set");
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) die(p, ChildStep::Capabilities, errno);
  if (::setresgid(gid, gid, gid) != 0) die(p, ChildStep::SetUid, errno, "setgid");
  if (::setresuid(uid, uid, uid) != 0) die(p, ChildStep::SetUid, errno, "setuid");
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) die(p, ChildStep::Capabilities, errno);
  if (int e = apply_capabilities(p.caps)) die(p, ChildStep::Capabilities, e);
  if (p.no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) die(p, ChildStep::NoNewPrivs, errno);
}

// After the root is set up: a user namespace of our own, whose maps the
// parent writes (a process cannot map IDs it does not own). From here on
// the process's capabilities hold only in it; the mount, PID, IPC and UTS
// namespaces made at clone() stay the host's, so container root can change
// none of them.
void enter_user_namespace(const ChildPlan& p) {
  if (::unshare(CLONE_NEWUSER) != 0) die(p, ChildStep::UserNamespace, errno);
  const char ready = 1;
  if (::write(p.userns_ready, &ready, 1) != 1) die(p, ChildStep::UserNamespace, errno, "sync");
  char go;
  ssize_t n;
  do n = ::read(p.userns_go, &go, 1);
  while (n < 0 && errno == EINTR);
  if (n != 1) die(p, ChildStep::UserNamespace, n < 0 ? errno : EPIPE, "uid_map");
  ::close(p.userns_ready);
  ::close(p.userns_go);
  // Still the host's root, unmapped here: become the namespace's root so
  // what is made until exec (the pty, the working directory) is its.
  if (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0) die(p, ChildStep::UserNamespace, errno, "setuid 0");
}

}  // namespace

[[noreturn]] void child_main(const ChildPlan& p) {
  static const char kZero[] = "0";
  for (int i = 0; i < p.n_cgroup_fds; ++i)
    if (::write(p.cgroup_fds[i], kZero, 1) != 1) die(p, ChildStep::Cgroup, errno);
  if (p.unshare_cgroup_ns && ::unshare(CLONE_NEWCGROUP) != 0) die(p, ChildStep::Cgroup, errno, "cgroup namespace");
  for (int i = 0; i < p.n_setns; ++i)
    if (::setns(p.setns[i].fd, p.setns[i].nstype) != 0) die(p, ChildStep::Setns, errno);
  setup_stdio(p);
  if (p.hostname && ::sethostname(p.hostname, std::strlen(p.hostname)) != 0) die(p, ChildStep::Hostname, errno);
  if (p.new_mount_ns && p.rootfs) setup_rootfs(p);
  if (p.unshare_user) enter_user_namespace(p);
  if (p.console_socket >= 0) setup_console(p);
  // The working directory is made by root, before privileges drop.
  if (int e = mkdir_all(p.cwd, 0755)) die(p, ChildStep::Cwd, e, p.cwd);
  become_user(p);
  if (::chdir(p.cwd) != 0) die(p, ChildStep::Cwd, errno, p.cwd);
  static char exe[4096];
  if (int e = find_executable(p.argv[0], p.path_env, exe, sizeof exe)) die(p, ChildStep::ExecLookup, e, p.argv[0]);
  // With no_new_privs (set in become_user) as late as possible, so the
  // profile need not allow the runtime's own syscalls.
  if (p.no_new_privs) install_seccomp(p);
  ::execve(exe, const_cast<char* const*>(p.argv), const_cast<char* const*>(p.envp));
  die(p, ChildStep::Exec, errno, p.argv[0]);
}

}  // namespace mydocker::libcontainer
