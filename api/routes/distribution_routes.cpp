// Pull, push, tag and login: POST /images/create?fromImage=, POST
// /images/{name}/push, POST /images/{name}/tag, POST /auth. Progress is a
// JSON-lines stream that starts with the first message; an error before it
// is a plain HTTP error with Docker's status, after it an in-stream
// {"errorDetail":...,"error":...} as Docker writes it.
#include "api/routes/routes.hpp"
#include "daemon/registry/auth.hpp"

namespace mydocker::api {

using nlohmann::json;

namespace {
class ProgressStream {
 public:
  explicit ProgressStream(Responder& res) : res_(res) {}
  void operator()(const json& message) {
    if (!started_) started_ = res_.begin_stream(200, "application/json");
    res_.write_chunk(message.dump() + "\r\n");
  }
  void finish(const Result<void>& outcome) {
    if (!outcome && !started_) return res_.send_error(outcome.error());
    if (!started_) res_.begin_stream(200, "application/json");
    if (!outcome) {
      const std::string& m = outcome.error().message;
      res_.write_chunk(json{{"errorDetail", {{"message", m}}}, {"error", m}}.dump() + "\r\n");
    }
    res_.end_stream();
  }

 private:
  Responder& res_;
  bool started_ = false;
};

Result<daemon::registry::Credentials> credentials_of(const Request& req) {
  return daemon::registry::decode_registry_auth(req.header("x-registry-auth"));
}
}  // namespace

void handle_pull(Backend& b, Request& req, Responder& res) {
  std::string image = req.query_value("fromImage").value_or("");
  const std::string tag = req.query_value("tag").value_or("");
  if (!tag.empty()) image += (tag.starts_with("sha256:") ? "@" : ":") + tag;
  auto ref = daemon::images::parse_reference(image);
  if (!ref) return res.send_error(ref.error());
  auto platform = daemon::registry::parse_platform(req.query_value("platform").value_or(""));
  if (!platform) return res.send_error(platform.error());
  auto credentials = credentials_of(req);
  if (!credentials) return res.send_error(credentials.error());
  ProgressStream stream(res);
  auto pulled = b.distribution.pull(*ref, *platform, *credentials, std::ref(stream));
  stream.finish(pulled ? Result<void>{} : Result<void>(fail(pulled.error())));
}

void register_distribution_routes(Router& r, Backend& b) {
  r.add("POST", "/images/{name*}/push", [&b](Request& req, Responder& res) {
    std::string name = req.param("name");
    const std::string tag = req.query_value("tag").value_or("");
    if (!tag.empty()) name += ":" + tag;
    auto ref = daemon::images::parse_reference(name);
    if (!ref) return res.send_error(ref.error());
    auto credentials = credentials_of(req);
    if (!credentials) return res.send_error(credentials.error());
    ProgressStream stream(res);
    stream.finish(b.distribution.push(*ref, *credentials, std::ref(stream)));
  });
  r.add("POST", "/images/{name*}/tag", [&b](Request& req, Responder& res) {
    std::string repo = req.query_value("repo").value_or("");
    const std::string tag = req.query_value("tag").value_or("");
    if (repo.empty()) return res.send_error(Error::invalid("repository name must have at least one component"));
    auto ref = daemon::images::parse_reference(repo + (tag.empty() ? "" : ":" + tag));
    if (!ref) return res.send_error(ref.error());
    if (!ref->digest.empty()) return res.send_error(Error::invalid("refusing to create a tag with a digest reference"));
    auto tagged = b.images.tag(req.param("name"), *ref);
    if (!tagged) return res.send_error(tagged.error());
    res.send_empty(201);
  });
  r.add("POST", "/auth", [&b](Request& req, Responder& res) {
    auto body = req.json_body();
    if (!body) return res.send_error(body.error());
    daemon::registry::Credentials c;
    c.username = body->value("username", "");
    c.password = body->value("password", "");
    c.identity_token = body->value("identitytoken", "");
    auto ok = b.distribution.login(body->value("serveraddress", ""), c);
    if (!ok) return res.send_error(ok.error());
    res.send_json(200, {{"IdentityToken", ""}, {"Status", "Login Succeeded"}});
  });
}

}  // namespace mydocker::api
