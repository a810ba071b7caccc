#pragma once
// The members of an archive given to `load`, each regular file copied to a
// numbered scratch file. Member names are only keys here: nothing is ever
// written at a path the archive chose, so "../" names and links that point
// outside cannot reach beyond the scratch folder. Links between members
// (the legacy format links repeated layers) are followed by name, inside
// the archive only.
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "common/error.hpp"

struct archive;  // libarchive

namespace mydocker::daemon::images {

class ArchiveMembers {
 public:
  // Reads the whole archive (plain or compressed tar) into scratch_dir,
  // which it creates and removes when destroyed. A truncated or malformed
  // archive is an InvalidParameter error.
  static Result<std::unique_ptr<ArchiveMembers>> read(const std::string& tar_path, const std::string& scratch_dir);
  ~ArchiveMembers();
  ArchiveMembers(const ArchiveMembers&) = delete;
  ArchiveMembers& operator=(const ArchiveMembers&) = delete;

  bool contains(const std::string& member) const;
  // The scratch file holding a member's bytes, links followed.
  Result<std::string> file(const std::string& member) const;
  // A member's bytes, refused when larger than `limit` (JSON files only).
  Result<std::string> read_small(const std::string& member, size_t limit = 16 << 20) const;

 private:
  explicit ArchiveMembers(std::string dir) : dir_(std::move(dir)) {}
  Result<void> add_from(::archive* in);
  std::optional<std::string> resolve(const std::string& member) const;

  std::string dir_;
  std::map<std::string, std::string> files_;     // member → scratch file
  std::map<std::string, std::string> symlinks_;  // member → target member ("" when it points outside)
};

}  // namespace mydocker::daemon::images
