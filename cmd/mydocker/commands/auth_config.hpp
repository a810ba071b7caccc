#pragma once
// Registry credentials as the docker CLI keeps them: a config.json with
// {"auths": {"<server>": {"auth": base64("user:password")}}}, in
// $MYDOCKER_CONFIG or ~/.mydocker, written atomically with mode 0600.
#include <optional>
#include <string>

#include "common/error.hpp"

namespace mydocker::cli {

// The key Docker uses for a registry host: Docker Hub is
// "https://index.docker.io/v1/", any other is its host[:port].
std::string auth_key_for(const std::string& registry_host);
// The registry part of an image reference ("127.0.0.1:5000/x" → "127.0.0.1:5000", "busybox" → "docker.io").
std::string registry_of(const std::string& image);

struct StoredAuth {
  std::string username, password;
};
std::optional<StoredAuth> load_auth(const std::string& key);
Result<void> save_auth(const std::string& key, const StoredAuth& auth);
// false when there was nothing to remove.
Result<bool> remove_auth(const std::string& key);

// X-Registry-Auth for an image's registry: base64url of the stored
// credentials as JSON, or of "{}" when there are none.
std::string registry_auth_header(const std::string& image);

}  // namespace mydocker::cli
