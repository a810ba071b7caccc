// volume create, ls, inspect, rm, prune: the `volume` group, as docker's.
#include <iostream>

#include "commands/context.hpp"
#include "format/volume_rows.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::Query;
using api::client::url_encode;

namespace {
void add_create(CLI::App& group, Context& ctx) {
  struct Flags {
    std::string name, flag_name, driver = "local";
    std::vector<std::string> opts, labels;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = group.add_subcommand("create", "Create a volume");
  c->add_option("VOLUME", f->name, "Volume name");
  c->add_option("-d,--driver", f->driver, "Specify volume driver name");
  c->add_option("--label", f->labels, "Set metadata for a volume")->allow_extra_args(false);
  c->add_option("-o,--opt", f->opts, "Set driver specific options")->allow_extra_args(false);
  c->add_option("--name", f->flag_name, "Specify volume name")->group("");
  c->callback([&ctx, f] {
    if (!f->name.empty() && !f->flag_name.empty() && f->name != f->flag_name) {
      std::cerr << "conflicting options: cannot specify a volume-name through both --name and as a positional arg\n";
      ctx.exit_code = 1;
      return;
    }
    const std::string name = f->name.empty() ? f->flag_name : f->name;
    auto r = ctx.connect().request("POST", "/volumes/create", format::volume_create_body(name, f->driver, f->opts, f->labels).dump());
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    if (r->status >= 400) return void(ctx.exit_code = print_daemon_error(api::client::error_from(*r)));
    std::cout << json::parse(r->body, nullptr, false).value("Name", name) << "\n";
  });
}

void add_ls(CLI::App& group, Context& ctx) {
  struct Flags {
    bool quiet = false;
    std::vector<std::string> filters;
    std::string format;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = group.add_subcommand("ls", "List volumes");
  c->alias("list");
  c->add_flag("-q,--quiet", f->quiet, "Only display volume names");
  c->add_option("-f,--filter", f->filters, "Provide filter values (e.g. \"dangling=true\")")->allow_extra_args(false);
  c->add_option("--format", f->format, "Format output using a custom template");
  c->callback([&ctx, f] {
    auto filters_or = filters_param(f->filters);
    if (!filters_or) return void(ctx.exit_code = print_daemon_error(filters_or.error()));
    const std::string filters = *filters_or;
    auto list = get_json(ctx.connect(), "/volumes" + Query().add_if(!filters.empty(), "filters", filters).str());
    if (!list) return void(ctx.exit_code = print_daemon_error(list.error()));
    std::string fmt = f->format;
    if (f->quiet) fmt = "{{.Name}}";
    else if (fmt.empty() || fmt == "table") fmt = std::string("table ") + format::kDefaultVolumesFormat;
    else if (fmt == "json") fmt = "{{json .}}";
    ctx.exit_code = render_rows(format::volume_rows(*list), fmt, format::volume_headers());
  });
}

void add_rm(CLI::App& group, Context& ctx) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  CLI::App* c = group.add_subcommand("rm", "Remove one or more volumes");
  c->alias("remove");
  c->add_option("VOLUME", *names, "Volumes")->required();
  c->add_flag("-f,--force", *force, "Force the removal of one or more volumes");
  c->callback([&ctx, names, force] {
    auto& cl = ctx.connect();
    for (const auto& n : *names) {
      auto r = cl.request("DELETE", "/volumes/" + url_encode(n) + Query().add_if(*force, "force", "1").str());
      if (r && r->status < 400) {
        std::cout << n << "\n";
        continue;
      }
      ctx.exit_code = print_daemon_error(r ? api::client::error_from(*r) : r.error());
    }
  });
}

void add_prune(CLI::App& group, Context& ctx) {
  struct Flags {
    bool force = false, all = false;
    std::vector<std::string> filters;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = group.add_subcommand("prune", "Remove unused local volumes");
  c->add_flag("-f,--force", f->force, "Do not prompt for confirmation");
  c->add_flag("-a,--all", f->all, "Remove all unused volumes, not just anonymous ones");
  c->add_option("--filter", f->filters, "Provide filter values (e.g. \"label=<label>\")")->allow_extra_args(false);
  c->callback([&ctx, f] {
    if (!f->force && !confirmed(f->all ? "WARNING! This will remove all local volumes not used by at least one container."
                                       : "WARNING! This will remove anonymous local volumes not used by at least one container."))
      return;
    auto filters_or = filters_param(f->filters, f->all);
    if (!filters_or) return void(ctx.exit_code = print_daemon_error(filters_or.error()));
    const std::string filters = *filters_or;
    auto reply = request_json(ctx.connect(), "POST", "/volumes/prune" + Query().add_if(!filters.empty(), "filters", filters).str());
    if (!reply) return void(ctx.exit_code = print_daemon_error(reply.error()));
    std::cout << format::volume_prune_report(*reply);
  });
}
}  // namespace

void add_volume_commands(CLI::App& root, Context& ctx) {
  CLI::App* group = root.add_subcommand("volume", "Manage volumes");
  group->require_subcommand(1);
  add_create(*group, ctx);
  add_ls(*group, ctx);
  add_inspect_command(*group, ctx, "volume");
  add_rm(*group, ctx);
  add_prune(*group, ctx);
}

}  // namespace mydocker::cli
