#pragma once
#include <string>
#include <string_view>

struct evp_md_ctx_st;

namespace mydocker::daemon::images {

// A sha256 of bytes as they arrive.
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

// "sha256:<hex>" of the bytes.
std::string sha256_digest(std::string_view data);
// "sha256:" and 64 lower-case hex digits: what may name a blob, a layer or
// an image. Digests from registries and archives are checked with it before
// they become paths or URLs.
bool is_sha256_digest(std::string_view text);

}  // namespace mydocker::daemon::images
