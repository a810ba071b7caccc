// mydockerd: builds the services, restores their state from disk, serves
// the Docker Engine API on a Unix socket until SIGTERM/SIGINT. Running
// containers belong to their shims and outlive the daemon.
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <sys/file.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <climits>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <thread>

#include "api/routes/routes.hpp"
#include "api/server/http_server.hpp"
#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "daemon/containers/container_service.hpp"
#include "daemon/containers/exit_monitor.hpp"
#include "daemon/images/image_service.hpp"
#include "daemon/images/layer_store.hpp"
#include "daemon/security/userns_remap.hpp"
#include "daemon/store/paths.hpp"

using namespace mydocker;

namespace {
struct Flags {
  std::string host = "unix:///run/mydocker.sock";
  std::string data_root = "/var/lib/mydocker";
  std::string exec_root = "/run/mydocker";
  std::string pidfile;
  std::string log_level = "info";
  std::string storage_driver = "overlay2";
  std::string bridge = "mydocker0";  // the default bridge network's Linux bridge
  std::string bip;                   // its address and prefix; empty: the first free pool
  std::vector<std::string> insecure_registries;
  std::string registry_certs_dir = "/etc/mydocker/certs.d";
  std::string group = "mydocker";  // the socket's group
  bool group_given = false;
  std::string userns_remap;  // default | USER[:GROUP]; empty: no user namespaces
};

// --userns-remap: the maps every container gets unless it runs --userns host.
Result<daemon::containers::UsernsMaps> userns_maps(const Flags& flags) {
  daemon::containers::UsernsMaps maps;
  if (flags.userns_remap.empty()) return maps;
  TRY_ASSIGN(auto ids, daemon::security::resolve_userns_remap(flags.userns_remap));
  for (const auto& r : ids.uids) maps.uids.push_back({r.container_id, r.host_id, r.size});
  for (const auto& r : ids.gids) maps.gids.push_back({r.container_id, r.host_id, r.size});
  spdlog::info("user namespaces: container root is host uid {} gid {}", ids.root_uid(), ids.root_gid());
  return maps;
}

// The socket's group: the named one; the default "mydocker" only when it
// exists (else root alone, as Docker without a docker group).
Result<gid_t> socket_group(const Flags& flags) {
  if (flags.group.empty()) return gid_t(0);
  std::vector<char> buf(16384);
  struct group gr{}, *found = nullptr;
  ::getgrnam_r(flags.group.c_str(), &gr, buf.data(), buf.size(), &found);
  if (found) return found->gr_gid;
  if (!flags.group.empty() && flags.group.find_first_not_of("0123456789") == std::string::npos)
    return gid_t(std::stoul(flags.group));
  if (flags.group_given) return fail(Error::invalid("group " + flags.group + " not found"));
  spdlog::info("no group named {}: the API socket is for root only", flags.group);
  return gid_t(0);
}

// Holds an exclusive lock on the data root for the daemon's lifetime.
Result<UniqueFd> lock_data_root(const daemon::store::Paths& paths) {
  UniqueFd fd(::open(paths.lock_file().c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600));
  if (!fd) return fail(Error::from_errno(errno, "open " + paths.lock_file()));
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    auto holder = fs::read_file(paths.lock_file());
    return fail(Error::conflict("another mydockerd (pid " + (holder ? *holder : std::string("?")) +
                                ") is already using data root " + paths.data_root));
  }
  std::string pid = std::to_string(::getpid());
  (void)!::ftruncate(fd.get(), 0);
  (void)!::pwrite(fd.get(), pid.data(), pid.size(), 0);
  return fd;
}

std::string self_dir() {
  char buf[PATH_MAX];
  ssize_t n = ::readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return ".";
  std::string p(buf, size_t(n));
  return p.substr(0, p.rfind('/'));
}

std::string daemon_id(const daemon::store::Paths& paths) {
  const std::string file = paths.data_root + "/engine-id";
  if (auto id = fs::read_file(file); id && !id->empty()) return *id;
  std::string id = random_hex_id();
  (void)fs::write_file_atomic(file, id);
  return id;
}

