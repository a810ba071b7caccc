#pragma once
// `volume ls` rows and headers for the template engine, with the fields
// docker's volume formatter offers (.Name .Driver .Scope .Mountpoint
// .Labels .Label "k" .Links .Size .CreatedAt).
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace mydocker::cli::format {

inline constexpr const char* kDefaultVolumesFormat = "{{.Driver}}\t{{.Name}}";

nlohmann::json volume_row(const nlohmann::json& volume);
nlohmann::json volume_headers();
// Sorted by name, as docker lists them.
std::vector<nlohmann::json> volume_rows(const nlohmann::json& list_response);

// POST /volumes/create's body as docker 28 sends it: Driver and Name, with
// DriverOpts and Labels only when given.
nlohmann::json volume_create_body(const std::string& name, const std::string& driver,
                                  const std::vector<std::string>& opts, const std::vector<std::string>& labels);

// What `volume prune` prints for the daemon's answer.
std::string volume_prune_report(const nlohmann::json& response);

}  // namespace mydocker::cli::format
