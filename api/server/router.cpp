#include "api/server/router.hpp"

namespace mydocker::api {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    while (i < path.size() && path[i] == '/') ++i;
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) out.emplace_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

std::string percent_decode(std::string_view s, bool plus_as_space) {
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      int h = hex(s[i + 1]), l = hex(s[i + 2]);
      if (h >= 0 && l >= 0) {
        out.push_back(char(h * 16 + l));
        i += 2;
        continue;
      }
    }
    out.push_back(plus_as_space && s[i] == '+' ? ' ' : s[i]);
  }
  return out;
}

void Router::add(std::string method, std::string pattern, Handler h) {
  routes_.push_back(Route{std::move(method), split_path(pattern), std::move(h)});
}

namespace {
bool match_segments(const std::vector<std::string>& pat, size_t pi, const std::vector<std::string>& path, size_t si,
                    std::map<std::string, std::string>& params) {
  if (pi == pat.size()) return si == path.size();
  const std::string& p = pat[pi];
  if (p.size() > 3 && p.front() == '{' && p.ends_with("*}")) {
    std::string key = p.substr(1, p.size() - 3);
    const size_t rest = pat.size() - pi - 1;
    if (path.size() < si + 1 + rest) return false;
    // Greedy: the name takes everything the rest of the pattern leaves.
    size_t end = path.size() - rest;
    std::string joined;
    for (size_t k = si; k < end; ++k) joined += (k > si ? "/" : "") + path[k];
    params[key] = joined;
    return match_segments(pat, pi + 1, path, end, params);
  }
  if (si >= path.size()) return false;
  if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
    params[p.substr(1, p.size() - 2)] = path[si];
    return match_segments(pat, pi + 1, path, si + 1, params);
  }
  return p == path[si] && match_segments(pat, pi + 1, path, si + 1, params);
}
}  // namespace

const Handler* Router::match(Request& req, bool& path_known) const {
  path_known = false;
  auto segs = split_path(req.path);
  for (auto& s : segs) s = percent_decode(s, false);
  for (const auto& r : routes_) {
    std::map<std::string, std::string> params;
    if (!match_segments(r.segments, 0, segs, 0, params)) continue;
    path_known = true;
    if (r.method != req.method && !(req.method == "HEAD" && r.method == "GET")) continue;
    req.params = std::move(params);
    return &r.handler;
  }
  return nullptr;
}

}  // namespace mydocker::api
