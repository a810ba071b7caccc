#include "daemon/images/image_archive_members.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vector>

#include "common/fs.hpp"
#include "common/unique_fd.hpp"
#include "daemon/images/image_archive_tar.hpp"
#include "daemon/images/tar_extract.hpp"

namespace mydocker::daemon::images {

namespace {
struct ReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

Error archive_error(archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  return Error::invalid("invalid archive: " + what + ": " + (msg ? msg : "unexpected end of file"));
}

std::string dirname_of(const std::string& member) {
  const size_t slash = member.rfind('/');
  return slash == std::string::npos ? "" : member.substr(0, slash);
}
}  // namespace

Result<std::unique_ptr<ArchiveMembers>> ArchiveMembers::read(const std::string& tar_path, const std::string& dir) {
  TRY_VOID(fs::mkdir_all(dir, 0700));
  std::unique_ptr<ArchiveMembers> m(new ArchiveMembers(dir));
  std::unique_ptr<archive, ReadFree> in(archive_read_new());
  archive_read_support_filter_all(in.get());
  archive_read_support_format_tar(in.get());
  archive_read_support_format_gnutar(in.get());
  if (archive_read_open_filename(in.get(), tar_path.c_str(), 1 << 16) != ARCHIVE_OK)
    return fail(archive_error(in.get(), "open"));
  TRY_VOID(m->add_from(in.get()));
  return m;
}

Result<void> ArchiveMembers::add_from(archive* in) {
  archive_entry* e = nullptr;
  std::vector<char> buf(1 << 16);
  for (size_t n = 0;; ++n) {
    const int r = archive_read_next_header(in, &e);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) return fail(archive_error(in, "read"));
    const std::string raw = archive_entry_pathname(e) ? archive_entry_pathname(e) : "";
    auto name = clean_entry_path(raw);
    if (!name) return fail(Error::invalid("invalid archive: member \"" + raw + "\" is outside the archive"));
    if (name->empty()) continue;
    if (const char* hl = archive_entry_hardlink(e)) {
      auto target = clean_entry_path(hl);
      auto it = target ? files_.find(*target) : files_.end();
      if (it == files_.end())
        return fail(Error::invalid("invalid archive: member \"" + raw + "\" links to \"" + hl + "\", not a file before it"));
      files_[*name] = it->second;
      continue;
    }
    const auto type = archive_entry_filetype(e);
    if (type == AE_IFLNK) {
      const std::string target = archive_entry_symlink(e) ? archive_entry_symlink(e) : "";
      // Relative to the link's folder; absolute or climbing out leads nowhere.
      std::string resolved;
      if (!target.starts_with("/"))
        if (auto r = clean_entry_path(dirname_of(*name) + "/" + target)) resolved = *r;
      symlinks_[*name] = resolved;
      continue;
    }
    if (type != AE_IFREG) continue;  // folders and anything else carry nothing we use
    const std::string path = dir_ + "/m" + std::to_string(n);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (!fd) return fail(Error::from_errno(errno, "create " + path));
    const ArchiveSink out = fd_sink(fd.get());
    for (;;) {
      const la_ssize_t got = archive_read_data(in, buf.data(), buf.size());
      if (got < 0) return fail(archive_error(in, "read \"" + raw + "\""));
      if (got == 0) break;
      if (!out(std::string_view(buf.data(), size_t(got)))) return fail(Error::from_errno(errno, "write " + path));
    }
    files_[*name] = path;
  }
  return {};
}

ArchiveMembers::~ArchiveMembers() { (void)fs::remove_all(dir_); }

std::optional<std::string> ArchiveMembers::resolve(const std::string& member) const {
  auto clean = clean_entry_path(member);
  if (!clean) return std::nullopt;
  std::string cur = *clean;
  for (int hops = 0; hops < 32; ++hops) {
    if (auto f = files_.find(cur); f != files_.end()) return f->second;
    if (auto l = symlinks_.find(cur); l != symlinks_.end()) {
      if (l->second.empty()) return std::nullopt;
      cur = l->second;
      continue;
    }
    // A linked folder along the way: "<id>/layer.tar" under a linked "<id>".
    bool moved = false;
    for (size_t slash = cur.rfind('/'); slash != std::string::npos && slash > 0; slash = cur.rfind('/', slash - 1)) {
      auto l = symlinks_.find(cur.substr(0, slash));
      if (l == symlinks_.end()) continue;
      if (l->second.empty()) return std::nullopt;
      auto next = clean_entry_path(l->second + cur.substr(slash));
      if (!next) return std::nullopt;
      cur = *next;
      moved = true;
      break;
    }
    if (!moved) return std::nullopt;
  }
  return std::nullopt;
}

bool ArchiveMembers::contains(const std::string& member) const { return resolve(member).has_value(); }

Result<std::string> ArchiveMembers::file(const std::string& member) const {
  if (auto f = resolve(member)) return *f;
  return fail(Error::invalid("invalid archive: no file \"" + member + "\" in it"));
}

Result<std::string> ArchiveMembers::read_small(const std::string& member, size_t limit) const {
  TRY_ASSIGN(std::string path, file(member));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return fail(Error::from_errno(errno, "stat " + path));
  if (size_t(st.st_size) > limit) return fail(Error::invalid("invalid archive: \"" + member + "\" is too large"));
  return fs::read_file(path);
}

}  // namespace mydocker::daemon::images
