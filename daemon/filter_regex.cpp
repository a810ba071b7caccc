#include "daemon/filter_regex.hpp"

#include <re2/re2.h>

namespace mydocker::daemon {

std::optional<bool> filter_regex_search(std::string_view pattern, std::string_view value) {
  RE2::Options options;
  options.set_log_errors(false);
  options.set_max_mem(1 << 20);  // a client's pattern gets 1 MiB of program at most
  const RE2 re(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!re.ok()) return std::nullopt;
  return RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), re);
}

}  // namespace mydocker::daemon
