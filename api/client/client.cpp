#include "api/client/client.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "api/version.hpp"
#include "common/url_escape.hpp"

namespace mydocker::api::client {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using Socket = asio::local::stream_protocol::socket;

namespace {
constexpr const char* kMaxVersion = "1.48";

// The daemon's Api-Version header, as the server reads ours (no overflow).
int version_number(const std::string& v) { return api::version_number(v); }

class Conn final : public PendingResponse {
 public:
  explicit Conn(asio::io_context& io) : sock_(io) {}

  Result<void> connect(const std::string& path, const std::string& host) {
    beast::error_code ec;
    sock_.connect(asio::local::stream_protocol::endpoint(path), ec);
    if (ec == asio::error::access_denied)
      // As docker words it, with the way out: the socket's group.
      return fail(Error::forbidden("permission denied while trying to connect to the Docker daemon socket at " + host +
                                   ": dial unix " + path + ": connect: permission denied" +
                                   " (add your user to the socket's group, by default \"mydocker\", or use sudo)"));
    if (ec)
      return fail(Error::unavailable("Cannot connect to the Docker daemon at " + host + ". Is the docker daemon running?"));
    return {};
  }

  Result<void> send(std::string_view method, const std::string& target, std::string_view body,
                    std::string_view content_type, bool upgrade, const std::vector<std::string>& extra = {}) {
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "api.moby.localhost");
    req.set(http::field::user_agent, "mydocker-cli/0.1.0");
    for (const auto& h : extra) {
      auto colon = h.find(':');
      if (colon == std::string::npos) continue;
      size_t v = h.find_first_not_of(' ', colon + 1);
      req.set(h.substr(0, colon), v == std::string::npos ? "" : h.substr(v));
    }
    if (upgrade) {
      req.set(http::field::connection, "Upgrade");
      req.set(http::field::upgrade, "tcp");
    }
    if (!body.empty() || method == "POST") {
      req.set(http::field::content_type, content_type);
      req.body() = std::string(body);
    }
    req.prepare_payload();
    beast::error_code ec;
    http::write(sock_, req, ec);
    if (ec) return fail(Error::unavailable("send request: " + ec.message()));
    return {};
  }

  // Streams the body from fd with chunked encoding.
  Result<void> send_stream(std::string_view method, const std::string& target, int fd, std::string_view content_type) {
    std::string head = std::string(method) + " " + target +
                       " HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: mydocker-cli/0.1.0\r\nContent-Type: " +
                       std::string(content_type) + "\r\nTransfer-Encoding: chunked\r\n\r\n";
    beast::error_code ec;
    asio::write(sock_, asio::buffer(head), ec);
    std::vector<char> buf(1 << 20);
    while (!ec) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return fail(Error::from_errno(errno, "read upload"));
      if (n == 0) break;
      char size_line[32];
      int len = std::snprintf(size_line, sizeof size_line, "%zx\r\n", size_t(n));
      std::array<asio::const_buffer, 3> parts = {asio::buffer(size_line, size_t(len)), asio::buffer(buf.data(), size_t(n)),
                                                 asio::buffer("\r\n", 2)};
      asio::write(sock_, parts, ec);
    }
    if (!ec) asio::write(sock_, asio::buffer("0\r\n\r\n", 5), ec);
    if (ec) return fail(Error::unavailable("send request: " + ec.message()));
    return {};
  }

  Result<void> read_header(bool head_request) {
    parser_.body_limit(std::numeric_limits<std::uint64_t>::max());
    if (head_request) parser_.skip(true);
    beast::error_code ec;
    http::read_header(sock_, buf_, parser_, ec);
    if (ec) return fail(Error::unavailable("read response: " + ec.message()));
    return {};
  }

  int status() const override { return int(parser_.get().result_int()); }

  std::map<std::string, std::string> headers() const {
    std::map<std::string, std::string> out;
    for (const auto& f : parser_.get()) {
      std::string n(f.name_string());
      for (auto& c : n) c = char(std::tolower(static_cast<unsigned char>(c)));
      out[n] = std::string(f.value());
    }
    return out;
  }

  Result<bool> next(std::string& out) override {
    if (parser_.is_done()) return false;
    char tmp[65536];
    parser_.get().body().data = tmp;
    parser_.get().body().size = sizeof tmp;
    beast::error_code ec;
    http::read_some(sock_, buf_, parser_, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec == http::error::end_of_stream || ec == asio::error::eof) return false;
    if (ec) return fail(Error::unavailable("read response: " + ec.message()));
    out.append(tmp, sizeof tmp - parser_.get().body().size);
    return true;
  }

  Hijacked take() {
    Hijacked h;
    auto data = buf_.data();
    h.early.assign(static_cast<const char*>(data.data()), data.size());
    h.fd.reset(::fcntl(sock_.native_handle(), F_DUPFD_CLOEXEC, 0));
    return h;
  }

 private:
  Socket sock_;
  beast::flat_buffer buf_;
  http::response_parser<http::buffer_body> parser_;
};

// Keeps the io_context alive as long as the connection.
struct OwnedConn final : PendingResponse {
  asio::io_context io;
  Conn conn{io};
  int status() const override { return conn.status(); }
  Result<bool> next(std::string& out) override { return conn.next(out); }
};
}  // namespace

