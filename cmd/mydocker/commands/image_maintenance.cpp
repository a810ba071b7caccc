// history / image history, image prune.
#include <ctime>
#include <iostream>

#include "commands/context.hpp"
#include "common/human.hpp"
#include "common/time.hpp"
#include "format/rows.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::Query;
using api::client::url_encode;

// images.cpp: docker's message for a -f/--filter value without "=".
int filter_flag_error(const CLI::App& c, const std::vector<std::string>& values, const std::string& flag,
                      const std::string& why);

namespace {
void add_history(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string image, format, platform, human_arg;
    bool human = true, no_trunc = false, quiet = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("history", "Show the history of an image");
  c->add_option("IMAGE", f->image, "Image")->required();
  // A string, not a flag: "-H=false" (pflag's spelling) reaches CLI11 as "=false".
  c->add_option("-H,--human", f->human_arg, "Print sizes and dates in human readable format (default true)")
      ->expected(0, 1);
  c->add_flag("--no-trunc", f->no_trunc, "Don't truncate output");
  c->add_flag("-q,--quiet", f->quiet, "Only show image IDs");
  c->add_option("--format", f->format, "Format output using a custom template");
  c->add_option("--platform", f->platform, "Show history for the given platform");
  c->callback([&ctx, f, c] {
    std::string h = f->human_arg;
    if (h.starts_with("=")) h = h.substr(1);
    if (h.empty() || h == "true" || h == "1" || h == "t" || h == "T" || h == "TRUE" || h == "True") {
      f->human = true;
    } else if (h == "false" || h == "0" || h == "f" || h == "F" || h == "FALSE" || h == "False") {
      f->human = false;
    } else {
      ctx.exit_code = flag_error(ctx.command_path.empty() ? "mydocker " + c->get_name() : ctx.command_path,
                                 "invalid argument \"" + h + "\" for \"-H, --human\" flag: strconv.ParseBool: parsing \"" +
                                     h + "\": invalid syntax");
      return;
    }
    auto list = get_json(ctx.connect(), "/images/" + f->image + "/history");
    if (!list) {
      ctx.exit_code = print_daemon_error(list.error());
      return;
    }
    std::vector<json> rows;
    const int64_t now = timeutil::now_ns() / 1000000000;
    for (const auto& h : *list) rows.push_back(format::history_row(h, !f->no_trunc, f->human, now));
    std::string fmt = f->format;
    if (fmt == "json") fmt = "{{json .}}";
    if (f->quiet) fmt = "{{.ID}}";
    else if (fmt.empty() || fmt == "table") fmt = f->human ? format::kDefaultHistoryFormat : format::kNonHumanHistoryFormat;
    ctx.exit_code = render_rows(rows, fmt, format::history_headers());
  });
}

void add_image_prune(CLI::App& parent, Context& ctx) {
  struct Flags {
    bool all = false, force = false;
    std::vector<std::string> filters;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("prune", "Remove unused images");
  c->add_flag("-a,--all", f->all, "Remove all unused images, not just dangling ones");
  c->add_flag("-f,--force", f->force, "Do not prompt for confirmation");
  c->add_option("--filter", f->filters, "Provide filter values (e.g. \"until=<timestamp>\")")->allow_extra_args(false);
  c->callback([&ctx, f, c] {
    // As docker: dangling is always sent, true unless -a.
    std::vector<std::string> flags = f->filters;
    flags.push_back(std::string("dangling=") + (f->all ? "false" : "true"));
    auto filters = format::filters_json(flags);
    if (!filters) {
      ctx.exit_code = filter_flag_error(*c, f->filters, "--filter", filters.error().message);
      return;
    }
    const char* warning = f->all ? "WARNING! This will remove all images without at least one container associated to them."
                                 : "WARNING! This will remove all dangling images.";
    if (!f->force && !confirmed(warning)) return;
    auto reply = request_json(ctx.connect(), "POST", "/images/prune" + Query().add("filters", filters->dump()).str());
    if (!reply) return void(ctx.exit_code = print_daemon_error(reply.error()));
    const json& j = *reply;
    const json deleted = j.is_object() ? j.value("ImagesDeleted", json::array()) : json::array();
    if (deleted.is_array() && !deleted.empty()) {
      std::string out = "Deleted Images:\n";
      for (const auto& e : deleted) {
        if (!e.is_object()) continue;
        if (!e.value("Untagged", "").empty()) out += "untagged: " + e.value("Untagged", "") + "\n";
        if (!e.value("Deleted", "").empty()) out += "deleted: " + e.value("Deleted", "") + "\n";
      }
      std::cout << out << "\n";
    }
    std::cout << "Total reclaimed space: "
              << human::size(double(j.is_object() ? j.value("SpaceReclaimed", int64_t(0)) : 0), 4) << "\n";
  });
}
}  // namespace

void add_image_maintenance_commands(CLI::App& root, CLI::App& image_group, Context& ctx) {
  add_history(root, ctx);
  add_history(image_group, ctx);
  add_image_prune(image_group, ctx);
}

}  // namespace mydocker::cli
