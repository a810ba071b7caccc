#pragma once
// What the libcontainer integration tests share: a temp folder, a busybox
// root and running a spec to its end with its output.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <initializer_list>
#include <string>

#include "common/fs.hpp"
#include "libcontainer/container.hpp"

namespace mydocker::itest {

class TempDir {
 public:
  explicit TempDir(const char* prefix = "/tmp/mdk-lc-") {
    std::string tmpl = std::string(prefix) + "XXXXXX";
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { (void)fs::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// /bin/busybox from Debian's busybox-static and a link per applet.
inline void make_busybox_rootfs(const std::string& root, std::initializer_list<const char*> applets) {
  ASSERT_TRUE(fs::mkdir_all(root + "/bin"));
  auto bb = fs::read_file("/bin/busybox");
  ASSERT_TRUE(bb) << "busybox-static is required";
  ASSERT_TRUE(fs::write_file(root + "/bin/busybox", *bb, 0755));
  for (const char* a : applets) ASSERT_EQ(::symlink("busybox", (root + "/bin/" + a).c_str()), 0);
}

// What a process wrote to its stdout and stderr until it exited, and how.
struct Outcome {
  Result<libcontainer::Started> started;
  int status = -1;
  std::string output;
};

inline std::string drain(int fd) {
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  ::close(fd);
  return out;
}

inline int wait_status(pid_t pid) {
  int st = 0;
  ::waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

// Starts the spec with stdout and stderr on one pipe, waits for the end,
// removes the cgroup.
inline Outcome run(const libcontainer::spec::Spec& spec, const std::string& id) {
  int p[2];
  EXPECT_EQ(::pipe2(p, O_CLOEXEC), 0);
  libcontainer::StartOptions opt;
  opt.id = id;
  opt.stdio.out = p[1];
  opt.stdio.err = p[1];
  Outcome o{libcontainer::start(spec, opt)};
  ::close(p[1]);
  o.output = drain(p[0]);
  if (o.started) o.status = wait_status(o.started->pid);
  (void)libcontainer::destroy(spec, id);
  return o;
}

}  // namespace mydocker::itest
