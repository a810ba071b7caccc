#pragma once
// The HTTP client the CLI uses: the Docker Engine API over a Unix socket,
// with version negotiation, streamed bodies and hijacked connections. No
// Boost types in this header.
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::api::client {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
};

// A raw connection after "101 UPGRADED", with any bytes that arrived
// together with the response header.
struct Hijacked {
  UniqueFd fd;
  std::string early;
};

// One request whose response is read in parts (wait: the header comes at
// once, the body when the container exits).
class PendingResponse {
 public:
  virtual ~PendingResponse() = default;
  virtual int status() const = 0;
  // Reads the next piece of the body; false at its end.
  virtual Result<bool> next(std::string& out) = 0;
  Result<std::string> rest();
};

class Client {
 public:
  // host: "unix:///run/mydocker.sock"
  explicit Client(std::string host);
  ~Client();

  const std::string& host() const { return host_; }
  // The version in use ("1.48" until negotiate() picks the daemon's, if lower).
  const std::string& api_version() const { return version_; }
  // HEAD /_ping; picks min(1.48, the daemon's Api-Version) as the path prefix.
  Result<void> negotiate();

  Result<Response> request(std::string_view method, const std::string& path, std::string_view body = {},
                           std::string_view content_type = "application/json");
  // Body from a file or stdin (fd), streamed.
  Result<std::unique_ptr<PendingResponse>> upload(std::string_view method, const std::string& path, int body_fd,
                                                  std::string_view content_type);
  // The response header now, the body piece by piece (extra_headers: "Name: value" lines).
  Result<std::unique_ptr<PendingResponse>> open(std::string_view method, const std::string& path,
                                                std::string_view body = {},
                                                const std::vector<std::string>& extra_headers = {});
  // A streamed response (logs, JSON progress): each piece of the body goes to
  // on_data as it arrives. Returns the status; an error status's body is
  // turned into the Error instead.
  Result<int> stream(std::string_view method, const std::string& path, std::string_view body,
                     const std::function<void(std::string_view)>& on_data,
                     const std::vector<std::string>& extra_headers = {});
  Result<Hijacked> hijack(std::string_view method, const std::string& path, std::string_view body = {});

 private:
  std::string versioned(const std::string& path) const;

  std::string host_;
  std::string socket_path_;
  std::string version_ = "1.48";
};

// Query parameters as Go's url.Values.Encode writes them: keys sorted, values
// of one key in the order added, QueryEscape'd ("a b" → "a+b").
class Query {
 public:
  Query& add(const std::string& key, const std::string& value);
  Query& add_if(bool cond, const std::string& key, const std::string& value) { return cond ? add(key, value) : *this; }
  // "?a=1&b=2", or "" when empty.
  std::string str() const;

 private:
  std::multimap<std::string, std::string> params_;
};

// The daemon's {"message": ...} as an Error (or the raw body / status).
Error error_from(const Response& r);
// Path segment escaping (names, ids): %XX for everything but unreserved.
std::string url_encode(std::string_view s);
// Go's url.QueryEscape: like url_encode but space becomes '+'.
std::string query_escape(std::string_view s);
// The daemon's error for a response read in parts.
Error error_from(PendingResponse& pending);

}  // namespace mydocker::api::client
