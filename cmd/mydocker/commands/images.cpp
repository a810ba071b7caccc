// images / image ls, import, rmi / image rm, image inspect
#include <fcntl.h>
#include <unistd.h>

#include <iostream>

#include "commands/context.hpp"
#include "common/time.hpp"
#include "common/unique_fd.hpp"
#include "format/rows.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::url_encode;

namespace {
void add_images_list(CLI::App& parent, Context& ctx, const std::string& name, const std::vector<std::string>& aliases) {
  struct Flags {
    bool quiet = false, all = false, no_trunc = false, digests = false;
    std::string format, reference;
    std::vector<std::string> filters;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand(name, "List images");
  for (const auto& a : aliases) c->alias(a);
  c->add_option("REPOSITORY", f->reference, "Repository[:tag]");
  c->add_flag("-q,--quiet", f->quiet, "Only show image IDs");
  c->add_flag("-a,--all", f->all, "Show all images");
  c->add_flag("--no-trunc", f->no_trunc, "Don't truncate output");
  c->add_flag("--digests", f->digests, "Show digests");
  c->add_option("-f,--filter", f->filters, "Filter output based on conditions provided")->allow_extra_args(false);
  c->add_option("--format", f->format, "Format output using a custom template");
  c->callback([&ctx, f] {
    auto list = get_json(ctx.connect(), "/images/json");
    if (!list) {
      ctx.exit_code = print_daemon_error(list.error());
      return;
    }
    const int64_t now = timeutil::now_ns() / 1000000000;
    std::vector<json> rows;
    for (const auto& img : *list) {
      auto tags = img.value("RepoTags", json::array());
      if (tags.is_null() || tags.empty()) tags = json::array({""});
      for (const auto& t : tags) {
        std::string tag = t.get<std::string>();
        if (!f->reference.empty()) {
          std::string want = f->reference.find(':') == std::string::npos ? f->reference + ":" : f->reference;
          if (tag.rfind(want, 0) != 0 && tag != f->reference) continue;
        }
        rows.push_back(format::image_row(img, tag, !f->no_trunc, now));
      }
    }
    std::string fmt = f->format;
    if (f->quiet) {
      fmt = "{{.ID}}";
      // -q lists each image once.
      std::vector<json> unique;
      for (const auto& r : rows) {
        bool seen = false;
        for (const auto& u : unique) seen |= u["ID"] == r["ID"];
        if (!seen) unique.push_back(r);
      }
      rows = unique;
    } else if (fmt.empty() || fmt == "table") {
      fmt = std::string("table ") + format::kDefaultImagesFormat;
    }
    ctx.exit_code = render_rows(rows, fmt, format::image_headers());
  });
}

void add_import(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string file, reference, message;
    std::vector<std::string> changes;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("import", "Import the contents from a tarball to create a filesystem image");
  c->add_option("file", f->file, "file|URL|-")->required();
  c->add_option("REPOSITORY", f->reference, "REPOSITORY[:TAG]");
  c->add_option("-c,--change", f->changes, "Apply Dockerfile instruction to the created image")->allow_extra_args(false);
  c->add_option("-m,--message", f->message, "Set commit message for imported image");
  c->callback([&ctx, f] {
    std::string repo, tag;
    if (!f->reference.empty()) {
      size_t slash = f->reference.rfind('/');
      size_t colon = f->reference.rfind(':');
      if (colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
        repo = f->reference.substr(0, colon);
        tag = f->reference.substr(colon + 1);
      } else {
        repo = f->reference;
      }
    }
    std::string q = "?fromSrc=-&repo=" + url_encode(repo) + "&tag=" + url_encode(tag) + "&message=" + url_encode(f->message);
    for (const auto& ch : f->changes) q += "&changes=" + url_encode(ch);
    UniqueFd file;
    int fd = 0;
    if (f->file != "-") {
      file.reset(::open(f->file.c_str(), O_RDONLY | O_CLOEXEC));
      if (!file) {
        std::cerr << "open " << f->file << ": no such file or directory\n";
        ctx.exit_code = 1;
        return;
      }
      fd = file.get();
    }
    auto pending = ctx.connect().upload("POST", "/images/create" + q, fd, "application/x-tar");
    if (!pending) {
      ctx.exit_code = print_daemon_error(pending.error());
      return;
    }
    auto body = (*pending)->rest();
    api::client::Response r;
    r.status = (*pending)->status();
    r.body = body.value_or("");
    if (r.status >= 400) {
      ctx.exit_code = print_daemon_error(api::client::error_from(r));
      return;
    }
    auto j = json::parse(r.body.substr(0, r.body.find('\n')), nullptr, false);
    if (j.is_object() && j.contains("error")) {
      ctx.exit_code = print_daemon_error(Error::internal(j["error"].get<std::string>()));
      return;
    }
    std::cout << (j.is_object() ? j.value("status", "") : r.body) << "\n";
  });
}

void add_rmi(CLI::App& parent, Context& ctx, const std::string& name, const std::vector<std::string>& aliases) {
  auto names = std::make_shared<std::vector<std::string>>();
  auto force = std::make_shared<bool>(false);
  auto no_prune = std::make_shared<bool>(false);
  CLI::App* c = parent.add_subcommand(name, "Remove one or more images");
  for (const auto& a : aliases) c->alias(a);
  c->add_option("IMAGE", *names, "Images")->required();
  c->add_flag("-f,--force", *force, "Force removal of the image");
  c->add_flag("--no-prune", *no_prune, "Do not delete untagged parents");
  c->callback([&ctx, names, force] {
    auto& cl = ctx.connect();
    int rc = 0;
    for (const auto& n : *names) {
      auto r = cl.request("DELETE", "/images/" + n + (*force ? "?force=1" : ""));
      if (!r) {
        rc = print_daemon_error(r.error());
        continue;
      }
      if (r->status >= 400) {
        rc = print_daemon_error(api::client::error_from(*r));
        continue;
      }
      auto j = json::parse(r->body, nullptr, false);
      if (j.is_array())
        for (const auto& e : j) {
          if (e.contains("Untagged")) std::cout << "Untagged: " << e["Untagged"].get<std::string>() << "\n";
          if (e.contains("Deleted")) std::cout << "Deleted: " << e["Deleted"].get<std::string>() << "\n";
        }
    }
    ctx.exit_code = rc;
  });
}
}  // namespace

void add_image_commands(CLI::App& root, CLI::App& image_group, Context& ctx) {
  add_images_list(root, ctx, "images", {});
  add_images_list(image_group, ctx, "ls", {"list"});
  add_import(root, ctx);
  add_import(image_group, ctx);
  add_rmi(root, ctx, "rmi", {});
  add_rmi(image_group, ctx, "rm", {"remove"});
  add_inspect_command(image_group, ctx, "image");
}

}  // namespace mydocker::cli
