// /containers/*
#include <limits>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <atomic>
#include <memory>

#include "api/routes/routes.hpp"
#include "common/stream_frame.hpp"
#include "common/time.hpp"
#include "common/detach_keys.hpp"
#include "daemon/containers/signals.hpp"

namespace mydocker::api {

using nlohmann::json;
namespace ctr = daemon::containers;

namespace {
std::optional<int> timeout_param(const Request& req) {
  auto t = req.query_int("t");
  if (!t) t = req.query_int("timeout");
  if (!t) return std::nullopt;
  return int(*t);
}

// Blocks until `done` is signalled or the client hangs up. No polling loop:
// one poll() on both.
class Completion {
 public:
  Completion() : efd_(::eventfd(0, EFD_CLOEXEC)) {}
  void signal() {
    uint64_t one = 1;
    (void)!::write(efd_.get(), &one, sizeof one);
  }
  // true when signalled, false when the client went away first.
  bool wait(int connection_fd) {
    pollfd p[2] = {{efd_.get(), POLLIN, 0}, {connection_fd, POLLRDHUP, 0}};
    for (;;) {
      int n = ::poll(p, 2, -1);
      if (n < 0 && errno == EINTR) continue;
      if (p[0].revents & POLLIN) return true;
      if (p[1].revents & (POLLRDHUP | POLLHUP | POLLERR)) return false;
    }
  }

