// Layer tarballs (daemon/images/tar_extract): what pull, load and import
// unpack, as root, into a layer folder. Plain, gzip, zstd, xz or bzip2
// tar. Property: nothing outside the layer folder changes ("../" names,
// absolute names, symlinks planted by earlier entries, hardlinks, whiteouts
// through symlinks). Runs in write_sandbox.hpp's mount namespace.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include "daemon/images/tar_extract.hpp"
#include "tests/fuzz/fuzz_util.hpp"
#include "tests/fuzz/write_sandbox.hpp"

using namespace mydocker;

namespace {
std::string scratch;
}

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  scratch = fuzz::enter_write_sandbox(*argc, *argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string root = fuzz::fresh_layer_dir(scratch);
  // The archive lives outside the scratch (in a memfd), as a download would.
  const int fd = ::memfd_create("layer.tar", MFD_CLOEXEC);
  if (fd < 0 || ::write(fd, data, size) != ssize_t(size)) std::abort();
  const std::string path = "/proc/self/fd/" + std::to_string(fd);
  auto r = daemon::images::extract_layer(path, root);
  ::close(fd);
  if (!r && r.error().kind != ErrorKind::InvalidParameter && r.error().kind != ErrorKind::System)
    fuzz::property_failed("unexpected error kind", r.error().message);
  if (r && (r->diff_id.size() != 71 || r->size < 0)) fuzz::property_failed("bad diff id or size", r->diff_id);
  std::string what;
  if (!fuzz::scratch_intact(scratch, what)) fuzz::property_failed("wrote outside the layer", what);
  return 0;
}
