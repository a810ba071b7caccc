#include "shim_args.hpp"

#include <cstdlib>
#include <string_view>

#include "common/shim_control.hpp"

namespace mydocker::shim {

Result<Args> parse_args(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    std::string_view k = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : ""; };
    if (k == "--id") a.id = value();
    else if (k == "--bundle") a.bundle = value();
    else if (k == "--log") a.log_path = value();
    else if (k == "--exit-file") a.exit_file = value();
    else if (k == "--tty") a.tty = true;
    else if (k == "--stdin") a.open_stdin = true;
    else if (k == "--stdin-once") a.stdin_once = true;
    else if (k == "--attach") {
      std::string_view v = value();
      AttachArg at;
      at.fd = std::atoi(std::string(v.substr(0, v.find(':'))).c_str());
      std::string_view mode = v.find(':') == std::string_view::npos ? "" : v.substr(v.find(':') + 1);
      if (auto keys = mode.find(':'); keys != std::string_view::npos) {
        if (mode.substr(keys + 1) != "-") at.detach_keys = shim_control::from_hex(std::string(mode.substr(keys + 1)));
        mode = mode.substr(0, keys);
      }
      at.in = mode.find('i') != std::string_view::npos;
      at.out = mode.find('o') != std::string_view::npos;
      at.err = mode.find('e') != std::string_view::npos;
      a.attaches.push_back(at);
    } else {
      return fail(Error::invalid("unknown shim argument " + std::string(k)));
    }
  }
  if (a.id.empty() || a.bundle.empty() || a.log_path.empty() || a.exit_file.empty())
    return fail(Error::invalid("shim needs --id, --bundle, --log and --exit-file"));
  return a;
}

std::string seccomp_cache_dir(const std::string& bundle) {
  std::string dir = bundle;
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  for (int up = 0; up < 2; ++up) {
    const size_t slash = dir.rfind('/');
    if (slash == std::string::npos || slash == 0) return "";
    dir.resize(slash);
  }
  return dir + "/seccomp";
}

}  // namespace mydocker::shim
