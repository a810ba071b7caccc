// /networks: bridge networks (the default one and user-defined ones), host
// and none.
#include "api/routes/routes.hpp"

namespace mydocker::api {

using nlohmann::json;

namespace {
// The network service knows container ids; names come from the containers.
void fill_container_names(Backend& b, json& network) {
  if (!network.contains("Containers") || !network["Containers"].is_object()) return;
  for (auto& [id, entry] : network["Containers"].items()) {
    auto c = b.containers.inspect(id);
    if (c) entry["Name"] = c->value("Name", "/").substr(1);
  }
}
}  // namespace

void register_network_routes(Router& r, Backend& b) {
  r.add("GET", "/networks", [&b](Request& req, Responder& res) {
    auto filters = parse_filters(req.query_value("filters").value_or(""));
    if (!filters) return res.send_error(filters.error());
    auto list = b.networks.list(*filters);
    if (!list) return res.send_error(list.error());
    for (auto& n : *list) fill_container_names(b, n);
    res.send_json(200, *list);
  });
  r.add("GET", "/networks/{id}", [&b](Request& req, Responder& res) {
    auto n = b.networks.inspect(req.param("id"));
    if (!n) return res.send_error(n.error());
    fill_container_names(b, *n);
    res.send_json(200, *n);
  });
  r.add("POST", "/networks/create", [&b](Request& req, Responder& res) {
    auto body = req.json_body();
    if (!body) return res.send_error(body.error());
    if (!body->is_object()) return res.send_error(Error::invalid("invalid JSON: network config must be an object"));
    daemon::networks::NetworkCreate nc;
    nc.name = body->value("Name", "");
    nc.driver = body->value("Driver", "bridge");
    if (nc.driver.empty()) nc.driver = "bridge";
    nc.internal = body->value("Internal", false);
    nc.labels = string_map_of(*body, "Labels");
    nc.options = string_map_of(*body, "Options");
    const json ipam = body->value("IPAM", json::object());
    const json configs = ipam.is_object() ? ipam.value("Config", json::array()) : json::array();
    if (configs.is_array() && !configs.empty() && configs[0].is_object()) {
      nc.subnet = configs[0].value("Subnet", "");
      nc.ip_range = configs[0].value("IPRange", "");
      nc.gateway = configs[0].value("Gateway", "");
    }
    auto id = b.networks.create(nc);
    if (!id) return res.send_error(id.error());
    res.send_json(201, {{"Id", *id}, {"Warning", ""}});
  });
  r.add("DELETE", "/networks/{id}", [&b](Request& req, Responder& res) {
    auto r2 = b.networks.remove(req.param("id"));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/networks/{id}/connect", [&b](Request& req, Responder& res) {
    auto body = req.json_body();
    if (!body) return res.send_error(body.error());
    if (!body->is_object()) return res.send_error(Error::invalid("invalid JSON: body must be an object"));
    const std::string container = body->value("Container", "");
    if (container.empty()) return res.send_error(Error::invalid("no container specified"));
    auto r2 = b.containers.connect_network(req.param("id"), container, body->value("EndpointConfig", json::object()));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(200);
  });
  r.add("POST", "/networks/{id}/disconnect", [&b](Request& req, Responder& res) {
    auto body = req.json_body();
    if (!body) return res.send_error(body.error());
    if (!body->is_object()) return res.send_error(Error::invalid("invalid JSON: body must be an object"));
    const std::string container = body->value("Container", "");
    if (container.empty()) return res.send_error(Error::invalid("no container specified"));
    auto r2 = b.containers.disconnect_network(req.param("id"), container, body->value("Force", false));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(200);
  });
  r.add("POST", "/networks/prune", [&b](Request& req, Responder& res) {
    auto filters = parse_filters(req.query_value("filters").value_or(""));
    if (!filters) return res.send_error(filters.error());
    const auto deleted = b.networks.prune(*filters);
    res.send_json(200, {{"NetworksDeleted", deleted.empty() ? json(nullptr) : json(deleted)}});
  });
}

}  // namespace mydocker::api
