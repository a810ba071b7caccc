// Image archives and container export: GET /images/get, GET
// /images/{name}/get, POST /images/load, GET /containers/{id}/export.
#include <spdlog/spdlog.h>

#include "api/routes/routes.hpp"
#include "daemon/containers/export.hpp"
#include "daemon/images/image_archive_reader.hpp"
#include "daemon/images/image_archive_writer.hpp"

namespace mydocker::api {

using nlohmann::json;

namespace {
// Checked first (errors as plain HTTP), then streamed as chunks; a failure
// midway ends the connection without the last chunk, so the client sees a
// truncated body rather than a short archive that looks whole.
void send_save(Backend& b, const std::vector<std::string>& names, Responder& res) {
  auto plan = daemon::images::plan_save(b.images, names);
  if (!plan) return res.send_error(plan.error());
  if (!res.begin_stream(200, "application/x-tar")) return;
  auto done = daemon::images::write_save(b.images, *plan, [&res](std::string_view d) { return res.write_chunk(d); });
  if (!done) return spdlog::warn("save {}: {}", names.front(), done.error().message);
  res.end_stream();
}

void handle_load(Backend& b, Request& req, Responder& res) {
  if (req.body_file.empty()) return res.send_error(Error::invalid("no archive in the request body"));
  auto lines = daemon::images::load_images(b.images, req.body_file);
  if (!lines) return res.send_error(lines.error());
  res.begin_stream(200, "application/json");
  for (const auto& l : *lines) res.write_chunk(json{{"stream", l}}.dump() + "\r\n");
  res.end_stream();
}

void handle_export(Backend& b, Request& req, Responder& res) {
  auto dirs = daemon::containers::export_source(b.containers, b.images, req.param("id"));
  if (!dirs) return res.send_error(dirs.error());
  if (!res.begin_stream(200, "application/x-tar")) return;
  auto done = daemon::containers::write_export(*dirs, [&res](std::string_view d) { return res.write_chunk(d); });
  if (!done) return spdlog::warn("export {}: {}", req.param("id"), done.error().message);
  res.end_stream();
}
}  // namespace

void register_archive_routes(Router& r, Backend& b) {
  r.add("GET", "/images/get", [&b](Request& req, Responder& res) {
    std::vector<std::string> names;
    auto range = req.query_all.equal_range("names");
    for (auto it = range.first; it != range.second; ++it)
      if (!it->second.empty()) names.push_back(it->second);
    send_save(b, names, res);
  });
  r.add("GET", "/images/{name*}/get", [&b](Request& req, Responder& res) { send_save(b, {req.param("name")}, res); });
  r.add("POST", "/images/load", [&b](Request& req, Responder& res) { handle_load(b, req, res); });
  r.add("GET", "/containers/{id}/export", [&b](Request& req, Responder& res) { handle_export(b, req, res); });
}

}  // namespace mydocker::api
