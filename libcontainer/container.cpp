#include "libcontainer/container.hpp"

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <optional>

#include "common/fd_passing.hpp"
#include "libcontainer/cgroups/cgroup.hpp"
#include "libcontainer/child_plan.hpp"
#include "libcontainer/mount_options.hpp"
#include "libcontainer/seccomp.hpp"
#include "libcontainer/userns.hpp"

namespace mydocker::libcontainer {

namespace {

// Owns every string and array a ChildPlan points into.
struct PlanStorage {
  std::deque<std::string> strings;  // deque: pointers stay valid as it grows
  std::vector<MountStep> mounts;
  std::vector<DeviceStep> devices;
  std::vector<const char*> masked, readonly, sysctl_files, sysctl_values, argv, envp;
  std::vector<RlimitStep> rlimits;
  std::vector<gid_t> groups;
  std::vector<UniqueFd> ns_fds;
  std::vector<SetnsStep> setns;
  std::vector<UniqueFd> cgroup_fds;
  std::vector<int> cgroup_fd_numbers;
  UniqueFd devnull;
  std::optional<SeccompFilter> seccomp;
  // User namespace: the maps the parent writes, the sync pipes, and the
  // detached idmapped layers the child mounts.
  std::string uid_map, gid_map;
  UniqueFd userns_ready_r, userns_ready_w, userns_go_r, userns_go_w;
  std::vector<UniqueFd> idmapped_layers;
  ChildPlan plan;

