// run, create: Docker's create body from flags (format/create_config), then
// create, attach, wait, start in the order the docker CLI uses.
#include <unistd.h>

#include <iostream>

#include "commands/attach_stream.hpp"
#include "commands/context.hpp"
#include "terminal/raw_terminal.hpp"
#include "format/create_config.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::Query;
using api::client::url_encode;

namespace {
using format::RunOptions;

void add_flags(CLI::App* c, RunOptions& f, bool is_run) {
  if (is_run) c->add_flag("-d,--detach", f.detach, "Run container in background and print container ID");
  c->add_flag("--rm", f.rm, "Automatically remove the container and its associated anonymous volumes when it exits");
  c->add_flag("-i,--interactive", f.interactive, "Keep STDIN open even if not attached");
  c->add_flag("-t,--tty", f.tty, "Allocate a pseudo-TTY");
  c->add_option("--name", f.name, "Assign a name to the container");
  c->add_option("--pull", f.pull, "Pull image before running (\"always\", \"missing\", \"never\")");
  c->add_option("--platform", f.platform, "Set platform if server is multi-platform capable");
  c->add_option("--detach-keys", f.detach_keys, "Override the key sequence for detaching a container");
  c->add_option("-e,--env", f.env, "Set environment variables")->allow_extra_args(false);
  c->add_option("--env-file", f.env_files, "Read in a file of environment variables")->allow_extra_args(false);
  c->add_option("-l,--label", f.labels, "Set meta data on a container")->allow_extra_args(false);
  c->add_option("-w,--workdir", f.workdir, "Working directory inside the container");
  c->add_option("-u,--user", f.user, "Username or UID (format: <name|uid>[:<group|gid>])");
  c->add_option("--entrypoint", f.entrypoint, "Overwrite the default ENTRYPOINT of the image");
  c->add_option("-h,--hostname", f.hostname, "Container host name");
  c->add_option("-p,--publish", f.publish, "Publish a container's port(s) to the host")->allow_extra_args(false);
  c->add_flag("-P,--publish-all", f.publish_all, "Publish all exposed ports to random ports");
  c->add_option("--expose", f.expose, "Expose a port or a range of ports")->allow_extra_args(false);
  c->add_option("-v,--volume", f.volumes, "Bind mount a volume")->allow_extra_args(false);
  c->add_option("--mount", f.mounts, "Attach a filesystem mount to the container")->allow_extra_args(false);
  c->add_option("--tmpfs", f.tmpfs, "Mount a tmpfs directory")->allow_extra_args(false);
  c->add_option("--volumes-from", f.volumes_from, "Mount volumes from the specified container(s)")->allow_extra_args(false);
  c->add_option("--link", f.links, "Add link to another container")->allow_extra_args(false);
  c->add_option("--dns", f.dns, "Set custom DNS servers")->allow_extra_args(false);
  c->add_option("--dns-search", f.dns_search, "Set custom DNS search domains")->allow_extra_args(false);
  c->add_option("--dns-option", f.dns_options, "Set DNS options")->allow_extra_args(false);
  c->add_option("--add-host", f.add_host, "Add a custom host-to-IP mapping (host:ip)")->allow_extra_args(false);
  // Repeatable: the first is NetworkMode, the others are joined beside it.
  c->add_option_function<std::vector<std::string>>(
       "--net,--network",
       [&f](const std::vector<std::string>& all) {
         f.network = all.front();
         f.extra_networks.assign(all.begin() + 1, all.end());
       },
       "Connect a container to a network")
      ->allow_extra_args(false);
  c->add_option("--ip", f.ip, "IPv4 address (e.g., 172.30.100.104)");
  c->add_option("--mac-address", f.mac_address, "Container MAC address (e.g., 92:d0:c6:0a:29:33)");
  c->add_option("--net-alias,--network-alias", f.network_aliases, "Add network-scoped alias for the container")
      ->allow_extra_args(false);
  c->add_option("-m,--memory", f.memory, "Memory limit");
  c->add_option("--memory-swap", f.memory_swap, "Swap limit equal to memory plus swap: '-1' to enable unlimited swap");
  c->add_option("--memory-reservation", f.memory_reservation, "Memory soft limit");
  c->add_option("--cpus", f.cpus, "Number of CPUs");
  c->add_option("-c,--cpu-shares", f.cpu_shares, "CPU shares (relative weight)");
  c->add_option("--cpu-period", f.cpu_period, "Limit CPU CFS (Completely Fair Scheduler) period");
  c->add_option("--cpu-quota", f.cpu_quota, "Limit CPU CFS (Completely Fair Scheduler) quota");
  c->add_option("--blkio-weight", f.blkio_weight, "Block IO (relative weight), between 10 and 1000, or 0 to disable");
  c->add_option("--device-read-bps", f.device_read_bps, "Limit read rate (bytes per second) from a device")
      ->allow_extra_args(false);
  c->add_option("--device-write-bps", f.device_write_bps, "Limit write rate (bytes per second) to a device")
      ->allow_extra_args(false);
  c->add_option("--device-read-iops", f.device_read_iops, "Limit read rate (IO per second) from a device")
      ->allow_extra_args(false);
  c->add_option("--device-write-iops", f.device_write_iops, "Limit write rate (IO per second) to a device")
      ->allow_extra_args(false);
  c->add_option("--device", f.devices, "Add a host device to the container")->allow_extra_args(false);
  c->add_option("--device-cgroup-rule", f.device_cgroup_rules, "Add a rule to the cgroup allowed devices list")
      ->allow_extra_args(false);
  c->add_option("--cpuset-cpus", f.cpuset_cpus, "CPUs in which to allow execution (0-3, 0,1)");
  c->add_option("--cpuset-mems", f.cpuset_mems, "MEMs in which to allow execution (0-3, 0,1)");
  c->add_option("--pids-limit", f.pids_limit, "Tune container pids limit (set -1 for unlimited)");
  c->add_option("--shm-size", f.shm_size, "Size of /dev/shm");
  c->add_option("--restart", f.restart, "Restart policy to apply when a container exits");
  c->add_option("--stop-signal", f.stop_signal, "Signal to stop the container");
  c->add_option("--stop-timeout", f.stop_timeout, "Timeout (in seconds) to stop a container");
  c->add_option("--cap-add", f.cap_add, "Add Linux capabilities")->allow_extra_args(false);
  c->add_option("--cap-drop", f.cap_drop, "Drop Linux capabilities")->allow_extra_args(false);
  c->add_option("--security-opt", f.security_opt, "Security Options")->allow_extra_args(false);
  c->add_option("--group-add", f.group_add, "Add additional groups to join")->allow_extra_args(false);
  c->add_option("--pid", f.pid_mode, "PID namespace to use");
  c->add_option("--ipc", f.ipc_mode, "IPC mode to use");
  c->add_option("--uts", f.uts_mode, "UTS namespace to use");
  c->add_option("--cgroupns", f.cgroupns, "Cgroup namespace to use (host|private)");
  c->add_option("--userns", f.userns, "User namespace to use");
  c->add_flag("--privileged", f.privileged, "Give extended privileges to this container");
  c->add_flag("--read-only", f.read_only, "Mount the container's root filesystem as read only");
  c->set_help_flag("--help", "Print usage");
  // Everything after the image belongs to the container's command.
  c->prefix_command();
}

bool is_connect_error(const Error& e) {
  return e.kind == ErrorKind::Unavailable && e.message.rfind("Cannot connect", 0) == 0;
}

// As docker 28: "docker: <error>\n\nRun 'docker run --help' for more information",
// exit 125, or 126/127 when the command could not be executed.
int run_error(const std::string& cmd, const Error& e, bool from_daemon) {
  std::cerr << "mydocker: " << (from_daemon && !is_connect_error(e) ? "Error response from daemon: " : "") << e.message
            << "\n\nRun 'mydocker " << cmd << " --help' for more information\n";
  (void)cmd;
  const std::string& m = e.message;
  if (m.find("executable file not found") != std::string::npos || m.find("no such file or directory") != std::string::npos)
    return 127;
  if (m.find("permission denied") != std::string::npos) return 126;
  return 125;
}

Result<std::string> create_container(api::client::Client& c, const RunOptions& f, const std::string& image,
                                     const std::string& body) {
  const std::string path = "/containers/create" + Query()
                                                      .add_if(!f.name.empty(), "name", f.name)
                                                      .add_if(!f.platform.empty(), "platform", f.platform)
                                                      .str();
  // As docker: "always" pulls first (its progress on stderr), "missing"
  // only after create said the image is not here, "never" not at all.
  if (f.pull == "always") TRY_VOID(pull_image(c, image, 2, f.platform));
  TRY_ASSIGN(auto r, c.request("POST", path, body));
  if (f.pull == "missing" && r.status == 404 && api::client::error_from(r).message.rfind("No such image", 0) == 0) {
    std::cerr << "Unable to find image '" << normalize_image_ref(image) << "' locally\n";
    TRY_VOID(pull_image(c, image, 2, f.platform));
    TRY_ASSIGN(r, c.request("POST", path, body));
  }
  if (r.status >= 400) return fail(api::client::error_from(r));
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object() || !j.contains("Id")) return fail(Error::internal("invalid create response: " + r.body));
  for (const auto& w : j.value("Warnings", json::array()))
    if (w.is_string()) std::cerr << "WARNING: " << w.get<std::string>() << "\n";
  return j["Id"].get<std::string>();
}

