#include "daemon/containers/container_files.hpp"

#include <sstream>

#include "common/fs.hpp"
#include "daemon/containers/config_merge.hpp"

namespace mydocker::daemon::containers {

std::string container_resolv_conf(const std::string& host) {
  std::istringstream in(host);
  std::string line, out;
  bool has_nameserver = false;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key, value;
    words >> key >> value;
    if (key == "nameserver") {
      if (value.starts_with("127.") || value == "::1") continue;
      has_nameserver = true;
    }
    out += line + "\n";
  }
  // Docker falls back to public resolvers here; we keep the file without
  // any so that nothing in a container ever talks to an address we were not
  // told to use.
  (void)has_nameserver;
  return out;
}

std::string apply_dns_options(const std::string& resolv, const std::vector<std::string>& servers,
                              const std::vector<std::string>& search, const std::vector<std::string>& options) {
  std::istringstream in(resolv);
  std::string line, out;
  while (std::getline(in, line)) {
    std::istringstream words(line);
    std::string key;
    words >> key;
    // A given list replaces the host's lines of that kind.
    if ((key == "nameserver" && !servers.empty()) || ((key == "search" || key == "domain") && !search.empty()) ||
        (key == "options" && !options.empty()))
      continue;
    out += line + "\n";
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += " " + x;
    return s;
  };
  if (!search.empty()) out += "search" + join(search) + "\n";
  for (const auto& ns : servers) out += "nameserver " + ns + "\n";
  if (!options.empty()) out += "options" + join(options) + "\n";
  return out;
}

Result<void> write_hosts_file(const store::Paths& paths, const Container& c, const std::string& ip,
                              const std::string& extra_lines) {
  std::string hosts =
      "127.0.0.1\tlocalhost\n"
      "::1\tlocalhost ip6-localhost ip6-loopback\n"
      "fe00::0\tip6-localnet\n"
      "ff00::0\tip6-mcastprefix\n"
      "ff02::1\tip6-allnodes\n"
      "ff02::2\tip6-allrouters\n";
  // --add-host name:ip, as Docker writes them: "ip<TAB>name".
  for (const auto& entry : strings_of(c.host_config.value("ExtraHosts", nlohmann::json()))) {
    const size_t colon = entry.find(':');
    if (colon == std::string::npos) continue;
    hosts += entry.substr(colon + 1) + "\t" + entry.substr(0, colon) + "\n";
  }
  hosts += extra_lines;
  if (!ip.empty()) hosts += ip + "\t" + c.config.value("Hostname", c.short_id()) + "\n";
  return fs::write_file_atomic(paths.container_hosts(c.id), hosts);
}

Result<void> write_resolv_file(const store::Paths& paths, const Container& c, const std::vector<std::string>& servers) {
  auto host_resolv = fs::read_file("/etc/resolv.conf");
  std::string resolv = container_resolv_conf(host_resolv ? *host_resolv : "");
  resolv = apply_dns_options(resolv, servers, strings_of(c.host_config.value("DnsSearch", nlohmann::json())),
                             strings_of(c.host_config.value("DnsOptions", nlohmann::json())));
  return fs::write_file_atomic(paths.container_resolv(c.id), resolv);
}

Result<void> write_container_files(const store::Paths& paths, const Container& c) {
  const std::string hostname = c.config.value("Hostname", c.short_id());
  TRY_VOID(fs::write_file_atomic(paths.container_hostname(c.id), hostname + "\n"));
  TRY_VOID(write_hosts_file(paths, c, ""));
  return write_resolv_file(paths, c, strings_of(c.host_config.value("Dns", nlohmann::json())));
}

}  // namespace mydocker::daemon::containers
