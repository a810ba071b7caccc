#pragma once
// Registers every API route; each resource has its own file.
#include <string>

#include "api/server/router.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/images/image_service.hpp"
#include "daemon/networks/network_service.hpp"
#include "daemon/registry/distribution.hpp"
#include "daemon/volumes/volume_service.hpp"

namespace mydocker::api {

struct Backend {
  daemon::containers::ContainerService& containers;
  daemon::images::ImageService& images;
  daemon::volumes::VolumeService& volumes;
  daemon::networks::NetworkService& networks;
  daemon::registry::Distribution& distribution;
  std::string data_root;
  std::string daemon_id;
  std::string storage_driver;
  std::string cgroup_version;  // "1" or "2"
  bool userns_remap = false;   // mydockerd --userns-remap
};

void register_system_routes(Router& r, Backend& b);
void register_container_routes(Router& r, Backend& b);
void register_image_routes(Router& r, Backend& b);
void register_volume_routes(Router& r, Backend& b);
void register_network_routes(Router& r, Backend& b);
void register_distribution_routes(Router& r, Backend& b);
void register_archive_routes(Router& r, Backend& b);  // save, load, export
// POST /images/create with fromImage (the route itself also imports).
void handle_pull(Backend& b, Request& req, Responder& res);

inline void register_all_routes(Router& r, Backend& b) {
  register_system_routes(r, b);
  register_container_routes(r, b);
  register_image_routes(r, b);
  register_volume_routes(r, b);
  register_network_routes(r, b);
  register_distribution_routes(r, b);
  register_archive_routes(r, b);
}

// The string values of body[key] when it is an object (Labels, Options).
std::map<std::string, std::string> string_map_of(const nlohmann::json& body, const char* key);

// Decodes Docker's "filters" query parameter: {"status":["running"]} or the
// older {"status":{"running":true}}. 400 when malformed.
Result<std::map<std::string, std::vector<std::string>>> parse_filters(const std::string& text);

}  // namespace mydocker::api