// The wait response's body: {"StatusCode":N,"Error":{"Message":...}|null}.
Result<int> exit_code_from_wait(api::client::PendingResponse& waiter) {
  TRY_ASSIGN(std::string body, waiter.rest());
  if (waiter.status() >= 400) {
    api::client::Response r{waiter.status(), {}, body};
    return fail(api::client::error_from(r));
  }
  auto j = json::parse(body, nullptr, false);
  if (!j.is_object()) return fail(Error::internal("invalid wait response: " + body));
  if (j.contains("Error") && j["Error"].is_object() && !j["Error"].value("Message", std::string()).empty())
    return fail(Error::internal(j["Error"]["Message"].get<std::string>()));
  return j.value("StatusCode", 125);
}

int do_run(Context& ctx, RunOptions& f, const std::vector<std::string>& rest, bool is_run) {
  const std::string cmd_name = is_run ? "run" : "create";
  if (rest.empty()) return args_error(ctx.command_path, "requires at least 1 argument");
  unsigned rows = 0, cols = 0;
  if (f.tty && terminal_size(1, rows, cols)) {
    f.console_rows = rows;
    f.console_cols = cols;
  }
  const std::string image = rest[0];
  const std::vector<std::string> cmd(rest.begin() + 1, rest.end());
  if (f.pull != "always" && f.pull != "missing" && f.pull != "never")
    return flag_error(ctx.command_path, "invalid pull option: '" + f.pull + "': must be one of \"always\", \"missing\" or \"never\"");
  auto body = format::container_create_body(f, image, cmd);
  if (!body) return flag_error(ctx.command_path, body.error().message);

  auto& c = ctx.connect();
  // Invalid UTF-8 in a flag (a label, an env value) becomes U+FFFD, as
  // docker's Go client sends it; dump() would throw and abort the CLI.
  auto id = create_container(c, f, image, body->dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
  // docker create reports like other commands (status 1); run says "mydocker: ..." and 125.
  if (!id) return is_run ? run_error(cmd_name, id.error(), true) : print_daemon_error(id.error());
  if (!is_run) {
    std::cout << *id << "\n";
    return 0;
  }
  const std::string base = "/containers/" + *id;
  // Attach before start so no output is lost, on its own connection.
  std::optional<api::client::Hijacked> hj;
  if (!f.detach) {
    auto q = Query().add("stream", "1").add("stdout", "1").add("stderr", "1");
    q.add_if(f.interactive, "stdin", "1").add_if(!f.detach_keys.empty(), "detachKeys", f.detach_keys);
    auto h = c.hijack("POST", base + "/attach" + q.str());
    if (!h) return run_error(cmd_name, h.error(), true);
    hj = std::move(*h);
  }
  // The wait's header comes back at once; its body when the container has
  // exited (or is gone, with --rm).
  auto waiter = c.open("POST", base + "/wait" + Query().add("condition", f.rm ? "removed" : "next-exit").str());
  if (!waiter) return run_error(cmd_name, waiter.error(), true);
  auto started = c.request("POST", base + "/start");
  if (!started) return run_error(cmd_name, started.error(), true);
  if (started->status >= 400) return run_error(cmd_name, api::client::error_from(*started), true);
  if (f.detach) {
    std::cout << *id << "\n";
    return 0;
  }
  if (join_session(c, *hj, {f.tty, f.interactive, f.detach_keys, base + "/resize"})) return 0;  // detached: it runs on
  auto code = exit_code_from_wait(**waiter);
  if (!code) return run_error(cmd_name, code.error(), true);
  return *code;
}

void add_run_like(CLI::App& parent, Context& ctx, bool is_run) {
  auto flags = std::make_shared<RunOptions>();
  CLI::App* c = parent.add_subcommand(is_run ? "run" : "create",
                                      is_run ? "Create and run a new container from an image" : "Create a new container");
  add_flags(c, *flags, is_run);
  c->callback([c, flags, &ctx, is_run] {
    ctx.command_path = (c->get_parent()->get_parent() ? "mydocker " + c->get_parent()->get_name() : std::string("mydocker")) +
                       " " + c->get_name();
    flags->entrypoint_set = c->count("--entrypoint") > 0;
    ctx.exit_code = do_run(ctx, *flags, c->remaining(), is_run);
  });
}
}  // namespace

void add_run_commands(CLI::App& parent, Context& ctx) {
  add_run_like(parent, ctx, true);
  add_run_like(parent, ctx, false);
}

}  // namespace mydocker::cli
