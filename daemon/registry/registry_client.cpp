#include "daemon/registry/registry_client.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "common/base64.hpp"
#include "common/unique_fd.hpp"
#include "common/url_escape.hpp"
#include "daemon/images/digest.hpp"

namespace mydocker::daemon::registry {

using nlohmann::json;

namespace {
constexpr int64_t kMonolithicLimit = 8 << 20;  // bigger blobs go up in PATCH chunks of this size
constexpr int kMaxRedirects = 5;

// Registry error codes as Docker's distribution client words them.
std::string code_text(std::string code) {
  if (code == "NAME_UNKNOWN") return "repository name not known to registry";
  for (auto& c : code) c = c == '_' ? ' ' : char(std::tolower(static_cast<unsigned char>(c)));
  return code;
}
}  // namespace

std::string registry_error_text(const HttpResponse& r) {
  const auto j = json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("errors") && j["errors"].is_array() && !j["errors"].empty()) {
    std::string out;
    for (const auto& e : j["errors"]) {
      if (!e.is_object()) continue;
      if (!out.empty()) out += ", ";
      const std::string code = e.value("code", "");
      const std::string message = e.value("message", "");
      out += code.empty() ? message : code_text(code) + (message.empty() ? "" : ": " + message);
    }
    if (!out.empty()) return out;
  }
  if (r.status == 401) return "unauthorized: authentication required";
  if (r.status == 404) return "not found";
  return "unexpected status from registry: " + std::to_string(r.status);
}

RegistryClient::RegistryClient(RegistryEndpoint endpoint, Credentials credentials, std::string certs_dir)
    : endpoint_(std::move(endpoint)), credentials_(std::move(credentials)), certs_dir_(std::move(certs_dir)) {}

Result<std::string> RegistryClient::base_url() {
  std::lock_guard lk(mu_);
  if (scheme_) return *scheme_ + "://" + endpoint_.host;
  // The first contact: GET /v2/ over HTTPS (HTTP for an insecure registry
  // whose TLS handshake failed), which also tells how to authenticate.
  for (const char* scheme : {"https", "http"}) {
    TRY_ASSIGN(Url url, Url::parse(std::string(scheme) + "://" + endpoint_.host + "/v2/"));
    HttpClient http(TlsOptions{certs_dir_, !endpoint_.insecure});
    auto r = http.send(HttpRequest{"GET", url, {}, {}, {}});
    if (!r) {
      // An insecure registry is tried over plain HTTP when HTTPS fails, as Docker does.
      if (std::string(scheme) == "https" && endpoint_.insecure) continue;
      return fail(r.error());
    }
    scheme_ = scheme;
    if (r->status == 401) {
      for (const auto& c : parse_challenges(r->header("www-authenticate")))
        if (c.scheme == "bearer" || c.scheme == "basic") {
          challenge_ = c;
          break;
        }
    }
    return *scheme_ + "://" + endpoint_.host;
  }
  return fail(Error::unavailable("registry " + endpoint_.host + " cannot be reached"));
}

Result<std::string> RegistryClient::fetch_token(const Challenge& c, const std::string& scope) {
  const auto realm = c.params.find("realm");
  if (realm == c.params.end()) return fail(Error::unavailable("registry " + endpoint_.host + ": bearer challenge without realm"));
  std::string target = realm->second;
  std::string query;
  if (auto s = c.params.find("service"); s != c.params.end()) query += "service=" + url_path_escape(s->second);
  if (!scope.empty()) query += std::string(query.empty() ? "" : "&") + "scope=" + url_path_escape(scope);
  if (!query.empty()) target += (target.find('?') == std::string::npos ? "?" : "&") + query;
  TRY_ASSIGN(Url url, Url::parse(target));
  HttpRequest req{"GET", url, {}, {}, {}};
  if (!credentials_.username.empty())
    req.headers.push_back({"Authorization", "Basic " + base64::encode(credentials_.username + ":" + credentials_.password)});
  HttpClient http(TlsOptions{certs_dir_, !endpoint_.insecure});
  TRY_ASSIGN(HttpResponse r, http.send(req));
  if (r.status == 401 || r.status == 403) {
    const auto j = json::parse(r.body, nullptr, false);
    std::string why = "authentication required";
    if (j.is_object()) why = j.value("details", j.value("message", why));
    if (j.is_object() && j.contains("errors")) why = registry_error_text(r);
    return fail(Error::unauthorized(why.rfind("unauthorized", 0) == 0 ? why : "unauthorized: " + why));
  }
  if (r.status != 200)
    return fail(Error::unavailable("token from " + url.str() + ": unexpected status " + std::to_string(r.status)));
  const auto j = json::parse(r.body, nullptr, false);
  std::string token = j.is_object() ? j.value("token", j.value("access_token", "")) : "";
  if (token.empty()) return fail(Error::unavailable("token from " + url.str() + ": no token in the answer"));
  return "Bearer " + token;
}

