// The API server's HTTP side, whole: api/server/http_server (Beast's
// parser with our limits, the request target and query decoding, the
// version prefix and its check, headers, string and streamed-to-file
// bodies, keep-alive and pipelining, chunked answers and upgrades) and the
// router, over a real Unix socket. The input is what a client writes on
// one connection; the server's answers are read until it hangs up, so each
// input is fully served before the next. Handlers are fakes: see
// docker_routes.hpp.
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <spdlog/spdlog.h>
#include <thread>

#include "api/server/http_server.hpp"
#include "tests/fuzz/docker_routes.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;

namespace {
struct Fixture {
  std::string dir, socket_path;
  api::Router router;
  std::unique_ptr<api::HttpServer> server;
};

Fixture* fixture = nullptr;

void remove_fixture_dir() {
  if (fixture) {
    std::error_code ec;
    std::filesystem::remove_all(fixture->dir, ec);
  }
}

int thread_count() {
  std::ifstream in("/proc/self/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("Threads:", 0) == 0) return std::atoi(line.c_str() + 8);
  return 0;
}

// One connection: writes the input (then half-closes) while reading and
// discarding the answers, until the server closes its end.
void exchange(std::string_view input) {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) std::abort();
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", fixture->socket_path.c_str());
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) std::abort();
  size_t sent = 0;
  bool write_open = true;
  if (input.empty()) {
    ::shutdown(fd, SHUT_WR);
    write_open = false;
  }
  char buf[1 << 16];
  for (;;) {
    pollfd p{fd, short(POLLIN | (write_open ? POLLOUT : 0)), 0};
    if (::poll(&p, 1, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (p.revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t n = ::read(fd, buf, sizeof buf);
      if (n == 0) break;
      if (n < 0 && errno != EAGAIN && errno != EINTR) break;
    }
    if (write_open && (p.revents & POLLOUT)) {
      const ssize_t n = ::send(fd, input.data() + sent, input.size() - sent, MSG_NOSIGNAL);
      if (n > 0) sent += size_t(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || sent == input.size()) {
        ::shutdown(fd, SHUT_WR);
        write_open = false;
      }
    }
  }
  ::close(fd);
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  spdlog::set_level(spdlog::level::off);
  char tmpl[] = "/tmp/mydocker-fuzz-http.XXXXXX";
  if (!::mkdtemp(tmpl)) std::abort();
  fixture = new Fixture;
  fixture->dir = tmpl;
  fixture->socket_path = fixture->dir + "/s";
  std::atexit(remove_fixture_dir);
  fuzz::add_docker_routes(fixture->router);
  api::ServerOptions opts;
  opts.socket_path = fixture->socket_path;
  opts.upload_dir = fixture->dir;
  opts.socket_gid = ::getgid();
  // As mydockerd: image loads are streamed to a file, the rest read into memory.
  fixture->server = std::make_unique<api::HttpServer>(opts, fixture->router, [](const std::string& m, const std::string& p) {
    return m == "POST" && p == "/images/load";
  });
  if (auto r = fixture->server->listen(); !r) {
    std::fprintf(stderr, "listen: %s\n", r.error().message.c_str());
    std::abort();
  }
  const int before = thread_count();
  std::thread([] { fixture->server->run(); }).detach();
  while (thread_count() <= before) ::usleep(100);  // the accept loop is up
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Counted at the first input: libFuzzer starts its own threads after
  // LLVMFuzzerInitialize.
  static const int idle_threads = thread_count();
  exchange(fuzz::as_view(data, size));
  // The connection's (detached) thread closes the socket a moment before
  // it ends: wait for it, so each input is done (memory freed) before the
  // next, and libFuzzer's per-input leak check sees no half-ended thread.
  for (int i = 0; thread_count() > idle_threads && i < 20000; ++i) ::usleep(50);
  return 0;
}
