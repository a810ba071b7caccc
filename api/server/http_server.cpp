#include "api/server/http_server.hpp"

#include <sys/stat.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <spdlog/spdlog.h>
#include <limits>
#include <thread>

#include "api/version.hpp"
#include "common/random_id.hpp"

namespace mydocker::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Socket = asio::local::stream_protocol::socket;

int http_status_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::NotFound: return 404;
    case ErrorKind::InvalidParameter: return 400;
    case ErrorKind::Conflict: return 409;
    case ErrorKind::Forbidden: return 403;
    case ErrorKind::Unauthorized: return 401;
    case ErrorKind::NotModified: return 304;
    case ErrorKind::Unavailable: return 503;
    case ErrorKind::System: return 500;
  }
  return 500;
}

namespace {

void common_headers(http::fields& h) {
  h.set("Api-Version", kApiVersion);
  h.set("Docker-Experimental", "false");
  h.set("Ostype", "linux");
  h.set(http::field::server, kServerHeader);
}

class BeastResponder final : public Responder {
 public:
  BeastResponder(Socket& s, unsigned version, bool keep_alive) : s_(s), version_(version), keep_alive_(keep_alive) {}

  bool done() const { return sent_; }
  bool keep_alive() const { return keep_alive_ && !hijacked_ && !streamed_; }

  void send_text(int status, std::string_view body, std::string_view content_type, bool no_cache = false) override {
    http::response<http::string_body> res{http::status(status), version_};
    common_headers(res.base());
    if (no_cache) {
      res.set(http::field::cache_control, "no-cache, no-store, must-revalidate");
      res.set(http::field::pragma, "no-cache");
    }
    if (!content_type.empty()) res.set(http::field::content_type, content_type);
    res.body() = std::string(body);
    res.keep_alive(keep_alive_);
    res.prepare_payload();
    write(res);
  }
  void send_json(int status, const nlohmann::json& body) override {
    // Invalid UTF-8 (a name from the request path, a file name) becomes
    // U+FFFD, as Go's encoding/json writes it; dump() would throw.
    send_text(status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n", "application/json");
  }
  void send_empty(int status) override {
    http::response<http::empty_body> res{http::status(status), version_};
    common_headers(res.base());
    res.keep_alive(keep_alive_);
    if (status != 204 && status != 304) res.content_length(0);
    write(res);
  }
  void send_error(const Error& e) override {
    int status = http_status_for(e.kind);
    if (status == 304) return send_empty(304);
    send_json(status, {{"message", e.message}});
  }
  bool begin_stream(int status, std::string_view content_type) override {
    http::response<http::empty_body> res{http::status(status), version_};
    common_headers(res.base());
    if (!content_type.empty()) res.set(http::field::content_type, content_type);
    res.chunked(true);
    res.keep_alive(false);
    http::response_serializer<http::empty_body> sr{res};
    beast::error_code ec;
    http::write_header(s_, sr, ec);
    sent_ = streamed_ = true;
    return !ec;
  }
  bool write_chunk(std::string_view data) override {
    if (data.empty()) return true;
    beast::error_code ec;
    asio::write(s_, http::make_chunk(asio::const_buffer(data.data(), data.size())), ec);
    return !ec;
  }
  void end_stream() override {
    beast::error_code ec;
    asio::write(s_, http::make_chunk_last(), ec);
  }
  Result<UniqueFd> hijack(std::string_view content_type, bool write_head) override {
    sent_ = hijacked_ = true;
    if (write_head) {
      const std::string head = upgrade_head(content_type);
      beast::error_code ec;
      asio::write(s_, asio::buffer(head), ec);
      if (ec) return fail(Error::internal("write upgrade response: " + ec.message()));
    }
    int fd = ::fcntl(s_.native_handle(), F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return fail(Error::from_errno(errno, "dup connection"));
    return UniqueFd(fd);
  }
  int connection_fd() const override { return s_.native_handle(); }

 private:
  template <class Msg>
  void write(Msg& m) {
    beast::error_code ec;
    http::write(s_, m, ec);
    sent_ = true;
  }

  Socket& s_;
  unsigned version_;
  bool keep_alive_;
  bool sent_ = false, hijacked_ = false, streamed_ = false;
};

// "/v1.41/containers/json" → ("1.41", "/containers/json").
bool strip_version(std::string& path, std::string& version) {
  version = kApiVersion;
  if (path.size() > 2 && path[0] == '/' && path[1] == 'v' && std::isdigit(static_cast<unsigned char>(path[2]))) {
    size_t slash = path.find('/', 1);
    version = path.substr(2, slash == std::string::npos ? std::string::npos : slash - 2);
    path = slash == std::string::npos ? "/" : path.substr(slash);
  }
  return true;
}

void parse_target(std::string_view target, Request& req) {
  size_t q = target.find('?');
  req.path = std::string(target.substr(0, q));
  if (q == std::string_view::npos) return;
  std::string_view qs = target.substr(q + 1);
  while (!qs.empty()) {
    size_t amp = qs.find('&');
    std::string_view kv = qs.substr(0, amp);
    size_t eq = kv.find('=');
    std::string k = percent_decode(kv.substr(0, eq), true);
    std::string v = eq == std::string_view::npos ? "" : percent_decode(kv.substr(eq + 1), true);
    if (!k.empty()) {
      req.query[k] = v;
      req.query_all.emplace(k, v);
    }
    qs = amp == std::string_view::npos ? std::string_view{} : qs.substr(amp + 1);
  }
}

}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  const Router& router;
  StreamBodyPredicate stream_body;
  asio::io_context io;
  asio::local::stream_protocol::acceptor acceptor{io};
  std::atomic<bool> stopping{false};

