// start, stop, kill, restart, rm, wait: one request per name, each name
// printed on success, errors reported per name, exit 1 if any failed.
#include <iostream>

#include "commands/context.hpp"
#include "common/human.hpp"

namespace mydocker::cli {

using api::client::Query;
using api::client::url_encode;

namespace {
using Action = std::function<Result<std::string>(api::client::Client&, const std::string&)>;

int for_each(Context& ctx, const std::vector<std::string>& names, const Action& action) {
  auto& c = ctx.connect();
  int rc = 0;
  for (const auto& n : names) {
    auto out = action(c, n);
    if (!out) {
      rc = print_daemon_error(out.error());
      continue;
    }
    std::cout << *out << "\n";
  }
  return rc;
}

Action simple_post(std::string suffix_fmt) {
  return [suffix_fmt](api::client::Client& c, const std::string& n) -> Result<std::string> {
    TRY_ASSIGN(auto r, c.request("POST", "/containers/" + url_encode(n) + suffix_fmt));
    if (r.status >= 400) return fail(api::client::error_from(r));
    return n;
  };
}

void add_names(CLI::App* c, std::vector<std::string>& names) {
  c->add_option("CONTAINER", names, "Containers")->required();
}
}  // namespace

void add_lifecycle_commands(CLI::App& parent, Context& ctx) {
  {
    auto names = std::make_shared<std::vector<std::string>>();
    auto attach = std::make_shared<bool>(false);
    auto interactive = std::make_shared<bool>(false);
    CLI::App* c = parent.add_subcommand("start", "Start one or more stopped containers");
    add_names(c, *names);
    c->add_flag("-a,--attach", *attach, "Attach STDOUT/STDERR and forward signals");
    c->add_flag("-i,--interactive", *interactive, "Attach container's STDIN");
    auto keys = std::make_shared<std::string>();
    c->add_option("--detach-keys", *keys, "Override the key sequence for detaching a container");
    c->callback([&ctx, names, attach, interactive, keys] {
      if ((*attach || *interactive) && names->size() > 1) {
        std::cerr << "you cannot start and attach multiple containers at once\n";
        ctx.exit_code = 1;
        return;
      }
      if (*attach || *interactive) {
        ctx.exit_code = start_attached(ctx, names->front(), *interactive, *keys);
        return;
      }
      // docker ends with the list of the ones that failed.
      std::vector<std::string> failed;
      auto& cl = ctx.connect();
      for (const auto& n : *names) {
        auto r = simple_post("/start")(cl, n);
        if (r) std::cout << *r << "\n";
        else {
          print_daemon_error(r.error());
          failed.push_back(n);
        }
      }
      if (!failed.empty()) {
        std::string list;
        for (const auto& n : failed) list += (list.empty() ? "" : ", ") + n;
        std::cerr << "Error: failed to start containers: " << list << "\n";
      }
      ctx.exit_code = failed.empty() ? 0 : 1;
    });
  }
  {
    auto names = std::make_shared<std::vector<std::string>>();
    auto timeout = std::make_shared<int>(-1);
    auto signal = std::make_shared<std::string>();
    CLI::App* c = parent.add_subcommand("stop", "Stop one or more running containers");
    add_names(c, *names);
    c->add_option("-t,--time,--timeout", *timeout, "Seconds to wait before killing the container");
    c->add_option("-s,--signal", *signal, "Signal to send to the container");
    c->callback([&ctx, names, timeout, signal] {
      Query q;
      q.add_if(*timeout >= 0, "t", std::to_string(*timeout)).add_if(!signal->empty(), "signal", *signal);
      ctx.exit_code = for_each(ctx, *names, simple_post("/stop" + q.str()));
    });
  }
  {
    auto names = std::make_shared<std::vector<std::string>>();
    auto timeout = std::make_shared<int>(-1);
    CLI::App* c = parent.add_subcommand("restart", "Restart one or more containers");
    add_names(c, *names);
    c->add_option("-t,--time,--timeout", *timeout, "Seconds to wait before killing the container");
    c->callback([&ctx, names, timeout] {
      ctx.exit_code = for_each(ctx, *names, simple_post("/restart" + Query().add_if(*timeout >= 0, "t", std::to_string(*timeout)).str()));
    });
  }
  {
    auto names = std::make_shared<std::vector<std::string>>();
    auto signal = std::make_shared<std::string>();
    CLI::App* c = parent.add_subcommand("kill", "Kill one or more running containers");
    add_names(c, *names);
    c->add_option("-s,--signal", *signal, "Signal to send to the container");
    c->callback([&ctx, names, signal] {
      ctx.exit_code = for_each(ctx, *names, simple_post("/kill" + Query().add_if(!signal->empty(), "signal", *signal).str()));
    });
  }
  {
    auto names = std::make_shared<std::vector<std::string>>();
    auto force = std::make_shared<bool>(false);
    auto volumes = std::make_shared<bool>(false);
    CLI::App* c = parent.add_subcommand("rm", "Remove one or more containers");
    c->alias("remove");
    add_names(c, *names);
    c->add_flag("-f,--force", *force, "Force the removal of a running container (uses SIGKILL)");
    c->add_flag("-v,--volumes", *volumes, "Remove anonymous volumes associated with the container");
    c->callback([&ctx, names, force, volumes] {
      const std::string q = Query().add_if(*volumes, "v", "1").add_if(*force, "force", "1").str();
      ctx.exit_code = for_each(ctx, *names, [q](api::client::Client& cl, const std::string& n) -> Result<std::string> {
        TRY_ASSIGN(auto r, cl.request("DELETE", "/containers/" + url_encode(n) + q));
        if (r.status >= 400) return fail(api::client::error_from(r));
        return n;
      });
    });
  }
  {
    auto names = std::make_shared<std::vector<std::string>>();
    CLI::App* c = parent.add_subcommand("wait", "Block until one or more containers stop, then print their exit codes");
    add_names(c, *names);
    c->callback([&ctx, names] {
      ctx.exit_code = for_each(ctx, *names, [](api::client::Client& cl, const std::string& n) -> Result<std::string> {
        TRY_ASSIGN(auto pending, cl.open("POST", "/containers/" + url_encode(n) + "/wait"));
        TRY_ASSIGN(std::string body, pending->rest());
        if (pending->status() >= 400) {
          api::client::Response r;
          r.status = pending->status();
          r.body = body;
          return fail(api::client::error_from(r));
        }
        auto j = nlohmann::json::parse(body, nullptr, false);
        return std::to_string(j.is_object() ? j.value("StatusCode", -1) : -1);
      });
    });
  }
}

void add_pause_rename_top(CLI::App& parent, Context& ctx) {
  for (const char* verb : {"pause", "unpause"}) {
    auto names = std::make_shared<std::vector<std::string>>();
    CLI::App* c = parent.add_subcommand(verb, std::string(verb == std::string("pause") ? "Pause" : "Unpause") +
                                                  " all processes within one or more containers");
    add_names(c, *names);
    c->callback([&ctx, names, v = std::string(verb)] { ctx.exit_code = for_each(ctx, *names, simple_post("/" + v)); });
  }
  {
    auto names = std::make_shared<std::vector<std::string>>();
    CLI::App* c = parent.add_subcommand("rename", "Rename a container");
    c->add_option("NAMES", *names, "CONTAINER NEW_NAME")->expected(2)->required();
    c->callback([&ctx, names] {
      auto& cl = ctx.connect();
      auto r = cl.request("POST", "/containers/" + url_encode((*names)[0]) + "/rename?name=" + url_encode((*names)[1]));
      if (!r) ctx.exit_code = print_daemon_error(r.error());
      else if (r->status >= 400) ctx.exit_code = print_daemon_error(api::client::error_from(*r));
    });
  }
  {
    auto name = std::make_shared<std::string>();
    CLI::App* c = parent.add_subcommand("top", "Display the running processes of a container");
    c->add_option("CONTAINER", *name, "Container")->required();
    c->callback([&ctx, name] {
      auto t = get_json(ctx.connect(), "/containers/" + url_encode(*name) + "/top");
      if (!t) {
        ctx.exit_code = print_daemon_error(t.error());
        return;
      }
      std::vector<nlohmann::json> rows;
      std::string fmt;
      const auto titles = t->value("Titles", nlohmann::json::array());
      for (size_t i = 0; i < titles.size(); ++i) fmt += (i ? "\t" : "") + std::string("{{index . ") + std::to_string(i) + "}}";
      for (const auto& p : t->value("Processes", nlohmann::json::array())) rows.push_back(p);
      ctx.exit_code = render_rows(rows, "table " + fmt, titles);
    });
  }
}

void add_container_prune(CLI::App& parent, Context& ctx) {
  auto force = std::make_shared<bool>(false);
  auto filters = std::make_shared<std::vector<std::string>>();
  CLI::App* c = parent.add_subcommand("prune", "Remove all stopped containers");
  c->add_flag("-f,--force", *force, "Do not prompt for confirmation");
  c->add_option("--filter", *filters, "Provide filter values (e.g. \"until=<timestamp>\")")->allow_extra_args(false);
  c->callback([&ctx, force, filters] {
    if (!*force && !confirmed("WARNING! This will remove all stopped containers.")) return;
    nlohmann::json f = nlohmann::json::object();
    for (const auto& kv : *filters) {
      auto eq = kv.find('=');
      f[kv.substr(0, eq)].push_back(eq == std::string::npos ? "" : kv.substr(eq + 1));
    }
    auto reply =
        request_json(ctx.connect(), "POST", "/containers/prune" + Query().add_if(!f.empty(), "filters", f.dump()).str());
    if (!reply) return void(ctx.exit_code = print_daemon_error(reply.error()));
    const nlohmann::json& j = *reply;
    auto deleted = j.is_object() ? j.value("ContainersDeleted", nlohmann::json::array()) : nlohmann::json::array();
    if (deleted.is_array() && !deleted.empty()) {
      std::cout << "Deleted Containers:\n";
      for (const auto& id : deleted) std::cout << id.get<std::string>() << "\n";
      std::cout << "\n";
    }
    std::cout << "Total reclaimed space: " << human::size(double(j.is_object() ? j.value("SpaceReclaimed", int64_t(0)) : 0), 4) << "\n";
  });
}

}  // namespace mydocker::cli
