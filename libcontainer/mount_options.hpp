#pragma once
// OCI mount options ("ro", "nosuid", "rbind", "rprivate", "mode=755", ...)
// split into mount(2) flags, a propagation change and the data string.
#include <string>
#include <vector>

namespace mydocker::libcontainer {

struct ParsedMountOptions {
  unsigned long flags = 0;
  unsigned long propagation = 0;
  bool bind = false;
  bool readonly = false;
  std::string data;
};

ParsedMountOptions parse_mount_options(const std::vector<std::string>& options);

}  // namespace mydocker::libcontainer
