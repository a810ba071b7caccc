// logs, inspect
#include <unistd.h>

#include <cctype>
#include <iostream>
#include <optional>

#include "commands/context.hpp"
#include "common/time.hpp"
#include "common/timestamp_arg.hpp"
#include "format/json_indent.hpp"
#include "format/stream.hpp"
#include "format/template.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::Query;
using api::client::url_encode;

void add_logs_command(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string name, tail = "all", since, until;
    bool follow = false, timestamps = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("logs", "Fetch the logs of a container");
  c->add_option("CONTAINER", f->name, "Container")->required();
  c->add_option("-n,--tail", f->tail, "Number of lines to show from the end of the logs");
  c->add_option("--since", f->since, "Show logs since timestamp or relative");
  c->add_option("--until", f->until, "Show logs before a timestamp or relative");
  c->add_flag("-f,--follow", f->follow, "Follow log output");
  c->add_flag("-t,--timestamps", f->timestamps, "Show timestamps");
  c->callback([&ctx, f] {
    auto& cl = ctx.connect();
    auto info = inspect_container(cl, f->name);
    if (!info) {
      ctx.exit_code = print_daemon_error(info.error());
      return;
    }
    const bool tty = (*info)["Config"].value("Tty", false);
    Query q;
    q.add("stdout", "1").add("stderr", "1").add("tail", f->tail).add_if(f->timestamps, "timestamps", "1");
    q.add_if(f->follow, "follow", "1");
    // Relative and short forms become Unix timestamps here, as Docker's CLI does.
    for (auto [key, value] : {std::pair<const char*, const std::string*>{"since", &f->since}, {"until", &f->until}}) {
      if (value->empty()) continue;
      auto ts = timeutil::api_timestamp(*value, timeutil::now_ns());
      if (!ts) {
        std::cerr << "invalid value for \"" << key << "\": " << ts.error().message << "\n";
        ctx.exit_code = 1;
        return;
      }
      q.add(key, *ts);
    }
    auto pending = cl.open("GET", "/containers/" + (*info)["Id"].get<std::string>() + "/logs" + q.str());
    if (!pending) {
      ctx.exit_code = print_daemon_error(pending.error());
      return;
    }
    if ((*pending)->status() >= 400) {
      ctx.exit_code = print_daemon_error(api::client::error_from(**pending));
      return;
    }
    format::Demuxer demux([](int s, std::string_view d) { (void)!::write(s == 2 ? 2 : 1, d.data(), d.size()); });
    for (;;) {
      std::string chunk;
      auto more = (*pending)->next(chunk);
      if (!more) {
        ctx.exit_code = print_daemon_error(more.error());
        return;
      }
      if (tty) (void)!::write(1, chunk.data(), chunk.size());
      else demux.feed(chunk);
      if (!*more) break;
    }
  });
}

namespace {
// The body of a GET that must succeed, as the daemon wrote it.
Result<std::string> get_raw(api::client::Client& c, const std::string& path) {
  TRY_ASSIGN(auto r, c.request("GET", path));
  if (r.status >= 400) return fail(api::client::error_from(r));
  while (!r.body.empty() && std::isspace(static_cast<unsigned char>(r.body.back()))) r.body.pop_back();
  return r.body;
}

// docker inspect without --type tries each kind of object in turn.
Result<std::string> find_object(api::client::Client& c, const std::string& type, const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> kinds = {
      {"container", "/containers/"}, {"image", "/images/"}, {"network", "/networks/"}, {"volume", "/volumes/"}};
  for (const auto& [kind, prefix] : kinds) {
    if (!type.empty() && type != kind) continue;
    const std::string path = prefix + (kind == "image" ? name : url_encode(name)) + (kind == "container" || kind == "image" ? "/json" : "");
    auto r = get_raw(c, path);
    if (r || r.error().kind != ErrorKind::NotFound || !type.empty()) return r;
  }
  return fail(Error::not_found("No such object: " + name));
}
}  // namespace

void add_inspect_command(CLI::App& parent, Context& ctx, const std::string& type) {
  struct Flags {
    std::vector<std::string> names;
    std::string format, type;
    bool size = false;
  };
  auto f = std::make_shared<Flags>();
  f->type = type;
  CLI::App* c = parent.add_subcommand("inspect", "Return low-level information on Docker objects");
  c->add_option("NAME", f->names, "Objects")->required();
  c->add_option("-f,--format", f->format, "Format output using a custom template");
  if (type.empty()) c->add_option("--type", f->type, "Only inspect objects of the given type");
  if (type != "image") c->add_flag("-s,--size", f->size, "Display total file sizes if the type is container");
  c->callback([&ctx, f] {
    if (!f->type.empty() && f->type != "container" && f->type != "image" && f->type != "network" && f->type != "volume") {
      std::cerr << "\"" << f->type << "\" is not a valid value for --type\n";
      ctx.exit_code = 1;
      return;
    }
    std::optional<format::Template> tmpl;
    if (!f->format.empty()) {
      auto t = format::Template::parse(f->format);
      if (!t) {
        std::cerr << t.error().message << "\n";
        ctx.exit_code = 1;
        return;
      }
      tmpl = std::move(*t);
    }
    auto& cl = ctx.connect();
    std::vector<std::string> found, errors;
    for (const auto& n : f->names) {
      auto obj = find_object(cl, f->type, n);
      if (!obj) {
        // Untyped, docker names no kind ("No such object"); typed, it relays the daemon.
        errors.push_back(f->type.empty() && obj.error().kind == ErrorKind::NotFound
                             ? "Error: No such object: " + n
                             : "Error response from daemon: " + obj.error().message);
        continue;
      }
      if (!tmpl) {
        found.push_back(*obj);
        continue;
      }
      auto data = nlohmann::ordered_json::parse(*obj, nullptr, false);
      auto out = tmpl->execute(data);
      if (!out) {
        errors.push_back(out.error().message);
        continue;
      }
      std::cout << *out << "\n";
    }
    if (!tmpl) {
      std::string all = "[";
      for (size_t i = 0; i < found.size(); ++i) all += (i ? "," : "") + found[i];
      std::cout << format::json_indent(all + "]") << "\n";
    }
    std::cout.flush();
    for (const auto& e : errors) std::cerr << e << "\n";
    ctx.exit_code = errors.empty() ? 0 : 1;
  });
}

}  // namespace mydocker::cli
