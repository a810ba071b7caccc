// /volumes: list, create, inspect, remove, prune (the local driver).
#include "api/routes/routes.hpp"
#include "api/version.hpp"

namespace mydocker::api {

using nlohmann::json;
namespace vol = daemon::volumes;

namespace {
Result<vol::Filters> filters_of(Request& req) { return parse_filters(req.query_value("filters").value_or("")); }
}  // namespace

void register_volume_routes(Router& r, Backend& b) {
  r.add("GET", "/volumes", [&b](Request& req, Responder& res) {
    auto filters = filters_of(req);
    if (!filters) return res.send_error(filters.error());
    for (const auto& [key, values] : *filters)
      if (key != "dangling" && key != "name" && key != "driver" && key != "label" && key != "label!")
        return res.send_error(Error::invalid("invalid filter '" + key + "'"));
    json list = json::array();
    for (const auto& v : b.volumes.list(*filters)) list.push_back(b.volumes.to_json(v));
    res.send_json(200, {{"Volumes", list}, {"Warnings", nullptr}});
  });
  r.add("POST", "/volumes/create", [&b](Request& req, Responder& res) {
    auto body = req.json_body();
    if (!body) return res.send_error(body.error());
    if (!body->is_object()) return res.send_error(Error::invalid("invalid JSON: volume config must be an object"));
    vol::CreateRequest cr;
    cr.name = body->value("Name", "");
    cr.driver = body->value("Driver", "local");
    if (cr.driver.empty()) cr.driver = "local";
    cr.labels = string_map_of(*body, "Labels");
    cr.options = string_map_of(*body, "DriverOpts");
    auto v = b.volumes.create(cr);
    if (!v) return res.send_error(v.error());
    res.send_json(201, b.volumes.to_json(*v));
  });
  r.add("POST", "/volumes/prune", [&b](Request& req, Responder& res) {
    auto filters = filters_of(req);
    if (!filters) return res.send_error(filters.error());
    // Before API 1.42 prune took every unused volume; since, only
    // anonymous ones unless all=true.
    bool all = version_number(req.api_version) < version_number("1.42");
    if (auto it = filters->find("all"); it != filters->end()) {
      for (const auto& v : it->second) all = v == "true" || v == "1";
      filters->erase(it);
    }
    for (const auto& [key, values] : *filters)
      if (key != "label" && key != "label!") return res.send_error(Error::invalid("invalid filter '" + key + "'"));
    auto pruned = b.volumes.prune(all, *filters);
    if (!pruned) return res.send_error(pruned.error());
    res.send_json(200, {{"VolumesDeleted", pruned->deleted.empty() ? json(nullptr) : json(pruned->deleted)},
                        {"SpaceReclaimed", pruned->space_reclaimed}});
  });
  r.add("GET", "/volumes/{name}", [&b](Request& req, Responder& res) {
    auto v = b.volumes.get(req.param("name"));
    if (!v) return res.send_error(v.error());
    res.send_json(200, b.volumes.to_json(*v));
  });
  r.add("DELETE", "/volumes/{name}", [&b](Request& req, Responder& res) {
    auto r2 = b.volumes.remove(req.param("name"), req.query_bool("force"));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
}

}  // namespace mydocker::api
