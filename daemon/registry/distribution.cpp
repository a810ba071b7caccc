#include "daemon/registry/distribution.hpp"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "common/fs.hpp"
#include "common/random_id.hpp"
#include "common/unique_fd.hpp"
#include "daemon/images/blob_file.hpp"
#include "daemon/images/digest.hpp"
#include "daemon/images/tar_extract.hpp"

namespace mydocker::daemon::registry {

using nlohmann::json;

namespace {
constexpr size_t kParallelDownloads = 3;  // as Docker's max-concurrent-downloads

std::string short_of(const std::string& digest) { return digest.substr(digest.find(':') + 1, 12); }

bool is_loopback_host(const std::string& host_port) {
  std::string host = host_port;
  if (!host.empty() && host.front() == '[') host = host.substr(1, host.find(']') - 1);
  else if (const size_t colon = host.rfind(':'); colon != std::string::npos && host.find(':') == colon)
    host = host.substr(0, colon);
  return host == "localhost" || host == "::1" || host.rfind("127.", 0) == 0;
}

std::string host_architecture() {
  utsname u{};
  ::uname(&u);
  const std::string m = u.machine;
  if (m == "x86_64") return "amd64";
  if (m == "aarch64") return "arm64";
  if (m == "i686" || m == "i386") return "386";
  return m;
}

// Removes a temporary file unless it was handed on.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

std::string platform_text(const Platform& p) {
  return p.os + "/" + p.architecture + (p.variant.empty() ? "" : "/" + p.variant);
}
}  // namespace

RegistryEndpoint endpoint_for(const std::string& domain, const RegistryOptions& options) {
  RegistryEndpoint e;
  e.host = domain == "docker.io" ? "registry-1.docker.io" : domain;
  e.insecure = is_loopback_host(domain);
  for (const auto& i : options.insecure_registries) e.insecure |= i == domain;
  return e;
}

Result<Platform> parse_platform(const std::string& text) {
  Platform p;
  p.architecture = host_architecture();
  if (text.empty()) return p;
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t slash; (slash = text.find('/', start)) != std::string::npos; start = slash + 1)
    parts.push_back(text.substr(start, slash - start));
  parts.push_back(text.substr(start));
  if (parts.size() > 3 || parts[0].empty() || (parts.size() > 1 && parts[1].empty()))
    return fail(Error::invalid("\"" + text + "\": unknown operating system or architecture: invalid argument"));
  p.os = parts[0];
  if (parts.size() > 1) p.architecture = parts[1];
  if (parts.size() > 2) p.variant = parts[2];
  return p;
}

Result<Manifest> Distribution::resolve_platform(RegistryClient& client, const std::string& repo, Manifest m,
                                                const Platform& platform) {
  if (m.media_type != media::kDockerList && m.media_type != media::kOciIndex) return m;
  const json index = json::parse(m.bytes, nullptr, false);
  for (const auto& d : index.value("manifests", json::array())) {
    const json p = d.value("platform", json::object());
    if (p.value("os", "") != platform.os || p.value("architecture", "") != platform.architecture) continue;
    if (!platform.variant.empty() && p.value("variant", "") != platform.variant) continue;
    return client.get_manifest(repo, d.value("digest", ""));
  }
  return fail(Error::not_found("no matching manifest for " + platform_text(platform) + " in the manifest list entries"));
}

namespace {
// The unpacked folder of a layer being pulled goes unless it was committed.
struct LayerDirGuard {
  images::LayerStore& layers;
  images::LayerStore::NewLayerDir dir;
  bool committed = false;
  ~LayerDirGuard() {
    if (!committed) layers.discard_layer_dir(dir);
  }
};

// To the unpacking thread's socket: MSG_NOSIGNAL, so that a thread that
// stopped reading means an error here, not a SIGPIPE.
Result<void> send_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t w = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) return fail(Error::from_errno(errno, "send to the unpacking thread"));
    data.remove_prefix(size_t(w));
  }
  return {};
}
}  // namespace

