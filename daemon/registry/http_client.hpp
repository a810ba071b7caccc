#pragma once
// The daemon's outgoing HTTP/1.1 client for registries: plain TCP or TLS
// (OpenSSL through Asio, the system's CA store plus the registry's own CA
// files from certs.d), one connection per request, bodies streamed. The
// only translation unit of the daemon that includes Beast.
#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace mydocker::daemon::registry {

struct Url {
  std::string scheme;  // "http" or "https"
  std::string host;    // name or address, without brackets
  std::string port;    // always set ("80"/"443" by default)
  std::string target;  // "/v2/..." with its query

  // "https://host[:port]/path?q"; a relative reference ("/path") is taken
  // against `base` (a Location header).
  static Result<Url> parse(std::string_view text, const Url* base = nullptr);
  std::string host_port() const;  // "host:port" as written in certs.d
  std::string str() const;
};

struct HttpResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names; repeated ones joined with ", "
  std::string body;  // unless streamed to a sink
  std::string header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
  }
};

struct HttpRequest {
  std::string method = "GET";
  Url url;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string body_file;  // sent instead of body when set (blob uploads)
};

// Called with each piece of a 2xx response's body; an error stops the read.
using BodySink = std::function<Result<void>(std::string_view)>;

struct TlsOptions {
  std::string certs_dir;  // <certs_dir>/<host:port>/*.crt are trusted for that registry
  bool verify = true;     // false for --insecure-registry hosts that speak TLS
};

class HttpClient {
 public:
  explicit HttpClient(TlsOptions tls, std::chrono::seconds timeout = std::chrono::seconds(30))
      : tls_(std::move(tls)), timeout_(timeout) {}
  // Sends the request; with a sink, a 2xx body goes to the sink instead
  // of the response (other bodies are always read, up to 1 MiB, for errors).
  // Unavailable (with the host named) when the registry cannot be reached.
  Result<HttpResponse> send(const HttpRequest& request, const BodySink& sink = nullptr) const;

 private:
  TlsOptions tls_;
  std::chrono::seconds timeout_;
};

// True when the failure was the TLS handshake itself (a plain-HTTP server
// answered): the caller may retry over HTTP for an insecure registry.
bool is_tls_handshake_error(const Error& e);

}  // namespace mydocker::daemon::registry
