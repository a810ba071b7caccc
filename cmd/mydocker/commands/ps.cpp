// ps / container ls
#include <iostream>

#include "commands/context.hpp"
#include "common/time.hpp"
#include "format/rows.hpp"
#include "format/tabwriter.hpp"
#include "format/template.hpp"

namespace mydocker::cli {

using nlohmann::json;

// Renders rows through a --format (with or without `table`); shared by ps and images.
int render_rows(const std::vector<json>& rows, std::string fmt, const json& headers) {
  const bool table = format::strip_table_directive(fmt);
  fmt = format::expand_format_escapes(fmt);
  auto tmpl = format::Template::parse(fmt);
  if (!tmpl) {
    std::cerr << tmpl.error().message << "\n";
    return 1;
  }
  std::string out;
  if (table) {
    auto h = tmpl->execute(headers);
    if (h) out += *h + "\n";
  }
  for (const auto& r : rows) {
    auto line = tmpl->execute(r);
    if (!line) {
      std::cerr << line.error().message << "\n";
      return 1;
    }
    out += *line + "\n";
  }
  std::cout << (table ? format::tabwrite(out) : out);
  return 0;
}

void add_ps_command(CLI::App& parent, Context& ctx, const std::string& name, const std::vector<std::string>& aliases) {
  struct Flags {
    bool all = false, quiet = false, no_trunc = false, latest = false, size = false;
    int last = -1;
    std::vector<std::string> filters;
    std::string format;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand(name, "List containers");
  for (const auto& a : aliases) c->alias(a);
  c->add_flag("-a,--all", f->all, "Show all containers (default shows just running)");
  c->add_flag("-q,--quiet", f->quiet, "Only display container IDs");
  c->add_flag("--no-trunc", f->no_trunc, "Don't truncate output");
  c->add_flag("-l,--latest", f->latest, "Show the latest created container (includes all states)");
  c->add_flag("-s,--size", f->size, "Display total file sizes");
  c->add_option("-n,--last", f->last, "Show n last created containers (includes all states)");
  c->add_option("-f,--filter", f->filters, "Filter output based on conditions provided")->allow_extra_args(false);
  c->add_option("--format", f->format, "Format output using a custom template");
  c->callback([&ctx, f] {
    auto filters = format::filters_json(f->filters);
    if (!filters) {
      std::cerr << filters.error().message << "\n";
      ctx.exit_code = 125;
      return;
    }
    const int limit = f->latest ? 1 : f->last;
    // docker asks for sizes when the format shows them.
    const bool size = f->size || format::format_uses_size(f->format);
    api::client::Query q;
    q.add_if(f->all, "all", "1").add_if(limit > 0, "limit", std::to_string(limit)).add_if(size && !f->quiet, "size", "1");
    q.add_if(!filters->empty(), "filters", filters->dump());
    auto list = get_json(ctx.connect(), "/containers/json" + q.str());
    if (!list) {
      ctx.exit_code = print_daemon_error(list.error());
      return;
    }
    const int64_t now = timeutil::now_ns() / 1000000000;
    std::vector<json> rows;
    for (const auto& c : *list) rows.push_back(format::container_row(c, !f->no_trunc, now));
    std::string fmt = f->format;
    if (f->quiet) fmt = "{{.ID}}";
    else if (fmt.empty() || fmt == "table")
      fmt = std::string("table ") + format::kDefaultPsFormat + (f->size ? "\t{{.Size}}" : "");
    ctx.exit_code = render_rows(rows, fmt, format::container_headers());
  });
}

}  // namespace mydocker::cli