 private:
  UniqueFd efd_;
};

std::optional<int64_t> parse_time_param(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (auto t = timeutil::parse_rfc3339(v)) return *t;
  // "seconds[.nanoseconds]", as Docker's CLI sends it: exact, not through a double.
  const size_t dot = v.find('.');
  const std::string whole = v.substr(0, dot), frac = dot == std::string::npos ? "" : v.substr(dot + 1);
  auto digits = [](const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; };
  if (whole.empty() || whole.size() > 12 || !digits(whole) || !digits(frac) || frac.size() > 9) return std::nullopt;
  const int64_t secs = std::stoll(whole);
  if (secs >= std::numeric_limits<int64_t>::max() / 1000000000) return std::numeric_limits<int64_t>::max();  // after 2262
  int64_t ns = secs * 1000000000;
  if (!frac.empty()) ns += std::stoll(frac + std::string(9 - frac.size(), '0'));
  return ns;
}

void handle_create(Backend& b, Request& req, Responder& res) {
  auto body = req.json_body();
  if (!body) return res.send_error(body.error());
  if (!body->is_object()) return res.send_error(Error::invalid("invalid JSON: container config must be an object"));
  json host_config = body->value("HostConfig", json::object());
  json config = *body;
  config.erase("HostConfig");
  auto r = b.containers.create(req.query_value("name").value_or(""), std::move(config), std::move(host_config));
  if (!r) return res.send_error(r.error());
  res.send_json(201, {{"Id", r->id}, {"Warnings", r->warnings}});
}

void handle_wait(Backend& b, Request& req, Responder& res) {
  std::string cond = req.query_value("condition").value_or("not-running");
  ctr::WaitCondition c;
  if (cond == "not-running" || cond.empty()) c = ctr::WaitCondition::NotRunning;
  else if (cond == "next-exit") c = ctr::WaitCondition::NextExit;
  else if (cond == "removed") c = ctr::WaitCondition::Removed;
  else return res.send_error(Error::invalid("invalid condition: \"" + cond + "\""));
  auto completion = std::make_shared<Completion>();
  auto result = std::make_shared<ctr::WaitResult>();
  auto r = b.containers.wait(req.param("id"), c, [completion, result](ctr::WaitResult w) {
    *result = w;
    completion->signal();
  });
  if (!r) return res.send_error(r.error());
  // Headers go out at once, as dockerd does: clients start the container
  // only after the wait is in place.
  if (!res.begin_stream(200, "application/json")) return;
  if (!completion->wait(res.connection_fd())) return;
  json body = {{"StatusCode", result->status_code},
               {"Error", result->error.empty() ? json(nullptr) : json{{"Message", result->error}}}};
  res.write_chunk(body.dump() + "\n");
  res.end_stream();
}

void handle_logs(Backend& b, Request& req, Responder& res) {
  daemon::logging::ReadOptions opt;
  opt.want_stdout = req.query_bool("stdout");
  opt.want_stderr = req.query_bool("stderr");
  if (!opt.want_stdout && !opt.want_stderr)
    return res.send_error(Error::invalid("Bad parameters: you must choose at least one stream"));
  opt.timestamps = req.query_bool("timestamps");
  opt.follow = req.query_bool("follow");
  std::string tail = req.query_value("tail").value_or("all");
  if (tail != "all" && !tail.empty()) {
    auto n = req.query_int("tail");
    opt.tail = n && *n >= 0 ? *n : -1;
  }
  for (auto [key, out] : {std::pair<const char*, int64_t*>{"since", &opt.since_ns}, {"until", &opt.until_ns}}) {
    const std::string v = req.query_value(key).value_or("");
    if (v.empty()) continue;
    auto t = parse_time_param(v);
    if (!t) return res.send_error(Error::invalid("invalid value for " + std::string(key) + ": " + v));
    *out = *t;
  }
  bool started = false, tty = false;
  std::string frame;
  if (opt.follow) {
    // Followers get their headers at once, as from dockerd, even before any output.
    auto c = b.containers.inspect(req.param("id"));
    if (!c) return res.send_error(c.error());
    started = res.begin_stream(200, "");
  }
  auto r = b.containers.logs(req.param("id"), opt, [&](int stream, std::string_view data) {
    if (!started) started = res.begin_stream(200, "");
    if (tty) return res.write_chunk(data);
    const auto header = stream_frame_header(stream, data.size());
    frame.assign(header.begin(), header.end());
    frame.append(data);
    return res.write_chunk(frame);
  }, tty, res.connection_fd());
  if (!r) {
    if (!started) return res.send_error(r.error());
    return res.end_stream();
  }
  if (!started) res.begin_stream(200, "");
  res.end_stream();
}

void handle_attach(Backend& b, Request& req, Responder& res) {
  auto c = b.containers.inspect(req.param("id"));
  if (!c) return res.send_error(c.error());
  const bool tty = (*c)["Config"].value("Tty", false);
  // Bad input is answered before the upgrade, as plain HTTP.
  std::string keys_spec = req.query_value("detachKeys").value_or("");
  auto keys = parse_detach_keys(keys_spec.empty() ? kDefaultDetachKeys : keys_spec);
  if (!keys) return res.send_error(keys.error());
  const char* type = tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream";
  auto fd = res.hijack(type, false);
  if (!fd) return;
  // Past the upgrade there is no status line to fail with; closing the
  // socket (attach() drops it on error) ends the client's stream.
  ctr::AttachOptions o;
  o.in = req.query_bool("stdin");
  o.out = req.query_bool("stdout");
  o.err = req.query_bool("stderr");
  o.stream = req.query_bool("stream");
  o.replay_logs = req.query_bool("logs");
  o.detach_keys = *keys;
  o.upgrade_head = upgrade_head(type);
  (void)b.containers.attach(req.param("id"), std::move(*fd), o);
}

void handle_exec_start(Backend& b, Request& req, Responder& res) {
  auto body = req.json_body();
  if (!body) return res.send_error(body.error());
  const std::string id = req.param("id");
  if (auto ok = b.containers.exec_can_start(id); !ok) return res.send_error(ok.error());
  if (body->value("Detach", false)) {
    auto r = b.containers.exec_start(id, UniqueFd());
    if (!r) return res.send_error(r.error());
    return res.send_empty(200);
  }
  const bool tty = body->value("Tty", false);
  auto fd = res.hijack(tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream");
  if (!fd) return;
  UniqueFd keep(::dup(fd->get()));
  if (auto r = b.containers.exec_start(id, std::move(*fd)); !r) {
    // Past the upgrade: the error goes into the stream, as dockerd does.
    std::string text = r.error().message + "\r\n";
    if (!tty) {
      const auto h = stream_frame_header(1, text.size());
      text.insert(0, h.data(), h.size());
    }
    (void)!::write(keep.get(), text.data(), text.size());
  }
}

// ?h=rows&w=cols of a resize request.
Result<std::pair<unsigned, unsigned>> resize_size(Request& req) {
  auto h = req.query_int("h"), w = req.query_int("w");
  if (!h || !w || *h < 0 || *w < 0 || *h > 65535 || *w > 65535)
    return fail(Error::invalid("invalid resize: h and w must be numbers from 0 to 65535"));
  return std::pair{unsigned(*h), unsigned(*w)};
}

void handle_resize(Backend& b, Request& req, Responder& res) {
  auto size = resize_size(req);
  if (!size) return res.send_error(size.error());
  auto r = b.containers.resize(req.param("id"), size->first, size->second);
  if (!r) return res.send_error(r.error());
  res.send_empty(200);
}
}  // namespace

void register_container_routes(Router& r, Backend& b) {
  r.add("POST", "/containers/create", [&b](Request& req, Responder& res) { handle_create(b, req, res); });
  r.add("GET", "/containers/json", [&b](Request& req, Responder& res) {
    ctr::ListOptions opt;
    opt.all = req.query_bool("all");
    opt.limit = int(req.query_int("limit").value_or(-1));
    opt.size = req.query_bool("size");
    auto f = parse_filters(req.query_value("filters").value_or(""));
    if (!f) return res.send_error(f.error());
    opt.filters = std::move(*f);
    auto list = b.containers.list(opt);
    if (!list) return res.send_error(list.error());
    res.send_json(200, *list);
  });
  r.add("GET", "/containers/{id}/json", [&b](Request& req, Responder& res) {
    auto j = b.containers.inspect(req.param("id"));
    if (!j) return res.send_error(j.error());
    res.send_json(200, *j);
  });
  r.add("POST", "/containers/{id}/start", [&b](Request& req, Responder& res) {
    auto r2 = b.containers.start(req.param("id"));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/containers/{id}/stop", [&b](Request& req, Responder& res) {
    std::optional<int> sig;
    if (auto s = req.query_value("signal"); s && !s->empty()) {
      auto parsed = ctr::parse_signal(*s);
      if (!parsed) return res.send_error(parsed.error());
      sig = *parsed;
    }
    auto r2 = b.containers.stop(req.param("id"), timeout_param(req), sig);
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/containers/{id}/kill", [&b](Request& req, Responder& res) {
    auto r2 = b.containers.kill(req.param("id"), req.query_value("signal").value_or(""));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/containers/{id}/restart", [&b](Request& req, Responder& res) {
    auto r2 = b.containers.restart(req.param("id"), timeout_param(req));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/containers/{id}/wait", [&b](Request& req, Responder& res) { handle_wait(b, req, res); });
  r.add("DELETE", "/containers/{id}", [&b](Request& req, Responder& res) {
    auto r2 = b.containers.remove(req.param("id"), req.query_bool("force"), req.query_bool("v"));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/containers/prune", [&b](Request& req, Responder& res) {
    auto f = parse_filters(req.query_value("filters").value_or(""));
    if (!f) return res.send_error(f.error());
    auto p = b.containers.prune(*f);
    if (!p) return res.send_error(p.error());
    res.send_json(200, {{"ContainersDeleted", p->deleted.empty() ? json(nullptr) : json(p->deleted)},
                        {"SpaceReclaimed", p->space_reclaimed}});
  });
  r.add("GET", "/containers/{id}/logs", [&b](Request& req, Responder& res) { handle_logs(b, req, res); });
  r.add("POST", "/containers/{id}/attach", [&b](Request& req, Responder& res) { handle_attach(b, req, res); });
  r.add("POST", "/containers/{id}/resize", [&b](Request& req, Responder& res) { handle_resize(b, req, res); });
  r.add("POST", "/containers/{id}/exec", [&b](Request& req, Responder& res) {
    auto body = req.json_body();
    if (!body) return res.send_error(body.error());
    auto id = b.containers.exec_create(req.param("id"), *body);
    if (!id) return res.send_error(id.error());
    res.send_json(201, {{"Id", *id}});
  });
  r.add("POST", "/exec/{id}/start", [&b](Request& req, Responder& res) { handle_exec_start(b, req, res); });
  r.add("GET", "/exec/{id}/json", [&b](Request& req, Responder& res) {
    auto j = b.containers.exec_inspect(req.param("id"));
    if (!j) return res.send_error(j.error());
    res.send_json(200, *j);
  });
  r.add("POST", "/exec/{id}/resize", [&b](Request& req, Responder& res) {
    auto size = resize_size(req);
    if (!size) return res.send_error(size.error());
    auto r2 = b.containers.exec_resize(req.param("id"), size->first, size->second);
    if (!r2) return res.send_error(r2.error());
    res.send_empty(200);
  });
  r.add("POST", "/containers/{id}/update", [&b](Request& req, Responder& res) {
    auto body = req.json_body();
    if (!body) return res.send_error(body.error());
    auto warnings = b.containers.update(req.param("id"), *body);
    if (!warnings) return res.send_error(warnings.error());
    res.send_json(200, {{"Warnings", warnings->empty() ? nlohmann::json(nullptr) : nlohmann::json(*warnings)}});
  });
  r.add("POST", "/containers/{id}/pause", [&b](Request& req, Responder& res) {
    auto r2 = b.containers.pause(req.param("id"));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/containers/{id}/unpause", [&b](Request& req, Responder& res) {
    auto r2 = b.containers.unpause(req.param("id"));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("POST", "/containers/{id}/rename", [&b](Request& req, Responder& res) {
    auto r2 = b.containers.rename(req.param("id"), req.query_value("name").value_or(""));
    if (!r2) return res.send_error(r2.error());
    res.send_empty(204);
  });
  r.add("GET", "/containers/{id}/top", [&b](Request& req, Responder& res) {
    auto t = b.containers.top(req.param("id"));
    if (!t) return res.send_error(t.error());
    res.send_json(200, *t);
  });
}

}  // namespace mydocker::api
