#include "daemon/images/image_archive_manifest.hpp"

#include <map>

namespace mydocker::daemon::images {

using nlohmann::json;

namespace {
constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
constexpr const char* kOciLayer = "application/vnd.oci.image.layer.v1.tar";
constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr const char* kNameAnnotation = "io.containerd.image.name";
constexpr const char* kRefAnnotation = "org.opencontainers.image.ref.name";

Error bad(const std::string& file, const std::string& what) {
  return Error::invalid("invalid archive: " + file + ": " + what);
}

std::optional<std::string> string_at(const json& j, const char* key) {
  if (!j.is_object() || !j.contains(key) || !j[key].is_string()) return std::nullopt;
  return j[key].get<std::string>();
}

// A name a descriptor gives its image, if any.
std::optional<std::string> descriptor_name(const json& desc) {
  const json ann = desc.is_object() ? desc.value("annotations", json::object()) : json::object();
  if (auto n = string_at(ann, kNameAnnotation)) return n;
  auto ref = string_at(ann, kRefAnnotation);
  // "latest" alone is a tag within a layout that has no repository name.
  if (ref && ref->find_first_of(":/@") != std::string::npos) return ref;
  return std::nullopt;
}

bool is_index(const json& doc) {
  const std::string mt = doc.value("mediaType", "");
  return mt == kOciIndex || mt == kDockerList || (mt.empty() && doc.contains("manifests"));
}

// Of a multi-platform index, the manifest for this host: linux/amd64, and
// never an attestation (buildx stores those as "unknown/unknown" manifests).
std::optional<json> pick_platform(const json& index) {
  std::optional<json> fallback;
  for (const auto& m : index.value("manifests", json::array())) {
    if (!m.is_object()) continue;
    const json ann = m.value("annotations", json::object());
    if (ann.is_object() && ann.contains("vnd.docker.reference.type")) continue;
    const json p = m.value("platform", json::object());
    if (!p.is_object() || p.empty()) {
      if (!fallback) fallback = m;
      continue;
    }
    if (p.value("os", "") == "linux" && p.value("architecture", "") == "amd64") return m;
  }
  return fallback;
}

Result<json> read_json_blob(const BlobReader& read_blob, const std::string& digest) {
  TRY_ASSIGN(std::string bytes, read_blob(digest));
  json doc = json::parse(bytes, nullptr, false);
  if (!doc.is_object()) return fail(bad(digest, "not a JSON object"));
  return doc;
}

// An image manifest (possibly behind nested indexes) as an archive entry.
Result<ArchiveImageEntry> entry_of(const json& desc, const BlobReader& read_blob, int depth) {
  auto digest = string_at(desc, "digest");
  if (!digest) return fail(bad("index.json", "a descriptor has no digest"));
  if (depth > 4) return fail(bad(*digest, "indexes nested too deep"));
  TRY_ASSIGN(json doc, read_json_blob(read_blob, *digest));
  if (is_index(doc)) {
    auto chosen = pick_platform(doc);
    if (!chosen) return fail(bad(*digest, "no manifest for linux/amd64"));
    return entry_of(*chosen, read_blob, depth + 1);
  }
  ArchiveImageEntry e;
  auto config = string_at(doc.value("config", json::object()), "digest");
  if (!config) return fail(bad(*digest, "the manifest has no config"));
  TRY_ASSIGN(e.config, blob_member_path(*config));
  const json layers = doc.value("layers", json::array());
  if (!layers.is_array()) return fail(bad(*digest, "layers is not an array"));
  for (const auto& l : layers) {
    auto d = string_at(l, "digest");
    if (!d) return fail(bad(*digest, "a layer has no digest"));
    TRY_ASSIGN(std::string member, blob_member_path(*d));
    e.layers.push_back(std::move(member));
  }
  return e;
}
}  // namespace

Result<std::string> blob_member_path(std::string_view digest) {
  if (!digest.starts_with("sha256:") || digest.size() != 71 ||
      digest.find_first_not_of("0123456789abcdef", 7) != std::string_view::npos)
    return fail(Error::invalid("invalid archive: unsupported digest \"" + std::string(digest) + "\""));
  return "blobs/sha256/" + std::string(digest.substr(7));
}

Result<std::vector<ArchiveImageEntry>> parse_docker_manifest(std::string_view text) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_array()) return fail(bad("manifest.json", "not a JSON array"));
  std::vector<ArchiveImageEntry> out;
  for (const auto& item : doc) {
    ArchiveImageEntry e;
    auto config = string_at(item, "Config");
    if (!config || config->empty()) return fail(bad("manifest.json", "an image has no Config"));
    e.config = *config;
    const json layers = item.value("Layers", json::array());
    const json tags = item.value("RepoTags", json::array());
    if (!layers.is_array() || !(tags.is_array() || tags.is_null()))
      return fail(bad("manifest.json", "Layers and RepoTags must be arrays"));
    for (const auto& l : layers) {
      if (!l.is_string() || l.get<std::string>().empty()) return fail(bad("manifest.json", "a layer path is not a string"));
      e.layers.push_back(l.get<std::string>());
    }
    for (const auto& t : tags.is_null() ? json::array() : tags) {
      if (!t.is_string()) return fail(bad("manifest.json", "a tag is not a string"));
      e.repo_tags.push_back(t.get<std::string>());
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<ArchiveImageEntry>> parse_oci_index(std::string_view text, const BlobReader& read_blob) {
  const json doc = json::parse(text, nullptr, false);
  if (!doc.is_object() || !doc.contains("manifests") || !doc["manifests"].is_array())
    return fail(bad("index.json", "not an OCI image index"));
  std::vector<ArchiveImageEntry> out;
  std::map<std::string, size_t> by_config;  // one image tagged several times is one entry
  for (const auto& desc : doc["manifests"]) {
    TRY_ASSIGN(ArchiveImageEntry e, entry_of(desc, read_blob, 0));
    auto name = descriptor_name(desc);
    auto [it, fresh] = by_config.try_emplace(e.config, out.size());
    if (fresh) out.push_back(std::move(e));
    if (name) out[it->second].repo_tags.push_back(*name);
  }
  return out;
}

std::string oci_manifest_bytes(const SavedImage& image) {
  json layers = json::array();
  for (const auto& l : image.layers) layers.push_back({{"mediaType", kOciLayer}, {"digest", l.diff_id}, {"size", l.size}});
  return json{{"schemaVersion", 2},
              {"mediaType", kOciManifest},
              {"config", {{"mediaType", kOciConfig}, {"digest", image.config_digest}, {"size", image.config_size}}},
              {"layers", layers}}
      .dump();
}

json oci_index(const std::vector<SavedImage>& images, const std::vector<std::pair<std::string, int64_t>>& manifests) {
  json list = json::array();
  for (size_t i = 0; i < images.size(); ++i) {
    const json desc = {{"mediaType", kOciManifest}, {"digest", manifests[i].first}, {"size", manifests[i].second}};
    if (images[i].tags.empty()) list.push_back(desc);
    for (const auto& tag : images[i].tags) {
      json named = desc;
      named["annotations"] = {{kNameAnnotation, tag.full_string()}, {kRefAnnotation, tag.tag}};
      list.push_back(std::move(named));
    }
  }
  return {{"schemaVersion", 2}, {"mediaType", kOciIndex}, {"manifests", list}};
}

json docker_manifest(const std::vector<SavedImage>& images) {
  json out = json::array();
  for (const auto& img : images) {
    json tags = json::array(), layers = json::array();
    for (const auto& t : img.tags) tags.push_back(t.familiar_string());
    for (const auto& l : img.layers) layers.push_back("blobs/sha256/" + l.diff_id.substr(7));
    out.push_back({{"Config", "blobs/sha256/" + img.config_digest.substr(7)},
                   {"RepoTags", tags.empty() ? json(nullptr) : tags},
                   {"Layers", layers}});
  }
  return out;
}

json legacy_repositories(const std::vector<SavedImage>& images) {
  json out = json::object();
  for (const auto& img : images) {
    if (img.layers.empty()) continue;
    for (const auto& t : img.tags) out[t.familiar_name()][t.tag] = img.layers.back().diff_id.substr(7);
  }
  return out;
}

}  // namespace mydocker::daemon::images
