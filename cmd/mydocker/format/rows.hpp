#pragma once
// What `ps` and `images` rows offer to --format templates, with Docker's
// field names, and the table headers Docker prints for them.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace mydocker::cli::format {

// From one element of GET /containers/json.
nlohmann::json container_row(const nlohmann::json& c, bool trunc, int64_t now_s);
// From one element of GET /images/json, for one of its tags.
nlohmann::json image_row(const nlohmann::json& img, const std::string& repo_tag, bool trunc, int64_t now_s);

// From one element of GET /images/{name}/history; human: sizes and dates
// as "4.26MB" and "2 hours ago" (docker history -H, the default).
nlohmann::json history_row(const nlohmann::json& h, bool trunc, bool human, int64_t now_s);

nlohmann::json container_headers();
nlohmann::json image_headers();
nlohmann::json history_headers();

// `system df`: the four summary rows (Images, Containers, Local Volumes,
// Build Cache) from GET /system/df, with docker's .Type .TotalCount
// .Active .Size .Reclaimable.
std::vector<nlohmann::json> disk_usage_rows(const nlohmann::json& df);
nlohmann::json disk_usage_headers();
inline constexpr const char* kDefaultDiskUsageFormat =
    "{{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}";
inline constexpr const char* kDiskUsageImagesFormat =
    "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}";
inline constexpr const char* kDiskUsageContainersFormat =
    "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}";
inline constexpr const char* kDiskUsageVolumesFormat = "{{.Name}}\t{{.Links}}\t{{.Size}}";
inline constexpr const char* kDiskUsageBuildCacheFormat =
    "{{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}";
nlohmann::json build_cache_headers();

inline constexpr const char* kDefaultPsFormat =
    "{{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";
inline constexpr const char* kDefaultHistoryFormat =
    "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
inline constexpr const char* kNonHumanHistoryFormat =
    "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";
inline constexpr const char* kDefaultImagesFormat = "{{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

// -f/--filter key=value flags as the filters query: {"status":["exited"]}
// (values sorted, each once). InvalidParameter for a flag without "=".
Result<nlohmann::json> filters_json(const std::vector<std::string>& flags);

// Whether a ps --format reads .Size (directly or through {{json .}}), which
// makes docker ask the daemon for sizes.
bool format_uses_size(const std::string& format);

// "0.0.0.0:8080->80/tcp, 443/tcp" from the Ports array.
std::string ports_string(const nlohmann::json& ports);

}  // namespace mydocker::cli::format
