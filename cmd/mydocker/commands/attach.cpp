// attach, and start -a: a terminal (or pipes) joined to a container's stdio.
#include <iostream>

#include "commands/attach_stream.hpp"
#include "commands/context.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::url_encode;

namespace {
struct AttachFlags {
  bool no_stdin = false;
  std::string detach_keys;
};

std::string attach_query(bool with_stdin, const std::string& detach_keys) {
  std::string q = "/attach?stream=1&stdout=1&stderr=1" + std::string(with_stdin ? "&stdin=1" : "");
  if (!detach_keys.empty()) q += "&detachKeys=" + url_encode(detach_keys);
  return q;
}

// Joins the local terminal to the stream until it ends, then returns the
// container's exit code from `waiter`, or 0 when the user detached.
int session(api::client::Client& c, const std::string& id, api::client::Hijacked& hj, bool tty, bool with_stdin,
            const std::string& detach_keys, api::client::PendingResponse& waiter) {
  if (join_session(c, hj, {tty, with_stdin, detach_keys, "/containers/" + id + "/resize"})) return 0;
  auto body = waiter.rest();
  if (!body) return print_daemon_error(body.error());
  auto j = json::parse(*body, nullptr, false);
  return j.is_object() ? j.value("StatusCode", 0) : 0;
}

int do_attach(Context& ctx, const std::string& name, const AttachFlags& f) {
  auto& c = ctx.connect();
  auto info = inspect_container(c, name);
  if (!info) return print_daemon_error(info.error());
  const json& st = (*info)["State"];
  if (st.value("Paused", false)) {
    std::cerr << "You cannot attach to a paused container, unpause it first\n";
    return 1;
  }
  if (!st.value("Running", false)) {
    std::cerr << "You cannot attach to a stopped container, start it first\n";
    return 1;
  }
  const std::string id = (*info)["Id"];
  const bool tty = (*info)["Config"].value("Tty", false);
  const bool with_stdin = !f.no_stdin && (*info)["Config"].value("OpenStdin", false);
  auto waiter = c.open("POST", "/containers/" + id + "/wait?condition=next-exit");
  if (!waiter) return print_daemon_error(waiter.error());
  auto hj = c.hijack("POST", "/containers/" + id + attach_query(with_stdin, f.detach_keys));
  if (!hj) return print_daemon_error(hj.error());
  return session(c, id, *hj, tty, with_stdin, f.detach_keys, **waiter);
}
}  // namespace

int start_attached(Context& ctx, const std::string& name, bool interactive, const std::string& detach_keys) {
  auto& c = ctx.connect();
  auto info = inspect_container(c, name);
  if (!info) return print_daemon_error(info.error());
  const std::string id = (*info)["Id"];
  const bool tty = (*info)["Config"].value("Tty", false);
  const bool with_stdin = interactive && (*info)["Config"].value("OpenStdin", false);
  auto hj = c.hijack("POST", "/containers/" + id + attach_query(with_stdin, detach_keys));
  if (!hj) return print_daemon_error(hj.error());
  auto waiter = c.open("POST", "/containers/" + id + "/wait?condition=next-exit");
  if (!waiter) return print_daemon_error(waiter.error());
  auto started = c.request("POST", "/containers/" + id + "/start");
  if (!started) return print_daemon_error(started.error());
  if (started->status >= 400) return print_daemon_error(api::client::error_from(*started));
  return session(c, id, *hj, tty, with_stdin, detach_keys, **waiter);
}

void add_attach_command(CLI::App& parent, Context& ctx) {
  auto f = std::make_shared<AttachFlags>();
  auto name = std::make_shared<std::string>();
  CLI::App* a = parent.add_subcommand("attach", "Attach local standard input, output, and error streams to a running container");
  a->add_option("CONTAINER", *name, "Container")->required();
  a->add_flag("--no-stdin", f->no_stdin, "Do not attach STDIN");
  a->add_option("--detach-keys", f->detach_keys, "Override the key sequence for detaching a container");
  a->add_option("--sig-proxy", "Proxy all received signals to the process (accepted, always on)");
  a->callback([&ctx, f, name] { ctx.exit_code = do_attach(ctx, *name, *f); });
}

}  // namespace mydocker::cli
