#include "daemon/volumes/mount_point.hpp"

#include <sstream>
#include <vector>

#include "daemon/volumes/volume.hpp"

namespace mydocker::daemon::volumes {

using nlohmann::json;

namespace {
std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string part; std::getline(ss, part, sep);) out.push_back(part);
  if (!s.empty() && s.back() == sep) out.emplace_back();
  return out;
}

bool is_propagation(const std::string& m) {
  return m == "private" || m == "rprivate" || m == "shared" || m == "rshared" || m == "slave" || m == "rslave";
}

Error invalid_spec(const std::string& spec, const std::string& why = "") {
  return Error::invalid("invalid volume specification: '" + spec + "'" + (why.empty() ? "" : ": " + why));
}

Result<void> check_destination(const std::string& type, const std::string& dst) {
  if (dst.empty() || dst.front() != '/')
    return fail(Error::invalid("invalid mount config for type \"" + type + "\": invalid mount path: '" + dst +
                               "' mount path must be absolute"));
  if (clean_path(dst) == "/")
    return fail(Error::invalid("invalid mount config for type \"" + type + "\": invalid specification: destination can't be '/'"));
  return {};
}

// The mode part of a bind: ro|rw, z|Z, nocopy, a propagation; comma-separated.
Result<void> apply_mode(MountPoint& m, const std::string& mode, const std::string& spec) {
  int rw_seen = 0, label_seen = 0, prop_seen = 0, copy_seen = 0;
  for (const auto& o : split(mode, ',')) {
    if (o == "ro" || o == "rw") {
      m.rw = o == "rw";
      ++rw_seen;
    } else if (o == "z" || o == "Z") {
      ++label_seen;
    } else if (o == "nocopy") {
      m.copy_data = false;
      ++copy_seen;
    } else if (is_propagation(o)) {
      m.propagation = o;
      ++prop_seen;
    } else if (o == "consistent" || o == "cached" || o == "delegated") {
    } else {
      return fail(invalid_spec(spec, "invalid mode: " + mode));
    }
  }
  if (rw_seen > 1 || label_seen > 1 || prop_seen > 1 || copy_seen > 1) return fail(invalid_spec(spec, "invalid mode: " + mode));
  if (m.type == "bind" && copy_seen) return fail(invalid_spec(spec, "invalid mode: " + mode));
  if (m.type == "volume" && prop_seen) return fail(invalid_spec(spec, "invalid mode: " + mode));
  m.mode = mode;
  return {};
}

// --tmpfs / TmpfsOptions: Docker's defaults, then the user's options.
std::string tmpfs_data(const std::string& user) {
  std::string out = "noexec,nosuid,nodev";
  for (const auto& o : split(user, ','))
    if (!o.empty()) out += "," + o;
  return out;
}
}  // namespace

std::string clean_path(const std::string& path) {
  std::string out;
  for (const auto& part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      const size_t slash = out.rfind('/');
      out.erase(slash == std::string::npos ? 0 : slash);
      continue;
    }
    out += "/" + part;
  }
  return out.empty() ? "/" : out;
}

Result<MountPoint> parse_bind(const std::string& spec) {
  const auto parts = split(spec, ':');
  MountPoint m;
  std::string src, mode;
  if (parts.size() == 1) {
    m.destination = parts[0];
  } else if (parts.size() == 2) {
    src = parts[0];
    m.destination = parts[1];
  } else if (parts.size() == 3) {
    src = parts[0];
    m.destination = parts[1];
    mode = parts[2];
  } else {
    return fail(invalid_spec(spec));
  }
  if (parts.size() > 1 && src.empty()) return fail(invalid_spec(spec));
  m.type = src.empty() || src.front() != '/' ? "volume" : "bind";
  if (auto r = check_destination(m.type, m.destination); !r) return fail(invalid_spec(spec, r.error().message));
  m.destination = clean_path(m.destination);
  if (m.type == "bind") {
    m.source = clean_path(src);
    m.propagation = "rprivate";
    m.create_source = true;
    m.copy_data = false;
  } else {
    m.name = src;
    m.driver = "local";
    std::string why;
    if (!src.empty() && !valid_volume_name(src, why)) return fail(Error::invalid("create " + src + ": " + why));
  }
  TRY_VOID(apply_mode(m, mode, spec));
  if (m.type == "bind" && m.propagation.empty()) m.propagation = "rprivate";
  return m;
}

