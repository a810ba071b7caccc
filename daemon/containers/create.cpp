// POST /containers/create
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "common/time.hpp"
#include "daemon/containers/config_merge.hpp"
#include "daemon/containers/container_files.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/containers/oci_spec.hpp"
#include "daemon/containers/names.hpp"
#include "daemon/security/capabilities.hpp"
#include "daemon/security/container_security.hpp"

namespace mydocker::daemon::containers {

using nlohmann::json;

namespace {
// Undo list for a create that fails halfway: nothing half-made stays.
class Rollback {
 public:
  ~Rollback() {
    if (!committed_)
      for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) (*it)();
  }
  void add(std::function<void()> f) { steps_.push_back(std::move(f)); }
  void commit() { committed_ = true; }

 private:
  std::vector<std::function<void()>> steps_;
  bool committed_ = false;
};
// The daemon's remapping, unless the container asks for the host's user
// namespace (--userns host). --privileged needs the host's, as in Docker.
Result<UsernsMaps> userns_for_create(const json& hc, const UsernsMaps& remap) {
  if (remap.empty() || hc.value("UsernsMode", "") == "host") return UsernsMaps{};
  TRY_ASSIGN(const bool privileged, security::privileged_of(hc));
  if (privileged)
    return fail(Error::invalid("privileged mode is incompatible with user namespaces.  You must run the container in "
                               "the host namespace when running privileged mode"));
  return remap;
}

}  // namespace

namespace {
// EndpointsConfig with an entry for NetworkMode's network under its own
// name (clients send "default", "bridge" or nothing for the default one):
// the keys are then exactly the networks the container joins at start.
json primary_network_first(const json& host_config, json endpoints) {
  std::string mode = host_config.value("NetworkMode", "");
  if (mode.empty() || mode == "default") mode = "bridge";
  if (mode == "host" || mode == "none" || mode.rfind("container:", 0) == 0) return endpoints;
  json primary = json::object();
  for (const auto& key : {std::string("default"), std::string("bridge"), mode})
    if (endpoints.contains(key) && (key == mode || mode == "bridge")) {
      if (endpoints[key].is_object()) primary = endpoints[key];
      endpoints.erase(key);
    }
  endpoints[mode] = primary;
  return endpoints;
}
}  // namespace

Result<CreateResult> ContainerService::create(const std::string& requested_name, json config, json host_config) {
  if (!config.is_object()) config = json::object();
  if (!host_config.is_object()) host_config = json::object();
  if (!requested_name.empty() && !valid_container_name(requested_name))
    return fail(Error::invalid("Invalid container name (" + requested_name +
                               "), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"));
  std::string image_ref = config.value("Image", "");
  if (image_ref.empty()) return fail(Error::invalid("No image was specified"));
  TRY_ASSIGN(images::Image image, images_.resolve(image_ref));

  json endpoints_config = json::object();
  if (config.contains("NetworkingConfig") && config["NetworkingConfig"].is_object())
    endpoints_config = config["NetworkingConfig"].value("EndpointsConfig", json::object());
  config.erase("NetworkingConfig");
  if (!endpoints_config.is_object()) endpoints_config = json::object();
  merge_image_config(config, image.config.value("config", json::object()));
  TRY_ASSIGN(std::vector<std::string> argv, command_line(config));

  auto c = std::make_shared<Container>();
  c->id = random_hex_id();
  c->created_ns = timeutil::now_ns();
  c->image_id = image.id;
  c->path = argv[0];
  c->args.assign(argv.begin() + 1, argv.end());
  const bool hostname_given = !config.value("Hostname", "").empty();
  if (!hostname_given) config["Hostname"] = c->short_id();
  c->config = std::move(config);
  c->host_config = std::move(host_config);
  c->endpoints_config = primary_network_first(c->host_config, std::move(endpoints_config));

  TRY_VOID(check_network_config(*c));
  // Limits are checked now (a device that is not there, a weight out of
  // range), before anything of the container exists.
  TRY_VOID(resources_of(c->host_config));
  TRY_VOID(security::validate_security(c->host_config, security::held_capabilities()));
  TRY_ASSIGN(c->userns, userns_for_create(c->host_config, options_.userns_remap));
  if (c->host_config.value("NetworkMode", "") == "host" && !hostname_given) {
    // --net host: the host's name, as Docker gives it.
    char host[256] = {};
    if (::gethostname(host, sizeof host - 1) == 0) c->config["Hostname"] = host;
  }

  std::string name = requested_name;
  if (name.empty())
    name = generate_container_name([this](const std::string& n) { return store_.find(n).has_value(); });
  c->name = name.front() == '/' ? name : "/" + name;

  Rollback rollback;
  TRY_VOID(store_.reserve_name(c->name, c->id));
  rollback.add([this, n = c->name] { store_.release_name(n); });

  TRY_VOID(fs::mkdir_all(paths_.container_dir(c->id), 0710));
  rollback.add([this, id = c->id] { (void)fs::remove_all(paths_.container_dir(id)); });

  TRY_ASSIGN(images::RootfsPlan plan, layers_.create_container_layer(c->id, image));
  rollback.add([this, id = c->id] { (void)layers_.remove_container_layer(id); });
  c->rootfs_path = plan.rootfs_path;
  c->overlay_options = plan.overlay_options;
  // A vfs root is the container's own copy: shifted once, here. An overlay's
  // layers are shared and seen through idmapped mounts (libcontainer).
  if (!c->overlay_options) TRY_VOID(shift_owners(c->rootfs_path, c->userns));

  std::vector<std::string> made_volumes;
  rollback.add([this, &made_volumes, id = c->id] {
    volumes_.release(id);
    for (const auto& v : made_volumes) (void)volumes_.remove(v, false);
  });
  TRY_ASSIGN(c->mount_points, resolve_mounts(*c, made_volumes));
  for (const auto& m : c->mount_points)
    if (m.type == "volume") volumes_.acquire(m.name, c->id);
  // A volume made for a remapped container is its root's, as Docker's local
  // driver makes it; one that existed keeps its owners.
  for (const auto& v : made_volumes) TRY_VOID(shift_owners(volumes_.data_path(v), c->userns));

  TRY_VOID(write_container_files(paths_, *c));
  for (const auto& f : {paths_.container_hosts(c->id), paths_.container_resolv(c->id), paths_.container_hostname(c->id)})
    TRY_VOID(shift_owners(f, c->userns));
  TRY_VOID(store_.checkpoint(*c));
  store_.add(c);
  rollback.commit();
  spdlog::debug("created container {} ({})", c->id, c->name);
  return CreateResult{c->id, {}};
}

}  // namespace mydocker::daemon::containers
