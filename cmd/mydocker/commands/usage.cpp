// docker's usage lines and its wording for command-line mistakes.
#include <iostream>
#include <map>

#include "commands/context.hpp"

namespace mydocker::cli {

namespace {
const std::map<std::string, std::string>& usages() {
  static const std::map<std::string, std::string> u = {
      {"run", "[OPTIONS] IMAGE [COMMAND] [ARG...]"}, {"create", "[OPTIONS] IMAGE [COMMAND] [ARG...]"},
      {"start", "[OPTIONS] CONTAINER [CONTAINER...]"}, {"stop", "[OPTIONS] CONTAINER [CONTAINER...]"},
      {"restart", "[OPTIONS] CONTAINER [CONTAINER...]"}, {"kill", "[OPTIONS] CONTAINER [CONTAINER...]"},
      {"rm", "[OPTIONS] CONTAINER [CONTAINER...]"}, {"wait", "CONTAINER [CONTAINER...]"},
      {"pause", "CONTAINER [CONTAINER...]"}, {"unpause", "CONTAINER [CONTAINER...]"},
      {"ps", "[OPTIONS]"}, {"ls", "[OPTIONS]"}, {"logs", "[OPTIONS] CONTAINER"},
      {"inspect", "[OPTIONS] NAME|ID [NAME|ID...]"}, {"prune", "[OPTIONS]"}, {"images", "[OPTIONS] [REPOSITORY[:TAG]]"},
      {"import", "[OPTIONS] file|URL|- [REPOSITORY[:TAG]]"}, {"rmi", "[OPTIONS] IMAGE [IMAGE...]"},
      {"version", "[OPTIONS]"}, {"info", "[OPTIONS]"}, {"attach", "[OPTIONS] CONTAINER"},
      {"exec", "[OPTIONS] CONTAINER COMMAND [ARG...]"}, {"rename", "CONTAINER NEW_NAME"},
      {"top", "CONTAINER [ps OPTIONS]"},
      {"save", "[OPTIONS] IMAGE [IMAGE...]"}, {"load", "[OPTIONS]"}, {"export", "[OPTIONS] CONTAINER"}};
  return u;
}
}  // namespace

std::string usage_line(const std::string& path) {
  const std::string leaf = path.substr(path.rfind(' ') + 1);
  auto it = usages().find(leaf);
  return "Usage:  " + path + (it == usages().end() ? std::string() : " " + it->second);
}

int flag_error(const std::string& path, const std::string& message) {
  std::cerr << message << "\n\n" << usage_line(path) << "\n\nRun '" << path << " --help' for more information\n";
  return 125;
}

int args_error(const std::string& path, const std::string& what, bool see) {
  std::cerr << "mydocker: '" << path << "' " << what << "\n\n"
            << usage_line(path) << "\n\n" << (see ? "See '" : "Run '") << path << " --help' for more information\n";
  return 1;
}

}  // namespace mydocker::cli
