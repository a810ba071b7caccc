#include "format/rows.hpp"

#include <cstdio>
#include <cctype>
#include <ctime>
#include <iterator>
#include <map>
#include <set>

#include "common/human.hpp"
#include "format/tabwriter.hpp"

namespace mydocker::cli::format {

using nlohmann::json;

namespace {
// Go's time.Time.String() for a UTC time: "2026-11-22 13:29:32 +0000 UTC".
std::string go_time(int64_t secs) {
  time_t t = secs;
  struct tm tm;
  ::gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +0000 UTC", &tm);
  return buf;
}

// go-units HumanSize: four significant digits ("1.983MB").
std::string size4(double bytes) {
  static const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  size_t i = 0;
  while (bytes >= 1000.0 && i + 1 < std::size(kUnits)) {
    bytes /= 1000.0;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g%s", bytes, kUnits[i]);
  return buf;
}

std::string since(int64_t created, int64_t now) {
  return human::duration((now - created) * 1000000000LL) + " ago";
}
}  // namespace

bool format_uses_size(const std::string& f) {
  if (f.find(".Size") != std::string::npos) return true;
  for (size_t p = f.find("json"); p != std::string::npos; p = f.find("json", p + 4)) {
    size_t d = f.find_first_not_of(' ', p + 4);
    if (d != std::string::npos && d > p + 4 && f[d] == '.' && (d + 1 == f.size() || !std::isalnum(static_cast<unsigned char>(f[d + 1]))))
      return true;
  }
  return false;
}

Result<json> filters_json(const std::vector<std::string>& flags) {
  std::map<std::string, std::set<std::string>> by_key;
  for (const auto& kv : flags) {
    auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0) return fail(Error::invalid("bad format of filter (expected name=value)"));
    std::string key = kv.substr(0, eq);
    for (auto& c : key) c = char(std::tolower(static_cast<unsigned char>(c)));
    size_t b = key.find_first_not_of(' '), e = key.find_last_not_of(' ');
    by_key[key.substr(b, e - b + 1)].insert(kv.substr(eq + 1));
  }
  json out = json::object();
  for (const auto& [k, values] : by_key) out[k] = json(std::vector<std::string>(values.begin(), values.end()));
  return out;
}

std::string ports_string(const json& ports) {
  std::string out;
  if (!ports.is_array()) return out;
  for (const auto& p : ports) {
    std::string one;
    if (p.contains("PublicPort") && p.value("PublicPort", 0) != 0)
      one = p.value("IP", std::string("0.0.0.0")) + ":" + std::to_string(p.value("PublicPort", 0)) + "->";
    one += std::to_string(p.value("PrivatePort", 0)) + "/" + p.value("Type", std::string("tcp"));
    out += (out.empty() ? "" : ", ") + one;
  }
  return out;
}

json container_row(const json& c, bool trunc, int64_t now) {
  std::string id = c.value("Id", "");
  std::string names;
  for (const auto& n : c.value("Names", json::array())) {
    std::string s = n.get<std::string>();
    if (!s.empty() && s[0] == '/') s = s.substr(1);
    // Link names (with a second slash) are not shown, as Docker.
    if (s.find('/') != std::string::npos) continue;
    names += (names.empty() ? "" : ",") + s;
  }
  // Docker cuts the command first, then quotes it.
  std::string command = c.value("Command", "");
  if (trunc) command = ellipsis(command, 20);
  command = go_quote(command);
  std::string labels;
  json label_map = c.value("Labels", json::object());
  if (label_map.is_null()) label_map = json::object();
  for (auto& [k, v] : label_map.items()) labels += (labels.empty() ? "" : ",") + k + "=" + v.get<std::string>();
  std::string image = c.value("Image", "");
  if (trunc && image.rfind("sha256:", 0) == 0) image = image.substr(7, 12);
  const int64_t created = c.value("Created", int64_t(0));
  std::string size;
  if (c.contains("SizeRw")) {
    size = human::size(double(c.value("SizeRw", int64_t(0))));
    if (c.value("SizeRootFs", int64_t(0)) > 0)
      size += " (virtual " + human::size(double(c.value("SizeRootFs", int64_t(0)))) + ")";
  }
  std::string networks;
  const json nets = c.value("NetworkSettings", json::object()).value("Networks", json::object());
  for (auto& [k, v] : nets.items())
    networks += (networks.empty() ? "" : ",") + k;
  return {{"ID", trunc ? id.substr(0, 12) : id},
          {"Image", image},
          {"Command", command},
          {"CreatedAt", go_time(created)},
          {"RunningFor", since(created, now)},
          {"Ports", ports_string(c.value("Ports", json::array()))},
          {"State", c.value("State", "")},
          {"Status", c.value("Status", "")},
          {"Size", size},
          {"Names", names},
          {"Labels", labels},
          {"LabelsMap", label_map}, {"__row", true},
          {"Mounts", ""},
          {"Networks", networks},
          {"Platform", nullptr},
          {"LocalVolumes", "0"}};
}

json image_row(const json& img, const std::string& repo_tag, bool trunc, int64_t now) {
  std::string repo = "<none>", tag = "<none>";
  if (!repo_tag.empty()) {
    size_t colon = repo_tag.rfind(':');
    repo = repo_tag.substr(0, colon);
    tag = repo_tag.substr(colon + 1);
  }
  std::string id = img.value("Id", "");
  if (trunc && id.rfind("sha256:", 0) == 0) id = id.substr(7, 12);
  const int64_t created = img.value("Created", int64_t(0));
  json labels = img.value("Labels", json::object());
  // The digest this repository knows the image by (docker images --digests).
  std::string digest = "<none>";
  for (const auto& d : img.value("RepoDigests", json::array())) {
    if (!d.is_string()) continue;
    const std::string rd = d.get<std::string>();
    const size_t at = rd.find('@');
    if (at != std::string::npos && (rd.substr(0, at) == repo || repo == "<none>")) {
      digest = rd.substr(at + 1);
      if (repo == "<none>") repo = rd.substr(0, at);
      break;
    }
  }
  return {{"Repository", repo},
          {"Tag", tag},
          {"ID", id},
          {"Digest", digest},
          {"CreatedSince", since(created, now)},
          {"CreatedAt", go_time(created)},
          {"Size", human::size(double(img.value("Size", int64_t(0))))},
          {"VirtualSize", size4(double(img.value("Size", int64_t(0))))},
          {"SharedSize", "N/A"},
          {"UniqueSize", "N/A"},
          {"Containers", "N/A"},
          {"LabelsMap", labels.is_null() ? json::object() : labels},
          {"__row", true}};
}

json container_headers() {
  return {{"ID", "CONTAINER ID"}, {"Image", "IMAGE"},       {"Command", "COMMAND"}, {"CreatedAt", "CREATED AT"},
          {"RunningFor", "CREATED"}, {"Ports", "PORTS"},    {"State", "STATE"},     {"Status", "STATUS"},
          {"Size", "SIZE"},         {"Names", "NAMES"},      {"Labels", "LABELS"},   {"Mounts", "MOUNTS"},
          {"Networks", "NETWORKS"}, {"LocalVolumes", "LOCAL VOLUMES"}, {"LabelsMap", "<header>"}};
}

json image_headers() {
  return {{"Repository", "REPOSITORY"}, {"Tag", "TAG"},           {"ID", "IMAGE ID"},
          {"Digest", "DIGEST"},         {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
          {"Size", "SIZE"},             {"VirtualSize", "VIRTUAL SIZE"}, {"SharedSize", "SHARED SIZE"},
          {"UniqueSize", "UNIQUE SIZE"}, {"Containers", "CONTAINERS"}, {"LabelsMap", "<header>"}};
}

}  // namespace mydocker::cli::format