// The blob is written to a file (kept for push) and, through a socket pair,
// to a thread that unpacks it as it arrives: download and unpacking overlap,
// and the layer is decompressed once. It becomes a layer only when both the
// blob's digest and the unpacked tar's diff id are what the image says.
Result<void> Distribution::fetch_layer(RegistryClient& client, const std::string& repo, const json& descriptor,
                                       const std::string& parent_chain, const std::string& diff_id,
                                       ProgressWriter& progress) {
  const std::string digest = descriptor.value("digest", "");
  const int64_t total = descriptor.value("size", int64_t(0));
  const std::string id = short_of(digest);
  TempFile tmp{layers_.tmp_dir() + "/pull-" + random_hex_id().substr(0, 16)};
  UniqueFd fd(::open(tmp.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (!fd) return fail(Error::from_errno(errno, "create " + tmp.path));
  TRY_ASSIGN(images::LayerStore::NewLayerDir dir, layers_.new_layer_dir());
  LayerDirGuard guard{layers_, dir};
  int sv[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
    return fail(Error::from_errno(errno, "socketpair for unpacking"));
  UniqueFd to_extractor(sv[0]), from_download(sv[1]);

  Result<images::ExtractResult> extracted = fail(Error::internal("layer not unpacked"));
  std::thread extractor([&] {
    extracted = images::extract_layer_fd(from_download.get(), dir.path + "/diff");
    from_download.reset();  // a download still sending learns that the unpacking ended
  });
  images::Sha256 hash;
  int64_t got = 0;
  bool unpacking_ended = false;
  auto fetched = client.get_blob(repo, digest, [&](std::string_view data) -> Result<void> {
    TRY_VOID(fs::write_all(fd.get(), data, tmp.path));
    if (!unpacking_ended && !send_all(to_extractor.get(), data)) unpacking_ended = true;
    hash.update(data);
    got += int64_t(data.size());
    progress.bytes("Downloading", id, got, total);
    if (unpacking_ended) return fail(Error::invalid("unpacking stopped"));  // its own error is reported below
    return {};
  });
  ::shutdown(to_extractor.get(), SHUT_WR);
  extractor.join();
  to_extractor.reset();
  fd.reset();
  if (!fetched && !unpacking_ended) return fail(fetched.error());
  progress.status("Verifying Checksum", id);
  if (fetched && hash.digest() != digest)
    return fail(Error::invalid("filesystem layer verification failed for digest " + digest));
  if (!extracted) return fail(Error::invalid("failed to register layer " + id + ": " + extracted.error().message));
  if (extracted->diff_id != diff_id)
    return fail(Error::invalid("layer " + digest + ": diff id mismatch: the image config says " + diff_id +
                               ", the layer is " + extracted->diff_id));
  progress.status("Download complete", id);
  progress.bytes("Extracting", id, got, got);
  TRY_ASSIGN(std::string chain, layers_.commit_layer(dir, parent_chain, diff_id, extracted->size));
  guard.committed = true;
  images::LayerBlob blob{digest, descriptor.value("mediaType", std::string(media::kDockerLayer)), got};
  TRY_VOID(layers_.keep_blob(chain, tmp.path, blob));
  progress.status("Pull complete", id);
  return {};
}

Result<images::Image> Distribution::pull(const images::Reference& ref, const Platform& platform,
                                         const Credentials& credentials, const ProgressSink& sink) {
  ProgressWriter progress(sink);
  RegistryClient client(endpoint_for(ref.domain, options_), credentials, options_.certs_dir);
  const std::string reference = ref.digest.empty() ? ref.tag : ref.digest;
  auto top = client.get_manifest(ref.path, reference);
  if (!top) {
    if (top.error().kind == ErrorKind::NotFound)
      return fail(Error::not_found("manifest for " + ref.familiar_string() + " not found: " + top.error().message));
    return fail(top.error());
  }
  // Only now, as Docker: an unknown tag is a plain 404, before any stream.
  progress.status("Pulling from " + ref.path, reference);
  TRY_ASSIGN(Manifest m, resolve_platform(client, ref.path, *top, platform));
  const json manifest = json::parse(m.bytes, nullptr, false);
  if (m.media_type == media::kSchema1 || manifest.value("schemaVersion", 0) != 2)
    return fail(Error::invalid("unsupported manifest format for " + ref.familiar_string() + ": " + m.media_type +
                               " (schema 1 images are not supported)"));
  const json config_desc = manifest.value("config", json::object());
  const std::string config_digest = config_desc.value("digest", "");
  if (!images::is_sha256_digest(config_digest))
    return fail(Error::invalid("invalid config digest in the manifest of " + ref.familiar_string() + ": " +
                               config_digest));
  const std::string repo_digest = ref.familiar_name() + "@" + top->digest;
  std::optional<images::Reference> tag;
  if (ref.digest.empty()) tag = ref;
  // The image itself is here already (its id is the config's digest): as
  // Docker, nothing but the manifest is fetched; only the names change.
  if (auto have = images_.config_bytes(config_digest)) {
    auto before = images_.resolve(ref.familiar_string());
    const bool same = before && before->id == config_digest;
    TRY_ASSIGN(images::Image img, images_.add_image(*have, tag, repo_digest));
    progress.status("Digest: " + top->digest);
    progress.status(std::string(same ? "Status: Image is up to date for " : "Status: Downloaded newer image for ") +
                    ref.familiar_string());
    return img;
  }
  std::string config_bytes;
  TRY_VOID(client.get_blob(ref.path, config_digest, [&](std::string_view d) -> Result<void> {
    config_bytes.append(d);
    return {};
  }));
  if (images::sha256_digest(config_bytes) != config_digest)
    return fail(Error::invalid("image config verification failed for digest " + config_digest));
  const json config = json::parse(config_bytes, nullptr, false);
  if (!config.is_object() || !config.contains("rootfs"))
    return fail(Error::invalid("invalid image config " + config_digest));
  const std::vector<std::string> diff_ids = config["rootfs"].value("diff_ids", std::vector<std::string>{});
  const json layers = manifest.value("layers", json::array());
  if (!layers.is_array() || layers.size() != diff_ids.size())
    return fail(Error::invalid("the manifest of " + ref.familiar_string() + " names " + std::to_string(layers.size()) +
                               " layers, its config " + std::to_string(diff_ids.size())));
  for (size_t i = 0; i < layers.size(); ++i)
    if (!images::is_sha256_digest(layers[i].value("digest", "")) || !images::is_sha256_digest(diff_ids[i]))
      return fail(Error::invalid("invalid layer digest in the image " + ref.familiar_string() + ": " +
                                 layers[i].value("digest", "") + " / " + diff_ids[i]));
  const auto chains = images::LayerStore::chain_ids(diff_ids);

  images::LayerPins pins(layers_);
  std::vector<size_t> todo;
  for (size_t i = 0; i < chains.size(); ++i) {
    pins.add(chains[i]);
    const std::string id = short_of(layers[i].value("digest", ""));
    if (layers_.has_layer(chains[i])) {
      progress.status("Already exists", id);
    } else {
      progress.status("Pulling fs layer", id);
      todo.push_back(i);
    }
  }
  // Three at a time; each layer is unpacked by the thread that fetched it.
  std::atomic<size_t> next{0};
  std::mutex error_mu;
  std::optional<Error> first_error;
  auto worker = [&] {
    for (size_t k; (k = next++) < todo.size();) {
      {
        std::lock_guard lk(error_mu);
        if (first_error) return;
      }
      const size_t i = todo[k];
      auto r = fetch_layer(client, ref.path, layers[i], i == 0 ? "" : chains[i - 1], diff_ids[i], progress);
      if (!r) {
        std::lock_guard lk(error_mu);
        if (!first_error) first_error = r.error();
      }
    }
  };
  std::vector<std::thread> threads;
  for (size_t t = 0; t < std::min(kParallelDownloads, todo.size()); ++t) threads.emplace_back(worker);
  for (auto& t : threads) t.join();
  if (first_error) return fail(*first_error);

  const std::string image_id = images::sha256_digest(config_bytes);
  auto before = images_.resolve(ref.familiar_string());
  const bool up_to_date = todo.empty() && before && before->id == image_id;
  TRY_ASSIGN(images::Image img, images_.add_image(config_bytes, tag, repo_digest));
  progress.status("Digest: " + top->digest);
  progress.status(std::string(up_to_date ? "Status: Image is up to date for " : "Status: Downloaded newer image for ") +
                  ref.familiar_string());
  return img;
}

Result<void> Distribution::push(const images::Reference& ref, const Credentials& credentials,
                                const ProgressSink& sink) {
  ProgressWriter progress(sink);
  auto image = images_.resolve(ref.familiar_string());
  if (!image) return fail(Error::not_found("An image does not exist locally with the tag: " + ref.familiar_name()));
  RegistryClient client(endpoint_for(ref.domain, options_), credentials, options_.certs_dir);
  progress.status("The push refers to repository [" + ref.domain + "/" + ref.path + "]");
  const std::vector<std::string> diff_ids = image->config["rootfs"].value("diff_ids", std::vector<std::string>{});
  const auto chains = images::LayerStore::chain_ids(diff_ids);
  std::vector<images::LayerBlob> blobs;
  for (size_t i = diff_ids.size(); i-- > 0;) progress.status("Preparing", short_of(diff_ids[i]));
  for (size_t i = 0; i < chains.size(); ++i) {
    auto blob = layers_.layer_blob(chains[i]);
    if (!blob)
      return fail(Error::internal("layer " + short_of(diff_ids[i]) +
                                  " has no blob to push (stored before blobs were kept): pull or import the image again"));
    blobs.push_back(*blob);
  }
  for (size_t i = chains.size(); i-- > 0;) {
    const std::string id = short_of(diff_ids[i]);
    TRY_ASSIGN(bool exists, client.blob_exists(ref.path, blobs[i].digest));
    if (exists) {
      progress.status("Layer already exists", id);
      continue;
    }
    TRY_VOID(client.upload_blob(ref.path, blobs[i].digest, layers_.blob_path(chains[i]), blobs[i].size,
                                [&](int64_t sent) { progress.bytes("Pushing", id, sent, blobs[i].size); }));
    progress.status("Pushed", id);
  }
  TRY_ASSIGN(std::string config_bytes, images_.config_bytes(image->id));
  TRY_ASSIGN(bool config_there, client.blob_exists(ref.path, image->id));
  if (!config_there) {
    TempFile tmp{layers_.tmp_dir() + "/push-" + random_hex_id().substr(0, 16)};
    TRY_VOID(fs::write_file_atomic(tmp.path, config_bytes, 0600));
    TRY_VOID(client.upload_blob(ref.path, image->id, tmp.path, int64_t(config_bytes.size())));
  }
  // A Docker manifest, or an OCI one when the layers are OCI blobs.
  bool oci = false;
  for (const auto& b : blobs) oci |= b.media_type.rfind("application/vnd.oci.", 0) == 0;
  nlohmann::ordered_json manifest;
  manifest["schemaVersion"] = 2;
  manifest["mediaType"] = oci ? media::kOciManifest : media::kDockerManifest;
  manifest["config"] = {{"mediaType", oci ? "application/vnd.oci.image.config.v1+json" : media::kDockerConfig},
                        {"size", config_bytes.size()},
                        {"digest", image->id}};
  manifest["layers"] = nlohmann::ordered_json::array();
  for (const auto& b : blobs) {
    std::string type = b.media_type;
    if (oci && type == media::kDockerLayer) type = "application/vnd.oci.image.layer.v1.tar+gzip";
    manifest["layers"].push_back({{"mediaType", type}, {"size", b.size}, {"digest", b.digest}});
  }
  const std::string bytes = manifest.dump(3);
  const std::string tag = ref.tag.empty() ? "latest" : ref.tag;
  TRY_ASSIGN(std::string digest,
             client.put_manifest(ref.path, tag, oci ? media::kOciManifest : media::kDockerManifest, bytes));
  progress.status(tag + ": digest: " + digest + " size: " + std::to_string(bytes.size()));
  progress.raw({{"progressDetail", json::object()}, {"aux", {{"Tag", tag}, {"Digest", digest}, {"Size", bytes.size()}}}});
  return images_.add_repo_digest(image->id, ref.familiar_name() + "@" + digest);
}

Result<void> Distribution::login(const std::string& server, const Credentials& credentials) {
  std::string host = server;
  for (const char* scheme : {"https://", "http://"})
    if (host.rfind(scheme, 0) == 0) host = host.substr(std::string(scheme).size());
  if (const size_t slash = host.find('/'); slash != std::string::npos) host.resize(slash);
  if (host.empty() || host == "index.docker.io" || host == "registry-1.docker.io") host = "docker.io";
  RegistryClient client(endpoint_for(host, options_), credentials, options_.certs_dir);
  return client.check_login();
}

}  // namespace mydocker::daemon::registry
