#include "format/create_config.hpp"

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <map>

#include "common/device_cgroup_rule.hpp"

namespace mydocker::cli::format {

using nlohmann::json;
using ojson = nlohmann::ordered_json;

namespace {
std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Go marshals maps with sorted keys: copy a (sorted) json object in order.
ojson sorted(const json& j) {
  ojson o = ojson::object();
  // j's keys are unique and sorted already: append them. (o[k] searches
  // the ordered map linearly: --expose 1-65535 took 8 s.) dump() with
  // replace: a label value with invalid UTF-8 must not throw (docker's Go
  // client sends U+FFFD for it).
  auto& members = o.get_ref<ojson::object_t&>();
  members.reserve(j.size());
  for (auto& [k, v] : j.items())
    members.emplace_back(k, ojson::parse(v.dump(-1, ' ', false, json::error_handler_t::replace)));
  return o;
}

ojson strings_or_null(const std::vector<std::string>& v) { return v.empty() ? ojson(nullptr) : ojson(v); }

Result<std::pair<int, int>> port_range(const std::string& s) {
  auto dash = s.find('-');
  try {
    size_t used = 0;
    int a = std::stoi(s.substr(0, dash), &used);
    if (used != s.substr(0, dash).size()) throw std::invalid_argument(s);
    int b = a;
    if (dash != std::string::npos) b = std::stoi(s.substr(dash + 1));
    if (a < 0 || b < a || b > 65535) throw std::invalid_argument(s);
    return std::pair{a, b};
  } catch (...) {
    return fail(Error::invalid("invalid containerPort: " + s));
  }
}

ojson endpoint(const std::vector<std::string>& aliases, const std::string& ip, const std::string& mac) {
  ojson ipam = ip.empty() ? ojson(nullptr) : ojson{{"IPv4Address", ip}};
  return {{"IPAMConfig", ipam}, {"Links", nullptr}, {"Aliases", strings_or_null(aliases)}, {"MacAddress", mac},
          {"DriverOpts", nullptr}, {"GwPriority", 0}, {"NetworkID", ""}, {"EndpointID", ""}, {"Gateway", ""},
          {"IPAddress", ""}, {"IPPrefixLen", 0}, {"IPv6Gateway", ""}, {"GlobalIPv6Address", ""},
          {"GlobalIPv6PrefixLen", 0}, {"DNSNames", nullptr}};
}

// --mount's comma-separated key=value list, as docker's CLI turns it into
// a HostConfig.Mounts entry (only the fields that were set).
Result<ojson> parse_mount(const std::string& spec) {
  auto bad = [&](const std::string& why) {
    return fail(Error::invalid("invalid argument \"" + spec + "\" for \"--mount\" flag: " + why));
  };
  auto truth = [](const std::string& v, bool& out) {
    if (v.empty() || v == "1" || v == "true") out = true;
    else if (v == "0" || v == "false") out = false;
    else return false;
    return true;
  };
  std::string type = "volume", source, target;
  bool ro = false;
  ojson bind = ojson::object(), volume = ojson::object(), tmpfs = ojson::object();
  ojson driver_opts = ojson::object(), labels = ojson::object();
  std::string driver;
  size_t b = 0;
  while (b <= spec.size()) {
    size_t e = spec.find(',', b);
    std::string kv = spec.substr(b, e == std::string::npos ? std::string::npos : e - b);
    auto eq = kv.find('=');
    std::string k = lower(kv.substr(0, eq)), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
    bool flag = false;
    if (k == "type") type = v;
    else if (k == "source" || k == "src") source = v;
    else if (k == "target" || k == "dst" || k == "destination") target = v;
    else if (k == "readonly" || k == "ro") {
      if (!truth(v, ro)) return bad("invalid value for " + k + ": " + v);
    } else if (k == "consistency") {
    } else if (k == "bind-propagation") bind["Propagation"] = v;
    else if (k == "bind-nonrecursive") {
      if (!truth(v, flag)) return bad("invalid value for " + k + ": " + v);
      bind["NonRecursive"] = flag;
    } else if (k == "volume-nocopy") {
      if (!truth(v, flag)) return bad("invalid value for volume-nocopy: " + v);
      volume["NoCopy"] = flag;
    } else if (k == "volume-label") {
      const size_t q = v.find('=');
      labels[v.substr(0, q)] = q == std::string::npos ? "" : v.substr(q + 1);
    } else if (k == "volume-driver") driver = v;
    else if (k == "volume-opt") {
      const size_t q = v.find('=');
      if (q == std::string::npos) return bad("invalid volume-opt '" + v + "'");
      driver_opts[v.substr(0, q)] = v.substr(q + 1);
    } else if (k == "tmpfs-size") {
      auto bytes = ram_in_bytes(v);
      if (!bytes) return bad("invalid value for tmpfs-size: " + v);
      tmpfs["SizeBytes"] = *bytes;
    } else if (k == "tmpfs-mode") {
      char* end = nullptr;
      const long mode = std::strtol(v.c_str(), &end, 8);
      if (v.empty() || *end) return bad("invalid value for tmpfs-mode: " + v);
      tmpfs["Mode"] = mode;
    } else if (!k.empty()) {
      return bad("unexpected key '" + k + "' in '" + kv + "'");
    }
    if (e == std::string::npos) break;
    b = e + 1;
  }
  if (type != "bind" && type != "volume" && type != "tmpfs" && type != "npipe" && type != "cluster")
    return bad("invalid type \"" + type + "\"");
  if (target.empty()) return bad("target is required");
  if (!driver.empty() || !driver_opts.empty()) {
    ojson dc = ojson::object();
    if (!driver.empty()) dc["Name"] = driver;
    if (!driver_opts.empty()) dc["Options"] = driver_opts;
    volume["DriverConfig"] = dc;
  }
  if (!labels.empty()) volume["Labels"] = labels;
  ojson m = ojson::object();
  m["Type"] = type;
  if (!source.empty()) m["Source"] = source;
  m["Target"] = target;
  if (ro) m["ReadOnly"] = true;
  if (!bind.empty()) m["BindOptions"] = bind;
  if (!volume.empty()) m["VolumeOptions"] = volume;
  if (!tmpfs.empty()) m["TmpfsOptions"] = tmpfs;
  return m;
}
}  // namespace

Result<int64_t> ram_in_bytes(const std::string& s) {
  if (s.empty()) return 0;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (...) {
    return fail(Error::invalid("invalid size: '" + s + "'"));
  }
  std::string unit = lower(s.substr(used));
  if (unit.size() == 3 && unit.substr(1) == "ib") unit.resize(1);
  else if (unit.size() == 2 && unit[1] == 'b') unit.resize(1);
  static const std::map<std::string, double> mult = {{"", 1},
                                                     {"b", 1},
                                                     {"k", 1024.0},
                                                     {"m", 1024.0 * 1024},
                                                     {"g", 1024.0 * 1024 * 1024},
                                                     {"t", 1024.0 * 1024 * 1024 * 1024},
                                                     {"p", 1024.0 * 1024 * 1024 * 1024 * 1024}};
  auto it = mult.find(unit);
  if (it == mult.end() || v < 0) return fail(Error::invalid("invalid size: '" + s + "'"));
  return int64_t(v * it->second);
}

Result<ojson> restart_policy(const std::string& s) {
  std::string name = s.empty() ? "no" : s.substr(0, s.find(':'));
  int retries = 0;
  if (auto colon = s.find(':'); colon != std::string::npos) {
    if (name != "on-failure") return fail(Error::invalid("invalid restart policy format: maximum retry count can only be used with 'on-failure'"));
    try {
      retries = std::stoi(s.substr(colon + 1));
    } catch (...) {
      return fail(Error::invalid("invalid restart policy format: maximum retry count must be an integer"));
    }
  }
  if (name != "no" && name != "always" && name != "unless-stopped" && name != "on-failure")
    return fail(Error::invalid("invalid restart policy format: unknown policy '" + name + "'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'"));
  return ojson{{"Name", name}, {"MaximumRetryCount", retries}};
}

Result<void> parse_publish(const std::string& p, json& exposed, json& bindings) {
  // [ip:][hostport:]containerport[/proto]; ip may be [v6].
  std::string spec = p, proto = "tcp";
  if (auto slash = spec.rfind('/'); slash != std::string::npos) {
    proto = lower(spec.substr(slash + 1));
    spec = spec.substr(0, slash);
  }
  std::string ip, host_port, ctr = spec;
  if (auto c2 = spec.rfind(':'); c2 != std::string::npos) {
    ctr = spec.substr(c2 + 1);
    std::string rest = spec.substr(0, c2);
    if (auto c1 = rest.rfind(':'); c1 != std::string::npos) {
      ip = rest.substr(0, c1);
      host_port = rest.substr(c1 + 1);
    } else {
      host_port = rest;
    }
  }
  if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']') ip = ip.substr(1, ip.size() - 2);
  if (ctr.empty()) return fail(Error::invalid("no port specified: " + p + "<empty>"));
  TRY_ASSIGN(auto cr, port_range(ctr));
  std::pair<int, int> hr{0, -1};
  if (!host_port.empty()) {
    auto h = port_range(host_port);
    if (!h) return fail(Error::invalid("invalid hostPort: " + host_port));
    hr = *h;
  }
  const bool host_range = hr.second >= 0 && hr.second != hr.first;
  if (host_range && hr.second - hr.first != cr.second - cr.first && cr.first != cr.second)
    return fail(Error::invalid("invalid ranges specified for container and host Ports: " + ctr + " and " + host_port));
  for (int port = cr.first; port <= cr.second; ++port) {
    std::string key = std::to_string(port) + "/" + proto;
    exposed[key] = json::object();
    std::string hp = host_port;
    if (hr.second >= 0 && cr.first != cr.second) hp = std::to_string(hr.first + (port - cr.first));
    bindings[key].push_back({{"HostIp", ip}, {"HostPort", hp}});
  }
  return {};
}

