#pragma once
// Resolves Docker's -u value ("name", "uid", "name:group", "uid:gid")
// against the container's own /etc/passwd and /etc/group. Runs in the child
// after pivot_root, so it allocates nothing: fixed buffers only.
#include <sys/types.h>

namespace mydocker::libcontainer {

constexpr int kMaxGroups = 64;

struct ResolvedUser {
  uid_t uid = 0;
  gid_t gid = 0;
  gid_t groups[kMaxGroups];
  int ngroups = 0;
  // On failure: which file lacked the entry and the name that was asked.
  bool missing_group = false;
  char missing[64] = {};
};

// 0 on success, else an errno (ENOENT: no matching entry; see r.missing).
int resolve_user(const char* spec, ResolvedUser& r);

}  // namespace mydocker::libcontainer
