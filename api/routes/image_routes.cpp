// /images/*
#include <spdlog/spdlog.h>

#include "api/routes/routes.hpp"
#include "api/version.hpp"

namespace mydocker::api {

using nlohmann::json;

namespace {
// Who uses which image, from one snapshot of the containers: running
// (paused and restarting count, as in Docker) or stopped.
daemon::images::ImageUsersFn image_users(Backend& b) {
  daemon::containers::ListOptions opt;
  opt.all = true;
  auto snapshot = std::make_shared<json>(b.containers.list(opt).value_or(json::array()));
  return [snapshot](const std::string& image_id) {
    std::vector<daemon::images::ImageUser> out;
    for (const auto& c : *snapshot) {
      if (c.value("ImageID", "") != image_id) continue;
      const std::string state = c.value("State", "");
      out.push_back({c.value("Id", ""), state == "running" || state == "paused" || state == "restarting"});
    }
    return out;
  };
}

// API 1.44 dropped VirtualSize and the "<none>" placeholders of untagged images.
void with_version_fields(json& s, const std::string& api_version) {
  if (version_number(api_version) >= version_number("1.44")) {
    s.erase("VirtualSize");
    return;
  }
  if (s["RepoTags"].empty() && s["RepoDigests"].empty()) {
    s["RepoTags"] = {"<none>:<none>"};
    s["RepoDigests"] = {"<none>@<none>"};
  }
}

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
    // all= asks for intermediate images too: we keep none (no build cache),
    // so it changes nothing. digests= is always on, as in current Docker.
    daemon::images::ImageListOptions opt;
    auto filters = parse_filters(req.query_value("filters").value_or(""));
    if (!filters) return res.send_error(filters.error());
    opt.filters = std::move(*filters);
    opt.shared_size = req.query_bool("shared-size");
    auto out = b.images.list_json(opt, image_users(b));
    if (!out) return res.send_error(out.error());
    for (auto& s : *out) with_version_fields(s, req.api_version);
    res.send_json(200, *out);
  });
  r.add("POST", "/images/prune", [&b](Request& req, Responder& res) {
    auto filters = parse_filters(req.query_value("filters").value_or(""));
    if (!filters) return res.send_error(filters.error());
    auto report = b.images.prune(*filters, image_users(b));
    if (!report) return res.send_error(report.error());
    res.send_json(200, {{"ImagesDeleted", report->deleted.empty() ? json(nullptr) : report->deleted},
                        {"SpaceReclaimed", report->space_reclaimed}});
  });
  r.add("GET", "/images/{name*}/history", [&b](Request& req, Responder& res) {
    auto out = b.images.history_json(req.param("name"));
    if (!out) return res.send_error(out.error());
    res.send_json(200, *out);
  });
  r.add("GET", "/images/{name*}/json", [&b](Request& req, Responder& res) {
    auto img = b.images.resolve(req.param("name"));
    if (!img) return res.send_error(img.error());
    res.send_json(200, b.images.inspect_json(*img));
  });
  r.add("DELETE", "/images/{name*}", [&b](Request& req, Responder& res) {
    auto out = b.images.remove(req.param("name"), req.query_bool("force"), req.query_bool("noprune"), image_users(b));
    if (!out) return res.send_error(out.error());
    res.send_json(200, *out);
  });
}

}  // namespace mydocker::api