Result<int64_t> nano_cpus_of(const std::string& cpus) {
  if (cpus.empty()) return 0;
  char* end = nullptr;
  const double c = std::strtod(cpus.c_str(), &end);
  if (end == cpus.c_str() || *end != '\0' || c < 0)
    return fail(Error::invalid("invalid argument \"" + cpus + "\" for \"--cpus\" flag: failed to parse " + cpus +
                               " as a rational number"));
  return std::llround(c * 1e9);
}

Result<ojson> throttle_devices(const std::vector<std::string>& specs, bool iops, const char* flag) {
  ojson out = ojson::array();
  for (const auto& spec : specs) {
    const size_t colon = spec.rfind(':');
    auto bad = [&] {
      return Error::invalid("invalid argument \"" + spec + "\" for \"" + flag + "\" flag: invalid rate for device: " +
                            spec + ". The correct format is <device-path>:<number>" + (iops ? "" : "[<unit>]") +
                            ". Number must be a positive integer" +
                            (iops ? "" : ". Unit is optional and can be kb, mb, or gb"));
    };
    if (colon == std::string::npos || colon == 0 || spec.compare(0, 5, "/dev/") != 0)
      return fail(Error::invalid("invalid argument \"" + spec + "\" for \"" + flag + "\" flag: bad format: " + spec));
    const std::string rate_text = spec.substr(colon + 1);
    int64_t rate = 0;
    if (iops) {
      if (rate_text.empty() || rate_text.find_first_not_of("0123456789") != std::string::npos) return fail(bad());
      rate = std::stoll(rate_text);
    } else {
      auto bytes = ram_in_bytes(rate_text);
      if (!bytes || *bytes < 0) return fail(bad());
      rate = *bytes;
    }
    out.push_back({{"Path", spec.substr(0, colon)}, {"Rate", rate}});
  }
  return out;
}

