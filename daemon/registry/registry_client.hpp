#pragma once
// One registry, spoken to through the Docker Registry HTTP API v2: the
// endpoint's scheme (HTTPS; plain HTTP only for insecure registries, after
// HTTPS failed its handshake, as Docker does), its auth challenge answered
// with Basic credentials or a Bearer token per repository scope (tokens
// cached), manifests, blobs and uploads. Safe to use from several threads.
#include <mutex>
#include <optional>
#include <string>

#include "daemon/registry/auth.hpp"
#include "daemon/registry/http_client.hpp"

namespace mydocker::daemon::registry {

namespace media {
inline constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
inline constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
inline constexpr const char* kDockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr const char* kSchema1 = "application/vnd.docker.distribution.manifest.v1+prettyjws";
}  // namespace media

struct Manifest {
  std::string media_type;
  std::string bytes;
  std::string digest;  // "sha256:..." of bytes
};

struct RegistryEndpoint {
  std::string host;  // "127.0.0.1:5000", "registry-1.docker.io"
  bool insecure = false;  // may fall back to HTTP, certificates not verified
};

class RegistryClient {
 public:
  RegistryClient(RegistryEndpoint endpoint, Credentials credentials, std::string certs_dir);

  // GET /v2/: reachable, and the credentials are accepted (login).
  Result<void> check_login();
  // By tag or digest; a digest reference is verified against the bytes.
  Result<Manifest> get_manifest(const std::string& repo, const std::string& reference);
  // The blob's bytes go to sink (redirects to other hosts followed).
  Result<void> get_blob(const std::string& repo, const std::string& digest, const BodySink& sink);
  Result<bool> blob_exists(const std::string& repo, const std::string& digest);
  // Monolithic PUT for small blobs, PATCH chunks then PUT for big ones.
  Result<void> upload_blob(const std::string& repo, const std::string& digest, const std::string& path, int64_t size,
                           const std::function<void(int64_t)>& progress = nullptr);
  // Returns the digest the registry reports.
  Result<std::string> put_manifest(const std::string& repo, const std::string& reference, const std::string& media_type,
                                   const std::string& bytes);
  const std::string& host() const { return endpoint_.host; }

 private:
  Result<std::string> base_url();
  // One request with auth: a 401 gets the challenge answered and the
  // request sent once more.
  Result<HttpResponse> call(HttpRequest request, const std::string& scope, const BodySink& sink = nullptr);
  Result<std::string> authorization(const std::string& scope, bool refresh);
  Result<std::string> fetch_token(const Challenge& c, const std::string& scope);

  RegistryEndpoint endpoint_;
  Credentials credentials_;
  std::string certs_dir_;
  std::mutex mu_;
  std::optional<std::string> scheme_;  // decided by the first request
  std::optional<Challenge> challenge_;
  std::map<std::string, std::string> tokens_;  // scope → "Bearer ..."
};

// Docker's error text for a registry's {"errors":[{"code","message"}]} body.
std::string registry_error_text(const HttpResponse& r);

}  // namespace mydocker::daemon::registry
