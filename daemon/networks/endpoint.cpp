#include "daemon/networks/endpoint.hpp"

#include <cstdio>
#include <set>

#include "daemon/networks/ipv4.hpp"

namespace mydocker::daemon::networks {

using nlohmann::json;

json Endpoint::to_disk_json() const {
  json ports_j = json::array();
  for (const auto& p : ports)
    ports_j.push_back({{"Proto", p.proto}, {"ContainerPort", p.container_port}, {"HostIp", p.host_ip}, {"HostPort", p.host_port}});
  return {{"Network", network}, {"IP", format_ipv4(ip)}, {"Gateway", format_ipv4(gateway)}, {"Prefix", prefix},
          {"Mac", mac},         {"HostVeth", host_veth}, {"Ports", ports_j}, {"Aliases", aliases},
          {"Interface", ifname}, {"Id", id}};
}

Endpoint Endpoint::from_disk_json(const json& j) {
  Endpoint e;
  e.network = j.value("Network", "bridge");
  e.ip = parse_ipv4(j.value("IP", "")).value_or(0);
  e.gateway = parse_ipv4(j.value("Gateway", "")).value_or(0);
  e.prefix = j.value("Prefix", 0);
  e.mac = j.value("Mac", "");
  e.host_veth = j.value("HostVeth", "");
  e.ifname = j.value("Interface", "eth0");
  e.id = j.value("Id", "");
  e.aliases = j.value("Aliases", std::vector<std::string>{});
  for (const auto& p : j.value("Ports", json::array()))
    e.ports.push_back({p.value("Proto", "tcp"), p.value("ContainerPort", 0), p.value("HostIp", ""), p.value("HostPort", 0)});
  return e;
}

namespace {
// "80/tcp", "53/udp", "8000-8002/tcp" → first, last, proto.
Result<std::tuple<int, int, std::string>> parse_port_key(const std::string& key) {
  const size_t slash = key.find('/');
  std::string proto = slash == std::string::npos ? "tcp" : key.substr(slash + 1);
  const std::string ports = key.substr(0, slash);
  int a = 0, b = 0, used = 0;
  if (std::sscanf(ports.c_str(), "%d-%d%n", &a, &b, &used) == 2 && size_t(used) == ports.size()) {
  } else if (std::sscanf(ports.c_str(), "%d%n", &a, &used) == 1 && size_t(used) == ports.size()) {
    b = a;
  } else {
    return fail(Error::invalid("invalid port specification: \"" + key + "\""));
  }
  if (proto != "tcp" && proto != "udp" && proto != "sctp") return fail(Error::invalid("invalid proto: " + proto));
  if (a < 1 || b > 65535 || a > b) return fail(Error::invalid("invalid port specification: \"" + key + "\""));
  return std::tuple{a, b, proto};
}

// HostPort "", "8080" or "8000-8002".
Result<std::pair<int, int>> parse_host_ports(const std::string& text) {
  if (text.empty()) return std::pair{0, 0};
  int a = 0, b = 0, used = 0;
  if (std::sscanf(text.c_str(), "%d-%d%n", &a, &b, &used) == 2 && size_t(used) == text.size()) {
  } else if (std::sscanf(text.c_str(), "%d%n", &a, &used) == 1 && size_t(used) == text.size()) {
    b = a;
  } else {
    return fail(Error::invalid("invalid port specification: \"" + text + "\""));
  }
  if (a < 0 || b > 65535 || a > b) return fail(Error::invalid("invalid port specification: \"" + text + "\""));
  return std::pair{a, b};
}
}  // namespace

Result<std::vector<PortMapping>> port_requests(const json& hc, const json& config) {
  std::vector<PortMapping> out;
  std::set<std::string> bound;
  const json bindings = hc.value("PortBindings", json::object());
  if (bindings.is_object()) {
    for (const auto& [key, list] : bindings.items()) {
      TRY_ASSIGN(auto port, parse_port_key(key));
      auto [first, last, proto] = port;
      bound.insert(key);
      if (!list.is_array()) continue;
      for (const auto& b : list) {
        const std::string host_ip = b.is_object() ? b.value("HostIp", "") : "";
        if (!host_ip.empty() && !parse_ipv4(host_ip) && host_ip != "::")
          return fail(Error::invalid("invalid IP address: " + host_ip));
        if (host_ip == "::") continue;  // no IPv6 here
        TRY_ASSIGN(auto hp, parse_host_ports(b.is_object() ? b.value("HostPort", "") : ""));
        for (int p = first; p <= last; ++p) {
          int host_port = hp.first == 0 ? 0 : hp.first + (p - first);
          if (hp.first != 0 && hp.second != hp.first && host_port > hp.second)
            return fail(Error::invalid("invalid port range: host ports do not cover " + key));
          // A host range for one container port: the first free of it, found when reserving.
          const int end = first == last && hp.second > hp.first ? hp.second : 0;
          out.push_back({proto, p, host_ip, host_port, end});
        }
      }
    }
  }
  if (hc.value("PublishAllPorts", false) && config.contains("ExposedPorts") && config["ExposedPorts"].is_object()) {
    for (const auto& [key, unused] : config["ExposedPorts"].items()) {
      if (bound.count(key)) continue;
      TRY_ASSIGN(auto port, parse_port_key(key));
      auto [first, last, proto] = port;
      for (int p = first; p <= last; ++p) out.push_back({proto, p, "", 0});
    }
  }
  return out;
}

}  // namespace mydocker::daemon::networks
