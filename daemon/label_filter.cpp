#include "daemon/label_filter.hpp"

namespace mydocker::daemon {

bool labels_match(const std::vector<std::string>& wanted, const std::map<std::string, std::string>& labels) {
  for (const auto& w : wanted) {
    const size_t eq = w.find('=');
    auto it = labels.find(w.substr(0, eq));
    if (it == labels.end()) return false;
    if (eq != std::string::npos && it->second != w.substr(eq + 1)) return false;
  }
  return true;
}

}  // namespace mydocker::daemon
