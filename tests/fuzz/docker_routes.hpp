#pragma once
// Docker Engine API routes as api/routes registers them (same methods and
// patterns), with handlers that do what real handlers do with a request
// before they reach a service: query values, filters, the JSON body,
// path parameters as image references, and every way of answering. No
// service exists behind them, so the HTTP layer and the router can be
// fuzzed without a daemon.
#include <string>
#include <utility>
#include <vector>

#include "api/routes/routes.hpp"
#include "api/server/router.hpp"
#include "daemon/images/reference.hpp"

namespace mydocker::fuzz {

inline const std::vector<std::pair<const char*, const char*>>& docker_route_table() {
  static const std::vector<std::pair<const char*, const char*>> t = {
      {"DELETE", "/containers/{id}"}, {"DELETE", "/images/{name*}"}, {"DELETE", "/networks/{id}"},
      {"DELETE", "/volumes/{name}"}, {"GET", "/_ping"}, {"GET", "/containers/json"},
      {"GET", "/containers/{id}/export"}, {"GET", "/containers/{id}/json"}, {"GET", "/containers/{id}/logs"},
      {"GET", "/containers/{id}/top"}, {"GET", "/exec/{id}/json"}, {"GET", "/images/get"}, {"GET", "/images/json"},
      {"GET", "/images/{name*}/get"}, {"GET", "/images/{name*}/history"}, {"GET", "/images/{name*}/json"},
      {"GET", "/info"}, {"GET", "/networks"}, {"GET", "/networks/{id}"}, {"GET", "/system/df"},
      {"GET", "/version"}, {"GET", "/volumes"}, {"GET", "/volumes/{name}"}, {"POST", "/auth"},
      {"POST", "/containers/create"}, {"POST", "/containers/prune"}, {"POST", "/containers/{id}/attach"},
      {"POST", "/containers/{id}/exec"}, {"POST", "/containers/{id}/kill"}, {"POST", "/containers/{id}/pause"},
      {"POST", "/containers/{id}/rename"}, {"POST", "/containers/{id}/resize"}, {"POST", "/containers/{id}/restart"},
      {"POST", "/containers/{id}/start"}, {"POST", "/containers/{id}/stop"}, {"POST", "/containers/{id}/unpause"},
      {"POST", "/containers/{id}/update"}, {"POST", "/containers/{id}/wait"}, {"POST", "/exec/{id}/resize"},
      {"POST", "/exec/{id}/start"}, {"POST", "/images/create"}, {"POST", "/images/load"}, {"POST", "/images/prune"},
      {"POST", "/images/{name*}/push"}, {"POST", "/images/{name*}/tag"}, {"POST", "/networks/create"},
      {"POST", "/networks/prune"}, {"POST", "/networks/{id}/connect"}, {"POST", "/networks/{id}/disconnect"},
      {"POST", "/volumes/create"}, {"POST", "/volumes/prune"},
  };
  return t;
}

// What a handler does before its service call, then an answer: JSON, an
// error, a chunked stream (logs), an upgrade (attach), or nothing (204).
inline void fake_handler(const std::string& pattern, api::Request& req, api::Responder& res) {
  (void)req.query_bool("all");
  (void)req.query_int("limit");
  (void)req.query_int("t");
  (void)req.header("x-registry-auth");
  if (auto f = req.query_value("filters")) {
    auto filters = api::parse_filters(*f);
    if (!filters) return res.send_error(filters.error());
  }
  auto body = req.json_body();
  if (!body) return res.send_error(body.error());
  (void)api::string_map_of(*body, "Labels");
  if (pattern.find("{name*}") != std::string::npos) {
    auto ref = daemon::images::parse_reference(req.param("name"));
    if (!ref) return res.send_error(ref.error());
    return res.send_json(200, {{"Name", ref->familiar_string()}});
  }
  if (pattern.ends_with("/logs") || pattern.ends_with("/export")) {
    if (!res.begin_stream(200, pattern.ends_with("/logs") ? "" : "application/x-tar")) return;
    res.write_chunk(req.param("id"));
    res.write_chunk(req.body);
    return res.end_stream();
  }
  if (pattern.ends_with("/attach") || pattern == "/exec/{id}/start") {
    auto fd = res.hijack("application/vnd.docker.raw-stream");
    (void)fd;  // closed here: the client sees the stream end
    return;
  }
  if (pattern.ends_with("/kill") || pattern.ends_with("/start")) return;  // 204
  if (!req.param("id").empty() && req.param("id").size() % 2) return res.send_error(Error::not_found("No such container: " + req.param("id")));
  res.send_json(200, {{"Path", req.path}, {"Params", req.params}, {"Version", req.api_version}});
}

inline void add_docker_routes(api::Router& router) {
  for (const auto& [method, pattern] : docker_route_table()) {
    const std::string p = pattern;
    router.add(method, pattern, [p](api::Request& req, api::Responder& res) { fake_handler(p, req, res); });
  }
}

}  // namespace mydocker::fuzz
