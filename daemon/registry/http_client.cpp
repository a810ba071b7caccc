#include "daemon/registry/http_client.hpp"

#include <dirent.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <optional>

namespace mydocker::daemon::registry {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr size_t kMaxErrorBody = 1 << 20;
constexpr const char* kTlsFailure = "tls handshake failed";

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The registry's own CA files, as Docker reads /etc/docker/certs.d/<host:port>/*.crt.
void trust_registry_cas(asio::ssl::context& ctx, const std::string& certs_dir, const std::string& host_port) {
  if (certs_dir.empty()) return;
  const std::string dir = certs_dir + "/" + host_port;
  DIR* d = ::opendir(dir.c_str());
  if (!d) return;
  while (dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.size() > 4 && name.ends_with(".crt")) {
      beast::error_code ec;
      ctx.load_verify_file(dir + "/" + name, ec);
    }
  }
  ::closedir(d);
}

template <class Stream>
Result<HttpResponse> exchange(Stream& stream, beast::tcp_stream& tcp_layer, const HttpRequest& r, const BodySink& sink,
                              std::chrono::seconds timeout) {
  beast::error_code ec;
  const std::string where = r.url.host_port();
  auto set_fields = [&](auto& req) {
    req.set(http::field::host, r.url.port == "80" || r.url.port == "443" ? r.url.host : where);
    req.set(http::field::user_agent, "mydocker/0.1.0");
    for (const auto& [k, v] : r.headers) req.set(k, v);
  };
  tcp_layer.expires_after(timeout);
  if (!r.body_file.empty()) {
    http::request<http::file_body> req{http::string_to_verb(r.method), r.url.target, 11};
    set_fields(req);
    req.body().open(r.body_file.c_str(), beast::file_mode::scan, ec);
    if (ec) return fail(Error::internal("open " + r.body_file + ": " + ec.message()));
    req.prepare_payload();
    http::write(stream, req, ec);
  } else {
    http::request<http::string_body> req{http::string_to_verb(r.method), r.url.target, 11};
    set_fields(req);
    req.body() = r.body;
    if (!r.body.empty() || r.method == "PUT" || r.method == "POST" || r.method == "PATCH") req.prepare_payload();
    http::write(stream, req, ec);
  }
  if (ec) return fail(Error::unavailable(r.method + " " + r.url.str() + ": " + ec.message()));

  beast::flat_buffer buffer;
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(std::numeric_limits<std::uint64_t>::max());
  if (r.method == "HEAD") parser.skip(true);
  tcp_layer.expires_after(timeout);
  http::read_header(stream, buffer, parser, ec);
  if (ec) return fail(Error::unavailable(r.method + " " + r.url.str() + ": " + ec.message()));
  HttpResponse out;
  out.status = int(parser.get().result_int());
  for (const auto& f : parser.get()) {
    std::string key = lower(std::string(f.name_string()));
    auto& slot = out.headers[key];
    slot = slot.empty() ? std::string(f.value()) : slot + ", " + std::string(f.value());
  }
  const bool to_sink = sink && out.status / 100 == 2;
  char chunk[64 * 1024];
  while (!parser.is_done()) {
    parser.get().body().data = chunk;
    parser.get().body().size = sizeof chunk;
    tcp_layer.expires_after(timeout);
    http::read(stream, buffer, parser, ec);
    if (ec == http::error::need_buffer) ec = {};
    if (ec) return fail(Error::unavailable(r.method + " " + r.url.str() + ": " + ec.message()));
    const size_t got = sizeof chunk - parser.get().body().size;
    if (got == 0) continue;
    if (to_sink) {
      TRY_VOID(sink(std::string_view(chunk, got)));
    } else if (out.body.size() < kMaxErrorBody || (!sink && out.status / 100 == 2)) {
      out.body.append(chunk, got);
    }
  }
  return out;
}
}  // namespace

Result<Url> Url::parse(std::string_view text, const Url* base) {
  Url u;
  if (base && !text.empty() && text.front() == '/') {
    u = *base;
    u.target = std::string(text);
    return u;
  }
  const size_t scheme_end = text.find("://");
  if (scheme_end == std::string_view::npos) return fail(Error::invalid("invalid URL: " + std::string(text)));
  u.scheme = lower(std::string(text.substr(0, scheme_end)));
  if (u.scheme != "http" && u.scheme != "https") return fail(Error::invalid("unsupported URL scheme: " + u.scheme));
  std::string_view rest = text.substr(scheme_end + 3);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  u.target = slash == std::string_view::npos ? "/" : std::string(rest.substr(slash));
  if (const size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    if (close == std::string_view::npos) return fail(Error::invalid("invalid URL: " + std::string(text)));
    u.host = std::string(authority.substr(1, close - 1));
    if (close + 1 < authority.size() && authority[close + 1] == ':') u.port = std::string(authority.substr(close + 2));
  } else {
    const size_t colon = authority.rfind(':');
    u.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) u.port = std::string(authority.substr(colon + 1));
  }
  if (u.host.empty()) return fail(Error::invalid("invalid URL: " + std::string(text)));
  if (u.port.empty()) u.port = u.scheme == "https" ? "443" : "80";
  return u;
}

std::string Url::host_port() const {
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return h + ":" + port;
}

std::string Url::str() const {
  const bool default_port = (scheme == "https" && port == "443") || (scheme == "http" && port == "80");
  const std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + (default_port ? h : h + ":" + port) + target;
}

bool is_tls_handshake_error(const Error& e) { return e.message.find(kTlsFailure) != std::string::npos; }

Result<HttpResponse> HttpClient::send(const HttpRequest& r, const BodySink& sink) const {
  asio::io_context io;
  beast::error_code ec;
  tcp::resolver resolver(io);
  auto endpoints = resolver.resolve(r.url.host, r.url.port, ec);
  if (ec) return fail(Error::unavailable("lookup " + r.url.host + ": " + ec.message()));
  beast::tcp_stream tcp_stream(io);
  tcp_stream.expires_after(timeout_);
  tcp_stream.connect(endpoints, ec);
  if (ec) {
    // Go's wording, which Docker's users know: Get "url": dial tcp host:port: connect: connection refused
    std::string method = lower(r.method);
    if (!method.empty()) method[0] = char(std::toupper(static_cast<unsigned char>(method[0])));
    return fail(Error::unavailable(method + " \"" + r.url.str() + "\": dial tcp " + r.url.host_port() +
                                   ": connect: " + lower(ec.message())));
  }
  if (r.url.scheme == "http") return exchange(tcp_stream, tcp_stream, r, sink, timeout_);

  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_default_verify_paths(ec);
  trust_registry_cas(ctx, tls_.certs_dir, r.url.host_port());
  ctx.set_verify_mode(tls_.verify ? asio::ssl::verify_peer : asio::ssl::verify_none);
  beast::ssl_stream<beast::tcp_stream&> tls(tcp_stream, ctx);
  if (tls_.verify) tls.set_verify_callback(asio::ssl::host_name_verification(r.url.host));
  SSL_set_tlsext_host_name(tls.native_handle(), r.url.host.c_str());
  tcp_stream.expires_after(timeout_);
  tls.handshake(asio::ssl::stream_base::client, ec);
  if (ec) return fail(Error::unavailable(std::string(kTlsFailure) + " with " + r.url.host_port() + ": " + ec.message()));
  auto out = exchange(tls, tcp_stream, r, sink, timeout_);
  tls.shutdown(ec);  // a peer that just closes is fine
  return out;
}

}  // namespace mydocker::daemon::registry