Result<MountPoint> parse_mount(const json& j) {
  if (!j.is_object()) return fail(Error::invalid("invalid mount config: a mount must be an object"));
  MountPoint m;
  m.type = j.value("Type", "");
  const std::string src = j.value("Source", "");
  m.destination = j.value("Target", "");
  m.rw = !j.value("ReadOnly", false);
  if (m.type != "bind" && m.type != "volume" && m.type != "tmpfs")
    return fail(Error::invalid("invalid mount config for type \"" + m.type + "\": mount type unknown"));
  TRY_VOID(check_destination(m.type, m.destination));
  m.destination = clean_path(m.destination);
  if (m.type == "bind") {
    if (src.empty()) return fail(Error::invalid("invalid mount config for type \"bind\": field Source must not be empty"));
    if (src.front() != '/')
      return fail(Error::invalid("invalid mount config for type \"bind\": invalid mount path: '" + src +
                                 "' mount path must be absolute"));
    if (j.contains("VolumeOptions") || j.contains("TmpfsOptions"))
      return fail(Error::invalid("invalid mount config for type \"bind\": field VolumeOptions must not be specified"));
    m.source = clean_path(src);
    m.copy_data = false;
    const json bo = j.value("BindOptions", json::object());
    m.propagation = bo.value("Propagation", "");
    if (!m.propagation.empty() && !is_propagation(m.propagation))
      return fail(Error::invalid("invalid mount config for type \"bind\": invalid propagation mode: " + m.propagation));
    if (m.propagation.empty()) m.propagation = "rprivate";
  } else if (m.type == "volume") {
    if (j.contains("BindOptions") || j.contains("TmpfsOptions"))
      return fail(Error::invalid("invalid mount config for type \"volume\": field BindOptions must not be specified"));
    m.name = src;
    m.driver = "local";
    std::string why;
    if (!src.empty() && !valid_volume_name(src, why)) return fail(Error::invalid("create " + src + ": " + why));
    const json vo = j.value("VolumeOptions", json::object());
    m.copy_data = !vo.value("NoCopy", false);
    m.volume_labels = vo.value("Labels", std::map<std::string, std::string>{});
    const json dc = vo.value("DriverConfig", json::object());
    const std::string driver = dc.value("Name", "");
    if (!driver.empty() && driver != "local") return fail(Error::not_found("plugin \"" + driver + "\" not found"));
    m.volume_options = dc.value("Options", std::map<std::string, std::string>{});
  } else {
    if (!src.empty()) return fail(Error::invalid("invalid mount config for type \"tmpfs\": field Source must not be specified"));
    const json to = j.value("TmpfsOptions", json::object());
    std::string opts;
    if (const int64_t size = to.value("SizeBytes", int64_t(0)); size > 0) opts += "size=" + std::to_string(size / 1024) + "k";
    if (const int mode = to.value("Mode", 0); mode > 0) {
      char buf[16];
      std::snprintf(buf, sizeof buf, "mode=%o", unsigned(mode) & 07777u);
      opts += std::string(opts.empty() ? "" : ",") + buf;
    }
    m.tmpfs_options = tmpfs_data(opts);
    m.copy_data = false;
  }
  return m;
}

Result<MountPoint> parse_tmpfs(const std::string& destination, const std::string& options) {
  MountPoint m;
  m.type = "tmpfs";
  TRY_VOID(check_destination("tmpfs", destination));
  m.destination = clean_path(destination);
  for (const auto& o : split(options, ','))
    if (o == "ro") m.rw = false;
  m.tmpfs_options = tmpfs_data(options);
  m.copy_data = false;
  return m;
}

Result<MountPoint> anonymous_volume(const std::string& destination) {
  MountPoint m;
  m.type = "volume";
  m.driver = "local";
  TRY_VOID(check_destination("volume", destination));
  m.destination = clean_path(destination);
  return m;
}

Result<std::pair<std::string, std::string>> parse_volumes_from(const std::string& spec) {
  const auto parts = split(spec, ':');
  if (parts.empty() || parts[0].empty() || parts.size() > 2) return fail(Error::invalid("invalid volumes-from: " + spec));
  if (parts.size() == 1) return std::pair{parts[0], std::string()};
  if (parts[1] != "ro" && parts[1] != "rw" && parts[1] != "z" && parts[1] != "Z")
    return fail(Error::invalid("invalid mode: " + parts[1]));
  return std::pair{parts[0], parts[1]};
}

json MountPoint::to_inspect_json() const {
  json j;
  j["Type"] = type;
  if (type == "volume") j["Name"] = name;
  j["Source"] = source;
  j["Destination"] = destination;
  if (type == "volume") j["Driver"] = driver;
  j["Mode"] = mode;
  j["RW"] = rw;
  j["Propagation"] = propagation;
  return j;
}

json MountPoint::to_disk_json() const {
  return json{{"Type", type},       {"Name", name},     {"Source", source},       {"Destination", destination},
              {"Driver", driver},   {"Mode", mode},     {"RW", rw},               {"Propagation", propagation},
              {"CopyData", copy_data}, {"TmpfsOptions", tmpfs_options}};
}

MountPoint MountPoint::from_disk_json(const json& j) {
  MountPoint m;
  m.type = j.value("Type", "");
  m.name = j.value("Name", "");
  m.source = j.value("Source", "");
  m.destination = j.value("Destination", "");
  m.driver = j.value("Driver", "");
  m.mode = j.value("Mode", "");
  m.rw = j.value("RW", true);
  m.propagation = j.value("Propagation", "");
  m.copy_data = j.value("CopyData", true);
  m.tmpfs_options = j.value("TmpfsOptions", "");
  return m;
}

}  // namespace mydocker::daemon::volumes
