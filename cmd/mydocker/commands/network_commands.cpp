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
    // Filtered by the daemon, as docker does: the same rows from both CLIs.
    auto filters_or = filters_param(f->filters);
    if (!filters_or) return void(ctx.exit_code = print_daemon_error(filters_or.error()));
    const std::string filters = *filters_or;
    auto list = get_json(ctx.connect(), "/networks" + Query().add_if(!filters.empty(), "filters", filters).str());
    if (!list) return void(ctx.exit_code = print_daemon_error(list.error()));
    std::vector<json> rows;
    for (const auto& n : *list) {
      const std::string id = n.value("Id", "");
      std::string labels;  // "k=v,k2=v2", as docker joins them
      const json label_map = n.value("Labels", json::object());
      for (const auto& [k, v] : label_map.items())
        labels += (labels.empty() ? "" : ",") + k + "=" + (v.is_string() ? v.get<std::string>() : "");
      rows.push_back({{"ID", f->no_trunc ? id : id.substr(0, 12)}, {"Name", n.value("Name", "")},
                      {"Driver", n.value("Driver", "")}, {"Scope", n.value("Scope", "")},
                      {"IPv6", n.value("EnableIPv6", false) ? "true" : "false"},
                      {"Internal", n.value("Internal", false) ? "true" : "false"}, {"CreatedAt", n.value("Created", "")},
                      {"LabelsMap", n.value("Labels", json::object())}, {"Labels", labels}, {"__row", true}});
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
// key=value flags as a JSON object.
json kv_object(const std::vector<std::string>& items) {
  json out = json::object();
  for (const auto& kv : items) {
    const size_t eq = kv.find('=');
    out[kv.substr(0, eq)] = eq == std::string::npos ? "" : kv.substr(eq + 1);
  }
  return out;
}

void add_network_create(CLI::App& group, Context& ctx) {
  struct Flags {
    std::string name, driver = "bridge", subnet, ip_range, gateway;
    bool internal = false, attachable = false;
    std::vector<std::string> labels, opts;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = group.add_subcommand("create", "Create a network");
  c->add_option("NETWORK", f->name, "Network name")->required();
  c->add_option("-d,--driver", f->driver, "Driver to manage the Network");
  c->add_option("--subnet", f->subnet, "Subnet in CIDR format that represents a network segment");
  c->add_option("--ip-range", f->ip_range, "Allocate container ip from a sub-range");
  c->add_option("--gateway", f->gateway, "IPv4 or IPv6 Gateway for the master subnet");
  c->add_flag("--internal", f->internal, "Restrict external access to the network");
  c->add_flag("--attachable", f->attachable, "Enable manual container attachment");
  c->add_option("--label", f->labels, "Set metadata on a network")->allow_extra_args(false);
  c->add_option("-o,--opt", f->opts, "Set driver specific options")->allow_extra_args(false);
  c->callback([&ctx, f] {
    json ipam_config = json::array();
    if (!f->subnet.empty() || !f->ip_range.empty() || !f->gateway.empty()) {
      json one = json::object();
      if (!f->subnet.empty()) one["Subnet"] = f->subnet;
      if (!f->ip_range.empty()) one["IPRange"] = f->ip_range;
      if (!f->gateway.empty()) one["Gateway"] = f->gateway;
      ipam_config.push_back(one);
    }
    const json body = {{"Name", f->name},
                       {"Driver", f->driver},
                       {"IPAM", {{"Driver", "default"}, {"Options", json::object()}, {"Config", ipam_config}}},
                       {"Internal", f->internal},
                       {"Attachable", f->attachable},
                       {"Options", kv_object(f->opts)},
                       {"Labels", kv_object(f->labels)}};
    auto r = ctx.connect().request("POST", "/networks/create", body.dump());
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    if (r->status >= 400) return void(ctx.exit_code = print_daemon_error(api::client::error_from(*r)));
    std::cout << json::parse(r->body, nullptr, false).value("Id", "") << "\n";
  });
}

void add_network_rm(CLI::App& group, Context& ctx) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force_flag = std::make_shared<bool>(false);
  CLI::App* c = group.add_subcommand("rm", "Remove one or more networks");
  c->alias("remove");
  c->add_option("NETWORK", *names, "Networks")->required();
  c->add_flag("-f,--force", *force_flag, "Do not error if the network does not exist");
  c->callback([&ctx, names, force_flag] {
    const bool force = *force_flag;
    for (const auto& n : *names) {
      auto r = ctx.connect().request("DELETE", "/networks/" + api::client::url_encode(n));
      if (r && r->status < 400) {
        std::cout << n << "\n";
        continue;
      }
      if (force && r && r->status == 404) continue;
      ctx.exit_code = print_daemon_error(r ? api::client::error_from(*r) : r.error());
    }
    // docker 28 ends a failed network rm with this line too.
    if (ctx.exit_code) std::cerr << "exit status 1\n";
  });
}

void add_network_connect(CLI::App& group, Context& ctx) {
  struct Flags {
    std::string network, container, ip, mac;
    std::vector<std::string> aliases, links;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = group.add_subcommand("connect", "Connect a container to a network");
  c->add_option("NETWORK", f->network, "Network")->required();
  c->add_option("CONTAINER", f->container, "Container")->required();
  c->add_option("--alias", f->aliases, "Add network-scoped alias for the container")->allow_extra_args(false);
  c->add_option("--ip", f->ip, "IPv4 address (e.g., \"172.30.100.104\")");
  c->add_option("--link", f->links, "Add link to another container")->allow_extra_args(false);
  c->callback([&ctx, f] {
    json endpoint = json::object();
    if (!f->ip.empty()) endpoint["IPAMConfig"] = {{"IPv4Address", f->ip}};
    if (!f->aliases.empty()) endpoint["Aliases"] = f->aliases;
    if (!f->links.empty()) endpoint["Links"] = f->links;
    const json body = {{"Container", f->container}, {"EndpointConfig", endpoint}};
    auto r = ctx.connect().request("POST", "/networks/" + api::client::url_encode(f->network) + "/connect", body.dump());
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    if (r->status >= 400) return void(ctx.exit_code = print_daemon_error(api::client::error_from(*r)));
  });
}

void add_network_disconnect(CLI::App& group, Context& ctx) {
  struct Flags {
    std::string network, container;
    bool force = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = group.add_subcommand("disconnect", "Disconnect a container from a network");
  c->add_option("NETWORK", f->network, "Network")->required();
  c->add_option("CONTAINER", f->container, "Container")->required();
  c->add_flag("-f,--force", f->force, "Force the container to disconnect from a network");
  c->callback([&ctx, f] {
    const json body = {{"Container", f->container}, {"Force", f->force}};
    auto r = ctx.connect().request("POST", "/networks/" + api::client::url_encode(f->network) + "/disconnect", body.dump());
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    if (r->status >= 400) return void(ctx.exit_code = print_daemon_error(api::client::error_from(*r)));
  });
}

void add_network_prune(CLI::App& group, Context& ctx) {
  auto force = std::make_shared<bool>(false);
  auto filters = std::make_shared<std::vector<std::string>>();
  CLI::App* c = group.add_subcommand("prune", "Remove all unused networks");
  c->add_flag("-f,--force", *force, "Do not prompt for confirmation");
  c->add_option("--filter", *filters, "Provide filter values (e.g. \"until=<timestamp>\")")->allow_extra_args(false);
  c->callback([&ctx, force, filters] {
    if (!*force && !confirmed("WARNING! This will remove all custom networks not used by at least one container.")) return;
    auto fj = filters_param(*filters);
    if (!fj) return void(ctx.exit_code = print_daemon_error(fj.error()));
    auto reply = request_json(ctx.connect(), "POST", "/networks/prune" + Query().add_if(!fj->empty(), "filters", *fj).str());
    if (!reply) return void(ctx.exit_code = print_daemon_error(reply.error()));
    const json deleted = reply->is_object() ? reply->value("NetworksDeleted", json()) : json();
    if (deleted.is_array() && !deleted.empty()) {
      std::cout << "Deleted Networks:\n";
      for (const auto& n : deleted) std::cout << n.get<std::string>() << "\n";
    }
  });
}
}  // namespace

void add_network_commands(CLI::App& root, Context& ctx) {
  add_port(root, ctx);
  CLI::App* group = root.add_subcommand("network", "Manage networks");
  group->require_subcommand(1);
  add_network_create(*group, ctx);
  add_network_ls(*group, ctx);
  add_inspect_command(*group, ctx, "network");
  add_network_rm(*group, ctx);
  add_network_prune(*group, ctx);
  add_network_connect(*group, ctx);
  add_network_disconnect(*group, ctx);
}

}  // namespace mydocker::cli