  const char* keep(std::string s) {
    strings.push_back(std::move(s));
    return strings.back().c_str();
  }
};

int namespace_flag(const std::string& type) {
  static const std::map<std::string, int> kFlags = {
      {"pid", CLONE_NEWPID}, {"network", CLONE_NEWNET}, {"mount", CLONE_NEWNS}, {"ipc", CLONE_NEWIPC},
      {"uts", CLONE_NEWUTS}, {"user", CLONE_NEWUSER},   {"cgroup", CLONE_NEWCGROUP}};
  auto it = kFlags.find(type);
  return it == kFlags.end() ? 0 : it->second;
}

Result<int> rlimit_resource(const std::string& name) {
  static const std::map<std::string, int> kLimits = {
      {"RLIMIT_CPU", RLIMIT_CPU},         {"RLIMIT_FSIZE", RLIMIT_FSIZE},     {"RLIMIT_DATA", RLIMIT_DATA},
      {"RLIMIT_STACK", RLIMIT_STACK},     {"RLIMIT_CORE", RLIMIT_CORE},       {"RLIMIT_RSS", RLIMIT_RSS},
      {"RLIMIT_NPROC", RLIMIT_NPROC},     {"RLIMIT_NOFILE", RLIMIT_NOFILE},   {"RLIMIT_MEMLOCK", RLIMIT_MEMLOCK},
      {"RLIMIT_AS", RLIMIT_AS},           {"RLIMIT_LOCKS", RLIMIT_LOCKS},     {"RLIMIT_SIGPENDING", RLIMIT_SIGPENDING},
      {"RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE}, {"RLIMIT_NICE", RLIMIT_NICE},     {"RLIMIT_RTPRIO", RLIMIT_RTPRIO},
      {"RLIMIT_RTTIME", RLIMIT_RTTIME}};
  auto it = kLimits.find(name);
  if (it == kLimits.end()) return fail(Error::invalid("unknown rlimit " + name));
  return it->second;
}

Result<int> plan_namespaces(const spec::Spec& s, PlanStorage& st) {
  int flags = 0;
  for (const auto& ns : s.linux.namespaces) {
    int f = namespace_flag(ns.type);
    if (!f) return fail(Error::invalid("unknown namespace type " + ns.type));
    if (ns.path.empty()) {
      flags |= f;
      continue;
    }
    UniqueFd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return fail(Error::from_errno(errno, "open namespace " + ns.path));
    st.setns.push_back({fd.get(), f});
    st.ns_fds.push_back(std::move(fd));
  }
  return flags;
}

// /sys/fs/cgroup as runc makes it: the container's own cgroup, read-only
// unless the spec mount is rw. v2: a bind of the container's directory.
// v1: a tmpfs with a bind per hierarchy and the alias symlinks.
void plan_cgroup_mount(const spec::Spec& s, const spec::Mount& m, PlanStorage& st) {
  const bool ro = parse_mount_options(m.options).readonly;
  const unsigned long kSafe = MS_NOSUID | MS_NODEV | MS_NOEXEC;
  auto bind = [&](const std::string& source, const std::string& dest) {
    MountStep b;
    b.source = st.keep(source);
    b.target = st.keep(s.root.path + dest);
    b.rel_target = st.keep(dest);
    b.bind = true;
    b.flags = MS_BIND | MS_REC | kSafe;
    b.remount_ro = ro;
    st.mounts.push_back(b);
  };
  if (cgroups::detect_version() == cgroups::Version::V2) {
    bind("/sys/fs/cgroup" + s.linux.cgroups_path, m.destination);
    return;
  }
  MountStep tmpfs;
  tmpfs.source = "tmpfs";
  tmpfs.fstype = "tmpfs";
  tmpfs.target = st.keep(s.root.path + m.destination);
  tmpfs.rel_target = st.keep(m.destination);
  tmpfs.data = "mode=755";
  tmpfs.flags = kSafe;
  st.mounts.push_back(tmpfs);
  for (const auto& h : cgroups::v1_hierarchies()) {
    const std::string name = h.substr(h.rfind('/') + 1);
    bind(h + s.linux.cgroups_path, m.destination + "/" + name);
    // "cpu,cpuacct" is also reached as cpu and cpuacct.
    for (size_t start = 0; name.find(',') != std::string::npos && start <= name.size();) {
      size_t comma = name.find(',', start);
      const std::string alias = name.substr(start, comma - start);
      MountStep link;
      link.target = st.keep(s.root.path + m.destination + "/" + alias);
      link.rel_target = st.keep(m.destination + "/" + alias);
      link.symlink_to = st.keep(name);
      st.mounts.push_back(link);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  if (!ro) return;
  MountStep seal = tmpfs;
  seal.remount_only = true;
  seal.flags = kSafe | MS_RDONLY;
  st.mounts.push_back(seal);
}

// File systems mounted before the user namespace exists take their IDs in
// the host's terms: a tmpfs belongs to the container's root, devpts' tty
// group is the container's group 5 as the host numbers it.
void shift_mount_ids(const spec::Spec& s, const std::string& type, std::string& data) {
  if (s.linux.uid_mappings.empty()) return;
  auto has = [&](const char* key) {
    return data.rfind(key, 0) == 0 || data.find(std::string(",") + key) != std::string::npos;
  };
  auto add = [&](const std::string& opt) { data += (data.empty() ? "" : ",") + opt; };
  if (type == "tmpfs" || type == "mqueue") {
    const auto uid = host_id_of(s.linux.uid_mappings, 0), gid = host_id_of(s.linux.gid_mappings, 0);
    if (type == "tmpfs" && uid && !has("uid=")) add("uid=" + std::to_string(*uid));
    if (type == "tmpfs" && gid && !has("gid=")) add("gid=" + std::to_string(*gid));
  }
  if (type == "devpts") {
    std::string out;
    for (size_t start = 0; start <= data.size();) {
      size_t comma = std::min(data.find(',', start), data.size());
      std::string opt = data.substr(start, comma - start);
      if (opt.rfind("gid=", 0) == 0) {
        auto gid = host_id_of(s.linux.gid_mappings, uint32_t(std::strtoul(opt.c_str() + 4, nullptr, 10)));
        if (!gid) {  // an unmapped tty group: leave it to the kernel's default
          start = comma + 1;
          continue;
        }
        opt = "gid=" + std::to_string(*gid);
      }
      if (!opt.empty()) out += (out.empty() ? "" : ",") + opt;
      start = comma + 1;
    }
    data = out;
  }
}

void plan_mounts(const spec::Spec& s, PlanStorage& st) {
  for (const auto& m : s.mounts) {
    if (m.type == "cgroup") {
      if (!s.linux.cgroups_path.empty()) plan_cgroup_mount(s, m, st);
      continue;
    }
    ParsedMountOptions o = parse_mount_options(m.options);
    shift_mount_ids(s, m.type, o.data);
    MountStep step;
    step.target = st.keep(s.root.path + (m.destination.front() == '/' ? "" : "/") + m.destination);
    step.rel_target = st.keep(m.destination);
    step.bind = o.bind || m.type == "bind";
    step.source = st.keep(step.bind || !m.source.empty() ? m.source : m.type);
    step.fstype = step.bind ? nullptr : st.keep(m.type);
    step.data = o.data.empty() ? nullptr : st.keep(o.data);
    step.flags = o.flags | (step.bind ? MS_BIND : 0);
    step.propagation = o.propagation;
    // A bind's ro needs a remount; other file systems take it directly.
    step.remount_ro = step.bind && o.readonly;
    if (step.remount_ro) step.flags &= ~MS_RDONLY;
    struct stat sst;
    step.file_target = step.bind && ::stat(m.source.c_str(), &sst) == 0 && !S_ISDIR(sst.st_mode);
    st.mounts.push_back(step);
    if (m.destination == "/dev" && m.type == "tmpfs") st.plan.dev_dir = step.target;
  }
}

mode_t device_type_bits(const std::string& type) {
  if (type == "b") return S_IFBLK;
  if (type == "p") return S_IFIFO;
  return S_IFCHR;  // "c" and "u" (unbuffered char)
}

// linux.devices: made only in a fresh /dev, at paths checked here to stay in it.
Result<void> plan_devices(const spec::Spec& s, PlanStorage& st) {
  for (const auto& d : s.linux.devices) {
    if (d.path.rfind("/dev/", 0) != 0 || d.path.find("/../") != std::string::npos ||
        d.path.ends_with("/..") || d.path.find("/./") != std::string::npos)
      return fail(Error::invalid("device path \"" + d.path + "\" must be an absolute path under /dev"));
    if (d.type != "c" && d.type != "b" && d.type != "u" && d.type != "p")
      return fail(Error::invalid("device " + d.path + ": unknown type \"" + d.type + "\""));
    if (!st.plan.dev_dir) continue;
    DeviceStep step;
    step.path = st.keep(s.root.path + d.path);
    step.mode = device_type_bits(d.type) | (d.file_mode.value_or(0666) & 07777);
    step.dev = makedev(unsigned(d.major), unsigned(d.minor));
    step.uid = d.uid.value_or(0);
    step.gid = d.gid.value_or(0);
    st.devices.push_back(step);
  }
  st.plan.devices = st.devices.data();
  st.plan.n_devices = int(st.devices.size());
  return {};
}

// Compiled here, in the parent: the child only installs it.
Result<void> plan_seccomp(const spec::Spec& s, const std::string& cache_dir, PlanStorage& st) {
  if (!s.linux.seccomp) return {};
  TRY_ASSIGN(st.seccomp, compile_seccomp_cached(*s.linux.seccomp, cache_dir));
  st.plan.seccomp = st.seccomp->prog();
  st.plan.seccomp_flags = st.seccomp->flags();
  return {};
}

Result<void> plan_process(const spec::Spec& s, const StartOptions& opt, PlanStorage& st) {
  ChildPlan& p = st.plan;
  for (const auto& a : s.process.args) st.argv.push_back(st.keep(a));
  st.argv.push_back(nullptr);
  for (const auto& e : s.process.env) {
    st.envp.push_back(st.keep(e));
    if (e.rfind("PATH=", 0) == 0) p.path_env = st.envp.back() + 5;
  }
  st.envp.push_back(nullptr);
  p.argv = st.argv.data();
  p.envp = st.envp.data();
  p.cwd = st.keep(s.process.cwd.empty() ? "/" : s.process.cwd);
  p.uid = s.process.user.uid;
  p.gid = s.process.user.gid;
  for (auto g : s.process.user.additional_gids) st.groups.push_back(g);
  p.groups = st.groups.data();
  p.n_groups = int(st.groups.size());
  if (auto it = s.annotations.find("org.mydocker.user"); it != s.annotations.end() && !it->second.empty())
    p.user_spec = st.keep(it->second);
  const auto& c = s.process.capabilities;
  TRY_ASSIGN(p.caps.bounding, capability_mask(c.bounding));
  TRY_ASSIGN(p.caps.effective, capability_mask(c.effective));
  TRY_ASSIGN(p.caps.permitted, capability_mask(c.permitted));
  TRY_ASSIGN(p.caps.inheritable, capability_mask(c.inheritable));
  TRY_ASSIGN(p.caps.ambient, capability_mask(c.ambient));
  p.no_new_privs = s.process.no_new_privileges;
  for (const auto& r : s.process.rlimits) {
    TRY_ASSIGN(int res, rlimit_resource(r.type));
    rlimit cur{};
    ::getrlimit(__rlimit_resource(res), &cur);
    // Never above the hard limit we have: raising it needs CAP_SYS_RESOURCE.
    rlim_t hard = std::min<rlim_t>(r.hard, cur.rlim_max);
    st.rlimits.push_back({res, {std::min<rlim_t>(r.soft, hard), hard}});
  }
  p.rlimits = st.rlimits.data();
  p.n_rlimits = int(st.rlimits.size());
  p.terminal = s.process.terminal;
  p.console_socket = s.process.terminal ? opt.stdio.console_socket : -1;
  st.devnull.reset(::open("/dev/null", O_RDWR | O_CLOEXEC));
  const int fds[3] = {opt.stdio.in, opt.stdio.out, opt.stdio.err};
  for (int i = 0; i < 3; ++i) p.stdio[i] = fds[i] >= 0 ? fds[i] : st.devnull.get();
  return plan_seccomp(s, opt.seccomp_cache_dir, st);
}

Result<void> build_plan(const spec::Spec& s, const StartOptions& opt, int clone_flags, PlanStorage& st) {
  ChildPlan& p = st.plan;
  p.new_mount_ns = clone_flags & CLONE_NEWNS;
  if ((clone_flags & CLONE_NEWUTS) && !s.hostname.empty()) p.hostname = st.keep(s.hostname);
  if (!s.root.path.empty()) p.rootfs = st.keep(s.root.path);
  if (auto it = s.annotations.find("org.mydocker.rootfs.overlay"); it != s.annotations.end())
    p.overlay_data = st.keep(it->second);
  p.root_readonly = s.root.readonly;
  plan_mounts(s, st);
  TRY_VOID(plan_devices(s, st));
  p.mounts = st.mounts.data();
  p.n_mounts = int(st.mounts.size());
  for (const auto& m : s.linux.masked_paths) st.masked.push_back(st.keep(m));
  for (const auto& r : s.linux.readonly_paths) st.readonly.push_back(st.keep(r));
  p.masked = st.masked.data();
  p.n_masked = int(st.masked.size());
  p.readonly = st.readonly.data();
  p.n_readonly = int(st.readonly.size());
  for (const auto& [k, v] : s.linux.sysctl) {
    std::string file = "/proc/sys/" + k;
    for (auto& ch : file)
      if (ch == '.') ch = '/';
    st.sysctl_files.push_back(st.keep(file));
    st.sysctl_values.push_back(st.keep(v));
  }
  p.sysctl_files = st.sysctl_files.data();
  p.sysctl_values = st.sysctl_values.data();
  p.n_sysctl = int(st.sysctl_files.size());
  p.setns = st.setns.data();
  p.n_setns = int(st.setns.size());
  return plan_process(s, opt, st);
}

const char* step_name(ChildStep s) {
  switch (s) {
    case ChildStep::Cgroup: return "join cgroup";
    case ChildStep::Setns: return "join namespace";
    case ChildStep::Stdio: return "set up stdio";
    case ChildStep::Console: return "set up the console";
    case ChildStep::Hostname: return "set hostname";
    case ChildStep::Propagation: return "make mounts private";
    case ChildStep::Rootfs: return "mount rootfs";
    case ChildStep::Mount: return "mount";
    case ChildStep::Devices: return "create device";
    case ChildStep::PivotRoot: return "pivot_root";
    case ChildStep::MaskPath: return "mask path";
    case ChildStep::ReadonlyPath: return "make path read-only";
    case ChildStep::Sysctl: return "write sysctl";
    case ChildStep::RootReadonly: return "make rootfs read-only";
    case ChildStep::User: return "resolve user";
    case ChildStep::Groups: return "setgroups";
    case ChildStep::Rlimit: return "setrlimit";
    case ChildStep::Capabilities: return "apply capabilities";
    case ChildStep::SetUid: return "change user";
    case ChildStep::Cwd: return "chdir";
    case ChildStep::ExecLookup: return "find executable";
    case ChildStep::Exec: return "exec";
    case ChildStep::NoNewPrivs: return "set no_new_privs";
    case ChildStep::Seccomp: return "install seccomp filter";
    case ChildStep::UserNamespace: return "enter user namespace";
  }
  return "set up container";
}

// Docker's (runc's) words for what users see most.
Error child_error(const ChildError& e) {
  const std::string detail = e.detail;
  const std::string why = std::strerror(e.err);
  auto step = ChildStep(e.step);
  if (step == ChildStep::ExecLookup) {
    if (e.err == ENOENT && detail.find('/') == std::string::npos)
      return Error::invalid("exec: \"" + detail + "\": executable file not found in $PATH");
    if (e.err == ENOENT) return Error::invalid("exec: \"" + detail + "\": stat " + detail + ": no such file or directory");
    if (e.err == EACCES) return Error::invalid("exec: \"" + detail + "\": permission denied");
  }
  if (step == ChildStep::Exec) return Error::invalid("exec: \"" + detail + "\": " + why);
  if (step == ChildStep::User && e.err == ENOENT) {
    if (detail.rfind("g:", 0) == 0)
      return Error::invalid("unable to find group " + detail.substr(2) + ": no matching entries in group file");
    return Error::invalid("unable to find user " + detail.substr(2) + ": no matching entries in passwd file");
  }
  if (step == ChildStep::Cwd)
    return Error::invalid("chdir to cwd (\"" + detail + "\") set in config.json failed: " + why);
  Error err = Error::internal(std::string(step_name(step)) + (detail.empty() ? "" : " " + detail) + ": " + why);
  err.err_no = e.err;
  return err;
}

int child_entry(void* arg) { child_main(*static_cast<const ChildPlan*>(arg)); }

// clone() with the plan, then wait for exec (EOF on the error pipe) or the
// child's report. On failure the child is reaped and `undo` runs.
Result<Started> spawn(PlanStorage& st, int flags, const std::function<void()>& undo) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    undo();
    return fail(Error::from_errno(errno, "pipe"));
  }
  UniqueFd err_r(pipefd[0]), err_w(pipefd[1]);
  st.plan.error_fd = err_w.get();

  constexpr size_t kStack = 256 * 1024;
  void* stack = ::mmap(nullptr, kStack, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED) {
    undo();
    return fail(Error::from_errno(errno, "mmap stack"));
  }
  pid_t pid = ::clone(child_entry, static_cast<char*>(stack) + kStack, flags | SIGCHLD, &st.plan);
  int clone_err = errno;
  ::munmap(stack, kStack);
  err_w.reset();
  st.userns_ready_w.reset();  // the child's ends: EOF when it fails or execs
  st.userns_go_r.reset();
  if (pid < 0) {
    undo();
    return fail(Error::from_errno(clone_err, "clone"));
  }
  if (st.plan.unshare_user) {
    char ready;
    ssize_t r;
    do r = ::read(st.userns_ready_r.get(), &ready, 1);
    while (r < 0 && errno == EINTR);
    // r == 0: the child failed before; its report is on the error pipe.
    if (r == 1) {
      auto mapped = write_id_maps(pid, st.uid_map, st.gid_map);
      if (!mapped) {
        ::kill(pid, SIGKILL);
        int status;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        undo();
        return fail(mapped.error());
      }
      const char go = 1;
      if (::write(st.userns_go_w.get(), &go, 1) != 1) {
      }  // a child that died meanwhile reports on the error pipe
    }
    st.userns_go_w.reset();
  }

  ChildError ce;
  ssize_t n;
  do n = ::read(err_r.get(), &ce, sizeof ce);
  while (n < 0 && errno == EINTR);
  if (n != 0) {
    // The child failed before exec: reap it and leave nothing behind.
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    undo();
    if (n != ssize_t(sizeof ce)) return fail(Error::internal("container process failed without a report"));
    return fail(child_error(ce));
  }
  Started out;
  out.pid = pid;
  out.pidfd.reset(int(::syscall(SYS_pidfd_open, pid, 0)));
  if (!out.pidfd) return fail(Error::from_errno(errno, "pidfd_open"));
  return out;
}

void use_cgroup_fds(PlanStorage& st, std::vector<UniqueFd> fds) {
  st.cgroup_fds = std::move(fds);
  for (auto& fd : st.cgroup_fds) st.cgroup_fd_numbers.push_back(fd.get());
  st.plan.cgroup_fds = st.cgroup_fd_numbers.data();
  st.plan.n_cgroup_fds = int(st.cgroup_fd_numbers.size());
}

const char* proc_ns_name(const std::string& type) {
  if (type == "network") return "net";
  if (type == "mount") return "mnt";
  return type.c_str();
}

}  // namespace

namespace {

Result<void> make_pipe(UniqueFd& r, UniqueFd& w) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return fail(Error::from_errno(errno, "pipe"));
  r.reset(p[0]);
  w.reset(p[1]);
  return {};
}

// A new user namespace: unshared by the child once its root is ready (see
// child_init.cpp), layers seen through idmapped mounts, the upper layer's
// root owned by the container's root.
Result<std::optional<MappingUserns>> plan_user_namespace(const spec::Spec& s, PlanStorage& st) {
  if (s.linux.uid_mappings.empty() || s.linux.gid_mappings.empty())
    return fail(Error::invalid("a user namespace needs linux.uidMappings and linux.gidMappings"));
  ChildPlan& p = st.plan;
  p.unshare_user = true;
  st.uid_map = id_map_text(s.linux.uid_mappings);
  st.gid_map = id_map_text(s.linux.gid_mappings);
  TRY_VOID(make_pipe(st.userns_ready_r, st.userns_ready_w));
  TRY_VOID(make_pipe(st.userns_go_r, st.userns_go_w));
  p.userns_ready = st.userns_ready_w.get();
  p.userns_go = st.userns_go_r.get();
  // A plain folder (vfs) is bound as it is: its owner shifted its files.
  if (!p.rootfs || !p.new_mount_ns || !p.overlay_data) return std::optional<MappingUserns>{};
  const auto root_uid = host_id_of(s.linux.uid_mappings, 0), root_gid = host_id_of(s.linux.gid_mappings, 0);
  if (!root_uid || !root_gid) return fail(Error::invalid("a user namespace must map the container's root (0)"));
  TRY_ASSIGN(auto userns, MappingUserns::make(st.uid_map, st.gid_map));
  TRY_ASSIGN(std::string data, idmap_overlay_lowers(p.overlay_data, userns.fd(), st.idmapped_layers));
  p.overlay_data = st.keep(std::move(data));
  // The upper layer is not idmapped (overlayfs refuses it): its root
  // folder, the merged root, must belong to the container's root.
  const std::string_view od = p.overlay_data;
  if (size_t at = od.find("upperdir="); at != std::string::npos) {
    const std::string upper(od.substr(at + 9, od.find(',', at) - at - 9));
    struct stat sb;
    if (::stat(upper.c_str(), &sb) == 0 && (sb.st_uid != *root_uid || sb.st_gid != *root_gid) &&
        ::chown(upper.c_str(), *root_uid, *root_gid) != 0)
      return fail(Error::from_errno(errno, "chown " + upper));
  }
  return std::optional<MappingUserns>(std::move(userns));
}

}  // namespace

Result<Started> start(const spec::Spec& s, const StartOptions& opt) {
  PlanStorage st;
  TRY_ASSIGN(int flags, plan_namespaces(s, st));
  if (flags & CLONE_NEWCGROUP) {
    flags &= ~CLONE_NEWCGROUP;
    st.plan.unshare_cgroup_ns = true;
  }
  const bool new_user_ns = flags & CLONE_NEWUSER;
  flags &= ~CLONE_NEWUSER;
  (void)last_capability();  // read /proc before clone, not in the child
  TRY_VOID(build_plan(s, opt, flags, st));
  std::optional<MappingUserns> idmap_userns;  // reaped when start() returns
  if (new_user_ns) {
    TRY_ASSIGN(idmap_userns, plan_user_namespace(s, st));
  }

  std::unique_ptr<cgroups::Cgroup> cg;
  if (!s.linux.cgroups_path.empty()) {
    cg = cgroups::make_cgroup(s.linux.cgroups_path);
    auto created = cg->create(s.linux.resources);
    auto fds = created ? cg->open_procs() : Result<std::vector<UniqueFd>>(std::unexpected(created.error()));
    if (!fds) {
      (void)cg->destroy();
      return fail(fds.error());
    }
    use_cgroup_fds(st, std::move(*fds));
  }
  return spawn(st, flags, [&] {
    if (cg) (void)cg->destroy();
  });
}

Result<Started> exec(const spec::Spec& container, pid_t init_pid, const ExecOptions& opt) {
  // The container's process settings (capabilities, rlimits, env defaults)
  // with the exec's command; no root to set up: it joins what exists.
  spec::Spec s;
  s.process = container.process;
  s.process.args = opt.args;
  s.process.env = opt.env;
  s.process.cwd = opt.cwd.empty() ? container.process.cwd : opt.cwd;
  s.process.terminal = opt.tty;
  if (opt.capabilities) s.process.capabilities = {*opt.capabilities, *opt.capabilities, *opt.capabilities, {}, {}};
  s.linux.seccomp = container.linux.seccomp;
  const auto user = container.annotations.find("org.mydocker.user");
  if (!opt.user.empty()) s.annotations["org.mydocker.user"] = opt.user;
  else if (user != container.annotations.end()) s.annotations["org.mydocker.user"] = user->second;
  const std::string proc = "/proc/" + std::to_string(init_pid) + "/ns/";
  for (const auto& ns : container.linux.namespaces) {
    if (ns.type == "pid") {
      // Only children enter a PID namespace: the caller (the shim, single
      // threaded) switches the namespace its children are born in.
      UniqueFd pidns(::open((proc + "pid").c_str(), O_RDONLY | O_CLOEXEC));
      if (!pidns || ::setns(pidns.get(), CLONE_NEWPID) != 0)
        return fail(Error::from_errno(errno, "join pid namespace of " + std::to_string(init_pid)));
      continue;
    }
    // The user namespace last: joined first, it would leave us without
    // the rights to join the others, which belong to the host's.
    if (ns.type != "user") s.linux.namespaces.push_back({ns.type, proc + proc_ns_name(ns.type)});
  }
  for (const auto& ns : container.linux.namespaces)
    if (ns.type == "user") s.linux.namespaces.push_back({ns.type, proc + "user"});
  PlanStorage st;
  TRY_ASSIGN(int flags, plan_namespaces(s, st));
  (void)last_capability();
  TRY_VOID(build_plan(s, StartOptions{"", "", opt.stdio, opt.seccomp_cache_dir}, flags, st));
  if (!container.linux.cgroups_path.empty()) {
    TRY_ASSIGN(auto fds, cgroups::make_cgroup(container.linux.cgroups_path)->open_procs());
    use_cgroup_fds(st, std::move(fds));
  }
  return spawn(st, flags, [] {});
}

Result<UniqueFd> receive_console(int socket) {
  char byte;
  int fd = -1;
  // The child sent it before exec, so it is already queued: never blocks.
  const long n = recv_with_fd(socket, &byte, 1, &fd, MSG_DONTWAIT);
  UniqueFd master(fd);
  if (n <= 0 || !master) return fail(Error::internal("the container did not send its console"));
  return master;
}

Result<void> destroy(const spec::Spec& s, const std::string& /*id*/) {
  if (s.linux.cgroups_path.empty()) return {};
  return cgroups::make_cgroup(s.linux.cgroups_path)->destroy();
}

}  // namespace mydocker::libcontainer