namespace {
bool device_mode(const std::string& m) {
  if (m.empty() || m.size() > 3) return false;
  for (char c : m)
    if (c != 'r' && c != 'w' && c != 'm') return false;
  return true;
}
}  // namespace

Result<ojson> device_mappings(const std::vector<std::string>& specs) {
  ojson out = ojson::array();
  for (const auto& spec : specs) {
    std::vector<std::string> parts;
    for (size_t pos = 0;;) {
      size_t colon = spec.find(':', pos);
      parts.push_back(spec.substr(pos, colon - pos));
      if (colon == std::string::npos) break;
      pos = colon + 1;
    }
    std::string host = parts[0], inside = parts[0], mode = "rwm";
    if (parts.size() == 2) {
      if (device_mode(parts[1])) mode = parts[1];
      else inside = parts[1];
    } else if (parts.size() == 3) {
      if (!device_mode(parts[2])) return fail(Error::invalid("invalid argument \"" + spec + "\" for \"--device\" flag: invalid device mode: " + parts[2]));
      inside = parts[1];
      mode = parts[2];
    } else if (parts.size() > 3) {
      return fail(Error::invalid("invalid argument \"" + spec + "\" for \"--device\" flag: bad format for path: " + spec));
    }
    if (inside.empty() || inside.front() != '/')
      return fail(Error::invalid("invalid argument \"" + spec + "\" for \"--device\" flag: " + inside + " is not an absolute path"));
    out.push_back({{"PathOnHost", host}, {"PathInContainer", inside}, {"CgroupPermissions", mode}});
  }
  return out;
}

