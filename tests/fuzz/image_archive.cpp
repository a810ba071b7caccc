// `docker load` archives (daemon/images: image_archive_members,
// image_archive_manifest): the members read into a scratch folder, Docker's
// manifest.json or an OCI index.json with its blobs, each image's config
// and layer list checked, and each layer unpacked as load_images does
// before it registers anything (the store itself is not involved).
// Property: nothing outside the scratch folder changes. Runs in
// write_sandbox.hpp's mount namespace.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "daemon/images/digest.hpp"
#include "daemon/images/image_archive_manifest.hpp"
#include "daemon/images/image_archive_members.hpp"
#include "daemon/images/reference.hpp"
#include "daemon/images/tar_extract.hpp"
#include "tests/fuzz/fuzz_util.hpp"
#include "tests/fuzz/write_sandbox.hpp"

using namespace mydocker;
using namespace mydocker::daemon::images;

namespace {
std::string scratch;

// image_archive_reader.cpp's archive_entries.
Result<std::vector<ArchiveImageEntry>> entries_of(const ArchiveMembers& m) {
  if (m.contains("manifest.json")) {
    TRY_ASSIGN(std::string text, m.read_small("manifest.json"));
    return parse_docker_manifest(text);
  }
  if (m.contains("index.json")) {
    TRY_ASSIGN(std::string text, m.read_small("index.json"));
    return parse_oci_index(text, [&m](const std::string& digest) -> Result<std::string> {
      TRY_ASSIGN(std::string member, blob_member_path(digest));
      TRY_ASSIGN(std::string bytes, m.read_small(member));
      if (sha256_digest(bytes) != digest) return fail(Error::invalid("blob does not match its digest"));
      return bytes;
    });
  }
  return fail(Error::invalid("not an image archive"));
}

// image_archive_reader.cpp's check_entry, then the layers unpacked.
void check_entry(const ArchiveMembers& m, const ArchiveImageEntry& e, const std::string& layer_root) {
  auto config_text = m.read_small(e.config);
  if (!config_text) return;
  const auto config = nlohmann::json::parse(*config_text, nullptr, false);
  if (!config.is_object() || !config.contains("rootfs") || !config["rootfs"].is_object() ||
      !config["rootfs"].value("diff_ids", nlohmann::json()).is_array())
    return;
  for (const auto& t : e.repo_tags) (void)parse_reference(t);
  for (const auto& l : e.layers) {
    auto file = m.file(l);
    if (!file) continue;
    (void)extract_layer(*file, layer_root);
  }
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) {
  scratch = fuzz::enter_write_sandbox(*argc, *argv);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string root = fuzz::fresh_layer_dir(scratch);
  const int fd = ::memfd_create("image.tar", MFD_CLOEXEC);
  if (fd < 0 || ::write(fd, data, size) != ssize_t(size)) std::abort();
  ::mkdir((root + "/layer").c_str(), 0755);
  {
    auto members = ArchiveMembers::read("/proc/self/fd/" + std::to_string(fd), root + "/members");
    if (members) {
      auto entries = entries_of(**members);
      if (entries)
        for (const auto& e : *entries) check_entry(**members, e, root + "/layer");
    }
  }
  ::close(fd);
  std::string what;
  if (!fuzz::scratch_intact(scratch, what)) fuzz::property_failed("wrote outside the scratch folder", what);
  return 0;
}
