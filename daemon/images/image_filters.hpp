#pragma once
// The filters of GET /images/json and POST /images/prune, decoded and
// checked as Docker's daemon does, and the matchers they use. Kept apart
// from ImageService so they can be unit tested without a store.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "daemon/label_filter.hpp"  // labels_match

namespace mydocker::daemon::images {

using Filters = std::map<std::string, std::vector<std::string>>;

// Go's path.Match: '*' (no '/'), '?', [classes], '\\' escapes. An
// InvalidParameter "syntax error in pattern" when the pattern is malformed,
// whether or not it would have matched.
Result<bool> path_match(std::string_view pattern, std::string_view name);

// Docker's reference.FamiliarMatch: the pattern against "busybox:latest",
// then against "busybox".
Result<bool> reference_match(std::string_view pattern, std::string_view familiar_tagged);


struct ListFilter {
  std::optional<bool> dangling;         // true: only untagged; false: only tagged
  std::vector<std::string> references;  // globs; an image shows only its matching tags
  std::vector<std::string> labels;
  std::optional<int64_t> before_ns;  // created strictly before
  std::optional<int64_t> since_ns;   // created strictly after
};

// created_of: an image's creation time by name or id (404 when unknown),
// for before= and since=.
Result<ListFilter> parse_list_filters(const Filters& filters,
                                      const std::function<Result<int64_t>(const std::string&)>& created_of,
                                      int64_t now_ns);

struct PruneFilter {
  bool dangling_only = true;
  std::optional<int64_t> until_ns;
  std::vector<std::string> labels;      // label=
  std::vector<std::string> not_labels;  // label!=
};

Result<PruneFilter> parse_prune_filters(const Filters& filters, int64_t now_ns);

// A timestamp as the API takes it ("10m", RFC 3339, Unix seconds) in ns.
Result<int64_t> parse_filter_time(std::string_view value, int64_t now_ns);

}  // namespace mydocker::daemon::images