  Impl(ServerOptions o, const Router& r, StreamBodyPredicate p)
      : options(std::move(o)), router(r), stream_body(std::move(p)) {}

  void serve(Socket sock);
  // false when the connection must end.
  bool serve_one(Socket& sock, beast::flat_buffer& buf);
  void dispatch(Request& req, BeastResponder& res);
};

void HttpServer::Impl::dispatch(Request& req, BeastResponder& res) {
  strip_version(req.path, req.api_version);
  if (auto err = check_api_version(req.api_version); !err.empty()) {
    res.send_json(400, {{"message", err}});
    return;
  }
  bool known = false;
  const Handler* h = router.match(req, known);
  if (!h) {
    if (known) res.send_json(405, {{"message", "method not allowed"}});
    else res.send_json(404, {{"message", "page not found"}});
    return;
  }
  try {
    (*h)(req, res);
  } catch (const std::exception& e) {
    spdlog::error("{} {}: {}", req.method, req.path, e.what());
    if (!res.done()) res.send_json(500, {{"message", e.what()}});
  }
  if (!res.done()) res.send_empty(204);
}

bool HttpServer::Impl::serve_one(Socket& sock, beast::flat_buffer& buf) {
  beast::error_code ec;
  http::request_parser<http::empty_body> header_parser;
  header_parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  http::read_header(sock, buf, header_parser, ec);
  if (ec) {
    if (ec != http::error::end_of_stream) spdlog::debug("read request header: {}", ec.message());
    return false;
  }

  Request req;
  const auto& h = header_parser.get();
  req.method = std::string(h.method_string());
  parse_target(h.target(), req);
  for (const auto& f : h) {
    std::string name(f.name_string());
    for (auto& ch : name) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    req.headers[name] = std::string(f.value());
  }
  const unsigned version = h.version();
  const bool keep_alive = h.keep_alive();
  std::string vpath = req.path, v;
  strip_version(vpath, v);

  if (stream_body && stream_body(req.method, vpath)) {
    req.body_file = options.upload_dir + "/upload-" + random_hex_id().substr(0, 16);
    http::request_parser<http::file_body> fp{std::move(header_parser)};
    fp.body_limit(std::numeric_limits<std::uint64_t>::max());
    fp.get().body().open(req.body_file.c_str(), beast::file_mode::write, ec);
    if (!ec) http::read(sock, buf, fp, ec);
    if (ec) {
      ::unlink(req.body_file.c_str());
      return false;
    }
  } else {
    http::request_parser<http::string_body> sp{std::move(header_parser)};
    sp.body_limit(64 << 20);
    http::read(sock, buf, sp, ec);
    if (ec) {
      spdlog::debug("read request body: {}", ec.message());
      return false;
    }
    req.body = std::move(sp.get().body());
  }

  BeastResponder res(sock, version, keep_alive);
  dispatch(req, res);
  if (!req.body_file.empty()) ::unlink(req.body_file.c_str());
  return res.keep_alive();
}

void HttpServer::Impl::serve(Socket sock) {
  beast::flat_buffer buf;
  while (serve_one(sock, buf)) {
  }
  // close(), never shutdown(): a hijacked connection lives on in the dup
  // we handed over, and shutdown would end it for both.
  beast::error_code ec;
  sock.close(ec);
}

HttpServer::HttpServer(ServerOptions options, const Router& router, StreamBodyPredicate p)
    : impl_(std::make_unique<Impl>(std::move(options), router, std::move(p))) {}

HttpServer::~HttpServer() = default;

Result<void> HttpServer::listen() {
  const std::string& path = impl_->options.socket_path;
  ::unlink(path.c_str());
  beast::error_code ec;
  asio::local::stream_protocol::endpoint ep(path);
  impl_->acceptor.open(ep.protocol(), ec);
  if (!ec) impl_->acceptor.bind(ep, ec);
  if (ec) return fail(Error::internal("listen on unix://" + path + ": " + ec.message()));
  // Mode and group before listen(): no client connects in between.
  if (::chmod(path.c_str(), impl_->options.socket_mode) != 0 ||
      ::chown(path.c_str(), 0, impl_->options.socket_gid) != 0)
    return fail(Error::from_errno(errno, "set the mode and group of " + path));
  impl_->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(Error::internal("listen on unix://" + path + ": " + ec.message()));
  return {};
}

void HttpServer::run() {
  while (!impl_->stopping) {
    beast::error_code ec;
    Socket sock(impl_->io);
    impl_->acceptor.accept(sock, ec);
    if (ec) {
      if (impl_->stopping) break;
      if (ec == asio::error::interrupted) continue;
      spdlog::warn("accept: {}", ec.message());
      continue;
    }
    std::thread([impl = impl_.get(), s = std::move(sock)]() mutable { impl->serve(std::move(s)); }).detach();
  }
}

void HttpServer::stop() {
  impl_->stopping = true;
  // Wakes the blocking accept().
  ::shutdown(impl_->acceptor.native_handle(), SHUT_RDWR);
}

}  // namespace mydocker::api