Result<std::string> PendingResponse::rest() {
  std::string out;
  for (;;) {
    TRY_ASSIGN(bool more, next(out));
    if (!more) return out;
  }
}

Client::Client(std::string host) : host_(std::move(host)) {
  socket_path_ = host_.rfind("unix://", 0) == 0 ? host_.substr(7) : host_;
}

Client::~Client() = default;

std::string Client::versioned(const std::string& path) const { return "/v" + version_ + path; }

Result<void> Client::negotiate() {
  auto c = std::make_unique<OwnedConn>();
  TRY_VOID(c->conn.connect(socket_path_, host_));
  TRY_VOID(c->conn.send("HEAD", "/_ping", {}, {}, false));
  TRY_VOID(c->conn.read_header(true));
  if (c->conn.status() >= 400) {
    // Like docker: a daemon without HEAD /_ping gets GET /_ping.
    c = std::make_unique<OwnedConn>();
    TRY_VOID(c->conn.connect(socket_path_, host_));
    TRY_VOID(c->conn.send("GET", "/_ping", {}, {}, false));
    TRY_VOID(c->conn.read_header(false));
  }
  auto h = c->conn.headers();
  std::string v = h.count("api-version") ? h["api-version"] : kMaxVersion;
  version_ = version_number(v) > 0 && version_number(v) < version_number(kMaxVersion) ? v : kMaxVersion;
  return {};
}

Result<Response> Client::request(std::string_view method, const std::string& path, std::string_view body,
                                 std::string_view content_type) {
  auto c = std::make_unique<OwnedConn>();
  TRY_VOID(c->conn.connect(socket_path_, host_));
  TRY_VOID(c->conn.send(method, versioned(path), body, content_type, false));
  TRY_VOID(c->conn.read_header(method == "HEAD"));
  Response r;
  r.status = c->conn.status();
  r.headers = c->conn.headers();
  TRY_ASSIGN(r.body, c->rest());
  return r;
}

Result<std::unique_ptr<PendingResponse>> Client::open(std::string_view method, const std::string& path,
                                                      std::string_view body, const std::vector<std::string>& extra) {
  auto c = std::make_unique<OwnedConn>();
  TRY_VOID(c->conn.connect(socket_path_, host_));
  TRY_VOID(c->conn.send(method, versioned(path), body, "application/json", false, extra));
  TRY_VOID(c->conn.read_header(false));
  return std::unique_ptr<PendingResponse>(std::move(c));
}

Result<int> Client::stream(std::string_view method, const std::string& path, std::string_view body,
                           const std::function<void(std::string_view)>& on_data,
                           const std::vector<std::string>& extra) {
  TRY_ASSIGN(auto pending, open(method, path, body, extra));
  if (pending->status() >= 400) return fail(error_from(*pending));
  for (;;) {
    std::string piece;
    TRY_ASSIGN(bool more, pending->next(piece));
    if (!piece.empty()) on_data(piece);
    if (!more) return pending->status();
  }
}

Result<std::unique_ptr<PendingResponse>> Client::upload(std::string_view method, const std::string& path, int fd,
                                                        std::string_view content_type) {
  auto c = std::make_unique<OwnedConn>();
  TRY_VOID(c->conn.connect(socket_path_, host_));
  TRY_VOID(c->conn.send_stream(method, versioned(path), fd, content_type));
  TRY_VOID(c->conn.read_header(false));
  return std::unique_ptr<PendingResponse>(std::move(c));
}

Result<Hijacked> Client::hijack(std::string_view method, const std::string& path, std::string_view body) {
  OwnedConn c;
  TRY_VOID(c.conn.connect(socket_path_, host_));
  TRY_VOID(c.conn.send(method, versioned(path), body, body.empty() ? "text/plain" : "application/json", true));
  TRY_VOID(c.conn.read_header(false));
  if (c.conn.status() != 101) {
    Response r;
    r.status = c.conn.status();
    TRY_ASSIGN(r.body, c.rest());
    return fail(error_from(r));
  }
  return c.conn.take();
}

Error error_from(const Response& r) {
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  std::string msg = j.is_object() && j.contains("message") && j["message"].is_string() ? j["message"].get<std::string>()
                                                                                         : r.body;
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == '\r')) msg.pop_back();
  if (msg.empty()) msg = "request failed with status " + std::to_string(r.status);
  ErrorKind k = r.status == 404 ? ErrorKind::NotFound
                : r.status == 409 ? ErrorKind::Conflict
                : r.status == 400 ? ErrorKind::InvalidParameter
                                  : ErrorKind::System;
  return Error{k, 0, msg};
}

Error error_from(PendingResponse& pending) {
  Response r;
  r.status = pending.status();
  r.body = pending.rest().value_or("");
  return error_from(r);
}

Query& Query::add(const std::string& key, const std::string& value) {
  params_.emplace(key, value);
  return *this;
}

std::string Query::str() const {
  std::string out;
  for (const auto& [k, v] : params_) out += (out.empty() ? "?" : "&") + query_escape(k) + "=" + query_escape(v);
  return out;
}

std::string query_escape(std::string_view s) {
  std::string out;
  size_t b = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == ' ') {
      out += url_encode(s.substr(b, i - b));
      if (i < s.size()) out.push_back('+');
      b = i + 1;
    }
  }
  return out;
}

std::string url_encode(std::string_view s) { return url_path_escape(s); }

}  // namespace mydocker::api::client
