#include "libcontainer/mount_options.hpp"

#include <sys/mount.h>

#include <utility>

namespace mydocker::libcontainer {

ParsedMountOptions parse_mount_options(const std::vector<std::string>& options) {
  struct Flag {
    const char* name;
    bool clear;
    unsigned long flag;
  };
  static const Flag kFlags[] = {
      {"ro", false, MS_RDONLY},          {"rw", true, MS_RDONLY},          {"nosuid", false, MS_NOSUID},
      {"suid", true, MS_NOSUID},         {"nodev", false, MS_NODEV},       {"dev", true, MS_NODEV},
      {"noexec", false, MS_NOEXEC},      {"exec", true, MS_NOEXEC},        {"sync", false, MS_SYNCHRONOUS},
      {"async", true, MS_SYNCHRONOUS},   {"dirsync", false, MS_DIRSYNC},   {"remount", false, MS_REMOUNT},
      {"mand", false, MS_MANDLOCK},      {"nomand", true, MS_MANDLOCK},    {"atime", true, MS_NOATIME},
      {"noatime", false, MS_NOATIME},    {"diratime", true, MS_NODIRATIME}, {"nodiratime", false, MS_NODIRATIME},
      {"relatime", false, MS_RELATIME},  {"norelatime", true, MS_RELATIME}, {"strictatime", false, MS_STRICTATIME},
      {"nostrictatime", true, MS_STRICTATIME}};
  static const std::pair<const char*, unsigned long> kPropagation[] = {
      {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC}, {"shared", MS_SHARED},
      {"rshared", MS_SHARED | MS_REC}, {"slave", MS_SLAVE},             {"rslave", MS_SLAVE | MS_REC},
      {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC}};
  ParsedMountOptions out;
  for (const auto& o : options) {
    bool known = false;
    if (o == "bind" || o == "rbind") {
      out.bind = true;
      out.flags |= MS_BIND | (o == "rbind" ? MS_REC : 0);
      continue;
    }
    for (const auto& f : kFlags) {
      if (o != f.name) continue;
      known = true;
      if (f.clear) out.flags &= ~f.flag;
      else out.flags |= f.flag;
    }
    for (const auto& [name, flag] : kPropagation) {
      if (o != name) continue;
      known = true;
      out.propagation = flag;
    }
    if (!known) out.data += (out.data.empty() ? "" : ",") + o;
  }
  out.readonly = out.flags & MS_RDONLY;
  return out;
}

}  // namespace mydocker::libcontainer