Result<std::string> RegistryClient::authorization(const std::string& scope, bool refresh) {
  std::optional<Challenge> c;
  {
    std::lock_guard lk(mu_);
    c = challenge_;
    if (!c) return std::string();
    if (c->scheme == "basic") {
      if (credentials_.username.empty()) return std::string();
      return "Basic " + base64::encode(credentials_.username + ":" + credentials_.password);
    }
    if (!refresh)
      if (auto it = tokens_.find(scope); it != tokens_.end()) return it->second;
  }
  TRY_ASSIGN(std::string token, fetch_token(*c, scope));
  std::lock_guard lk(mu_);
  tokens_[scope] = token;
  return token;
}

Result<HttpResponse> RegistryClient::call(HttpRequest req, const std::string& scope, const BodySink& sink) {
  HttpClient http(TlsOptions{certs_dir_, !endpoint_.insecure}, std::chrono::seconds(60));
  for (int attempt = 0; attempt < 2; ++attempt) {
    TRY_ASSIGN(std::string auth, authorization(scope, attempt > 0));
    HttpRequest r = req;
    if (!auth.empty()) r.headers.push_back({"Authorization", auth});
    // Redirects (blob storage elsewhere) are followed without our credentials.
    for (int hop = 0;; ++hop) {
      TRY_ASSIGN(HttpResponse resp, http.send(r, sink));
      const bool redirect = resp.status == 301 || resp.status == 302 || resp.status == 303 || resp.status == 307 ||
                            resp.status == 308;
      if (redirect && hop < kMaxRedirects && !resp.header("location").empty()) {
        TRY_ASSIGN(Url next, Url::parse(resp.header("location"), &r.url));
        if (next.host != r.url.host || next.port != r.url.port)
          std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
        r.url = next;
        if (resp.status == 303) r.method = "GET";
        continue;
      }
      if (resp.status == 401 && attempt == 0) {
        // A registry that asks only now (or whose token expired).
        bool learned = false;
        {
          std::lock_guard lk(mu_);
          for (const auto& c : parse_challenges(resp.header("www-authenticate")))
            if (c.scheme == "bearer" || c.scheme == "basic") {
              challenge_ = c;
              learned = true;
              break;
            }
        }
        if (learned && challenge_->scheme == "basic" && credentials_.username.empty())
          return fail(Error::unauthorized("no basic auth credentials"));  // Docker's words
        if (learned) break;  // to the second attempt
      }
      return resp;
    }
  }
  return fail(Error::unauthorized("unauthorized: authentication required"));
}

Result<void> RegistryClient::check_login() {
  TRY_ASSIGN(std::string base, base_url());
  TRY_ASSIGN(Url url, Url::parse(base + "/v2/"));
  TRY_ASSIGN(HttpResponse r, call(HttpRequest{"GET", url, {}, {}, {}}, ""));
  if (r.status == 401 || r.status == 403)
    return fail(Error::unauthorized("login attempt to " + url.str() + " failed with status: " +
                                    std::to_string(r.status) + (r.status == 401 ? " Unauthorized" : " Forbidden")));
  if (r.status / 100 != 2) return fail(Error::unavailable(url.str() + ": " + registry_error_text(r)));
  return {};
}

Result<Manifest> RegistryClient::get_manifest(const std::string& repo, const std::string& reference) {
  TRY_ASSIGN(std::string base, base_url());
  TRY_ASSIGN(Url url, Url::parse(base + "/v2/" + repo + "/manifests/" + reference));
  HttpRequest req{"GET", url, {}, {}, {}};
  req.headers.push_back({"Accept", std::string(media::kDockerManifest) + ", " + media::kDockerList + ", " +
                                       media::kOciManifest + ", " + media::kOciIndex});
  TRY_ASSIGN(HttpResponse r, call(req, "repository:" + repo + ":pull"));
  if (r.status == 401) return fail(Error::unauthorized(registry_error_text(r)));
  if (r.status == 404) return fail(Error::not_found(registry_error_text(r)));
  if (r.status / 100 != 2) return fail(Error::unavailable(registry_error_text(r)));
  Manifest m;
  m.bytes = std::move(r.body);
  m.digest = images::sha256_digest(m.bytes);
  m.media_type = r.header("content-type");
  if (const size_t semi = m.media_type.find(';'); semi != std::string::npos) m.media_type.resize(semi);
  const auto j = json::parse(m.bytes, nullptr, false);
  if (!j.is_object()) return fail(Error::unavailable("manifest for " + repo + ":" + reference + " is not JSON"));
  if (j.contains("mediaType") && j["mediaType"].is_string()) m.media_type = j["mediaType"].get<std::string>();
  if (reference.starts_with("sha256:") && reference != m.digest)
    return fail(Error::unavailable("manifest verification failed for digest " + reference));
  return m;
}

