#include "format/rows.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <ctime>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

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

// Go's time.Unix(s, 0).Format(time.RFC3339) in local time: "2026-11-22T13:29:32Z".
std::string rfc3339_local(int64_t secs) {
  time_t t = secs;
  struct tm tm;
  ::localtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  long off = tm.tm_gmtoff;
  if (off == 0) return out + "Z";
  char zone[48];
  std::snprintf(zone, sizeof zone, "%c%02ld:%02ld", off < 0 ? '-' : '+', std::labs(off) / 3600, std::labs(off) % 3600 / 60);
  return out + zone;
}

// stringid.TruncateID: the hex after any "algo:" prefix, 12 characters.
std::string truncate_id(const std::string& id) {
  const size_t colon = id.find(':');
  std::string hex = colon == std::string::npos ? id : id.substr(colon + 1);
  return hex.substr(0, 12);
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

// Docker's PORTS column: ports in order of container port (then address,
// host port, protocol); runs of consecutive ports that are unpublished, or
// published on the same port number of one address, shown as one range
// ("0.0.0.0:8000-8001->8000-8001/tcp", "90-91/tcp"); ports published on
// another number listed one by one after the ranges.
std::string ports_string(const json& ports) {
  if (!ports.is_array()) return "";
  struct Port {
    std::string ip, type;
    int priv = 0, pub = 0;
  };
  std::vector<Port> list;
  for (const auto& p : ports)
    list.push_back({p.value("IP", std::string()), p.value("Type", std::string("tcp")), p.value("PrivatePort", 0),
                    p.value("PublicPort", 0)});
  std::sort(list.begin(), list.end(), [](const Port& x, const Port& y) {
    return std::tie(x.priv, x.ip, x.pub, x.type) < std::tie(y.priv, y.ip, y.pub, y.type);
  });
  struct Run {
    std::string ip, type;
    int first = 0, last = 0;
  };
  auto show = [](const Run& r) {
    std::string span = std::to_string(r.first) + (r.first == r.last ? "" : "-" + std::to_string(r.last));
    return (r.ip.empty() ? span : r.ip + ":" + span + "->" + span) + "/" + r.type;
  };
  std::vector<std::string> out, moved;
  std::vector<Run> runs;  // one open run per address and protocol, in order of first sight
  for (const auto& p : list) {
    if (!p.ip.empty() && p.pub != p.priv) {
      moved.push_back(p.ip + ":" + std::to_string(p.pub) + "->" + std::to_string(p.priv) + "/" + p.type);
      continue;
    }
    auto run = std::find_if(runs.begin(), runs.end(), [&](const Run& r) { return r.ip == p.ip && r.type == p.type; });
    if (run == runs.end()) {
      runs.push_back({p.ip, p.type, p.priv, p.priv});
    } else if (p.priv == run->last + 1) {
      run->last = p.priv;
    } else {
      out.push_back(show(*run));  // a gap closes the run where it stands
      run->first = run->last = p.priv;
    }
  }
  for (const auto& r : runs) out.push_back(show(r));
  out.insert(out.end(), moved.begin(), moved.end());
  std::string joined;
  for (const auto& o : out) joined += (joined.empty() ? "" : ", ") + o;
  return joined;
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
  // Mounts of the local volume driver, as docker counts them.
  int local_volumes = 0;
  for (const auto& m : c.value("Mounts", json::array()))
    if (m.is_object() && m.value("Driver", "") == "local") ++local_volumes;
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
          {"LocalVolumes", std::to_string(local_volumes)}};
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
  const int64_t shared = img.value("SharedSize", int64_t(-1));
  const int64_t containers = img.value("Containers", int64_t(-1));
  return {{"Repository", repo},
          {"Tag", tag},
          {"ID", id},
          {"Digest", digest},
          {"CreatedSince", since(created, now)},
          {"CreatedAt", go_time(created)},
          {"Size", human::size(double(img.value("Size", int64_t(0))))},
          {"VirtualSize", size4(double(img.value("Size", int64_t(0))))},
          {"SharedSize", shared < 0 ? std::string("N/A") : size4(double(shared))},
          {"UniqueSize", shared < 0 ? std::string("N/A") : size4(double(img.value("Size", int64_t(0)) - shared))},
          {"Containers", containers < 0 ? std::string("N/A") : std::to_string(containers)},
          {"LabelsMap", labels.is_null() ? json::object() : labels},
          {"__row", true}};
}

