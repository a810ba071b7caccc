#pragma once
// Blob files: a streaming sha256 for bytes as they arrive, and a layer
// tarball written gzip-compressed (the form registries store layers in).
#include <memory>
#include <string>
#include <string_view>

#include "common/error.hpp"
#include "daemon/images/layer_store.hpp"

struct evp_md_ctx_st;

namespace mydocker::daemon::images {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string digest();  // "sha256:<hex>"; once

 private:
  evp_md_ctx_st* ctx_;
};

// "sha256:<hex>" of a file's bytes.
Result<std::string> file_digest(const std::string& path);

// Writes `src` to `dest` gzip-compressed (copied as is when it already is
// gzip) and describes the result as a Docker layer blob.
Result<LayerBlob> gzip_file(const std::string& src, const std::string& dest);

}  // namespace mydocker::daemon::images
