#pragma once
// Every on-disk location of the daemon, in one place, so the layout of
// --data-root and --exec-root reads at a glance:
//
//   <data-root>/containers/<id>/config.v2.json   container config + state
//   <data-root>/containers/<id>/hostconfig.json
//   <data-root>/containers/<id>/<id>-json.log    json-file log (written by the shim)
//   <data-root>/containers/<id>/{hostname,hosts,resolv.conf}
//   <data-root>/tmp/                              request bodies being received
//   <data-root>/volumes/<name>/_data              a local volume's content
//   <data-root>/volumes/<name>/volume.json        its driver, labels, options, creation time
//   <exec-root>/containers/<id>/config.json       OCI bundle for the shim
//   <exec-root>/containers/<id>/shim.pid          the live shim
//   <exec-root>/containers/<id>/exit.json         written by the shim when the init exits
//   <exec-root>/seccomp/<sha256>.bpf              compiled seccomp filters, shared by the shims
#include <string>

namespace mydocker::daemon::store {

struct Paths {
  std::string data_root;
  std::string exec_root;

  std::string containers_dir() const { return data_root + "/containers"; }
  std::string container_dir(const std::string& id) const { return containers_dir() + "/" + id; }
  std::string container_config(const std::string& id) const { return container_dir(id) + "/config.v2.json"; }
  std::string container_hostconfig(const std::string& id) const { return container_dir(id) + "/hostconfig.json"; }
  std::string container_log(const std::string& id) const { return container_dir(id) + "/" + id + "-json.log"; }
  std::string container_hostname(const std::string& id) const { return container_dir(id) + "/hostname"; }
  std::string container_hosts(const std::string& id) const { return container_dir(id) + "/hosts"; }
  std::string container_resolv(const std::string& id) const { return container_dir(id) + "/resolv.conf"; }
  std::string tmp_dir() const { return data_root + "/tmp"; }
  std::string volumes_dir() const { return data_root + "/volumes"; }
  std::string volume_dir(const std::string& name) const { return volumes_dir() + "/" + name; }
  std::string volume_data(const std::string& name) const { return volume_dir(name) + "/_data"; }
  std::string volume_meta(const std::string& name) const { return volume_dir(name) + "/volume.json"; }
  std::string lock_file() const { return data_root + "/mydockerd.lock"; }

  std::string bundles_dir() const { return exec_root + "/containers"; }
  std::string bundle_dir(const std::string& id) const { return bundles_dir() + "/" + id; }
  std::string shim_pid_file(const std::string& id) const { return bundle_dir(id) + "/shim.pid"; }
  std::string exit_file(const std::string& id) const { return bundle_dir(id) + "/exit.json"; }
};

}  // namespace mydocker::daemon::store
