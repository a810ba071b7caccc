#include "libcontainer/spec/spec.hpp"

#include <nlohmann/json.hpp>

#include "common/fs.hpp"

namespace mydocker::libcontainer::spec {

using nlohmann::json;

namespace {
template <class T>
void get_opt(const json& j, const char* key, std::optional<T>& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}
template <class T>
void get_to(const json& j, const char* key, T& out) {
  if (auto it = j.find(key); it != j.end() && !it->is_null()) out = it->get<T>();
}

json caps_json(const Capabilities& c) {
  return {{"bounding", c.bounding}, {"effective", c.effective}, {"permitted", c.permitted},
          {"inheritable", c.inheritable}, {"ambient", c.ambient}};
}

json device_rules_json(const std::vector<DeviceRule>& rules) {
  json a = json::array();
  for (const auto& d : rules) {
    json e = {{"allow", d.allow}, {"type", d.type}, {"access", d.access}};
    if (d.major) e["major"] = *d.major;
    if (d.minor) e["minor"] = *d.minor;
    a.push_back(std::move(e));
  }
  return a;
}

json devices_json(const std::vector<Device>& devices) {
  json a = json::array();
  for (const auto& d : devices) {
    json e = {{"path", d.path}, {"type", d.type}, {"major", d.major}, {"minor", d.minor}};
    if (d.file_mode) e["fileMode"] = *d.file_mode;
    if (d.uid) e["uid"] = *d.uid;
    if (d.gid) e["gid"] = *d.gid;
    a.push_back(std::move(e));
  }
  return a;
}

json seccomp_json(const Seccomp& sc) {
  json syscalls = json::array();
  for (const auto& c : sc.syscalls) {
    json args = json::array();
    for (const auto& a : c.args)
      args.push_back({{"index", a.index}, {"value", a.value}, {"valueTwo", a.value_two}, {"op", a.op}});
    json e = {{"names", c.names}, {"action", c.action}};
    if (c.errno_ret) e["errnoRet"] = *c.errno_ret;
    if (!args.empty()) e["args"] = std::move(args);
    syscalls.push_back(std::move(e));
  }
  json out = {{"defaultAction", sc.default_action}, {"architectures", sc.architectures}, {"syscalls", syscalls}};
  if (sc.default_errno_ret) out["defaultErrnoRet"] = *sc.default_errno_ret;
  if (!sc.flags.empty()) out["flags"] = sc.flags;
  return out;
}

Seccomp parse_seccomp(const json& j) {
  Seccomp sc;
  get_to(j, "defaultAction", sc.default_action);
  get_opt(j, "defaultErrnoRet", sc.default_errno_ret);
  get_to(j, "architectures", sc.architectures);
  get_to(j, "flags", sc.flags);
  if (auto it = j.find("syscalls"); it != j.end() && it->is_array())
    for (const auto& e : *it) {
      SeccompSyscall c;
      get_to(e, "names", c.names);
      get_to(e, "action", c.action);
      get_opt(e, "errnoRet", c.errno_ret);
      if (auto a = e.find("args"); a != e.end() && a->is_array())
        for (const auto& x : *a)
          c.args.push_back({x.value("index", 0u), x.value("value", uint64_t(0)), x.value("valueTwo", uint64_t(0)),
                            x.value("op", "")});
      sc.syscalls.push_back(std::move(c));
    }
  return sc;
}

json resources_json(const Resources& r) {
  json out = json::object();
  if (!r.devices.empty()) out["devices"] = device_rules_json(r.devices);
  json mem = json::object();
  if (r.memory_limit) mem["limit"] = *r.memory_limit;
  if (r.memory_swap) mem["swap"] = *r.memory_swap;
  if (!mem.empty()) out["memory"] = mem;
  json cpu = json::object();
  if (r.cpu_shares) cpu["shares"] = *r.cpu_shares;
  if (r.cpu_quota) cpu["quota"] = *r.cpu_quota;
  if (r.cpu_period) cpu["period"] = *r.cpu_period;
  if (!r.cpuset_cpus.empty()) cpu["cpus"] = r.cpuset_cpus;
  if (!r.cpuset_mems.empty()) cpu["mems"] = r.cpuset_mems;
  if (!cpu.empty()) out["cpu"] = cpu;
  if (r.pids_limit) out["pids"] = {{"limit", *r.pids_limit}};
  json io = json::object();
  if (r.blkio_weight) io["weight"] = *r.blkio_weight;
  auto devices = [](const std::vector<ThrottleDevice>& list) {
    json a = json::array();
    for (const auto& d : list) a.push_back({{"major", d.major}, {"minor", d.minor}, {"rate", d.rate}});
    return a;
  };
  if (!r.read_bps.empty()) io["throttleReadBpsDevice"] = devices(r.read_bps);
  if (!r.write_bps.empty()) io["throttleWriteBpsDevice"] = devices(r.write_bps);
  if (!r.read_iops.empty()) io["throttleReadIOPSDevice"] = devices(r.read_iops);
  if (!r.write_iops.empty()) io["throttleWriteIOPSDevice"] = devices(r.write_iops);
  if (!io.empty()) out["blockIO"] = io;
  return out;
}

void parse_resources(const json& j, Resources& r) {
  if (auto d = j.find("devices"); d != j.end() && d->is_array())
    for (const auto& e : *d) {
      DeviceRule rule;
      get_to(e, "allow", rule.allow);
      get_to(e, "type", rule.type);
      get_opt(e, "major", rule.major);
      get_opt(e, "minor", rule.minor);
      get_to(e, "access", rule.access);
      r.devices.push_back(std::move(rule));
    }
  if (auto m = j.find("memory"); m != j.end() && m->is_object()) {
    get_opt(*m, "limit", r.memory_limit);
    get_opt(*m, "swap", r.memory_swap);
  }
  if (auto c = j.find("cpu"); c != j.end() && c->is_object()) {
    get_opt(*c, "shares", r.cpu_shares);
    get_opt(*c, "quota", r.cpu_quota);
    get_opt(*c, "period", r.cpu_period);
    get_to(*c, "cpus", r.cpuset_cpus);
    get_to(*c, "mems", r.cpuset_mems);
  }
  if (auto p = j.find("pids"); p != j.end() && p->is_object()) get_opt(*p, "limit", r.pids_limit);
  if (auto b = j.find("blockIO"); b != j.end() && b->is_object()) {
    get_opt(*b, "weight", r.blkio_weight);
    auto devices = [&](const char* key, std::vector<ThrottleDevice>& out) {
      auto it = b->find(key);
      if (it == b->end() || !it->is_array()) return;
      for (const auto& d : *it)
        if (d.is_object())
          out.push_back({d.value("major", int64_t(0)), d.value("minor", int64_t(0)), d.value("rate", uint64_t(0))});
    };
    devices("throttleReadBpsDevice", r.read_bps);
    devices("throttleWriteBpsDevice", r.write_bps);
    devices("throttleReadIOPSDevice", r.read_iops);
    devices("throttleWriteIOPSDevice", r.write_iops);
  }
}
}  // namespace

std::string serialize(const Spec& s) {
  json mounts = json::array();
  for (const auto& m : s.mounts)
    mounts.push_back({{"destination", m.destination}, {"type", m.type}, {"source", m.source}, {"options", m.options}});
  json ns = json::array();
  for (const auto& n : s.linux.namespaces) {
    json e = {{"type", n.type}};
    if (!n.path.empty()) e["path"] = n.path;
    ns.push_back(e);
  }
  json rlimits = json::array();
  for (const auto& r : s.process.rlimits) rlimits.push_back({{"type", r.type}, {"hard", r.hard}, {"soft", r.soft}});
  json j = {
      {"ociVersion", s.oci_version},
      {"process",
       {{"terminal", s.process.terminal},
        {"user", {{"uid", s.process.user.uid}, {"gid", s.process.user.gid},
                  {"additionalGids", s.process.user.additional_gids}}},
        {"args", s.process.args},
        {"env", s.process.env},
        {"cwd", s.process.cwd},
        {"capabilities", caps_json(s.process.capabilities)},
        {"rlimits", rlimits},
        {"noNewPrivileges", s.process.no_new_privileges}}},
      {"root", {{"path", s.root.path}, {"readonly", s.root.readonly}}},
      {"hostname", s.hostname},
      {"mounts", mounts},
      {"linux",
       {{"namespaces", ns},
        {"maskedPaths", s.linux.masked_paths},
        {"readonlyPaths", s.linux.readonly_paths},
        {"cgroupsPath", s.linux.cgroups_path},
        {"resources", resources_json(s.linux.resources)},
        {"sysctl", s.linux.sysctl}}},
      {"annotations", s.annotations},
  };
  if (!s.linux.devices.empty()) j["linux"]["devices"] = devices_json(s.linux.devices);
  if (s.linux.seccomp) j["linux"]["seccomp"] = seccomp_json(*s.linux.seccomp);
  auto id_maps = [](const std::vector<IdMapping>& maps) {
    json a = json::array();
    for (const auto& m : maps) a.push_back({{"containerID", m.container_id}, {"hostID", m.host_id}, {"size", m.size}});
    return a;
  };
  if (!s.linux.uid_mappings.empty()) j["linux"]["uidMappings"] = id_maps(s.linux.uid_mappings);
  if (!s.linux.gid_mappings.empty()) j["linux"]["gidMappings"] = id_maps(s.linux.gid_mappings);
  return j.dump(2);
}

Result<Spec> parse(std::string_view text) {
  Spec s;
  try {
    json j = json::parse(text);
    get_to(j, "ociVersion", s.oci_version);
    get_to(j, "hostname", s.hostname);
    get_to(j, "annotations", s.annotations);
    if (auto p = j.find("process"); p != j.end() && p->is_object()) {
      get_to(*p, "terminal", s.process.terminal);
      get_to(*p, "args", s.process.args);
      get_to(*p, "env", s.process.env);
      get_to(*p, "cwd", s.process.cwd);
      get_to(*p, "noNewPrivileges", s.process.no_new_privileges);
      if (auto u = p->find("user"); u != p->end() && u->is_object()) {
        get_to(*u, "uid", s.process.user.uid);
        get_to(*u, "gid", s.process.user.gid);
        get_to(*u, "additionalGids", s.process.user.additional_gids);
      }
      if (auto c = p->find("capabilities"); c != p->end() && c->is_object()) {
        get_to(*c, "bounding", s.process.capabilities.bounding);
        get_to(*c, "effective", s.process.capabilities.effective);
        get_to(*c, "permitted", s.process.capabilities.permitted);
        get_to(*c, "inheritable", s.process.capabilities.inheritable);
        get_to(*c, "ambient", s.process.capabilities.ambient);
      }
      if (auto r = p->find("rlimits"); r != p->end() && r->is_array())
        for (const auto& e : *r) s.process.rlimits.push_back({e.value("type", ""), e.value("hard", 0ULL), e.value("soft", 0ULL)});
    }
    if (auto r = j.find("root"); r != j.end() && r->is_object()) {
      get_to(*r, "path", s.root.path);
      get_to(*r, "readonly", s.root.readonly);
    }
    if (auto m = j.find("mounts"); m != j.end() && m->is_array())
      for (const auto& e : *m) {
        Mount mt;
        get_to(e, "destination", mt.destination);
        get_to(e, "type", mt.type);
        get_to(e, "source", mt.source);
        get_to(e, "options", mt.options);
        s.mounts.push_back(std::move(mt));
      }
    if (auto l = j.find("linux"); l != j.end() && l->is_object()) {
      if (auto n = l->find("namespaces"); n != l->end() && n->is_array())
        for (const auto& e : *n) s.linux.namespaces.push_back({e.value("type", ""), e.value("path", "")});
      for (auto [key, out] : {std::pair{"uidMappings", &s.linux.uid_mappings}, std::pair{"gidMappings", &s.linux.gid_mappings}})
        if (auto m = l->find(key); m != l->end() && m->is_array())
          for (const auto& e : *m)
            out->push_back({e.value("containerID", 0U), e.value("hostID", 0U), e.value("size", 0U)});
      get_to(*l, "maskedPaths", s.linux.masked_paths);
      get_to(*l, "readonlyPaths", s.linux.readonly_paths);
      get_to(*l, "cgroupsPath", s.linux.cgroups_path);
      get_to(*l, "sysctl", s.linux.sysctl);
      if (auto r = l->find("resources"); r != l->end() && r->is_object()) parse_resources(*r, s.linux.resources);
      if (auto d = l->find("devices"); d != l->end() && d->is_array())
        for (const auto& e : *d) {
          Device dev;
          get_to(e, "path", dev.path);
          get_to(e, "type", dev.type);
          get_to(e, "major", dev.major);
          get_to(e, "minor", dev.minor);
          get_opt(e, "fileMode", dev.file_mode);
          get_opt(e, "uid", dev.uid);
          get_opt(e, "gid", dev.gid);
          s.linux.devices.push_back(std::move(dev));
        }
      if (auto sc = l->find("seccomp"); sc != l->end() && sc->is_object()) s.linux.seccomp = parse_seccomp(*sc);
    }
  } catch (const json::exception& e) {
    return fail(Error::invalid(std::string("invalid OCI config: ") + e.what()));
  }
  if (s.process.args.empty()) return fail(Error::invalid("invalid OCI config: process.args is empty"));
  return s;
}

Result<Spec> load(const std::string& bundle) {
  TRY_ASSIGN(std::string text, fs::read_file(bundle + "/config.json"));
  TRY_ASSIGN(Spec s, parse(text));
  if (!s.root.path.empty() && s.root.path.front() != '/') s.root.path = bundle + "/" + s.root.path;
  return s;
}

}  // namespace mydocker::libcontainer::spec
