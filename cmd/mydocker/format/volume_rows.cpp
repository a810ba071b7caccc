#include "format/volume_rows.hpp"

#include <algorithm>
#include <map>

#include "common/human.hpp"

namespace mydocker::cli::format {

using nlohmann::json;

namespace {
std::map<std::string, std::string> kv_map(const std::vector<std::string>& items) {
  std::map<std::string, std::string> out;
  for (const auto& kv : items) {
    const size_t eq = kv.find('=');
    out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  return out;
}
}  // namespace

json volume_row(const json& v) {
  json labels = v.value("Labels", json::object());
  if (!labels.is_object()) labels = json::object();
  std::string joined;
  for (const auto& [k, val] : labels.items())  // nlohmann's object is key-sorted
    joined += (joined.empty() ? "" : ",") + k + "=" + (val.is_string() ? val.get<std::string>() : val.dump());
  return json{{"Name", v.value("Name", "")},
              {"Driver", v.value("Driver", "")},
              {"Scope", v.value("Scope", "local")},
              {"Mountpoint", v.value("Mountpoint", "")},
              {"Labels", joined},
              {"LabelsMap", labels},
              {"Links", "N/A"},
              {"Size", "N/A"},
              {"CreatedAt", v.value("CreatedAt", "")},
              {"__row", true}};
}

json volume_headers() {
  return json{{"Name", "VOLUME NAME"}, {"Driver", "DRIVER"},   {"Scope", "SCOPE"}, {"Mountpoint", "MOUNTPOINT"},
              {"Labels", "LABELS"},    {"Links", "LINKS"},     {"Size", "SIZE"},   {"CreatedAt", "CREATED"},
              {"LabelsMap", "<header>"}};
}

std::vector<json> volume_rows(const json& response) {
  std::vector<json> rows;
  const json list = response.is_object() ? response.value("Volumes", json::array()) : json::array();
  if (list.is_array())
    for (const auto& v : list) rows.push_back(volume_row(v));
  std::stable_sort(rows.begin(), rows.end(), [](const json& a, const json& b) {
    return a["Name"].get<std::string>() < b["Name"].get<std::string>();
  });
  return rows;
}

json volume_create_body(const std::string& name, const std::string& driver, const std::vector<std::string>& opts,
                        const std::vector<std::string>& labels) {
  json body = {{"Driver", driver.empty() ? "local" : driver}};
  if (!opts.empty()) body["DriverOpts"] = kv_map(opts);
  if (!labels.empty()) body["Labels"] = kv_map(labels);
  body["Name"] = name;
  return body;
}

std::string volume_prune_report(const json& response) {
  std::string out;
  const json deleted = response.is_object() ? response.value("VolumesDeleted", json()) : json();
  if (deleted.is_array() && !deleted.empty()) {
    out += "Deleted Volumes:\n";
    for (const auto& n : deleted) out += n.get<std::string>() + "\n";
    out += "\n";
  }
  const int64_t space = response.is_object() ? response.value("SpaceReclaimed", int64_t(0)) : 0;
  out += "Total reclaimed space: " + human::size(double(space), 4) + "\n";
  return out;
}

}  // namespace mydocker::cli::format
