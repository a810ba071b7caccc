// save / image save, load / image load, export / container export: tar
// archives streamed between the daemon and a file or stdin/stdout.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <memory>

#include "commands/context.hpp"
#include "common/fs.hpp"
#include "common/unique_fd.hpp"

namespace mydocker::cli {

using api::client::Query;

namespace {
constexpr const char* kTerminalRefusal = "cowardly refusing to save to a terminal. Use the -o flag or redirect";

// Go's wording for errno values users meet here ("no such file or directory").
std::string errno_text(int err) {
  std::string s = std::strerror(err);
  if (!s.empty()) s[0] = char(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string parent_dir(const std::string& path) {
  std::string p = path;
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  const size_t slash = p.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : p.substr(0, slash);
}

// As docker checks -o before it asks the daemon for anything.
bool output_path_ok(const std::string& output, const std::string& failed) {
  const std::string dir = parent_dir(output);
  struct stat st {};
  if (dir != "." && ::stat(dir.c_str(), &st) != 0) {
    std::cerr << failed << ": invalid output path: stat " << dir << ": " << errno_text(errno) << "\n";
    return false;
  }
  return true;
}

// The file -o names, written as docker does: a temporary file beside it,
// renamed over it only once the whole archive arrived.
class OutputFile {
 public:
  explicit OutputFile(std::string path) : path_(std::move(path)) {}
  ~OutputFile() {
    if (!tmp_.empty()) ::unlink(tmp_.c_str());
  }
  Result<int> open() {
    std::string templ = parent_dir(path_) + "/.docker_temp_XXXXXX";
    fd_.reset(::mkstemp(templ.data()));
    if (!fd_) return fail(Error::from_errno(errno, "create " + templ));
    tmp_ = templ;
    return fd_.get();
  }
  Result<void> commit() {
    if (::fchmod(fd_.get(), 0600) != 0 || ::fsync(fd_.get()) != 0)
      return fail(Error::from_errno(errno, "write " + path_));
    fd_.reset();
    if (::rename(tmp_.c_str(), path_.c_str()) != 0) return fail(Error::from_errno(errno, "rename to " + path_));
    tmp_.clear();
    return {};
  }

 private:
  std::string path_, tmp_;
  UniqueFd fd_;
};

// GET `path` and its body into `output` (stdout when empty); 0 or 1.
int download(Context& ctx, const std::string& path, const std::string& output) {
  auto pending = ctx.connect().open("GET", path);
  if (!pending) return print_daemon_error(pending.error());
  if ((*pending)->status() >= 400) return print_daemon_error(api::client::error_from(**pending));
  OutputFile file(output);
  int fd = 1;
  if (!output.empty()) {
    auto opened = file.open();
    if (!opened) {
      std::cerr << opened.error().message << "\n";
      return 1;
    }
    fd = *opened;
  }
  for (;;) {
    std::string piece;
    auto more = (*pending)->next(piece);
    if (!more) {
      std::cerr << "error during read: " << more.error().message << "\n";
      return 1;
    }
    if (auto w = fs::write_all(fd, piece, "output"); !w) {
      std::cerr << "write " << (output.empty() ? "/dev/stdout" : output) << ": " << errno_text(w.error().err_no) << "\n";
      return 1;
    }
    if (!*more) break;
  }
  if (!output.empty()) {
    if (auto r = file.commit(); !r) {
      std::cerr << r.error().message << "\n";
      return 1;
    }
  }
  return 0;
}

void add_save(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::vector<std::string> images;
    std::string output, platform;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("save", "Save one or more images to a tar archive (streamed to STDOUT by default)");
  c->add_option("IMAGE", f->images, "Images")->required();
  c->add_option("-o,--output", f->output, "Write to a file, instead of STDOUT");
  c->add_option("--platform", f->platform, "Save only the given platform variant");
  c->callback([&ctx, f] {
    if (f->output.empty() && ::isatty(1)) {
      std::cerr << kTerminalRefusal << "\n";
      ctx.exit_code = 1;
      return;
    }
    if (!f->output.empty() && !output_path_ok(f->output, "failed to save image")) {
      ctx.exit_code = 1;
      return;
    }
    Query q;
    for (const auto& name : f->images) q.add("names", name);
    ctx.exit_code = download(ctx, "/images/get" + q.str(), f->output);
  });
}

void add_load(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string input, platform;
    bool quiet = false;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("load", "Load an image from a tar archive or STDIN");
  c->add_option("-i,--input", f->input, "Read from tar archive file, instead of STDIN");
  c->add_flag("-q,--quiet", f->quiet, "Suppress the load output");
  c->add_option("--platform", f->platform, "Load only the given platform variant");
  c->callback([&ctx, f] {
    UniqueFd file;
    int fd = 0;
    if (!f->input.empty()) {
      file.reset(::open(f->input.c_str(), O_RDONLY | O_CLOEXEC));
      if (!file) {
        std::cerr << "open " << f->input << ": " << errno_text(errno) << "\n";
        ctx.exit_code = 1;
        return;
      }
      fd = file.get();
    } else if (::isatty(0)) {
      // Nothing would ever arrive: docker refuses rather than hang.
      std::cerr << "requested load from stdin, but stdin is empty\n";
      ctx.exit_code = 1;
      return;
    }
    Query q;
    q.add_if(f->quiet || !::isatty(1), "quiet", "1");
    ctx.exit_code = upload_tar_and_print(ctx, "/images/load" + q.str(), fd);
  });
}
}  // namespace

void add_save_load_commands(CLI::App& parent, Context& ctx) {
  add_save(parent, ctx);
  add_load(parent, ctx);
}

void add_export_command(CLI::App& parent, Context& ctx) {
  struct Flags {
    std::string container, output;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = parent.add_subcommand("export", "Export a container's filesystem as a tar archive");
  c->add_option("CONTAINER", f->container, "Container")->required();
  c->add_option("-o,--output", f->output, "Write to a file, instead of STDOUT");
  c->callback([&ctx, f] {
    if (f->output.empty() && ::isatty(1)) {
      std::cerr << kTerminalRefusal << "\n";
      ctx.exit_code = 1;
      return;
    }
    if (!f->output.empty() && !output_path_ok(f->output, "failed to export container")) {
      ctx.exit_code = 1;
      return;
    }
    ctx.exit_code = download(ctx, "/containers/" + api::client::url_encode(f->container) + "/export", f->output);
  });
}

}  // namespace mydocker::cli
