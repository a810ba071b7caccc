#pragma once
// Command line the daemon gives the shim (see daemon/containers/shim_launcher.cpp).
#include <string>
#include <vector>

#include "common/error.hpp"

namespace mydocker::shim {

struct AttachArg {
  int fd = -1;
  bool in = false, out = false, err = false;
  std::string detach_keys;
};

struct Args {
  std::string id, bundle, log_path, exit_file;
  bool tty = false, open_stdin = false, stdin_once = false;
  std::vector<AttachArg> attaches;
};

Result<Args> parse_args(int argc, char** argv);

// The daemon's bundles are <exec-root>/containers/<id> (daemon/store/
// paths.hpp); every shim shares the compiled seccomp filters in
// <exec-root>/seccomp. Empty (no cache) for a bundle not that deep.
std::string seccomp_cache_dir(const std::string& bundle);

}  // namespace mydocker::shim