int run(const Flags& flags) {
  // Logs go to stderr, as dockerd's (systemd's journal takes them there).
  spdlog::set_default_logger(spdlog::stderr_logger_mt("mydockerd"));
  spdlog::set_level(spdlog::level::from_str(flags.log_level));
  if (!flags.host.starts_with("unix://")) {
    spdlog::error("only unix:// hosts are supported: {}", flags.host);
    return 1;
  }
  daemon::store::Paths paths{flags.data_root, flags.exec_root};
  for (const auto& dir : {paths.data_root, paths.exec_root, paths.tmp_dir()}) {
    if (auto r = fs::mkdir_all(dir, 0711); !r) {
      spdlog::error("{}", r.error().message);
      return 1;
    }
  }
  auto lock = lock_data_root(paths);
  if (!lock) {
    spdlog::error("{}", lock.error().message);
    return 1;
  }
  (void)fs::remove_all(paths.tmp_dir());
  (void)fs::mkdir_all(paths.tmp_dir(), 0700);
  if (!flags.pidfile.empty()) (void)fs::write_file_atomic(flags.pidfile, std::to_string(::getpid()) + "\n");

  auto remap = userns_maps(flags);
  if (!remap) {
    spdlog::error("--userns-remap: {}", remap.error().message);
    return 1;
  }
  daemon::images::LayerStore layers(paths.data_root, flags.storage_driver);
  daemon::images::ImageService images(paths.data_root, layers);
  daemon::volumes::VolumeService volumes(paths);
  daemon::networks::NetworkService networks(paths, {flags.bridge, flags.bip});
  daemon::registry::Distribution distribution(images, layers, {flags.registry_certs_dir, flags.insecure_registries});
  daemon::containers::ExitMonitor monitor;
  daemon::containers::ContainerService containers(paths, images, layers, volumes, networks, monitor,
                                                  {self_dir() + "/mydocker-shim", *remap});
  // In order: containers need their images and volumes, images their layers.
  const std::function<Result<void>()> restores[] = {[&] { return layers.restore(); }, [&] { return images.restore(); },
                                                    [&] { return volumes.restore(); },
                                                    [&] { return networks.restore(); },
                                                    [&] { return containers.restore(); },
                                                    [&] {
                                                      networks.finish_restore();
                                                      return Result<void>{};
                                                    }};
  for (const auto& restore : restores) {
    if (auto r = restore(); !r) {
      spdlog::error("restore: {}", r.error().message);
      return 1;
    }
  }
  api::Backend backend{containers, images, volumes, networks, distribution, paths.data_root, daemon_id(paths),
                       layers.overlay_supported() ? "overlay2" : "vfs",
                       fs::exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1", !remap->empty()};
  api::Router router;
  api::register_all_routes(router, backend);
  auto gid = socket_group(flags);
  if (!gid) {
    spdlog::error("{}", gid.error().message);
    return 1;
  }
  api::HttpServer server({flags.host.substr(7), paths.tmp_dir(), 0660, *gid}, router,
                         [](const std::string& method, const std::string& path) {
                           return method == "POST" && (path == "/images/create" || path == "/images/load");
                         });
  if (auto r = server.listen(); !r) {
    spdlog::error("{}", r.error().message);
    return 1;
  }
  // Signals are taken by one thread with sigwait; the rest never see them.
  std::thread signals([&server] {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    int sig = 0;
    sigwait(&set, &sig);
    spdlog::info("received signal {}, shutting down", sig);
    server.stop();
  });
  spdlog::info("mydockerd listening on {}", flags.host);
  server.run();
  signals.join();
  ::unlink(flags.host.substr(7).c_str());
  if (!flags.pidfile.empty()) ::unlink(flags.pidfile.c_str());
  // Detached connection threads may still hold references: leave without
  // running destructors under them.
  std::_Exit(0);
}
}  // namespace

int main(int argc, char** argv) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);

  Flags flags;
  CLI::App app{"mydockerd: a Docker-compatible container engine daemon", "mydockerd"};
  app.add_option("-H,--host", flags.host, "Daemon socket to listen on")->capture_default_str();
  app.add_option("-G,--group", flags.group, "Group for the unix socket")->capture_default_str();
  app.add_option("--data-root", flags.data_root, "Root directory of persistent state")->capture_default_str();
  app.add_option("--exec-root", flags.exec_root, "Root directory for execution state files")->capture_default_str();
  app.add_option("-p,--pidfile", flags.pidfile, "Path to use for daemon PID file");
  app.add_option("-l,--log-level", flags.log_level, "Set the logging level (debug, info, warn, error)")
      ->capture_default_str();
  app.add_option("-b,--bridge", flags.bridge, "Attach containers to a network bridge")->capture_default_str();
  app.add_option("--bip", flags.bip, "Network bridge IP (e.g. 172.17.0.1/16)");
  app.add_option("--insecure-registry", flags.insecure_registries, "Enable insecure registry communication")
      ->allow_extra_args(false);
  app.add_option("--registry-certs-dir", flags.registry_certs_dir,
                 "Per-registry CA certificates: <dir>/<host:port>/*.crt (Docker's /etc/docker/certs.d)")
      ->capture_default_str();
  app.add_option("-s,--storage-driver", flags.storage_driver, "Storage driver to use (overlay2, vfs)")
      ->capture_default_str();
  app.add_option("--userns-remap", flags.userns_remap,
                 "User/Group setting for user namespaces: default (the dockremap user), USER or USER:GROUP");
  app.set_version_flag("-v,--version", "mydockerd version 0.1.0");
  CLI11_PARSE(app, argc, argv);
  flags.group_given = app.count("--group") > 0;
  return run(flags);
}
