#include "common/fs.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "common/unique_fd.hpp"

namespace mydocker::fs {

Result<void> write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::from_errno(errno, "write " + path));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return {};
}

Result<std::string> read_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(Error::from_errno(errno, "open " + path));
  std::string out;
  char buf[16384];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail(Error::from_errno(errno, "read " + path));
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}


Result<void> write_file(const std::string& path, std::string_view data, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
  if (!fd) return fail(Error::from_errno(errno, "open " + path));
  return write_all(fd.get(), data, path);
}

Result<void> write_file_atomic(const std::string& path, std::string_view data, mode_t mode) {
  std::string tmp = path + ".tmp" + std::to_string(::getpid());
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode));
    if (!fd) return fail(Error::from_errno(errno, "open " + tmp));
    auto r = write_all(fd.get(), data, tmp);
    if (r && ::fsync(fd.get()) != 0) r = fail(Error::from_errno(errno, "fsync " + tmp));
    if (!r) {
      ::unlink(tmp.c_str());
      return r;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return fail(Error::from_errno(err, "rename " + tmp));
  }
  return {};
}

Result<void> mkdir_all(const std::string& path, mode_t mode) {
  if (path.empty()) return {};
  std::string cur;
  size_t pos = 0;
  while (pos != std::string::npos) {
    pos = path.find('/', pos + 1);
    cur = path.substr(0, pos);
    if (cur.empty()) continue;
    if (::mkdir(cur.c_str(), mode) != 0 && errno != EEXIST)
      return fail(Error::from_errno(errno, "mkdir " + cur));
  }
  if (!is_dir(path)) return fail(Error::internal("mkdir " + path + ": not a directory"));
  return {};
}

namespace {
Result<void> remove_at(int dirfd, const char* name, dev_t parent_dev, const std::string& shown) {
  struct stat st;
  if (::fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return {};
    return fail(Error::from_errno(errno, "stat " + shown));
  }
  if (S_ISDIR(st.st_mode)) {
    if (st.st_dev != parent_dev) return fail(Error::internal("refusing to remove mount point " + shown));
    UniqueFd sub(::openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) return fail(Error::from_errno(errno, "open " + shown));
    DIR* d = ::fdopendir(::dup(sub.get()));
    if (!d) return fail(Error::from_errno(errno, "opendir " + shown));
    Result<void> r;
    while (struct dirent* e = ::readdir(d)) {
      std::string_view n = e->d_name;
      if (n == "." || n == "..") continue;
      r = remove_at(sub.get(), e->d_name, st.st_dev, shown + "/" + e->d_name);
      if (!r) break;
    }
    ::closedir(d);
    if (!r) return r;
    if (::unlinkat(dirfd, name, AT_REMOVEDIR) != 0 && errno != ENOENT)
      return fail(Error::from_errno(errno, "rmdir " + shown));
    return {};
  }
  if (::unlinkat(dirfd, name, 0) != 0 && errno != ENOENT) return fail(Error::from_errno(errno, "unlink " + shown));
  return {};
}
}  // namespace

Result<void> remove_all(const std::string& path) {
  struct stat st;
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return {};
    return fail(Error::from_errno(errno, "stat " + path));
  }
  return remove_at(AT_FDCWD, path.c_str(), st.st_dev, path);
}

bool exists(const std::string& path) {
  struct stat st;
  return ::lstat(path.c_str(), &st) == 0;
}

bool is_dir(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace mydocker::fs
