// The router alone (api/server/router): Docker's route table matched
// against any method and path, with percent-decoding and greedy image-name
// segments, then the handler's request helpers, in process. Input:
// "METHOD path\nbody". Properties: a {name*} parameter never holds an
// empty segment; a matched route's params are exactly its {names}.
#include <cstdint>

#include "api/version.hpp"
#include "tests/fuzz/docker_routes.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;

namespace {
class NullResponder final : public api::Responder {
 public:
  // As BeastResponder::send_json writes it.
  void send_json(int status, const nlohmann::json& body) override {
    check(status);
    (void)body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  void send_empty(int status) override { check(status); }
  void send_text(int status, std::string_view, std::string_view, bool) override { check(status); }
  void send_error(const Error& e) override {
    if (e.message.empty()) fuzz::property_failed("error without a message", "");
  }
  bool begin_stream(int status, std::string_view) override { return check(status), true; }
  bool write_chunk(std::string_view) override { return true; }
  void end_stream() override {}
  Result<UniqueFd> hijack(std::string_view, bool) override { return fail(Error::internal("no connection")); }
  int connection_fd() const override { return -1; }

 private:
  static void check(int status) {
    if (status < 100 || status > 599) fuzz::property_failed("bad status", std::to_string(status));
  }
};

const api::Router& router() {
  static const api::Router r = [] {
    api::Router x;
    fuzz::add_docker_routes(x);
    return x;
  }();
  return r;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  const size_t nl = in.find('\n');
  const std::string_view line = in.substr(0, nl);
  api::Request req;
  const size_t sp = line.find(' ');
  req.method = std::string(line.substr(0, sp));
  req.path = sp == std::string_view::npos ? "/" : std::string(line.substr(sp + 1));
  if (nl != std::string_view::npos) req.body = std::string(in.substr(nl + 1));
  // The version prefix as http_server's strip_version cuts it.
  if (req.path.starts_with("/v")) {
    const std::string v = req.path.substr(2, req.path.find('/', 1) - 2);
    (void)api::check_api_version(v);
    const int n = api::version_number(v);
    if (n < -1) fuzz::property_failed("negative version number", v);
  }
  for (const auto& seg : api::split_path(req.path))
    if (seg.empty() || seg.find('/') != std::string::npos) fuzz::property_failed("split_path segment", seg);
  bool known = false;
  const api::Handler* h = router().match(req, known);
  if (h && !known) fuzz::property_failed("matched but path unknown", req.path);
  if (!h) return 0;
  for (const auto& [k, v] : req.params)
    if (v.empty()) fuzz::property_failed("empty route parameter", k);
  // The server would answer 500 for an exception a handler lets out; none
  // of the helpers used here should throw, so one is a finding.
  NullResponder res;
  (*h)(req, res);
  return 0;
}
