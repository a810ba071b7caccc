#pragma once
// Docker's label filter (filters.MatchKVList), shared by the image and
// volume lists and prunes: every "key" or "key=value" must hold.
#include <map>
#include <string>
#include <vector>

namespace mydocker::daemon {

bool labels_match(const std::vector<std::string>& wanted, const std::map<std::string, std::string>& labels);

}  // namespace mydocker::daemon
