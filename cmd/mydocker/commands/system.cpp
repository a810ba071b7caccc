// version, info
#include <cstdio>
#include <iostream>
#include <iterator>
#include <sstream>

#include "commands/context.hpp"
#include "common/human.hpp"
#include "common/time.hpp"
#include "format/rows.hpp"
#include "format/tabwriter.hpp"
#include "format/template.hpp"
#include "format/volume_rows.hpp"

namespace mydocker::cli {

using nlohmann::json;

namespace {
constexpr const char* kClientVersion = "0.1.0";
constexpr const char* kClientApiVersion = "1.48";

std::string str(const json& j, const char* k) {
  return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
}

// go-units BytesSize: binary units, four significant digits ("23.54GiB").
std::string bytes_size(double b) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  size_t i = 0;
  while (b >= 1024.0 && i + 1 < std::size(kUnits)) {
    b /= 1024.0;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4g%s", b, kUnits[i]);
  return buf;
}

// version --format: the template runs on {"Client": ..., "Server": ...}
// as docker's does; the server part is null when the daemon is not reached.
void print_version_format(Context& ctx, const std::string& text) {
  auto& c = ctx.connect();
  auto v = get_json(c, "/version");
  auto tmpl = format::Template::parse(format::expand_format_escapes(text));
  if (!tmpl) {
    std::cerr << tmpl.error().message << "\n";
    ctx.exit_code = 64;
    return;
  }
  nlohmann::ordered_json data = {
      {"Client", {{"Version", kClientVersion}, {"ApiVersion", c.api_version()}, {"DefaultAPIVersion", kClientApiVersion},
                  {"Os", "linux"}, {"Arch", "amd64"}, {"Context", "default"}}},
      {"Server", v ? nlohmann::ordered_json(*v) : nlohmann::ordered_json(nullptr)}};
  auto out = tmpl->execute(data);
  // Without a server, only the daemon's error matters (a template that
  // reads .Server cannot run then).
  if (out) std::cout << *out << "\n";
  if (!v) {
    ctx.exit_code = print_daemon_error(v.error());
    return;
  }
  if (!out) {
    std::cerr << out.error().message << "\n";
    ctx.exit_code = 1;
  }
}

void print_version(Context& ctx) {
  auto& c = ctx.connect();
  auto v = get_json(c, "/version");
  const std::string negotiated = c.api_version();
  std::cout << "Client:\n"
            << " Version:           " << kClientVersion << "\n"
            << " API version:       " << negotiated
            << (negotiated != kClientApiVersion ? std::string(" (downgraded from ") + kClientApiVersion + ")" : "") << "\n"
            << " OS/Arch:           linux/amd64\n"
            << " Context:           default\n\n";
  if (!v) {
    ctx.exit_code = print_daemon_error(v.error());
    return;
  }
  std::cout << "Server: " << str(v->value("Platform", json::object()), "Name") << "\n";
  for (const auto& comp : v->value("Components", json::array())) {
    const json d = comp.value("Details", json::object());
    if (str(comp, "Name") == "Engine") {
      std::cout << " Engine:\n"
                << "  Version:          " << str(comp, "Version") << "\n"
                << "  API version:      " << str(d, "ApiVersion") << " (minimum version " << str(d, "MinAPIVersion") << ")\n"
                << "  Go version:       " << str(d, "GoVersion") << "\n"
                << "  Git commit:       " << str(d, "GitCommit") << "\n"
                << "  Built:            " << str(d, "BuildTime") << "\n"
                << "  OS/Arch:          " << str(d, "Os") << "/" << str(d, "Arch") << "\n"
                << "  Experimental:     " << str(d, "Experimental") << "\n";
    } else {
      std::cout << " " << str(comp, "Name") << ":\n  Version:          " << str(comp, "Version") << "\n";
      if (d.contains("GitCommit")) std::cout << "  GitCommit:        " << str(d, "GitCommit") << "\n";
    }
  }
}

void print_info(Context& ctx) {
  std::cout << "Client:\n Version:    " << kClientVersion << "\n Context:    default\n Debug Mode: false\n\n";
  auto i = get_json(ctx.connect(), "/info");
  if (!i) {
    std::cout << "Server:\n";
    std::cout.flush();
    ctx.exit_code = print_daemon_error(i.error());
    return;
  }
  auto n = [&](const char* k) { return std::to_string(i->value(k, int64_t(0))); };
  auto s = [&](const char* k) { return str(*i, k); };
  auto b = [&](const char* k) { return i->value(k, false) ? "true" : "false"; };
  auto list = [](const json& a) {
    std::string out;
    if (a.is_array())
      for (const auto& x : a) out += " " + (x.is_string() ? x.get<std::string>() : x.dump());
    return out;
  };
  std::cout << "Server:\n"
            << " Containers: " << n("Containers") << "\n"
            << "  Running: " << n("ContainersRunning") << "\n"
            << "  Paused: " << n("ContainersPaused") << "\n"
            << "  Stopped: " << n("ContainersStopped") << "\n"
            << " Images: " << n("Images") << "\n"
            << " Server Version: " << s("ServerVersion") << "\n"
            << " Storage Driver: " << s("Driver") << "\n"
            << " Logging Driver: " << s("LoggingDriver") << "\n"
            << " Cgroup Driver: " << s("CgroupDriver") << "\n"
            << " Cgroup Version: " << s("CgroupVersion") << "\n";
  const json plugins = i->value("Plugins", json::object());
  std::cout << " Plugins:\n"
            << "  Volume:" << list(plugins.value("Volume", json::array())) << "\n"
            << "  Network:" << list(plugins.value("Network", json::array())) << "\n"
            << "  Log:" << list(plugins.value("Log", json::array())) << "\n";
  std::cout << " Swarm: " << str(i->value("Swarm", json::object()), "LocalNodeState") << "\n";
  std::string runtimes;
  const json runtime_map = i->value("Runtimes", json::object());
  for (auto it = runtime_map.begin(); it != runtime_map.end(); ++it) runtimes += " " + it.key();
  std::cout << " Runtimes:" << runtimes << "\n"
            << " Default Runtime: " << s("DefaultRuntime") << "\n"
            << " Init Binary: " << s("InitBinary") << "\n"
            << " containerd version: " << str(i->value("ContainerdCommit", json::object()), "ID") << "\n"
            << " runc version: " << str(i->value("RuncCommit", json::object()), "ID") << "\n"
            << " init version: " << str(i->value("InitCommit", json::object()), "ID") << "\n"
            << " Kernel Version: " << s("KernelVersion") << "\n"
            << " Operating System: " << s("OperatingSystem") << "\n"
            << " OSType: " << s("OSType") << "\n"
            << " Architecture: " << s("Architecture") << "\n"
            << " CPUs: " << n("NCPU") << "\n"
            << " Total Memory: " << bytes_size(double(i->value("MemTotal", int64_t(0)))) << "\n"
            << " Name: " << s("Name") << "\n"
            << " ID: " << s("ID") << "\n"
            << " Docker Root Dir: " << s("DockerRootDir") << "\n"
            << " Debug Mode: " << b("Debug") << "\n"
            << " Experimental: " << b("ExperimentalBuild") << "\n"
            << " Live Restore Enabled: " << b("LiveRestoreEnabled") << "\n\n";
  for (const auto& w : i->value("Warnings", json::array()))
    if (w.is_string()) std::cerr << w.get<std::string>() << "\n";
}
// One table of `system df -v`, tab-aligned on its own as docker's are.
std::string table_text(const std::vector<json>& rows, const std::string& fmt, const json& headers) {
  std::ostringstream buf;
  std::streambuf* saved = std::cout.rdbuf(buf.rdbuf());
  (void)render_rows(rows, "table " + fmt, headers);
  std::cout.rdbuf(saved);
  return buf.str();
}

// docker system df -v: each kind of object in a table of its own.
void print_df_verbose(const json& df) {
  const int64_t now = timeutil::now_ns() / 1000000000;
  std::vector<json> images, containers, volumes;
  for (const auto& img : df.value("Images", json::array())) {
    // Only the first tag, as docker shows it.
    const json tags = img.value("RepoTags", json::array());
    const std::string tag = tags.is_array() && !tags.empty() && tags[0].is_string() ? tags[0].get<std::string>() : "";
    images.push_back(format::image_row(img, tag == "<none>:<none>" ? "" : tag, true, now));
  }
  for (json c : df.value("Containers", json::array())) {
    c["SizeRootFs"] = 0;  // docker's df shows no virtual size
    containers.push_back(format::container_row(c, true, now));
  }
  for (const auto& v : df.value("Volumes", json::array())) {
    json row = format::volume_row(v);
    const json u = v.value("UsageData", json::object());
    if (u.is_object() && !u.empty()) {
      row["Links"] = std::to_string(u.value("RefCount", int64_t(0)));
      row["Size"] = human::size(double(u.value("Size", int64_t(0))), 4);
    }
    volumes.push_back(std::move(row));
  }
  std::cout << "Images space usage:\n\n"
            << table_text(images, format::kDiskUsageImagesFormat, format::image_headers())
            << "\nContainers space usage:\n\n"
            << table_text(containers, format::kDiskUsageContainersFormat, format::container_headers())
            << "\nLocal Volumes space usage:\n\n"
            << table_text(volumes, format::kDiskUsageVolumesFormat, format::volume_headers())
            << "\nBuild cache usage: 0B\n\n"
            << table_text({}, format::kDiskUsageBuildCacheFormat, format::build_cache_headers());
}

void add_system_df(CLI::App& system, Context& ctx) {
  struct Flags {
    bool verbose = false;
    std::string format;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = system.add_subcommand("df", "Show docker disk usage");
  c->add_flag("-v,--verbose", f->verbose, "Show detailed information on space usage");
  c->add_option("--format", f->format, "Format output using a custom template");
  c->callback([&ctx, f] {
    auto df = get_json(ctx.connect(), "/system/df");
    if (!df) {
      ctx.exit_code = print_daemon_error(df.error());
      return;
    }
    if (f->verbose && (f->format.empty() || f->format == "table")) return print_df_verbose(*df);
    if (f->format == "json") f->format = "{{json .}}";
    std::string fmt = f->format.empty() || f->format == "table" ? std::string("table ") + format::kDefaultDiskUsageFormat
                                                                  : f->format;
    ctx.exit_code = render_rows(format::disk_usage_rows(*df), fmt, format::disk_usage_headers());
  });
}
}  // namespace

void add_system_commands(CLI::App& root, Context& ctx) {
  CLI::App* system = root.add_subcommand("system", "Manage Docker");
  system->require_subcommand(1);
  add_system_df(*system, ctx);
  auto format = std::make_shared<std::string>();
  CLI::App* v = root.add_subcommand("version", "Show the Docker version information");
  v->add_option("-f,--format", *format, "Format output using a custom template");
  // The callback owns the flag's storage: CLI11 writes into it at parse time.
  v->callback([&ctx, format] { format->empty() ? print_version(ctx) : print_version_format(ctx, *format); });
  CLI::App* i = root.add_subcommand("info", "Display system-wide information");
  i->callback([&ctx] { print_info(ctx); });
}

}  // namespace mydocker::cli
