#include "format/rows.hpp"

#include <ctime>

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

std::string since(int64_t created, int64_t now) {
  return human::duration((now - created) * 1000000000LL) + " ago";
}
}  // namespace

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
  if (c.contains("SizeRw"))
    size = human::size(double(c.value("SizeRw", int64_t(0)))) + " (virtual " +
           human::size(double(c.value("SizeRootFs", int64_t(0)))) + ")";
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
          {"LabelsMap", label_map},
          {"Mounts", ""},
          {"Networks", networks},
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
  return {{"Repository", repo},
          {"Tag", tag},
          {"ID", id},
          {"Digest", "<none>"},
          {"CreatedSince", since(created, now)},
          {"CreatedAt", go_time(created)},
          {"Size", human::size(double(img.value("Size", int64_t(0))))},
          {"VirtualSize", human::size(double(img.value("Size", int64_t(0))))},
          {"SharedSize", "N/A"},
          {"UniqueSize", "N/A"},
          {"Containers", "N/A"},
          {"LabelsMap", labels.is_null() ? json::object() : labels}};
}

json container_headers() {
  return {{"ID", "CONTAINER ID"}, {"Image", "IMAGE"},       {"Command", "COMMAND"}, {"CreatedAt", "CREATED AT"},
          {"RunningFor", "CREATED"}, {"Ports", "PORTS"},    {"State", "STATE"},     {"Status", "STATUS"},
          {"Size", "SIZE"},         {"Names", "NAMES"},      {"Labels", "LABELS"},   {"Mounts", "MOUNTS"},
          {"Networks", "NETWORKS"}, {"LocalVolumes", "LOCAL VOLUMES"}, {"LabelsMap", json::object()}};
}

json image_headers() {
  return {{"Repository", "REPOSITORY"}, {"Tag", "TAG"},           {"ID", "IMAGE ID"},
          {"Digest", "DIGEST"},         {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
          {"Size", "SIZE"},             {"VirtualSize", "VIRTUAL SIZE"}, {"SharedSize", "SHARED SIZE"},
          {"UniqueSize", "UNIQUE SIZE"}, {"Containers", "CONTAINERS"}, {"LabelsMap", json::object()}};
}

}  // namespace mydocker::cli::format
