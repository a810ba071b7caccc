#pragma once
// A tar stream written piece by piece to a sink (an HTTP response, a file):
// what save and export produce. Files are copied in small blocks, so no
// layer is ever held in memory.
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace mydocker::daemon::images {

// Takes the next bytes of the stream; false when the reader went away.
using ArchiveSink = std::function<bool(std::string_view)>;

class TarStreamWriter {
 public:
  explicit TarStreamWriter(ArchiveSink sink);
  ~TarStreamWriter();
  TarStreamWriter(const TarStreamWriter&) = delete;
  TarStreamWriter& operator=(const TarStreamWriter&) = delete;

  Result<void> add_directory(const std::string& name);
  Result<void> add_bytes(const std::string& name, std::string_view data);
  // The content of the file at `path`, streamed.
  Result<void> add_file(const std::string& name, const std::string& path);
  // The union of overlay layer directories (top first) as a container sees
  // it: upper entries hide lower ones, whiteouts and opaque directories
  // hide what lies below them and are not written themselves.
  Result<void> add_merged_tree(const std::vector<std::string>& dirs_top_first);
  // One overlay layer directory as a layer tarball: its whiteouts become
  // the ".wh.<name>" and ".wh..wh..opq" entries of the image format.
  Result<void> add_layer_tree(const std::string& dir);
  // Owners as the archive should show them (a remapped container's files
  // back in its own IDs); called on each entry's uid and gid.
  using OwnerMap = std::function<void(uint32_t& uid, uint32_t& gid)>;
  void set_owner_map(OwnerMap map);
  // The end-of-archive blocks; nothing may be added after.
  Result<void> finish();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// A sink that appends to an open file descriptor.
ArchiveSink fd_sink(int fd);

}  // namespace mydocker::daemon::images
