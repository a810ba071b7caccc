// /images/*
#include <spdlog/spdlog.h>

#include "api/routes/routes.hpp"

namespace mydocker::api {

using nlohmann::json;

namespace {
void handle_create(Backend& b, Request& req, Responder& res) {
  auto src = req.query_value("fromSrc");
  if (!src) return handle_pull(b, req, res);
  if (*src != "-") return res.send_error(Error::invalid("importing from a URL is not supported: " + *src));
  std::vector<std::string> changes;
  auto range = req.query_all.equal_range("changes");
  for (auto it = range.first; it != range.second; ++it)
    if (!it->second.empty()) changes.push_back(it->second);
  std::string repo = req.query_value("repo").value_or("");
  std::string tag = req.query_value("tag").value_or("");
  auto img = b.images.import_tarball(req.body_file, repo, tag, changes, req.query_value("message").value_or(""));
  if (!img) return res.send_error(img.error());
  res.begin_stream(200, "application/json");
  res.write_chunk(json{{"status", img->id}}.dump() + "\r\n");
  res.end_stream();
}
}  // namespace

void register_image_routes(Router& r, Backend& b) {
  r.add("POST", "/images/create", [&b](Request& req, Responder& res) { handle_create(b, req, res); });
  r.add("GET", "/images/json", [&b](Request& req, Responder& res) {
    json out = json::array();
    auto images = b.images.list();
    std::sort(images.begin(), images.end(), [](const auto& x, const auto& y) { return x.created_ns > y.created_ns; });
    (void)req;
    for (const auto& img : images) out.push_back(b.images.summary_json(img));
    res.send_json(200, out);
  });
  r.add("GET", "/images/{name*}/json", [&b](Request& req, Responder& res) {
    auto img = b.images.resolve(req.param("name"));
    if (!img) return res.send_error(img.error());
    res.send_json(200, b.images.inspect_json(*img));
  });
  r.add("DELETE", "/images/{name*}", [&b](Request& req, Responder& res) {
    auto out = b.images.remove(req.param("name"), req.query_bool("force"), [&b](const std::string& image_id) {
      return b.containers.image_user(image_id);
    });
    if (!out) return res.send_error(out.error());
    res.send_json(200, *out);
  });
}

}  // namespace mydocker::api
