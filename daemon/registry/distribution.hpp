#pragma once
// Pull and push: images moved between a registry and the local image
// store, with Docker's progress stream.
//   pull: manifest (or an index/list, resolved for the platform), config,
//         layers downloaded three at a time, each verified against its
//         digest and unpacked as soon as it is complete; the image is
//         registered only when every layer is in place.
//   push: each layer's blob unless the repository has it, the config, the
//         manifest; the digest reported as Docker's CLI prints it.
#include <string>
#include <vector>

#include "daemon/images/image_service.hpp"
#include "daemon/images/layer_store.hpp"
#include "daemon/images/reference.hpp"
#include "daemon/registry/auth.hpp"
#include "daemon/registry/progress.hpp"
#include "daemon/registry/registry_client.hpp"

namespace mydocker::daemon::registry {

struct RegistryOptions {
  std::string certs_dir = "/etc/mydocker/certs.d";    // <host:port>/ca.crt, as Docker's /etc/docker/certs.d
  std::vector<std::string> insecure_registries;       // host[:port] or CIDR; loopback always is
};

// Where a reference's repository lives: docker.io is registry-1.docker.io.
RegistryEndpoint endpoint_for(const std::string& domain, const RegistryOptions& options);

struct Platform {
  std::string os = "linux", architecture = "amd64", variant;
};
// "linux/amd64", "linux/arm64/v8"; empty: the host's.
Result<Platform> parse_platform(const std::string& text);

class Distribution {
 public:
  Distribution(images::ImageService& images, images::LayerStore& layers, RegistryOptions options)
      : images_(images), layers_(layers), options_(std::move(options)) {}

  Result<images::Image> pull(const images::Reference& ref, const Platform& platform, const Credentials& credentials,
                             const ProgressSink& progress);
  // Pushes `ref` (a local tag); its digest is added to the image's RepoDigests.
  Result<void> push(const images::Reference& ref, const Credentials& credentials, const ProgressSink& progress);
  // POST /auth: the registry accepts these credentials.
  Result<void> login(const std::string& server, const Credentials& credentials);

 private:
  Result<Manifest> resolve_platform(RegistryClient& client, const std::string& repo, Manifest m, const Platform& platform);
  Result<void> fetch_layer(RegistryClient& client, const std::string& repo, const nlohmann::json& descriptor,
                           const std::string& parent_chain, const std::string& diff_id, ProgressWriter& progress);

  images::ImageService& images_;
  images::LayerStore& layers_;
  RegistryOptions options_;
};

}  // namespace mydocker::daemon::registry
