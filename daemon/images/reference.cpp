#include "daemon/images/reference.hpp"

#include <regex>

namespace mydocker::daemon::images {

namespace {
const std::regex& component_re() {
  static const std::regex re("^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*$");
  return re;
}
const std::regex& tag_re() {
  static const std::regex re("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$");
  return re;
}
const std::regex& domain_re() {
  static const std::regex re("^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*(?::[0-9]+)?$|^\\[[0-9a-fA-F:]+\\](?::[0-9]+)?$");
  return re;
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
    static const std::regex digest_re("^sha256:[a-f0-9]{64}$");
    if (!std::regex_match(r.digest, digest_re)) return fail(Error::invalid("invalid reference format"));
  }
  size_t slash = s.rfind('/');
  if (auto colon = s.rfind(':'); colon != std::string::npos && (slash == std::string::npos || colon > slash)) {
    r.tag = s.substr(colon + 1);
    s = s.substr(0, colon);
    if (!std::regex_match(r.tag, tag_re())) return fail(bad());
  }
  if (s.empty()) return fail(bad());
  std::string first = s.substr(0, s.find('/'));
  bool has_domain = s.find('/') != std::string::npos &&
                    (first.find('.') != std::string::npos || first.find(':') != std::string::npos || first == "localhost" ||
                     first.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos);
  if (has_domain) {
    if (!std::regex_match(first, domain_re())) return fail(bad());
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
    if (!std::regex_match(comp, component_re())) {
      std::string lower = comp;
      for (auto& ch : lower) ch = char(std::tolower(static_cast<unsigned char>(ch)));
      if (lower != comp && std::regex_match(lower, component_re()))
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
