// version, info
#include <iostream>

#include "commands/context.hpp"
#include "common/human.hpp"

namespace mydocker::cli {

using nlohmann::json;

namespace {
constexpr const char* kClientVersion = "0.1.0";

void print_version(Context& ctx) {
  std::cout << "Client:\n"
            << " Version:           " << kClientVersion << "\n"
            << " API version:       1.48\n"
            << " OS/Arch:           linux/amd64\n\n";
  auto v = get_json(ctx.connect(), "/version");
  if (!v) {
    ctx.exit_code = print_daemon_error(v.error());
    return;
  }
  std::cout << "Server: mydocker Engine\n"
            << " Engine:\n"
            << "  Version:          " << v->value("Version", "") << "\n"
            << "  API version:      " << v->value("ApiVersion", "") << " (minimum version " << v->value("MinAPIVersion", "")
            << ")\n"
            << "  OS/Arch:          " << v->value("Os", "") << "/" << v->value("Arch", "") << "\n"
            << "  Kernel:           " << v->value("KernelVersion", "") << "\n";
}

void print_info(Context& ctx) {
  auto i = get_json(ctx.connect(), "/info");
  if (!i) {
    ctx.exit_code = print_daemon_error(i.error());
    return;
  }
  auto n = [&](const char* k) { return std::to_string(i->value(k, int64_t(0))); };
  auto s = [&](const char* k) { return i->value(k, std::string()); };
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
            << " Cgroup Version: " << s("CgroupVersion") << "\n"
            << " Kernel Version: " << s("KernelVersion") << "\n"
            << " Operating System: " << s("OperatingSystem") << "\n"
            << " OSType: " << s("OSType") << "\n"
            << " Architecture: " << s("Architecture") << "\n"
            << " CPUs: " << n("NCPU") << "\n"
            << " Total Memory: " << human::size(double(i->value("MemTotal", int64_t(0)))) << "\n"
            << " Name: " << s("Name") << "\n"
            << " ID: " << s("ID") << "\n"
            << " Docker Root Dir: " << s("DockerRootDir") << "\n";
}
}  // namespace

void add_system_commands(CLI::App& root, Context& ctx) {
  auto format = std::make_shared<std::string>();
  CLI::App* v = root.add_subcommand("version", "Show the Docker version information");
  v->add_option("-f,--format", *format, "Format output using a custom template");
  v->callback([&ctx] { print_version(ctx); });
  CLI::App* i = root.add_subcommand("info", "Display system-wide information");
  i->callback([&ctx] { print_info(ctx); });
}

}  // namespace mydocker::cli