Result<void> check_device_cgroup_rules(const std::vector<std::string>& rules) {
  for (const auto& r : rules)
    if (!parse_device_cgroup_rule(r))
      return fail(Error::invalid("invalid argument \"" + r + "\" for \"--device-cgroup-rule\" flag: invalid device cgroup format '" + r + "'"));
  return {};
}

Result<std::vector<std::string>> security_opts_for_wire(const std::vector<std::string>& opts) {
  std::vector<std::string> out;
  for (const auto& o : opts) {
    size_t sep = o.find('=');
    if (sep == std::string::npos) sep = o.find(':');
    const std::string key = sep == std::string::npos ? o : o.substr(0, sep);
    const std::string value = sep == std::string::npos ? "" : o.substr(sep + 1);
    if (key != "seccomp" || value == "unconfined" || value == "builtin" || value.empty()) {
      out.push_back(o);
      continue;
    }
    std::ifstream in(value);
    if (!in) return fail(Error::invalid("opening seccomp profile (" + value + ") failed: " + std::strerror(errno)));
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // Compact, as docker sends it; a file that is not JSON goes as it is
    // and the daemon names the error.
    try {
      text = json::parse(text).dump();
    } catch (const json::exception&) {
    }
    out.push_back("seccomp=" + text);
  }
  return out;
}

Result<std::vector<std::string>> build_env(const RunOptions& o, const char* (*getenv_fn)(const char*)) {
  auto lookup = [&](const std::string& k) -> const char* {
    return getenv_fn ? getenv_fn(k.c_str()) : std::getenv(k.c_str());
  };
  std::vector<std::string> out;
  auto add = [&](const std::string& kv) {
    if (kv.find('=') == std::string::npos) {
      if (const char* v = lookup(kv)) {
        out.push_back(kv + "=" + v);
        return;
      }
    }
    out.push_back(kv);
  };
  for (const auto& file : o.env_files) {
    std::ifstream in(file);
    if (!in) return fail(Error::invalid("open " + file + ": no such file or directory"));
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      size_t b = line.find_first_not_of(" \t");
      if (b == std::string::npos || line[b] == '#') continue;
      line = line.substr(b);
      if (line.find('=') == std::string::npos) {
        // A bare name takes the client's value, or is dropped when unset.
        while (!line.empty() && std::isspace(static_cast<unsigned char>(line.back()))) line.pop_back();
        if (const char* v = lookup(line)) out.push_back(line + "=" + v);
        continue;
      }
      out.push_back(line);
    }
  }
  for (const auto& e : o.env) add(e);
  return out;
}

