#pragma once
// What every command gets: the API client and the place to put its exit
// code. Commands register themselves on a CLI11 parent (the root app or a
// group such as `container`), so `mydocker ps` and `mydocker container ls`
// share one implementation.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "api/client/client.hpp"

namespace mydocker::cli {

struct Context {
  api::client::Client* client = nullptr;
  int exit_code = 0;
  // "mydocker run" or "mydocker container run", for usage messages.
  std::string command_path;
  // Sets up the client lazily (after flags are parsed) and negotiates.
  std::function<api::client::Client&()> connect;
};

// "Error response from daemon: ..." on stderr; returns 1.
int print_daemon_error(const Error& e);
// A request that must succeed: the JSON body, or the error.
Result<nlohmann::json> get_json(api::client::Client& c, const std::string& path);
// The same for another method without a body (the prune calls).
Result<nlohmann::json> request_json(api::client::Client& c, const std::string& method, const std::string& path);
// GET /containers/{name}/json.
Result<nlohmann::json> inspect_container(api::client::Client& c, const std::string& name);

// "Usage:  mydocker ps [OPTIONS]" for a command path such as "mydocker ps".
std::string usage_line(const std::string& path);
// A bad flag or flag value: message, usage, "Run '... --help'"; returns 125.
int flag_error(const std::string& path, const std::string& message);
// Wrong number of arguments ("requires at least 1 argument"); returns 1.
int args_error(const std::string& path, const std::string& what, bool see = true);

// The prune prompt: prints the warning and "Are you sure you want to
// continue? [y/N] ", true for y or Y on stdin.
bool confirmed(const std::string& warning);
// -f/--filter key=value flags as the `filters` query parameter ("" for
// none); Docker's message for a malformed one.
Result<std::string> filters_param(const std::vector<std::string>& flags, bool all = false);

// POST path with the tar read from fd (0: stdin) streamed as the body, the
// daemon's JSON messages printed to stdout as docker does (import, load);
// the exit code.
int upload_tar_and_print(Context& ctx, const std::string& path, int fd);

// "busybox" → "busybox:latest" (as docker prints it in "Unable to find image").
std::string normalize_image_ref(const std::string& image);
// POST /images/create?fromImage=..&tag=.. with the stored credentials; the
// progress rendered to out_fd (1 or 2) as docker does (bars on a terminal).
Result<void> pull_image(api::client::Client& c, const std::string& image, int out_fd, const std::string& platform = "",
                        bool quiet = false);
// pull, push, tag, login, logout (root) and image pull/push/tag.
void add_registry_commands(CLI::App& root, CLI::App& image_group, Context& ctx);

void add_run_commands(CLI::App& parent, Context& ctx);        // run, create
void add_lifecycle_commands(CLI::App& parent, Context& ctx);  // start stop kill restart rm wait
void add_ps_command(CLI::App& parent, Context& ctx, const std::string& name, const std::vector<std::string>& aliases);
void add_logs_command(CLI::App& parent, Context& ctx);
void add_attach_command(CLI::App& parent, Context& ctx);
void add_exec_command(CLI::App& parent, Context& ctx);
// start -a: attach, start, stream until the container stops; its exit code.
int start_attached(Context& ctx, const std::string& name, bool interactive, const std::string& detach_keys);
void add_inspect_command(CLI::App& parent, Context& ctx, const std::string& type);
void add_container_prune(CLI::App& parent, Context& ctx);
void add_pause_rename_top(CLI::App& parent, Context& ctx);  // pause unpause rename top
void add_update_command(CLI::App& parent, Context& ctx);
void add_image_commands(CLI::App& root, CLI::App& image_group, Context& ctx);
void add_save_load_commands(CLI::App& parent, Context& ctx);  // save, load (archive_commands.cpp)
void add_export_command(CLI::App& parent, Context& ctx);
void add_system_commands(CLI::App& root, Context& ctx);
void add_volume_commands(CLI::App& root, Context& ctx);  // the `volume` group
void add_network_commands(CLI::App& root, Context& ctx);  // port, and the `network` group
// Renders rows through a --format (with or without `table`); 0 or 1.
int render_rows(const std::vector<nlohmann::json>& rows, std::string fmt, const nlohmann::json& headers);

}  // namespace mydocker::cli
