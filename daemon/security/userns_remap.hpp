#pragma once
// mydockerd --userns-remap default|USER|USER:GROUP: the subordinate ID
// ranges (/etc/subuid, /etc/subgid) that become every container's user
// namespace, and the `dockremap` user Docker creates for "default".
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/error.hpp"

namespace mydocker::daemon::security {

struct IdRange {
  uint32_t container_id = 0, host_id = 0, size = 0;
};

struct IdMapping {
  std::vector<IdRange> uids, gids;
  bool empty() const { return uids.empty(); }
  uint32_t root_uid() const { return uids.empty() ? 0 : uids[0].host_id; }
  uint32_t root_gid() const { return gids.empty() ? 0 : gids[0].host_id; }
};

// The ranges of `name` (or, when no line names it, of its numeric ID) in
// subuid/subgid text: "name-or-id:start:count" lines, '#' comments and
// malformed lines skipped. Container IDs count up from 0 in file order.
Result<std::vector<IdRange>> subordinate_ranges(std::string_view text, const std::string& name,
                                                std::optional<uint32_t> numeric_id, const std::string& file_label);

// The first block of `count` IDs at or above `floor` that no line of the
// text uses (whoever it belongs to).
uint32_t first_free_block(std::string_view subid_text, uint32_t floor = 100000, uint32_t count = 65536);

// "default" -> dockremap:dockremap; "u" -> u:u; "u:g" -> u:g.
Result<std::pair<std::string, std::string>> parse_remap_flag(const std::string& value);

// Resolves the flag on this host; for "default" creates dockremap and its
// ranges when missing (adduser/useradd, usermod -v/-w).
Result<IdMapping> resolve_userns_remap(const std::string& flag_value, const std::string& etc_dir = "/etc");

}  // namespace mydocker::daemon::security
