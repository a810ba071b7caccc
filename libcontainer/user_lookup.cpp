#include "libcontainer/user_lookup.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace mydocker::libcontainer {

namespace {
constexpr size_t kFileMax = 64 * 1024;

// Reads a whole small file into buf (NUL-terminated); returns its length or -1.
ssize_t read_small(const char* path, char* buf, size_t cap) {
  int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  size_t got = 0;
  while (got + 1 < cap) {
    ssize_t n = ::read(fd, buf + got, cap - 1 - got);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got += size_t(n);
  }
  ::close(fd);
  buf[got] = 0;
  return ssize_t(got);
}

bool parse_uint(const char* s, size_t len, unsigned long& out) {
  if (len == 0) return false;
  unsigned long v = 0;
  for (size_t i = 0; i < len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + unsigned(s[i] - '0');
  }
  out = v;
  return true;
}

// Field i (0-based, ':'-separated) of [line, end).
bool field(const char* line, const char* end, int i, const char*& f, size_t& len) {
  const char* p = line;
  for (int k = 0; k < i; ++k) {
    p = static_cast<const char*>(std::memchr(p, ':', size_t(end - p)));
    if (!p) return false;
    ++p;
  }
  const char* q = static_cast<const char*>(std::memchr(p, ':', size_t(end - p)));
  f = p;
  len = size_t((q ? q : end) - p);
  return true;
}

bool equals(const char* a, size_t alen, const char* b, size_t blen) { return alen == blen && std::memcmp(a, b, alen) == 0; }

// Calls fn(line, end) for each line; stops when fn returns true.
template <class F>
bool each_line(char* buf, size_t len, F fn) {
  char* p = buf;
  char* end = buf + len;
  while (p < end) {
    char* nl = static_cast<char*>(std::memchr(p, '\n', size_t(end - p)));
    char* le = nl ? nl : end;
    if (le > p && *p != '#' && fn(p, le)) return true;
    p = le + 1;
  }
  return false;
}

void set_missing(ResolvedUser& r, const char* name, size_t len, bool group) {
  size_t n = len < sizeof r.missing - 1 ? len : sizeof r.missing - 1;
  std::memcpy(r.missing, name, n);
  r.missing[n] = 0;
  r.missing_group = group;
}
}  // namespace

int resolve_user(const char* spec, ResolvedUser& r) {
  const char* colon = std::strchr(spec, ':');
  const char* uname = spec;
  size_t ulen = colon ? size_t(colon - spec) : std::strlen(spec);
  const char* gname = colon ? colon + 1 : nullptr;
  size_t glen = gname ? std::strlen(gname) : 0;

  static char buf[kFileMax];  // the child is single-threaded and short-lived
  ssize_t n = read_small("/etc/passwd", buf, sizeof buf);
  unsigned long num = 0;
  bool uid_numeric = parse_uint(uname, ulen, num);
  bool found = false;
  char user_name[64] = {};
  if (n > 0) {
    found = each_line(buf, size_t(n), [&](const char* line, const char* end) {
      const char* f;
      size_t fl;
      if (!field(line, end, 0, f, fl)) return false;
      const char* uidf;
      size_t uidl;
      unsigned long uid = 0, gid = 0;
      if (!field(line, end, 2, uidf, uidl) || !parse_uint(uidf, uidl, uid)) return false;
      if (uid_numeric ? uid != num : !equals(f, fl, uname, ulen)) return false;
      const char* gidf;
      size_t gidl;
      if (field(line, end, 3, gidf, gidl)) parse_uint(gidf, gidl, gid);
      r.uid = uid_t(uid);
      r.gid = gid_t(gid);
      size_t cn = fl < sizeof user_name - 1 ? fl : sizeof user_name - 1;
      std::memcpy(user_name, f, cn);
      return true;
    });
  }
  if (!found) {
    if (!uid_numeric) {
      set_missing(r, uname, ulen, false);
      return ENOENT;
    }
    r.uid = uid_t(num);
    r.gid = 0;
  }

  n = read_small("/etc/group", buf, sizeof buf);
  if (gname) {
    bool gid_numeric = parse_uint(gname, glen, num);
    bool gfound = false;
    if (n > 0)
      gfound = each_line(buf, size_t(n), [&](const char* line, const char* end) {
        const char* f;
        size_t fl;
        const char* gidf;
        size_t gidl;
        unsigned long gid;
        if (!field(line, end, 0, f, fl) || !field(line, end, 2, gidf, gidl) || !parse_uint(gidf, gidl, gid))
          return false;
        if (gid_numeric ? gid != num : !equals(f, fl, gname, glen)) return false;
        r.gid = gid_t(gid);
        return true;
      });
    if (!gfound) {
      if (!gid_numeric) {
        set_missing(r, gname, glen, true);
        return ENOENT;
      }
      r.gid = gid_t(num);
    }
  }
  // Supplementary groups: the primary group, then every group that lists
  // the user by name (as runc builds them for Docker).
  r.groups[0] = r.gid;
  r.ngroups = 1;
  if (n > 0 && user_name[0]) {
    size_t un = std::strlen(user_name);
    each_line(buf, size_t(n), [&](const char* line, const char* end) {
      const char* members;
      size_t ml;
      const char* gidf;
      size_t gidl;
      unsigned long gid;
      if (!field(line, end, 3, members, ml) || !field(line, end, 2, gidf, gidl) || !parse_uint(gidf, gidl, gid))
        return false;
      const char* m = members;
      const char* mend = members + ml;
      while (m < mend) {
        const char* comma = static_cast<const char*>(std::memchr(m, ',', size_t(mend - m)));
        const char* me = comma ? comma : mend;
        if (equals(m, size_t(me - m), user_name, un) && r.ngroups < kMaxGroups && gid_t(gid) != r.gid)
          r.groups[r.ngroups++] = gid_t(gid);
        m = me + 1;
      }
      return false;
    });
  }
  return 0;
}

}  // namespace mydocker::libcontainer