json history_row(const json& h, bool trunc, bool human, int64_t now) {
  const std::string id = h.value("Id", "");
  const int64_t created = h.value("Created", int64_t(0));
  const int64_t size = h.value("Size", int64_t(0));
  std::string created_by = h.value("CreatedBy", "");
  for (auto& ch : created_by)
    if (ch == '\t') ch = ' ';
  const std::string created_at = rfc3339_local(created);
  return {{"ID", trunc ? truncate_id(id) : id},
          {"CreatedSince", human ? since(created, now) : created_at},
          {"CreatedAt", created_at},
          {"CreatedBy", trunc ? ellipsis(created_by, 45) : created_by},
          {"Size", human ? human::size(double(size)) : std::to_string(size)},
          {"Comment", h.value("Comment", "")},
          {"__row", true}};
}

json history_headers() {
  return {{"ID", "IMAGE"},         {"CreatedSince", "CREATED"}, {"CreatedAt", "CREATED AT"},
          {"CreatedBy", "CREATED BY"}, {"Size", "SIZE"},          {"Comment", "COMMENT"}};
}

namespace {
std::string with_percent(int64_t reclaimable, int64_t total) {
  std::string out = size4(double(reclaimable));
  if (total > 0) out += " (" + std::to_string(reclaimable * 100 / total) + "%)";
  return out;
}

json usage_row(const char* type, size_t total, size_t active, const std::string& size, const std::string& reclaimable) {
  return {{"Type", type},
          {"TotalCount", std::to_string(total)},
          {"Active", std::to_string(active)},
          {"Size", size},
          {"Reclaimable", reclaimable},
          {"__row", true}};
}

const json& array_or_empty(const json& df, const char* key) {
  static const json empty = json::array();
  return df.is_object() && df.contains(key) && df[key].is_array() ? df[key] : empty;
}
}  // namespace

std::vector<json> disk_usage_rows(const json& df) {
  std::vector<json> rows;
  {
    const json& images = array_or_empty(df, "Images");
    const int64_t total = df.value("LayersSize", int64_t(0));
    int64_t used = 0;
    size_t active = 0;
    for (const auto& i : images) {
      if (i.value("Containers", int64_t(0)) == 0) continue;
      ++active;
      const int64_t size = i.value("Size", int64_t(-1)), shared = i.value("SharedSize", int64_t(-1));
      if (size != -1 && shared != -1) used += size - shared;
    }
    rows.push_back(usage_row("Images", images.size(), active, size4(double(total)), with_percent(total - used, total)));
  }
  {
    const json& containers = array_or_empty(df, "Containers");
    int64_t total = 0, reclaimable = 0;
    size_t active = 0;
    for (const auto& c : containers) {
      const std::string state = c.value("State", "");
      const bool running = state.find("running") != std::string::npos || state.find("paused") != std::string::npos ||
                           state.find("restarting") != std::string::npos;
      const int64_t rw = c.value("SizeRw", int64_t(0));
      total += rw;
      if (running) ++active;
      else reclaimable += rw;
    }
    rows.push_back(usage_row("Containers", containers.size(), active, size4(double(total)), with_percent(reclaimable, total)));
  }
  {
    const json& volumes = array_or_empty(df, "Volumes");
    int64_t total = 0, reclaimable = 0;
    size_t active = 0;
    for (const auto& v : volumes) {
      const json u = v.value("UsageData", json::object());
      const int64_t size = u.is_object() ? u.value("Size", int64_t(-1)) : -1;
      const int64_t refs = u.is_object() ? u.value("RefCount", int64_t(0)) : 0;
      if (refs > 0) ++active;
      if (size == -1) continue;
      total += size;
      if (refs == 0) reclaimable += size;
    }
    rows.push_back(usage_row("Local Volumes", volumes.size(), active, size4(double(total)), with_percent(reclaimable, total)));
  }
  rows.push_back(usage_row("Build Cache", array_or_empty(df, "BuildCache").size(), 0, "0B", "0B"));
  return rows;
}

json disk_usage_headers() {
  return {{"Type", "TYPE"}, {"TotalCount", "TOTAL"}, {"Active", "ACTIVE"}, {"Size", "SIZE"}, {"Reclaimable", "RECLAIMABLE"}};
}

json build_cache_headers() {
  return {{"ID", "CACHE ID"},        {"CacheType", "CACHE TYPE"}, {"Size", "SIZE"},     {"CreatedSince", "CREATED"},
          {"LastUsedSince", "LAST USED"}, {"UsageCount", "USAGE"},    {"Shared", "SHARED"}};
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
