// Image references as users and registries write them: parse_reference and
// the names it prints. Properties: whatever parses prints back (full and
// familiar forms) to a reference that parses to the same parts.
#include <cstdint>

#include "daemon/images/reference.hpp"
#include "tests/fuzz/fuzz_util.hpp"

using namespace mydocker;
using daemon::images::parse_reference;
using daemon::images::Reference;

namespace {
bool same(const Reference& a, const Reference& b) {
  return a.domain == b.domain && a.path == b.path && a.tag == b.tag && a.digest == b.digest;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view in = fuzz::as_view(data, size);
  (void)daemon::images::looks_like_image_id(in);
  for (bool default_tag : {true, false}) {
    auto r = parse_reference(in, default_tag);
    if (!r) {
      if (r.error().message.empty()) fuzz::property_failed("error without a message", in);
      continue;
    }
    if (r->domain.empty() || r->path.empty()) fuzz::property_failed("parsed without domain or path", in);
    const std::string full = r->full_string();
    auto again = parse_reference(full, default_tag);
    if (!again || !same(*r, *again)) fuzz::property_failed("full_string does not parse back", full);
    // Docker's own grammar is ambiguous here: docker.io/a.b/c prints as
    // "a.b/c", which reads back with a.b as the registry (in Docker too).
    const std::string first = r->path.substr(0, r->path.find('/'));
    if (r->domain == "docker.io" && (first.find_first_of(".:") != std::string::npos || first == "localhost")) continue;
    const std::string familiar = r->familiar_string();
    auto fam = parse_reference(familiar, default_tag);
    if (!fam || !same(*r, *fam)) fuzz::property_failed("familiar_string does not parse back", familiar);
  }
  return 0;
}
