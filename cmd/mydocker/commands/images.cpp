// images / image ls, import, rmi / image rm, image inspect
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <iostream>

#include "commands/context.hpp"
#include "common/time.hpp"
#include "common/unique_fd.hpp"
#include "format/rows.hpp"

namespace mydocker::cli {

using nlohmann::json;
using api::client::Query;
using api::client::url_encode;

// docker's words for a bad -f/--filter value, with the usage of the command
// (image_maintenance.cpp uses it too).
int filter_flag_error(const CLI::App& c, const std::vector<std::string>& values, const std::string& flag,
                      const std::string& why) {
  std::string bad;
  for (const auto& v : values)
    if (v.find('=') == std::string::npos || v.front() == '=') {
      bad = v;
      break;
    }
  const CLI::App* parent = c.get_parent();
  const std::string path = std::string("mydocker ") + (parent && parent->get_parent() ? parent->get_name() + " " : "") + c.get_name();
  return flag_error(path, "invalid argument \"" + bad + "\" for \"" + flag + "\" flag: " + why);
}

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
  c->callback([&ctx, f, c] {
    // The REPOSITORY argument is a reference filter, as docker sends it.
    std::vector<std::string> flags = f->filters;
    if (!f->reference.empty()) flags.push_back("reference=" + f->reference);
    auto filters = format::filters_json(flags);
    if (!filters) {
      ctx.exit_code = filter_flag_error(*c, f->filters, "-f, --filter", filters.error().message);
      return;
    }
    Query q;
    q.add_if(f->all, "all", "1").add_if(!filters->empty(), "filters", filters->dump());
    auto list = get_json(ctx.connect(), "/images/json" + q.str());
    if (!list) {
      ctx.exit_code = print_daemon_error(list.error());
      return;
    }
    const int64_t now = timeutil::now_ns() / 1000000000;
    std::vector<json> images(list->begin(), list->end());
    // Newest first, as docker lists them.
    std::stable_sort(images.begin(), images.end(), [](const json& a, const json& b) {
      return a.value("Created", int64_t(0)) > b.value("Created", int64_t(0));
    });
    std::vector<json> rows;
    for (const auto& img : images) {
      auto tags = img.value("RepoTags", json::array());
      if (tags.is_null() || tags.empty()) tags = json::array({""});
      for (const auto& t : tags) {
        std::string tag = t.get<std::string>();
        if (tag == "<none>:<none>") tag.clear();
        rows.push_back(format::image_row(img, tag, !f->no_trunc, now));
      }
    }
    std::string fmt = f->format;
    if (fmt == "json") fmt = "{{json .}}";
    if (f->quiet) {
      fmt = "{{.ID}}";
    } else if ((fmt.empty() || fmt == "table") && f->digests) {
      fmt = "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";
    } else if (fmt.empty() || fmt == "table") {
      fmt = std::string("table ") + format::kDefaultImagesFormat;
    }
    ctx.exit_code = render_rows(rows, fmt, format::image_headers());
  });
}

void add_import(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string file, reference, message, platform;
    std::vector<std::string> changes;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("import", "Import the contents from a tarball to create a filesystem image");
  c->add_option("file", f->file, "file|URL|-")->required();
  c->add_option("REPOSITORY", f->reference, "REPOSITORY[:TAG]");
  c->add_option("-c,--change", f->changes, "Apply Dockerfile instruction to the created image")->allow_extra_args(false);
  c->add_option("-m,--message", f->message, "Set commit message for imported image");
  c->add_option("--platform", f->platform, "Set platform if server is multi-platform capable");
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
    Query q;
    q.add("fromSrc", "-").add("repo", repo).add("tag", tag).add("message", f->message);
    q.add_if(!f->platform.empty(), "platform", f->platform);
    for (const auto& ch : f->changes) q.add("changes", ch);
    UniqueFd file;
    int fd = 0;
    if (f->file != "-") {
      file.reset(::open(f->file.c_str(), O_RDONLY | O_CLOEXEC));
      if (!file) {
        std::cerr << "open " << f->file << ": " << (errno == ENOENT ? "no such file or directory" : std::strerror(errno))
                  << "\n";
        ctx.exit_code = 1;
        return;
      }
      fd = file.get();
    }
    ctx.exit_code = upload_tar_and_print(ctx, "/images/create" + q.str(), fd);
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
  c->callback([&ctx, names, force, no_prune] {
    auto& cl = ctx.connect();
    int rc = 0;
    for (const auto& n : *names) {
      auto r = cl.request("DELETE", "/images/" + n + Query().add_if(*force, "force", "1").add_if(*no_prune, "noprune", "1").str());
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

std::string normalize_image_ref(const std::string& image) {
  size_t slash = image.rfind('/');
  size_t colon = image.rfind(':');
  if (image.find('@') != std::string::npos || (colon != std::string::npos && (slash == std::string::npos || colon > slash)))
    return image;
  return image + ":latest";
}

// history, image history, image prune (image_maintenance.cpp).
void add_image_maintenance_commands(CLI::App& root, CLI::App& image_group, Context& ctx);

void add_image_commands(CLI::App& root, CLI::App& image_group, Context& ctx) {
  add_images_list(root, ctx, "images", {});
  add_images_list(image_group, ctx, "ls", {"list"});
  add_import(root, ctx);
  add_import(image_group, ctx);
  add_save_load_commands(root, ctx);
  add_save_load_commands(image_group, ctx);
  add_rmi(root, ctx, "rmi", {});
  add_rmi(image_group, ctx, "rm", {"remove"});
  add_inspect_command(image_group, ctx, "image");
  add_image_maintenance_commands(root, image_group, ctx);
  add_registry_commands(root, image_group, ctx);
}

}  // namespace mydocker::cli
