// run, create: Docker's Config/HostConfig from flags, then create, attach,
// wait, start, in the order the docker CLI uses.
#include <sys/socket.h>
#include <unistd.h>

#include <iostream>
#include <thread>

#include "commands/context.hpp"
#include "commands/terminal.hpp"
#include "commands/attach_stream.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::url_encode;

namespace {
struct RunFlags {
  bool detach = false, rm = false, interactive = false, tty = false, privileged = false, read_only = false;
  std::string detach_keys;
  std::string name, workdir, user, entrypoint, hostname, network, memory, memory_swap, cpus, cpuset, restart;
  bool entrypoint_set = false;
  int64_t cpu_shares = 0;
  std::vector<std::string> env, labels, publish, volumes, tmpfs, dns, add_host, volumes_from, links;
};

void add_flags(CLI::App* c, RunFlags& f, bool is_run) {
  if (is_run) {
    c->add_flag("-d,--detach", f.detach, "Run container in background and print container ID");
  }
  c->add_flag("--rm", f.rm, "Automatically remove the container when it exits");
  c->add_flag("-i,--interactive", f.interactive, "Keep STDIN open even if not attached");
  c->add_flag("-t,--tty", f.tty, "Allocate a pseudo-TTY");
  c->add_option("--name", f.name, "Assign a name to the container");
  c->add_option("--detach-keys", f.detach_keys, "Override the key sequence for detaching a container");
  c->add_option("-e,--env", f.env, "Set environment variables")->allow_extra_args(false);
  c->add_option("-l,--label", f.labels, "Set meta data on a container")->allow_extra_args(false);
  c->add_option("-w,--workdir", f.workdir, "Working directory inside the container");
  c->add_option("-u,--user", f.user, "Username or UID (format: <name|uid>[:<group|gid>])");
  c->add_option("--entrypoint", f.entrypoint, "Overwrite the default ENTRYPOINT of the image");
  c->add_option("-h,--hostname", f.hostname, "Container host name");
  c->add_option("-p,--publish", f.publish, "Publish a container's port(s) to the host")->allow_extra_args(false);
  c->add_option("-v,--volume", f.volumes, "Bind mount a volume")->allow_extra_args(false);
  c->add_option("--tmpfs", f.tmpfs, "Mount a tmpfs directory")->allow_extra_args(false);
  c->add_option("--volumes-from", f.volumes_from, "Mount volumes from the specified container(s)")->allow_extra_args(false);
  c->add_option("--link", f.links, "Add link to another container")->allow_extra_args(false);
  c->add_option("--dns", f.dns, "Set custom DNS servers")->allow_extra_args(false);
  c->add_option("--add-host", f.add_host, "Add a custom host-to-IP mapping (host:ip)")->allow_extra_args(false);
  c->add_option("--net,--network", f.network, "Connect a container to a network");
  c->add_option("-m,--memory", f.memory, "Memory limit");
  c->add_option("--memory-swap", f.memory_swap, "Swap limit equal to memory plus swap: -1 to enable unlimited swap");
  c->add_option("--cpus", f.cpus, "Number of CPUs");
  c->add_option("-c,--cpu-shares", f.cpu_shares, "CPU shares (relative weight)");
  c->add_option("--cpuset-cpus", f.cpuset, "CPUs in which to allow execution (0-3, 0,1)");
  c->add_option("--restart", f.restart, "Restart policy to apply when a container exits");
  c->add_flag("--privileged", f.privileged, "Give extended privileges to this container");
  c->add_flag("--read-only", f.read_only, "Mount the container's root filesystem as read only");
  c->set_help_flag("--help", "Print usage");
  c->prefix_command();
}

// "64m" → bytes, as Docker's RAMInBytes.
Result<int64_t> ram_in_bytes(const std::string& s) {
  if (s.empty()) return 0;
  if (s == "-1") return -1;
  size_t used = 0;
  double v = 0;
  try {
    v = std::stod(s, &used);
  } catch (...) {
    return fail(Error::invalid("invalid size: '" + s + "'"));
  }
  std::string unit = s.substr(used);
  for (auto& ch : unit) ch = char(std::tolower(static_cast<unsigned char>(ch)));
  if (!unit.empty() && unit.back() == 'b') unit.pop_back();
  if (!unit.empty() && unit.back() == 'i') unit.pop_back();
  double mult = unit.empty() ? 1 : unit == "k" ? 1024.0 : unit == "m" ? 1024.0 * 1024 : unit == "g" ? 1024.0 * 1024 * 1024
                                                                                      : unit == "t" ? 1024.0 * 1024 * 1024 * 1024 : -1;
  if (mult < 0) return fail(Error::invalid("invalid size: '" + s + "'"));
  return int64_t(v * mult);
}

Result<json> build_body(const RunFlags& f, const std::string& image, const std::vector<std::string>& cmd) {
  json cfg = {{"Hostname", f.hostname}, {"Domainname", ""}, {"User", f.user}, {"AttachStdin", f.interactive && !f.detach},
              {"AttachStdout", !f.detach}, {"AttachStderr", !f.detach}, {"Tty", f.tty}, {"OpenStdin", f.interactive},
              {"StdinOnce", f.interactive && !f.detach}, {"Env", f.env}, {"Cmd", cmd.empty() ? json(nullptr) : json(cmd)},
              {"Image", image}, {"Volumes", nullptr}, {"WorkingDir", f.workdir},
              {"Entrypoint", f.entrypoint_set ? json(json::array({f.entrypoint})) : json(nullptr)},
              {"OnBuild", nullptr}, {"Labels", json::object()}};
  if (f.entrypoint_set && f.entrypoint.empty()) cfg["Entrypoint"] = json::array({""});
  for (const auto& l : f.labels) {
    auto eq = l.find('=');
    cfg["Labels"][l.substr(0, eq)] = eq == std::string::npos ? "" : l.substr(eq + 1);
  }
  json hc = {{"Binds", f.volumes.empty() ? json(nullptr) : json(f.volumes)}, {"NetworkMode", f.network.empty() ? "default" : f.network},
             {"AutoRemove", f.rm}, {"Privileged", f.privileged}, {"ReadonlyRootfs", f.read_only},
             {"CpuShares", f.cpu_shares}, {"CpusetCpus", f.cpuset}, {"VolumesFrom", f.volumes_from.empty() ? json(nullptr) : json(f.volumes_from)},
             {"Links", f.links.empty() ? json(nullptr) : json(f.links)}, {"Dns", f.dns}, {"ExtraHosts", f.add_host.empty() ? json(nullptr) : json(f.add_host)},
             {"RestartPolicy", {{"Name", f.restart.empty() ? "no" : f.restart.substr(0, f.restart.find(':'))}, {"MaximumRetryCount", 0}}}};
  TRY_ASSIGN(int64_t mem, ram_in_bytes(f.memory));
  TRY_ASSIGN(int64_t swap, ram_in_bytes(f.memory_swap));
  hc["Memory"] = mem;
  hc["MemorySwap"] = swap;
  if (!f.cpus.empty()) {
    try {
      hc["NanoCpus"] = int64_t(std::stod(f.cpus) * 1e9);
    } catch (...) {
      return fail(Error::invalid("invalid argument \"" + f.cpus + "\" for \"--cpus\" flag"));
    }
  }
  if (!f.tmpfs.empty()) {
    json t = json::object();
    for (const auto& m : f.tmpfs) {
      auto colon = m.find(':');
      t[m.substr(0, colon)] = colon == std::string::npos ? "" : m.substr(colon + 1);
    }
    hc["Tmpfs"] = t;
  }
  json port_bindings = json::object(), exposed = json::object();
  for (const auto& p : f.publish) {
    // [ip:][hostport:]containerport[/proto]
    std::string spec = p, proto = "tcp";
    if (auto slash = spec.rfind('/'); slash != std::string::npos) {
      proto = spec.substr(slash + 1);
      spec = spec.substr(0, slash);
    }
    std::string ip, host_port, ctr = spec;
    if (auto c2 = spec.rfind(':'); c2 != std::string::npos) {
      ctr = spec.substr(c2 + 1);
      std::string rest = spec.substr(0, c2);
      if (auto c1 = rest.rfind(':'); c1 != std::string::npos) {
        ip = rest.substr(0, c1);
        host_port = rest.substr(c1 + 1);
      } else {
        host_port = rest;
      }
    }
    std::string key = ctr + "/" + proto;
    exposed[key] = json::object();
    port_bindings[key].push_back({{"HostIp", ip}, {"HostPort", host_port}});
  }
  hc["PortBindings"] = port_bindings;
  if (!exposed.empty()) cfg["ExposedPorts"] = exposed;
  cfg["HostConfig"] = hc;
  cfg["NetworkingConfig"] = {{"EndpointsConfig", json::object()}};
  return cfg;
}

// The familiar "name:tag" Docker prints in "Unable to find image".
std::string with_tag(const std::string& image) {
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (image.find('@') != std::string::npos || (colon != std::string::npos && (slash == std::string::npos || colon > slash)))
    return image;
  return image + ":latest";
}

Result<void> pull(api::client::Client& c, const std::string& image) {
  std::string ref = with_tag(image);
  size_t colon = ref.rfind(':');
  auto pending = c.open("POST", "/images/create?fromImage=" + url_encode(ref.substr(0, colon)) + "&tag=" + url_encode(ref.substr(colon + 1)));
  if (!pending) return fail(pending.error());
  auto body = (*pending)->rest();
  if (!body) return fail(body.error());
  if ((*pending)->status() >= 400) {
    api::client::Response r;
    r.status = (*pending)->status();
    r.body = *body;
    return fail(api::client::error_from(r));
  }
  // A JSON message stream: report the first error in it.
  size_t pos = 0;
  while (pos < body->size()) {
    size_t nl = body->find('\n', pos);
    auto j = json::parse(body->substr(pos, nl - pos), nullptr, false);
    if (j.is_object() && j.contains("error")) return fail(Error::internal(j["error"].get<std::string>()));
    if (j.is_object() && j.contains("status") && j.contains("id")) std::cerr << j["id"].get<std::string>() << ": " << j["status"].get<std::string>() << "\n";
    else if (j.is_object() && j.contains("status")) std::cerr << j["status"].get<std::string>() << "\n";
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return {};
}

int run_error(const Error& e) {
  std::cerr << "mydocker: " << (e.kind == ErrorKind::Unavailable && e.message.rfind("Cannot connect", 0) == 0 ? "" : "Error response from daemon: ")
            << e.message << "\nRun 'mydocker run --help' for more information\n";
  const std::string& m = e.message;
  if (m.find("executable file not found") != std::string::npos || m.find("no such file or directory") != std::string::npos) return 127;
  if (m.find("permission denied") != std::string::npos) return 126;
  return 125;
}

Result<std::string> create_container(api::client::Client& c, const RunFlags& f, const std::string& image,
                                     const std::vector<std::string>& cmd) {
  TRY_ASSIGN(json body, build_body(f, image, cmd));
  const std::string path = "/containers/create" + (f.name.empty() ? "" : "?name=" + url_encode(f.name));
  TRY_ASSIGN(auto r, c.request("POST", path, body.dump()));
  if (r.status == 404 && api::client::error_from(r).message.rfind("No such image", 0) == 0) {
    std::cerr << "Unable to find image '" << with_tag(image) << "' locally\n";
    TRY_VOID(pull(c, image));
    TRY_ASSIGN(r, c.request("POST", path, body.dump()));
  }
  if (r.status >= 400) return fail(api::client::error_from(r));
  auto j = json::parse(r.body, nullptr, false);
  if (!j.is_object()) return fail(Error::internal("invalid create response"));
  for (const auto& w : j.value("Warnings", json::array()))
    if (w.is_string()) std::cerr << "WARNING: " << w.get<std::string>() << "\n";
  return j.value("Id", "");
}

int do_run(Context& ctx, RunFlags& f, const std::vector<std::string>& rest, bool start_it) {
  if (rest.empty()) {
    std::cerr << "\"mydocker " << (start_it ? "run" : "create") << "\" requires at least 1 argument.\n";
    return 125;
  }
  auto& c = ctx.connect();
  const std::string image = rest[0];
  std::vector<std::string> cmd(rest.begin() + 1, rest.end());
  auto id = create_container(c, f, image, cmd);
  if (!id) return run_error(id.error());
  if (!start_it) {
    std::cout << *id << "\n";
    return 0;
  }
  const std::string base = "/containers/" + *id;
  if (f.detach) {
    auto r = c.request("POST", base + "/start");
    if (!r) return run_error(r.error());
    if (r->status >= 400) return run_error(api::client::error_from(*r));
    std::cout << *id << "\n";
    return 0;
  }
  std::string attach_q = "/attach?stream=1&stdout=1&stderr=1" + std::string(f.interactive ? "&stdin=1" : "");
  if (!f.detach_keys.empty()) attach_q += "&detachKeys=" + url_encode(f.detach_keys);
  auto hj = c.hijack("POST", base + attach_q);
  if (!hj) return run_error(hj.error());
  auto waiter = c.open("POST", base + "/wait?condition=" + std::string(f.rm ? "removed" : "next-exit"));
  if (!waiter) return run_error(waiter.error());
  auto started = c.request("POST", base + "/start");
  if (!started) return run_error(started.error());
  if (started->status >= 400) return run_error(api::client::error_from(*started));
  {
    std::unique_ptr<RawTerminal> raw;
    if (f.tty && f.interactive) raw = std::make_unique<RawTerminal>(0);
    unsigned rows, cols;
    if (f.tty && terminal_size(1, rows, cols))
      (void)c.request("POST", base + "/resize?h=" + std::to_string(rows) + "&w=" + std::to_string(cols));
    if (pump_attached(*hj, f.tty, f.interactive, f.detach_keys)) return 0;  // detached: it runs on
  }
  auto body = (*waiter)->rest();
  if (!body) return run_error(body.error());
  auto j = json::parse(*body, nullptr, false);
  if (!j.is_object()) return 125;
  return j.value("StatusCode", 125);
}

void add_run_like(CLI::App& parent, Context& ctx, bool is_run) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* c = parent.add_subcommand(is_run ? "run" : "create",
                                      is_run ? "Create and run a new container from an image" : "Create a new container");
  add_flags(c, *flags, is_run);
  c->callback([c, flags, &ctx, is_run] {
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
