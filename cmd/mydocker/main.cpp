// mydocker: the command line client. It speaks only the Docker Engine API,
// over the socket given by -H/--host, MYDOCKER_HOST or DOCKER_HOST.
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "api/client/client.hpp"
#include "commands/context.hpp"

using namespace mydocker;

namespace {
std::string default_host() {
  if (const char* h = std::getenv("MYDOCKER_HOST"); h && *h) return h;
  if (const char* h = std::getenv("DOCKER_HOST"); h && std::string(h).rfind("unix://", 0) == 0) return h;
  return "unix:///run/mydocker.sock";
}
}  // namespace

int main(int argc, char** argv) {
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"A self-sufficient runtime for containers", "mydocker"};
  app.require_subcommand(1);
  // -h means --hostname for run/create, as in docker: help is --help only.
  app.set_help_flag("--help", "Print usage");
  std::string host = default_host();
  app.add_option("-H,--host", host, "Daemon socket to connect to");

  std::unique_ptr<api::client::Client> client;
  cli::Context ctx;
  ctx.connect = [&]() -> api::client::Client& {
    if (!client) {
      client = std::make_unique<api::client::Client>(host);
      if (auto r = client->negotiate(); !r) {
        std::cerr << r.error().message << "\n";
        std::exit(1);
      }
    }
    return *client;
  };

  cli::add_run_commands(app, ctx);
  cli::add_lifecycle_commands(app, ctx);
  cli::add_ps_command(app, ctx, "ps", {});
  cli::add_logs_command(app, ctx);
  cli::add_attach_command(app, ctx);
  cli::add_exec_command(app, ctx);
  cli::add_pause_rename_top(app, ctx);
  cli::add_inspect_command(app, ctx, "");
  cli::add_system_commands(app, ctx);

  CLI::App* container = app.add_subcommand("container", "Manage containers");
  container->require_subcommand(1);
  cli::add_run_commands(*container, ctx);
  cli::add_lifecycle_commands(*container, ctx);
  cli::add_ps_command(*container, ctx, "ls", {"ps", "list"});
  cli::add_logs_command(*container, ctx);
  cli::add_attach_command(*container, ctx);
  cli::add_exec_command(*container, ctx);
  cli::add_pause_rename_top(*container, ctx);
  cli::add_inspect_command(*container, ctx, "container");
  cli::add_container_prune(*container, ctx);

  CLI::App* image = app.add_subcommand("image", "Manage images");
  image->require_subcommand(1);
  cli::add_image_commands(app, *image, ctx);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return ctx.exit_code;
}
