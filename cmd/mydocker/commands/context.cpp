#include "commands/context.hpp"

#include <iostream>

#include "format/jsonmessage.hpp"
#include "format/rows.hpp"

#include <iostream>

namespace mydocker::cli {

int print_daemon_error(const Error& e) {
  if (e.kind == ErrorKind::Unavailable && e.message.rfind("Cannot connect", 0) == 0)
    std::cerr << e.message << "\n";
  else
    std::cerr << "Error response from daemon: " << e.message << "\n";
  return 1;
}

Result<nlohmann::json> get_json(api::client::Client& c, const std::string& path) { return request_json(c, "GET", path); }

Result<nlohmann::json> request_json(api::client::Client& c, const std::string& method, const std::string& path) {
  TRY_ASSIGN(auto r, c.request(method, path));
  if (r.status >= 400) return fail(api::client::error_from(r));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_discarded()) return fail(Error::internal("invalid JSON from daemon"));
  return j;
}

Result<nlohmann::json> inspect_container(api::client::Client& c, const std::string& name) {
  return get_json(c, "/containers/" + api::client::url_encode(name) + "/json");
}

bool confirmed(const std::string& warning) {
  std::cout << warning << "\nAre you sure you want to continue? [y/N] " << std::flush;
  std::string answer;
  std::getline(std::cin, answer);
  return answer == "y" || answer == "Y";
}

int upload_tar_and_print(Context& ctx, const std::string& path, int fd) {
  // The tar is streamed (chunked), never held in memory.
  auto pending = ctx.connect().upload("POST", path, fd, "application/x-tar");
  if (!pending) return print_daemon_error(pending.error());
  if ((*pending)->status() >= 400) return print_daemon_error(api::client::error_from(**pending));
  format::JsonMessageStream messages;
  for (;;) {
    std::string piece;
    auto more = (*pending)->next(piece);
    if (!more) return print_daemon_error(more.error());
    std::cout << messages.feed(piece) << std::flush;
    if (!*more) break;
  }
  std::cout << messages.finish();
  if (messages.error()) return print_daemon_error(Error::internal(*messages.error()));
  return 0;
}

Result<std::string> filters_param(const std::vector<std::string>& flags, bool all) {
  TRY_ASSIGN(nlohmann::json j, format::filters_json(flags));
  if (all) j["all"] = nlohmann::json::array({"true"});
  return j.empty() ? std::string() : j.dump();
}

}  // namespace mydocker::cli
