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
// The deepest command the parser reached: "mydocker container ls".
std::string command_path(const CLI::App& app) {
  std::string path = "mydocker";
  for (const CLI::App* sub = &app;;) {
    auto subs = sub->get_subcommands();
    if (subs.empty()) return path;
    sub = subs.front();
    path += " " + sub->get_name();
  }
}

// CLI11's parse errors in docker's words and exit codes.
int report_parse_error(const CLI::App& app, const CLI::ParseError& e, int argc, char** argv) {
  const std::string path = command_path(app);
  const std::string msg = e.what();
  if (path == "mydocker" && dynamic_cast<const CLI::RequiredError*>(&e)) {
    std::string word;
    for (int i = 1; i < argc && word.empty(); ++i) {
      std::string a = argv[i];
      if (a == "-H" || a == "--host") ++i;
      else if (a[0] != '-') word = a;
    }
    std::cerr << "mydocker: unknown command: mydocker " << word << "\n\nRun 'mydocker --help' for more information\n";
    return 1;
  }
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    std::string first = msg.substr(msg.find(':') + 1);
    first = first.substr(first.find_first_not_of(' '));
    first = first.substr(0, first.find(' '));
    if (!first.empty() && first[0] == '-') {
      if (first.size() > 1 && first[1] != '-')
        return cli::flag_error(path, "unknown shorthand flag: '" + first.substr(1, 1) + "' in " + first);
      return cli::flag_error(path, "unknown flag: " + first);
    }
    if (path == "mydocker") {
      std::cerr << "mydocker: unknown command: mydocker " << first << "\n\nRun 'mydocker --help' for more information\n";
      return 1;
    }
    return cli::args_error(path, "accepts no arguments", false);
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) || dynamic_cast<const CLI::ArgumentMismatch*>(&e)) {
    const std::string leaf = path.substr(path.rfind(' ') + 1);
    if (leaf == "logs" || leaf == "attach" || leaf == "export") return cli::args_error(path, "requires 1 argument", false);
    if (leaf == "rename") return cli::args_error(path, "requires exactly 2 arguments");
    return cli::args_error(path, "requires at least 1 argument");
  }
  if (dynamic_cast<const CLI::ConversionError*>(&e) || dynamic_cast<const CLI::ValidationError*>(&e))
    return cli::flag_error(path, "invalid argument: " + msg);
  return cli::flag_error(path, msg);
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
      // As docker: a failed ping leaves the newest version in place; the
      // command's own request then fails and reports in its own words.
      (void)client->negotiate();
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
  cli::add_update_command(app, ctx);
  cli::add_inspect_command(app, ctx, "");
  cli::add_system_commands(app, ctx);
  cli::add_export_command(app, ctx);

  CLI::App* container = app.add_subcommand("container", "Manage containers");
  container->require_subcommand(1);
  cli::add_run_commands(*container, ctx);
  cli::add_lifecycle_commands(*container, ctx);
  cli::add_ps_command(*container, ctx, "ls", {"ps", "list"});
  cli::add_logs_command(*container, ctx);
  cli::add_attach_command(*container, ctx);
  cli::add_exec_command(*container, ctx);
  cli::add_pause_rename_top(*container, ctx);
  cli::add_update_command(*container, ctx);
  cli::add_inspect_command(*container, ctx, "container");
  cli::add_container_prune(*container, ctx);
  cli::add_export_command(*container, ctx);

  CLI::App* image = app.add_subcommand("image", "Manage images");
  image->require_subcommand(1);
  cli::add_image_commands(app, *image, ctx);
  cli::add_volume_commands(app, ctx);
  cli::add_network_commands(app, ctx);

  if (argc <= 1) {
    std::cout << app.help();
    return 0;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    return report_parse_error(app, e, argc, argv);
  }
  return ctx.exit_code;
}
