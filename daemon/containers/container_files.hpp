#pragma once
// The per-container files bind-mounted into the container: /etc/hostname,
// /etc/hosts and /etc/resolv.conf.
#include "daemon/containers/container.hpp"
#include "daemon/store/paths.hpp"

namespace mydocker::daemon::containers {

Result<void> write_container_files(const store::Paths& paths, const Container& c);
// /etc/resolv.conf: the host's, with `servers` (when any) as its nameservers.
Result<void> write_resolv_file(const store::Paths& paths, const Container& c, const std::vector<std::string>& servers);
// /etc/hosts, with "ip hostname" when the container has an address (at start).
// extra_lines (--link entries) go before the container's own line.
Result<void> write_hosts_file(const store::Paths& paths, const Container& c, const std::string& ip,
                              const std::string& extra_lines = "");

// The host's resolv.conf without loopback nameservers (they mean nothing
// inside the container's network namespace), as Docker filters it.
std::string container_resolv_conf(const std::string& host_resolv_conf);
// --dns, --dns-search, --dns-option: each given list replaces its lines.
std::string apply_dns_options(const std::string& resolv, const std::vector<std::string>& servers,
                              const std::vector<std::string>& search, const std::vector<std::string>& options);

}  // namespace mydocker::daemon::containers