Result<ojson> container_create_body(const RunOptions& o, const std::string& image, const std::vector<std::string>& cmd) {
  TRY_ASSIGN(std::vector<std::string> env, build_env(o));
  json exposed = json::object(), bindings = json::object(), labels = json::object(), volumes = json::object();
  for (const auto& p : o.publish) TRY_VOID(parse_publish(p, exposed, bindings));
  for (const auto& e : o.expose) {
    // "7000-7002/udp" is three ports, as docker's CLI expands it.
    const size_t slash = e.find('/');
    const std::string proto = slash == std::string::npos ? "tcp" : lower(e.substr(slash + 1));
    auto range = port_range(e.substr(0, slash));
    if (!range) return fail(Error::invalid("invalid range format for --expose: " + e + ", error: " + range.error().message));
    for (int port = range->first; port <= range->second; ++port) exposed[std::to_string(port) + "/" + proto] = json::object();
  }
  for (const auto& l : o.labels) {
    auto eq = l.find('=');
    labels[l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
  }
  std::vector<std::string> binds;
  for (const auto& v : o.volumes) {
    // "/data" alone is an anonymous volume of the container's config.
    if (v.find(':') == std::string::npos) volumes[v] = json::object();
    else binds.push_back(v);
  }
  const bool attach = !o.detach;
  ojson cfg = ojson::object();
  cfg["Hostname"] = o.hostname;
  cfg["Domainname"] = "";
  cfg["User"] = o.user;
  cfg["AttachStdin"] = o.interactive && attach;
  cfg["AttachStdout"] = attach;
  cfg["AttachStderr"] = attach;
  if (!exposed.empty()) cfg["ExposedPorts"] = sorted(exposed);
  cfg["Tty"] = o.tty;
  cfg["OpenStdin"] = o.interactive;
  cfg["StdinOnce"] = o.interactive && attach;
  cfg["Env"] = strings_or_null(env);
  cfg["Cmd"] = strings_or_null(cmd);
  cfg["Image"] = image;
  cfg["Volumes"] = sorted(volumes);
  cfg["WorkingDir"] = o.workdir;
  cfg["Entrypoint"] = o.entrypoint_set ? ojson::array({o.entrypoint}) : ojson(nullptr);
  cfg["OnBuild"] = nullptr;
  cfg["Labels"] = sorted(labels);
  if (!o.stop_signal.empty()) cfg["StopSignal"] = o.stop_signal;
  if (o.stop_timeout >= 0) cfg["StopTimeout"] = o.stop_timeout;

  TRY_ASSIGN(int64_t memory, ram_in_bytes(o.memory));
  int64_t swap = 0;
  if (o.memory_swap == "-1") {
    swap = -1;
  } else {
    TRY_ASSIGN(swap, ram_in_bytes(o.memory_swap));
  }
  TRY_ASSIGN(int64_t reservation, ram_in_bytes(o.memory_reservation));
  TRY_ASSIGN(int64_t shm, ram_in_bytes(o.shm_size));
  TRY_ASSIGN(int64_t nano_cpus, nano_cpus_of(o.cpus));
  TRY_ASSIGN(ojson restart, restart_policy(o.restart));
  if (o.rm && restart["Name"] != "no")
    return fail(Error::invalid("conflicting options: cannot specify both --restart and --rm"));
  const std::string mode = o.network.empty() ? "default" : o.network;

  ojson hc = ojson::object();
  hc["Binds"] = strings_or_null(binds);
  hc["ContainerIDFile"] = "";
  hc["LogConfig"] = {{"Type", ""}, {"Config", ojson::object()}};
  hc["NetworkMode"] = mode;
  hc["PortBindings"] = sorted(bindings);
  hc["RestartPolicy"] = restart;
  hc["AutoRemove"] = o.rm;
  hc["VolumeDriver"] = "";
  hc["VolumesFrom"] = strings_or_null(o.volumes_from);
  hc["ConsoleSize"] = {o.console_rows, o.console_cols};
  hc["CapAdd"] = strings_or_null(o.cap_add);
  hc["CapDrop"] = strings_or_null(o.cap_drop);
  // Checked here as docker's CLI checks them, with its words.
  if (!o.cgroupns.empty() && o.cgroupns != "host" && o.cgroupns != "private")
    return fail(Error::invalid("--cgroupns: invalid CGROUP mode"));
  if (!o.userns.empty() && o.userns != "host") return fail(Error::invalid("--userns: invalid USER mode"));
  hc["CgroupnsMode"] = o.cgroupns;
  hc["Dns"] = o.dns;
  hc["DnsOptions"] = o.dns_options;
  hc["DnsSearch"] = o.dns_search;
  hc["ExtraHosts"] = strings_or_null(o.add_host);
  hc["GroupAdd"] = strings_or_null(o.group_add);
  hc["IpcMode"] = o.ipc_mode;
  hc["Cgroup"] = "";
  hc["Links"] = strings_or_null(o.links);
  hc["OomScoreAdj"] = 0;
  hc["PidMode"] = o.pid_mode;
  hc["Privileged"] = o.privileged;
  hc["PublishAllPorts"] = o.publish_all;
  hc["ReadonlyRootfs"] = o.read_only;
  TRY_ASSIGN(auto security_opts, security_opts_for_wire(o.security_opt));
  hc["SecurityOpt"] = strings_or_null(security_opts);
  if (!o.tmpfs.empty()) {
    json t = json::object();
    for (const auto& m : o.tmpfs) {
      auto colon = m.find(':');
      t[m.substr(0, colon)] = colon == std::string::npos ? "" : m.substr(colon + 1);
    }
    hc["Tmpfs"] = sorted(t);
  }
  hc["UTSMode"] = o.uts_mode;
  hc["UsernsMode"] = o.userns;
  hc["ShmSize"] = shm;
  hc["Isolation"] = "";
  hc["CpuShares"] = o.cpu_shares;
  hc["Memory"] = memory;
  hc["NanoCpus"] = nano_cpus;
  hc["CgroupParent"] = "";
  hc["BlkioWeight"] = o.blkio_weight;
  hc["BlkioWeightDevice"] = ojson::array();
  TRY_ASSIGN(hc["BlkioDeviceReadBps"], throttle_devices(o.device_read_bps, false, "--device-read-bps"));
  TRY_ASSIGN(hc["BlkioDeviceWriteBps"], throttle_devices(o.device_write_bps, false, "--device-write-bps"));
  TRY_ASSIGN(hc["BlkioDeviceReadIOps"], throttle_devices(o.device_read_iops, true, "--device-read-iops"));
  TRY_ASSIGN(hc["BlkioDeviceWriteIOps"], throttle_devices(o.device_write_iops, true, "--device-write-iops"));
  hc["CpuPeriod"] = o.cpu_period;
  hc["CpuQuota"] = o.cpu_quota;
  hc["CpuRealtimePeriod"] = 0;
  hc["CpuRealtimeRuntime"] = 0;
  hc["CpusetCpus"] = o.cpuset_cpus;
  hc["CpusetMems"] = o.cpuset_mems;
  TRY_ASSIGN(hc["Devices"], device_mappings(o.devices));
  TRY_VOID(check_device_cgroup_rules(o.device_cgroup_rules));
  hc["DeviceCgroupRules"] = strings_or_null(o.device_cgroup_rules);
  hc["DeviceRequests"] = nullptr;
  hc["MemoryReservation"] = reservation;
  hc["MemorySwap"] = swap;
  hc["MemorySwappiness"] = -1;
  hc["OomKillDisable"] = false;
  hc["PidsLimit"] = o.pids_limit;
  hc["Ulimits"] = ojson::array();
  hc["CpuCount"] = 0;
  hc["CpuPercent"] = 0;
  hc["IOMaximumIOps"] = 0;
  hc["IOMaximumBandwidth"] = 0;
  if (!o.mounts.empty()) {
    ojson mounts = ojson::array();
    for (const auto& m : o.mounts) {
      TRY_ASSIGN(ojson one, parse_mount(m));
      mounts.push_back(std::move(one));
    }
    hc["Mounts"] = mounts;
  }
  hc["MaskedPaths"] = nullptr;
  hc["ReadonlyPaths"] = nullptr;
  cfg["HostConfig"] = hc;

  // One endpoint for the network the container joins; none for host, none
  // and container:<x>, which have no endpoint of their own.
  ojson endpoints = ojson::object();
  if (mode != "host" && mode != "none" && mode.rfind("container:", 0) != 0) {
    endpoints[mode] = endpoint(o.network_aliases, o.ip, o.mac_address);
    for (const auto& extra : o.extra_networks) endpoints[extra] = endpoint({}, "", "");
  }
  cfg["NetworkingConfig"] = {{"EndpointsConfig", endpoints}};
  return cfg;
}

}  // namespace mydocker::cli::format
