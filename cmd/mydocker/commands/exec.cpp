// exec: run a command in a running container, as `docker exec`.
#include <iostream>

#include "commands/attach_stream.hpp"
#include "commands/context.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::url_encode;

namespace {
struct ExecFlags {
  bool interactive = false, tty = false, detach = false, privileged = false;
  std::string user, workdir, detach_keys;
  std::vector<std::string> env;
};

int do_exec(Context& ctx, const ExecFlags& f, const std::vector<std::string>& rest) {
  if (rest.size() < 2) {
    std::cerr << "\"mydocker exec\" requires at least 2 arguments.\n";
    return 1;
  }
  auto& c = ctx.connect();
  const json body = {{"User", f.user}, {"Privileged", f.privileged}, {"Tty", f.tty}, {"AttachStdin", f.interactive && !f.detach},
                     {"AttachStderr", !f.detach}, {"AttachStdout", !f.detach}, {"Detach", f.detach},
                     {"DetachKeys", f.detach_keys}, {"Env", f.env}, {"WorkingDir", f.workdir},
                     {"Cmd", std::vector<std::string>(rest.begin() + 1, rest.end())}};
  auto created = c.request("POST", "/containers/" + url_encode(rest[0]) + "/exec", body.dump());
  if (!created) return print_daemon_error(created.error());
  if (created->status >= 400) return print_daemon_error(api::client::error_from(*created));
  const std::string id = json::parse(created->body, nullptr, false).value("Id", "");
  const json start = {{"Detach", f.detach}, {"Tty", f.tty}};
  if (f.detach) {
    auto r = c.request("POST", "/exec/" + id + "/start", start.dump());
    if (!r) return print_daemon_error(r.error());
    if (r->status >= 400) return print_daemon_error(api::client::error_from(*r));
    return 0;
  }
  auto hj = c.hijack("POST", "/exec/" + id + "/start", start.dump());
  if (!hj) return print_daemon_error(hj.error());
  join_session(c, *hj, {f.tty, f.interactive, f.detach_keys, "/exec/" + id + "/resize"});
  auto info = get_json(c, "/exec/" + id + "/json");
  if (!info) return print_daemon_error(info.error());
  const json code = (*info)["ExitCode"];
  return code.is_number() ? code.get<int>() : 0;
}
}  // namespace

void add_exec_command(CLI::App& parent, Context& ctx) {
  auto f = std::make_shared<ExecFlags>();
  CLI::App* c = parent.add_subcommand("exec", "Execute a command in a running container");
  c->set_help_flag("--help", "Print usage");
  c->add_flag("-i,--interactive", f->interactive, "Keep STDIN open even if not attached");
  c->add_flag("-t,--tty", f->tty, "Allocate a pseudo-TTY");
  c->add_flag("-d,--detach", f->detach, "Detached mode: run command in the background");
  c->add_flag("--privileged", f->privileged, "Give extended privileges to the command");
  c->add_option("-u,--user", f->user, "Username or UID (format: \"<name|uid>[:<group|gid>]\")");
  c->add_option("-w,--workdir", f->workdir, "Working directory inside the container");
  c->add_option("-e,--env", f->env, "Set environment variables")->allow_extra_args(false);
  c->add_option("--detach-keys", f->detach_keys, "Override the key sequence for detaching a container");
  c->prefix_command();
  c->callback([&ctx, f, c] { ctx.exit_code = do_exec(ctx, *f, c->remaining()); });
}

}  // namespace mydocker::cli
