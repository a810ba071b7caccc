#include "daemon/containers/container_files.hpp"

#include <sstream>

#include "common/fs.hpp"

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

Result<void> write_hosts_file(const store::Paths& paths, const Container& c, const std::string& ip) {
  std::string hosts =
      "127.0.0.1\tlocalhost\n"
      "::1\tlocalhost ip6-localhost ip6-loopback\n"
      "fe00::0\tip6-localnet\n"
      "ff00::0\tip6-mcastprefix\n"
      "ff02::1\tip6-allnodes\n"
      "ff02::2\tip6-allrouters\n";
  if (!ip.empty()) hosts += ip + "\t" + c.config.value("Hostname", c.short_id()) + "\n";
  return fs::write_file_atomic(paths.container_hosts(c.id), hosts);
}

Result<void> write_container_files(const store::Paths& paths, const Container& c) {
  const std::string hostname = c.config.value("Hostname", c.short_id());
  TRY_VOID(fs::write_file_atomic(paths.container_hostname(c.id), hostname + "\n"));
  TRY_VOID(write_hosts_file(paths, c, ""));
  auto host_resolv = fs::read_file("/etc/resolv.conf");
  return fs::write_file_atomic(paths.container_resolv(c.id), container_resolv_conf(host_resolv ? *host_resolv : ""));
}

}  // namespace mydocker::daemon::containers
