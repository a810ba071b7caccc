#include "daemon/images/reference.hpp"

#include <algorithm>
#include <cctype>

namespace mydocker::daemon::images {

// The grammar of Docker's reference package, matched by hand: linear, no
// recursion, so a reference of any length from a client is only rejected
// (std::regex recursed per character and overflowed the stack on a
// 200 kB name, killing the daemon).
namespace {
bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool alnum(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }

// [a-z0-9]+ ((. | _ | __ | -+) [a-z0-9]+)*
bool valid_component(std::string_view s) {
  size_t i = 0;
  while (true) {
    const size_t run = i;
    while (i < s.size() && lower_alnum(s[i])) ++i;
    if (i == run) return false;  // empty, or a separator at the start or doubled
    if (i == s.size()) return true;
    const size_t sep = i;
    while (i < s.size() && !lower_alnum(s[i])) ++i;
    const std::string_view separator = s.substr(sep, i - sep);
    const bool dashes = separator.find_first_not_of('-') == std::string_view::npos;
    if (!(separator == "." || separator == "_" || separator == "__" || dashes)) return false;
  }
}

// [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}
bool valid_tag(std::string_view s) {
  if (s.empty() || s.size() > 128 || !(alnum(s[0]) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return alnum(c) || c == '_' || c == '.' || c == '-'; });
}

bool valid_port_suffix(std::string_view s) {  // "" or ":[0-9]+"
  if (s.empty()) return true;
  return s.size() > 1 && s[0] == ':' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// host labels [A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])? joined by dots, or
// [ipv6], then an optional :port.
bool valid_domain(std::string_view s) {
  if (!s.empty() && s[0] == '[') {
    const size_t close = s.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    const std::string_view addr = s.substr(1, close - 1);
    if (!std::all_of(addr.begin(), addr.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; }))
      return false;
    return valid_port_suffix(s.substr(close + 1));
  }
  const size_t colon = s.find(':');
  const std::string_view host = s.substr(0, colon);
  if (!valid_port_suffix(colon == std::string_view::npos ? std::string_view() : s.substr(colon))) return false;
  size_t pos = 0;
  while (true) {
    const size_t dot = host.find('.', pos);
    const std::string_view label = host.substr(pos, dot == std::string_view::npos ? std::string_view::npos : dot - pos);
    if (label.empty() || !alnum(label.front()) || !alnum(label.back()) ||
        !std::all_of(label.begin(), label.end(), [](char c) { return alnum(c) || c == '-'; }))
      return false;
    if (dot == std::string_view::npos) return true;
    pos = dot + 1;
  }
}

bool valid_digest(std::string_view s) {
  return s.size() == 7 + 64 && s.starts_with("sha256:") &&
         s.substr(7).find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

Error bad() { return Error::invalid("invalid reference format"); }
}  // namespace

std::string Reference::familiar_name() const {
  // As Docker: "library/" goes only from an official image's one-level name
  // ("library/a/b" keeps it, or it would read back as docker.io/a/b).
  if (domain == "docker.io")
    return path.rfind("library/", 0) == 0 && path.find('/', 8) == std::string::npos ? path.substr(8) : path;
  return domain + "/" + path;
}

std::string Reference::familiar_string() const {
  std::string s = familiar_name();
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

std::string Reference::full_string() const {
  std::string s = domain + "/" + path;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

Result<Reference> parse_reference(std::string_view in, bool default_tag) {
  std::string s(in);
  if (s.empty()) return fail(bad());
  Reference r;
  if (auto at = s.find('@'); at != std::string::npos) {
    r.digest = s.substr(at + 1);
    s = s.substr(0, at);
    if (!valid_digest(r.digest)) return fail(Error::invalid("invalid reference format"));
  }
  size_t slash = s.rfind('/');
  if (auto colon = s.rfind(':'); colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    r.tag = s.substr(colon + 1);
    s = s.substr(0, colon);
    if (!valid_tag(r.tag)) return fail(bad());
  }
  if (s.empty()) return fail(bad());
  std::string first = s.substr(0, s.find('/'));
  bool has_domain = s.find('/') != std::string::npos &&
                    (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost" ||
                     first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos);
  if (has_domain) {
    if (!valid_domain(first)) return fail(bad());
    // As Docker's splitDockerDomain: index.docker.io is docker.io, and an
    // official image keeps its library/ there too (docker.io/busybox).
    r.domain = first == "index.docker.io" ? "docker.io" : first;
    r.path = s.substr(first.size() + 1);
    if (r.domain == "docker.io" && r.path.find('/') == std::string::npos) r.path = "library/" + r.path;
  } else {
    r.domain = "docker.io";
    r.path = s.find('/') == std::string::npos ? "library/" + s : s;
  }
  size_t pos = 0;
  while (pos <= r.path.size()) {
    size_t next = r.path.find('/', pos);
    std::string comp = r.path.substr(pos, next == std::string::npos ? std::string::npos : next - pos);
    if (!valid_component(comp)) {
      std::string lower = comp;
      for (auto& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
      if (lower != comp && valid_component(lower))
        return fail(Error::invalid("invalid reference format: repository name (" + r.path + ") must be lowercase"));
      return fail(bad());
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  if (r.familiar_name().size() > 255) return fail(Error::invalid("invalid reference format: repository name must not be more than 255 characters"));
  if (r.tag.empty() && r.digest.empty() && default_tag) r.tag = "latest";
  return r;
}

bool looks_like_image_id(std::string_view s) {
  if (s.starts_with("sha256:")) s.remove_prefix(7);
  if (s.empty() || s.size() > 64) return false;
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace mydocker::daemon::images
