// pull, push, tag, login, logout: as the docker CLI words them. Progress
// streams are drawn with per-layer bars on a terminal, as plain lines
// otherwise; credentials come from (and go to) the CLI's config.json.
#include <termios.h>
#include <unistd.h>

#include <iostream>

#include "commands/auth_config.hpp"
#include "commands/context.hpp"
#include "format/jsonmessage.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::Query;

namespace {
// "busybox" → ("docker.io/library/busybox", "latest"); digests kept as the tag part.
std::pair<std::string, std::string> split_image(const std::string& image) {
  std::string ref = normalize_image_ref(image), name = ref, tag;
  if (auto at = ref.find('@'); at != std::string::npos) {
    name = ref.substr(0, at);
    tag = ref.substr(at + 1);
  } else {
    const size_t colon = ref.rfind(':');
    name = ref.substr(0, colon);
    tag = ref.substr(colon + 1);
  }
  return {name, tag};
}

bool has_tag_or_digest(const std::string& image) {
  const size_t slash = image.rfind('/');
  const size_t colon = image.rfind(':');
  return image.find('@') != std::string::npos || (colon != std::string::npos && (slash == std::string::npos || colon > slash));
}

// Streams a progress response to out_fd, drawn for a terminal or not.
Result<void> show_progress(api::client::Client& c, const std::string& path, const std::string& image, int out_fd,
                           bool quiet) {
  std::ostream& out = out_fd == 2 ? std::cerr : std::cout;
  const bool tty = !quiet && ::isatty(out_fd);
  format::JsonMessageStream plain;
  format::TerminalProgress drawn;
  auto status = c.stream("POST", path, {}, [&](std::string_view d) {
    if (tty) out << drawn.feed(d) << std::flush;
    else if (!quiet) out << plain.feed(d) << std::flush;
    else (void)plain.feed(d);
  }, {"X-Registry-Auth: " + registry_auth_header(image)});
  if (!status) return fail(status.error());
  if (tty) out << drawn.finish();
  else if (!quiet) out << plain.finish();
  else (void)plain.finish();
  const auto& error = tty ? drawn.error() : plain.error();
  if (error) return fail(Error::internal(*error));
  return {};
}

std::string read_password_from_terminal() {
  std::cout << "Password: " << std::flush;
  termios old{};
  const bool tty = ::tcgetattr(0, &old) == 0;
  if (tty) {
    termios quiet = old;
    quiet.c_lflag &= ~tcflag_t(ECHO);
    ::tcsetattr(0, TCSANOW, &quiet);
  }
  std::string line;
  std::getline(std::cin, line);
  if (tty) {
    ::tcsetattr(0, TCSANOW, &old);
    std::cout << "\n";
  }
  return line;
}
}  // namespace

Result<void> pull_image(api::client::Client& c, const std::string& image, int out_fd, const std::string& platform,
                        bool quiet) {
  auto [name, tag] = split_image(image);
  // As docker, the registry's full name: "busybox" → "docker.io/library/busybox".
  const std::string first = name.substr(0, name.find('/'));
  if (name.find('/') == std::string::npos) name = "docker.io/library/" + name;
  else if (first.find('.') == std::string::npos && first.find(':') == std::string::npos && first != "localhost")
    name = "docker.io/" + name;
  Query q;
  q.add("fromImage", name).add("tag", tag).add_if(!platform.empty(), "platform", platform);
  return show_progress(c, "/images/create" + q.str(), image, out_fd, quiet);
}

