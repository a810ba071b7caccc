#pragma once
// What a route handler sees of an HTTP request and how it answers. No Beast
// or Asio types here: only http_server.cpp knows them.
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::api {

struct Request {
  std::string method;
  std::string path;         // without the /v1.NN prefix
  std::string api_version;  // "1.48" when the path had no prefix
  std::map<std::string, std::string> query;                 // last value of each key
  std::multimap<std::string, std::string> query_all;        // every value (changes=, repeated)
  std::map<std::string, std::string> headers;  // lower-case names
  std::map<std::string, std::string> params;   // from the route pattern
  std::string body;
  std::string body_file;  // set instead of body for streamed uploads

  std::string param(const std::string& k) const;
  std::optional<std::string> query_value(const std::string& k) const;
  // Docker's boolean query values: 1/true/True; "0", "false", "" are false.
  bool query_bool(const std::string& k, bool fallback = false) const;
  std::optional<int64_t> query_int(const std::string& k) const;
  std::string header(const std::string& lower_name) const;
  // The JSON body; an empty body gives an empty object. 400 when malformed.
  Result<nlohmann::json> json_body() const;
};

// The 101 response that starts a hijacked stream.
std::string upgrade_head(std::string_view content_type);

class Responder {
 public:
  virtual ~Responder() = default;
  virtual void send_json(int status, const nlohmann::json& body) = 0;
  virtual void send_empty(int status) = 0;
  virtual void send_text(int status, std::string_view body, std::string_view content_type, bool no_cache = false) = 0;
  virtual void send_error(const Error& e) = 0;
  // Chunked streaming; content_type may be empty (then none is sent, as for logs).
  virtual bool begin_stream(int status, std::string_view content_type) = 0;
  virtual bool write_chunk(std::string_view data) = 0;
  virtual void end_stream() = 0;
  // Sends "101 UPGRADED" and hands over the raw connection.
  // With write_head=false the caller writes upgrade_head() itself, when
  // nothing else can write to the socket before it (attach: see
  // ContainerService::attach).
  virtual Result<UniqueFd> hijack(std::string_view content_type, bool write_head = true) = 0;
  // The connection's fd, to notice a client that hangs up while we wait.
  virtual int connection_fd() const = 0;
};

}  // namespace mydocker::api
