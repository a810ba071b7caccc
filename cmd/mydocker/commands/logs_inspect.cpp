// logs, inspect
#include <unistd.h>

#include <iostream>

#include "commands/context.hpp"
#include "format/stream.hpp"
#include "format/template.hpp"

namespace mydocker::cli {

using nlohmann::json;
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
    std::string q = "?stdout=1&stderr=1&tail=" + url_encode(f->tail);
    if (f->timestamps) q += "&timestamps=1";
    if (f->follow) q += "&follow=1";
    if (!f->since.empty()) q += "&since=" + url_encode(f->since);
    if (!f->until.empty()) q += "&until=" + url_encode(f->until);
    auto pending = cl.open("GET", "/containers/" + (*info)["Id"].get<std::string>() + "/logs" + q);
    if (!pending) {
      ctx.exit_code = print_daemon_error(pending.error());
      return;
    }
    if ((*pending)->status() >= 400) {
      api::client::Response r;
      r.status = (*pending)->status();
      r.body = (*pending)->rest().value_or("");
      ctx.exit_code = print_daemon_error(api::client::error_from(r));
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

void add_inspect_command(CLI::App& parent, Context& ctx, const std::string& type) {
  struct Flags {
    std::vector<std::string> names;
    std::string format, type;
  };
  auto f = std::make_shared<Flags>();
  f->type = type;
  CLI::App* c = parent.add_subcommand("inspect", "Return low-level information on Docker objects");
  c->add_option("NAME", f->names, "Objects")->required();
  c->add_option("-f,--format", f->format, "Format output using a custom template");
  if (type.empty()) c->add_option("--type", f->type, "Only inspect objects of the given type");
  c->callback([&ctx, f] {
    auto& cl = ctx.connect();
    json all = json::array();
    int rc = 0;
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
    for (const auto& n : f->names) {
      Result<json> obj = fail(Error::not_found("No such object: " + n));
      if (f->type.empty() || f->type == "container") {
        auto r = inspect_container(cl, n);
        if (r) obj = r;
        else if (r.error().kind != ErrorKind::NotFound) obj = r;
      }
      if (!obj && (f->type.empty() || f->type == "image") && obj.error().kind == ErrorKind::NotFound) {
        auto r = get_json(cl, "/images/" + n + "/json");
        if (r) obj = r;
      }
      if (!obj) {
        if (obj.error().kind == ErrorKind::NotFound)
          std::cerr << "Error: No such " << (f->type.empty() ? "object" : f->type) << ": " << n << "\n";
        else
          print_daemon_error(obj.error());
        rc = 1;
        continue;
      }
      if (tmpl) {
        auto out = tmpl->execute(*obj);
        if (!out) {
          std::cerr << out.error().message << "\n";
          rc = 1;
          continue;
        }
        std::cout << *out << "\n";
      } else {
        all.push_back(*obj);
      }
    }
    if (!tmpl) std::cout << (all.empty() ? std::string("[]") : all.dump(4)) << "\n";
    ctx.exit_code = rc;
  });
}

}  // namespace mydocker::cli
