// What a registry says in WWW-Authenticate (parse_challenges) and what a
// client sends in X-Registry-Auth (decode_registry_auth): both are bytes
// from the other side of a network connection.
#include <cstdint>

#include "daemon/registry/auth.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  const auto challenges = daemon::registry::parse_challenges(in);
  if (challenges.size() > size) fuzz::property_failed("more challenges than bytes", in);
  for (const auto& c : challenges)
    for (char ch : c.scheme)
      if (ch >= 'A' && ch <= 'Z') fuzz::property_failed("scheme not lower case", c.scheme);
  auto creds = daemon::registry::decode_registry_auth(in);
  if (!creds && creds.error().kind != ErrorKind::InvalidParameter)
    fuzz::property_failed("a bad X-Registry-Auth is not a 400", creds.error().message);
  return 0;
}
