// port, and the `network` group (ls, inspect) as docker's.
#include <algorithm>
#include <iostream>

#include "commands/context.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::Query;

namespace {
void add_port(CLI::App& parent, Context& ctx) {
  auto args = std::make_shared<std::vector<std::string>>();
  CLI::App* c = parent.add_subcommand("port", "List port mappings or a specific mapping for the container");
  c->add_option("CONTAINER [PRIVATE_PORT[/PROTO]]", *args, "Container and port")->required()->expected(1, 2);
  c->callback([&ctx, args] {
    auto info = inspect_container(ctx.connect(), (*args)[0]);
    if (!info) return void(ctx.exit_code = print_daemon_error(info.error()));
    const json ports = (*info)["NetworkSettings"].value("Ports", json::object());
    std::string want;
    if (args->size() == 2) want = (*args)[1].find('/') == std::string::npos ? (*args)[1] + "/tcp" : (*args)[1];
    bool found = false;
    for (const auto& [key, bindings] : ports.items()) {
      if (!want.empty() && key != want) continue;
      if (!bindings.is_array()) continue;
      for (const auto& b : bindings) {
        const std::string ip = b.value("HostIp", "");
        const std::string where = (ip.empty() ? "0.0.0.0" : ip) + ":" + b.value("HostPort", "");
        std::cout << (want.empty() ? key + " -> " : "") << where << "\n";
        found = true;
      }
    }
    if (!want.empty() && !found) {
      std::cerr << "Error: No public port '" << (*args)[1] << "' published for " << (*args)[0] << "\n";
      ctx.exit_code = 1;
    }
  });
}

void add_network_ls(CLI::App& group, Context& ctx) {
  struct Flags {
    bool quiet = false, no_trunc = false;
    std::string format;
    std::vector<std::string> filters;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = group.add_subcommand("ls", "List networks");
  c->alias("list");
  c->add_flag("-q,--quiet", f->quiet, "Only display network IDs");
  c->add_flag("--no-trunc", f->no_trunc, "Do not truncate the output");
  c->add_option("-f,--filter", f->filters, "Provide filter values (e.g. \"driver=bridge\")")->allow_extra_args(false);
  c->add_option("--format", f->format, "Format output using a custom template");
  c->callback([&ctx, f] {
    auto list = get_json(ctx.connect(), "/networks");
    if (!list) return void(ctx.exit_code = print_daemon_error(list.error()));
    std::vector<json> rows;
    for (const auto& n : *list) {
      bool keep = true;
      for (const auto& kv : f->filters) {
        const size_t eq = kv.find('=');
        const std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
        if (k == "name") keep &= n.value("Name", "").find(v) != std::string::npos;
        else if (k == "driver") keep &= n.value("Driver", "") == v;
        else if (k == "id") keep &= n.value("Id", "").rfind(v, 0) == 0;
      }
      if (!keep) continue;
      const std::string id = n.value("Id", "");
      rows.push_back({{"ID", f->no_trunc ? id : id.substr(0, 12)}, {"Name", n.value("Name", "")},
                      {"Driver", n.value("Driver", "")}, {"Scope", n.value("Scope", "")},
                      {"IPv6", n.value("EnableIPv6", false) ? "true" : "false"},
                      {"Internal", n.value("Internal", false) ? "true" : "false"}, {"CreatedAt", n.value("Created", "")},
                      {"LabelsMap", n.value("Labels", json::object())}, {"Labels", ""}, {"__row", true}});
    }
    std::sort(rows.begin(), rows.end(), [](const json& a, const json& b) { return a["Name"] < b["Name"]; });
    std::string fmt = f->format;
    if (f->quiet) fmt = "{{.ID}}";
    else if (fmt.empty() || fmt == "table") fmt = "table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}";
    else if (fmt == "json") fmt = "{{json .}}";
    const json headers = {{"ID", "NETWORK ID"}, {"Name", "NAME"}, {"Driver", "DRIVER"}, {"Scope", "SCOPE"},
                          {"IPv6", "IPV6"}, {"Internal", "INTERNAL"}, {"CreatedAt", "CREATED"}, {"Labels", "LABELS"},
                          {"LabelsMap", "<header>"}};
    ctx.exit_code = render_rows(rows, fmt, headers);
  });
}
}  // namespace

void add_network_commands(CLI::App& root, Context& ctx) {
  add_port(root, ctx);
  CLI::App* group = root.add_subcommand("network", "Manage networks");
  group->require_subcommand(1);
  add_network_ls(*group, ctx);
  add_inspect_command(*group, ctx, "network");
}

}  // namespace mydocker::cli