Result<void> RegistryClient::get_blob(const std::string& repo, const std::string& digest, const BodySink& sink) {
  TRY_ASSIGN(std::string base, base_url());
  TRY_ASSIGN(Url url, Url::parse(base + "/v2/" + repo + "/blobs/" + digest));
  TRY_ASSIGN(HttpResponse r, call(HttpRequest{"GET", url, {}, {}, {}}, "repository:" + repo + ":pull", sink));
  if (r.status == 401) return fail(Error::unauthorized(registry_error_text(r)));
  if (r.status == 404) return fail(Error::not_found(registry_error_text(r)));
  if (r.status / 100 != 2) return fail(Error::unavailable(registry_error_text(r)));
  return {};
}

Result<bool> RegistryClient::blob_exists(const std::string& repo, const std::string& digest) {
  TRY_ASSIGN(std::string base, base_url());
  TRY_ASSIGN(Url url, Url::parse(base + "/v2/" + repo + "/blobs/" + digest));
  TRY_ASSIGN(HttpResponse r, call(HttpRequest{"HEAD", url, {}, {}, {}}, "repository:" + repo + ":pull,push"));
  if (r.status == 401) return fail(Error::unauthorized("unauthorized: authentication required"));
  return r.status == 200;
}

Result<void> RegistryClient::upload_blob(const std::string& repo, const std::string& digest, const std::string& path,
                                         int64_t size, const std::function<void(int64_t)>& progress) {
  const std::string scope = "repository:" + repo + ":pull,push";
  TRY_ASSIGN(std::string base, base_url());
  TRY_ASSIGN(Url start_url, Url::parse(base + "/v2/" + repo + "/blobs/uploads/"));
  TRY_ASSIGN(HttpResponse started, call(HttpRequest{"POST", start_url, {}, {}, {}}, scope));
  if (started.status == 401) return fail(Error::unauthorized(registry_error_text(started)));
  if (started.status != 202) return fail(Error::unavailable("start upload: " + registry_error_text(started)));
  TRY_ASSIGN(Url location, Url::parse(started.header("location"), &start_url));
  auto with_digest = [&](Url u) {
    u.target += (u.target.find('?') == std::string::npos ? "?" : "&") + std::string("digest=") + url_path_escape(digest);
    return u;
  };
  if (size <= kMonolithicLimit) {
    HttpRequest put{"PUT", with_digest(location), {{"Content-Type", "application/octet-stream"}}, {}, path};
    TRY_ASSIGN(HttpResponse done, call(put, scope));
    if (done.status != 201) return fail(Error::unavailable("upload " + digest + ": " + registry_error_text(done)));
    if (progress) progress(size);
    return {};
  }
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail(Error::from_errno(errno, "open " + path));
  std::string chunk;
  for (int64_t offset = 0; offset < size;) {
    chunk.resize(size_t(std::min<int64_t>(kMonolithicLimit, size - offset)));
    size_t got = 0;
    while (got < chunk.size()) {
      ssize_t n = ::pread(fd.get(), chunk.data() + got, chunk.size() - got, offset + int64_t(got));
      if (n <= 0) return fail(Error::from_errno(n < 0 ? errno : EIO, "read " + path));
      got += size_t(n);
    }
    HttpRequest patch{"PATCH", location,
                      {{"Content-Type", "application/octet-stream"},
                       {"Content-Range", std::to_string(offset) + "-" + std::to_string(offset + int64_t(chunk.size()) - 1)}},
                      chunk, {}};
    TRY_ASSIGN(HttpResponse r, call(patch, scope));
    if (r.status != 202) return fail(Error::unavailable("upload " + digest + ": " + registry_error_text(r)));
    TRY_ASSIGN(location, Url::parse(r.header("location"), &location));
    offset += int64_t(chunk.size());
    if (progress) progress(offset);
  }
  TRY_ASSIGN(HttpResponse done, call(HttpRequest{"PUT", with_digest(location), {}, {}, {}}, scope));
  if (done.status != 201) return fail(Error::unavailable("upload " + digest + ": " + registry_error_text(done)));
  return {};
}

Result<std::string> RegistryClient::put_manifest(const std::string& repo, const std::string& reference,
                                                 const std::string& media_type, const std::string& bytes) {
  TRY_ASSIGN(std::string base, base_url());
  TRY_ASSIGN(Url url, Url::parse(base + "/v2/" + repo + "/manifests/" + reference));
  HttpRequest put{"PUT", url, {{"Content-Type", media_type}}, bytes, {}};
  TRY_ASSIGN(HttpResponse r, call(put, "repository:" + repo + ":pull,push"));
  if (r.status == 401) return fail(Error::unauthorized(registry_error_text(r)));
  if (r.status != 201 && r.status != 200) return fail(Error::unavailable("put manifest: " + registry_error_text(r)));
  const std::string reported = r.header("docker-content-digest");
  return reported.empty() ? images::sha256_digest(bytes) : reported;
}

}  // namespace mydocker::daemon::registry
