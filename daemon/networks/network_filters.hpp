#pragma once
// The `filters` of GET /networks (`network ls -f`), read as Docker reads
// them: several values of one key match any of them (name and id as
// regular expressions, driver and scope exactly, type builtin|custom),
// except label, where every value must match; keys must all match.
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace mydocker::daemon::networks {

using NetworkFilters = std::map<std::string, std::vector<std::string>>;

// 400 for an unknown key or a bad value, with Docker's messages.
Result<void> check_network_filters(const NetworkFilters& filters);
// Whether a network (as GET /networks/{id} shows it) passes the filters.
bool network_matches(const nlohmann::json& network, const NetworkFilters& filters);

}  // namespace mydocker::daemon::networks
