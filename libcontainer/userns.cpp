#include "libcontainer/userns.hpp"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace mydocker::libcontainer {

std::string id_map_text(const std::vector<spec::IdMapping>& maps) {
  std::string text;
  for (const auto& m : maps)
    text += std::to_string(m.container_id) + ' ' + std::to_string(m.host_id) + ' ' + std::to_string(m.size) + '\n';
  return text;
}

std::optional<uint32_t> host_id_of(const std::vector<spec::IdMapping>& maps, uint32_t id) {
  for (const auto& m : maps)
    if (id >= m.container_id && id - m.container_id < m.size) return m.host_id + (id - m.container_id);
  return std::nullopt;
}

namespace {

Result<void> write_whole(const std::string& path, const std::string& text) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (!fd) return fail(Error::from_errno(errno, "open " + path));
  if (::write(fd.get(), text.data(), text.size()) != ssize_t(text.size()))
    return fail(Error::from_errno(errno, "write " + path + " (\"" + text.substr(0, text.find('\n')) + "...\")"));
  return {};
}

}  // namespace

Result<void> write_id_maps(pid_t pid, const std::string& uid_map, const std::string& gid_map) {
  const std::string proc = "/proc/" + std::to_string(pid) + "/";
  TRY_VOID(write_whole(proc + "uid_map", uid_map));
  return write_whole(proc + "gid_map", gid_map);
}

Result<MappingUserns> MappingUserns::make(const std::string& uid_map, const std::string& gid_map) {
  int p[2];
  if (::pipe2(p, O_CLOEXEC) != 0) return fail(Error::from_errno(errno, "pipe"));
  UniqueFd wait_r(p[0]), release_w(p[1]);
  // fork-like: the helper runs on a copy of this stack and only waits for
  // EOF, so nothing it does touches our state.
  const long pid = ::syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, 0);
  if (pid < 0) return fail(Error::from_errno(errno, "clone user namespace helper"));
  if (pid == 0) {
    ::close(release_w.get());
    char c;
    while (::read(wait_r.get(), &c, 1) < 0 && errno == EINTR) {
    }
    ::_exit(0);
  }
  MappingUserns u;
  u.helper_ = pid_t(pid);
  u.release_ = std::move(release_w);
  TRY_VOID(write_id_maps(u.helper_, uid_map, gid_map));
  u.ns_.reset(::open(("/proc/" + std::to_string(pid) + "/ns/user").c_str(), O_RDONLY | O_CLOEXEC));
  if (!u.ns_) return fail(Error::from_errno(errno, "open the helper's user namespace"));
  u.release_.reset();  // it exits while we go on; the destructor reaps it
  return u;
}

MappingUserns::MappingUserns(MappingUserns&& o) noexcept
    : helper_(o.helper_), release_(std::move(o.release_)), ns_(std::move(o.ns_)) {
  o.helper_ = -1;
}

MappingUserns& MappingUserns::operator=(MappingUserns&& o) noexcept {
  if (this == &o) return *this;
  reap();
  helper_ = o.helper_;
  o.helper_ = -1;
  release_ = std::move(o.release_);
  ns_ = std::move(o.ns_);
  return *this;
}

MappingUserns::~MappingUserns() { reap(); }

void MappingUserns::reap() {
  if (helper_ < 0) return;
  release_.reset();
  int status;
  while (::waitpid(helper_, &status, 0) < 0 && errno == EINTR) {
  }
  helper_ = -1;
}

Result<UniqueFd> idmapped_clone(const std::string& path, int userns_fd, bool recursive) {
  UniqueFd fd(::open_tree(AT_FDCWD, path.c_str(), OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0)));
  if (!fd) return fail(Error::from_errno(errno, "open_tree " + path));
  mount_attr attr{};
  attr.attr_set = MOUNT_ATTR_IDMAP;
  attr.userns_fd = uint64_t(userns_fd);
  if (::mount_setattr(fd.get(), "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &attr, sizeof attr) != 0)
    return fail(Error::from_errno(errno, "idmap " + path));
  return fd;
}

Result<std::string> idmap_overlay_lowers(const std::string& data, int userns_fd, std::vector<UniqueFd>& keep) {
  const size_t at = data.rfind("lowerdir=", 0) == 0 ? 0 : data.find(",lowerdir=");
  if (at == std::string::npos) return fail(Error::invalid("overlay options without lowerdir: " + data));
  const size_t begin = data.find('=', at) + 1;
  const size_t end = std::min(data.find(',', begin), data.size());
  std::string lowers;
  for (size_t start = begin; start < end;) {
    size_t colon = std::min(data.find(':', start), end);
    TRY_ASSIGN(UniqueFd fd, idmapped_clone(data.substr(start, colon - start), userns_fd, false));
    lowers += (lowers.empty() ? "" : ":") + ("/proc/self/fd/" + std::to_string(fd.get()));
    keep.push_back(std::move(fd));
    start = colon + 1;
  }
  return data.substr(0, begin) + lowers + data.substr(end);
}

}  // namespace mydocker::libcontainer
