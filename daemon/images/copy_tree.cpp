#include "daemon/images/copy_tree.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <climits>

#include "common/fs.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::daemon::images {

namespace {
Result<void> copy_file(const std::string& src, const std::string& dst, const struct stat& st) {
  UniqueFd in(::open(src.c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) return fail(Error::from_errno(errno, "open " + src));
  ::unlink(dst.c_str());
  UniqueFd out(::open(dst.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, st.st_mode & 07777));
  if (!out) return fail(Error::from_errno(errno, "create " + dst));
  off_t left = st.st_size;
  while (left > 0) {
    ssize_t n = ::sendfile(out.get(), in.get(), nullptr, size_t(left));
    if (n <= 0) return fail(Error::from_errno(errno, "copy " + src));
    left -= n;
  }
  return {};
}

Result<void> copy_entry(const std::string& src, const std::string& dst, const struct stat& st) {
  if (S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0)) {
    // An overlay whiteout: the lower file is deleted in the copy.
    return fs::remove_all(dst);
  }
  if (S_ISDIR(st.st_mode)) {
    if (::mkdir(dst.c_str(), st.st_mode & 07777) != 0 && errno != EEXIST)
      return fail(Error::from_errno(errno, "mkdir " + dst));
    DIR* d = ::opendir(src.c_str());
    if (!d) return fail(Error::from_errno(errno, "opendir " + src));
    Result<void> r;
    while (dirent* e = ::readdir(d)) {
      std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      struct stat cst;
      if (::lstat((src + "/" + n).c_str(), &cst) != 0) continue;
      r = copy_entry(src + "/" + n, dst + "/" + n, cst);
      if (!r) break;
    }
    ::closedir(d);
    if (!r) return r;
  } else if (S_ISLNK(st.st_mode)) {
    char target[PATH_MAX];
    ssize_t n = ::readlink(src.c_str(), target, sizeof target - 1);
    if (n < 0) return fail(Error::from_errno(errno, "readlink " + src));
    target[n] = 0;
    ::unlink(dst.c_str());
    if (::symlink(target, dst.c_str()) != 0) return fail(Error::from_errno(errno, "symlink " + dst));
  } else if (S_ISREG(st.st_mode)) {
    TRY_VOID(copy_file(src, dst, st));
  } else {
    ::unlink(dst.c_str());
    if (::mknod(dst.c_str(), st.st_mode, st.st_rdev) != 0) return fail(Error::from_errno(errno, "mknod " + dst));
  }
  ::lchown(dst.c_str(), st.st_uid, st.st_gid);
  if (!S_ISLNK(st.st_mode)) ::chmod(dst.c_str(), st.st_mode & 07777);
  const timespec times[2] = {st.st_atim, st.st_mtim};
  ::utimensat(AT_FDCWD, dst.c_str(), times, AT_SYMLINK_NOFOLLOW);
  return {};
}
}  // namespace

Result<void> copy_tree(const std::string& src, const std::string& dst) {
  struct stat st;
  if (::lstat(src.c_str(), &st) != 0) return fail(Error::from_errno(errno, "stat " + src));
  return copy_entry(src, dst, st);
}

}  // namespace mydocker::daemon::images
