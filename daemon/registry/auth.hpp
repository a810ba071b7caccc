#pragma once
// Registry authentication: the credentials a client sends (X-Registry-Auth,
// base64url JSON as the docker CLI encodes it) and the WWW-Authenticate
// challenges a registry answers with (Basic, or Bearer with a token realm).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.hpp"

namespace mydocker::daemon::registry {

struct Credentials {
  std::string username, password;
  std::string identity_token;  // a refresh token from an earlier login
  bool empty() const { return username.empty() && password.empty() && identity_token.empty(); }
};

// X-Registry-Auth: base64url (or standard base64) of {"username":...,"password":...}.
// An empty or "{}" header means anonymous; a malformed one is a 400.
Result<Credentials> decode_registry_auth(std::string_view header);

struct Challenge {
  std::string scheme;  // "bearer" or "basic", lower case
  std::map<std::string, std::string> params;  // realm, service, scope
};
// Every challenge of a WWW-Authenticate value (quoted strings with commas
// and escapes allowed).
std::vector<Challenge> parse_challenges(std::string_view header);


}  // namespace mydocker::daemon::registry