namespace {
void add_pull(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string image, platform;
    bool quiet = false, all_tags = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("pull", "Download an image from a registry");
  c->add_option("NAME", f->image, "NAME[:TAG|@DIGEST]")->required();
  c->add_flag("-q,--quiet", f->quiet, "Suppress verbose output");
  c->add_flag("-a,--all-tags", f->all_tags, "Download all tagged images in the repository");
  c->add_option("--platform", f->platform, "Set platform if server is multi-platform capable");
  c->callback([&ctx, f] {
    if (!has_tag_or_digest(f->image) && !f->quiet) std::cout << "Using default tag: latest\n";
    auto r = pull_image(ctx.connect(), f->image, 1, f->platform, f->quiet);
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    // The reference pulled, as docker prints it last.
    std::string shown = normalize_image_ref(f->image);
    if (registry_of(f->image) == "docker.io") shown = "docker.io/" + std::string(f->image.find('/') == std::string::npos ? "library/" : "") + shown;
    std::cout << shown << "\n";
  });
}

void add_push(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string image;
    bool quiet = false, all_tags = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("push", "Upload an image to a registry");
  c->add_option("NAME", f->image, "NAME[:TAG]")->required();
  c->add_flag("-q,--quiet", f->quiet, "Suppress verbose output");
  c->add_flag("-a,--all-tags", f->all_tags, "Push all tags of an image to the repository");
  c->callback([&ctx, f] {
    if (!has_tag_or_digest(f->image) && !f->quiet) std::cout << "Using default tag: latest\n";
    auto [name, tag] = split_image(f->image);
    const std::string path = "/images/" + api::client::url_encode(normalize_image_ref(f->image).substr(0, name.size())) +
                             "/push" + Query().add("tag", tag).str();
    auto r = show_progress(ctx.connect(), path, f->image, 1, f->quiet);
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    if (f->quiet) std::cout << normalize_image_ref(f->image) << "\n";
  });
}

void add_tag(CLI::App& parent, Context& ctx) {
  auto source = std::make_shared<std::string>();
  auto target = std::make_shared<std::string>();
  CLI::App* c = parent.add_subcommand("tag", "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE");
  c->add_option("SOURCE_IMAGE", *source, "SOURCE_IMAGE[:TAG]")->required();
  c->add_option("TARGET_IMAGE", *target, "TARGET_IMAGE[:TAG]")->required();
  c->callback([&ctx, source, target] {
    std::string repo = *target, tag;
    const size_t slash = repo.rfind('/');
    const size_t colon = repo.rfind(':');
    if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
      tag = repo.substr(colon + 1);
      repo.resize(colon);
    }
    auto r = ctx.connect().request("POST", "/images/" + api::client::url_encode(*source) + "/tag" +
                                               Query().add("repo", repo).add("tag", tag).str());
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    if (r->status >= 400) return void(ctx.exit_code = print_daemon_error(api::client::error_from(*r)));
  });
}

void add_login(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string server, username, password;
    bool password_stdin = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("login", "Authenticate to a registry");
  c->add_option("SERVER", f->server, "Server");
  c->add_option("-u,--username", f->username, "Username");
  c->add_option("-p,--password", f->password, "Password or Personal Access Token (PAT)");
  c->add_flag("--password-stdin", f->password_stdin, "Take the Password or Personal Access Token (PAT) from stdin");
  c->callback([&ctx, f] {
    if (f->password_stdin) {
      if (!f->password.empty()) {
        std::cerr << "--password and --password-stdin are mutually exclusive\n";
        return void(ctx.exit_code = 1);
      }
      if (f->username.empty()) {
        std::cerr << "Must provide --username with --password-stdin\n";
        return void(ctx.exit_code = 1);
      }
      std::getline(std::cin, f->password);
      while (!f->password.empty() && (f->password.back() == '\n' || f->password.back() == '\r')) f->password.pop_back();
    } else if (!f->password.empty()) {
      std::cerr << "WARNING! Using --password via the CLI is insecure. Use --password-stdin.\n";
    }
    const std::string host = f->server.empty() ? "docker.io" : f->server;
    if (f->username.empty()) {
      std::cout << "Username: " << std::flush;
      std::getline(std::cin, f->username);
    }
    if (f->password.empty()) f->password = read_password_from_terminal();
    if (f->username.empty() || f->password.empty()) {
      std::cerr << "Error: Cannot perform an interactive login from a non TTY device\n";
      return void(ctx.exit_code = 1);
    }
    const json body = {{"username", f->username}, {"password", f->password}, {"serveraddress", host}};
    auto r = ctx.connect().request("POST", "/auth", body.dump());
    if (!r) return void(ctx.exit_code = print_daemon_error(r.error()));
    if (r->status >= 400) return void(ctx.exit_code = print_daemon_error(api::client::error_from(*r)));
    if (auto saved = save_auth(auth_key_for(host), {f->username, f->password}); !saved) {
      std::cerr << "Error saving credentials: " << saved.error().message << "\n";
      return void(ctx.exit_code = 1);
    }
    std::cout << "Login Succeeded\n";
  });
}

void add_logout(CLI::App& parent, Context& ctx) {
  auto server = std::make_shared<std::string>();
  CLI::App* c = parent.add_subcommand("logout", "Log out from a registry");
  c->add_option("SERVER", *server, "Server");
  c->callback([&ctx, server] {
    const std::string key = auth_key_for(server->empty() ? "docker.io" : *server);
    auto removed = remove_auth(key);
    if (!removed) {
      std::cerr << "Error: " << removed.error().message << "\n";
      return void(ctx.exit_code = 1);
    }
    if (!*removed) std::cout << "Not logged in to " << (server->empty() ? key : *server) << "\n";
    else std::cout << "Removing login credentials for " << (server->empty() ? key : *server) << "\n";
  });
}

}  // namespace

void add_registry_commands(CLI::App& root, CLI::App& image_group, Context& ctx) {
  for (CLI::App* parent : {&root, &image_group}) {
    add_pull(*parent, ctx);
    add_push(*parent, ctx);
    add_tag(*parent, ctx);
  }
  add_login(root, ctx);
  add_logout(root, ctx);
}

}  // namespace mydocker::cli
