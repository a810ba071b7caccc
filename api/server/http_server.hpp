#pragma once
// The Docker Engine API endpoint on a Unix socket. One thread per
// connection, synchronous Beast: handlers may block (wait, stop, attach)
// without holding anyone else up, as Go's goroutine-per-connection server
// behind dockerd does.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "api/server/router.hpp"
#include "common/error.hpp"

namespace mydocker::api {

struct ServerOptions {
  std::string socket_path;  // file path, without unix://
  std::string upload_dir;   // where streamed request bodies are written
  mode_t socket_mode = 0660;
  gid_t socket_gid = 0;  // the group that may use the socket (root: only root)
};

// Which requests get their body streamed to a file instead of memory.
using StreamBodyPredicate = std::function<bool(const std::string& method, const std::string& path)>;

class HttpServer {
 public:
  HttpServer(ServerOptions options, const Router& router, StreamBodyPredicate stream_body);
  ~HttpServer();
  // Binds the socket (replacing a stale one).
  Result<void> listen();
  // Accepts until stop() is called.
  void run();
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Maps an error category to Docker's HTTP status.
int http_status_for(ErrorKind kind);

}  // namespace mydocker::api
