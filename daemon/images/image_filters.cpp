#include "daemon/images/image_filters.hpp"

#include <algorithm>
#include <cctype>

#include "common/timestamp_arg.hpp"

namespace mydocker::daemon::images {

namespace {
Error bad_pattern() { return Error::invalid("syntax error in pattern"); }

// One character class starting after '[' at p[i]; sets `hit` for c and
// returns the index past ']', or nullopt when the class is malformed.
std::optional<size_t> match_class(std::string_view p, size_t i, char c, bool& hit) {
  bool negated = false;
  if (i < p.size() && p[i] == '^') {
    negated = true;
    ++i;
  }
  bool in = false;
  int ranges = 0;
  // A class member: a plain byte or an escaped one; '-' and ']' must be escaped.
  auto member = [&](size_t& j) -> std::optional<char> {
    if (j >= p.size() || p[j] == '-' || p[j] == ']') return std::nullopt;
    if (p[j] == '\\' && ++j >= p.size()) return std::nullopt;
    return p[j++];
  };
  for (;;) {
    if (i < p.size() && p[i] == ']' && ranges > 0) break;
    auto lo = member(i);
    if (!lo) return std::nullopt;
    char hi = *lo;
    if (i < p.size() && p[i] == '-') {
      ++i;
      auto h = member(i);
      if (!h) return std::nullopt;
      hi = *h;
    }
    in |= *lo <= c && c <= hi;
    ++ranges;
  }
  hit = in != negated;
  return i + 1;
}

// Whether the rest of the pattern is well formed (Go reports a bad pattern
// even when the name already failed to match).
bool well_formed(std::string_view p, size_t i) {
  while (i < p.size()) {
    if (p[i] == '\\') {
      if (i + 1 >= p.size()) return false;
      i += 2;
    } else if (p[i] == '[') {
      bool hit = false;
      auto next = match_class(p, i + 1, '\0', hit);
      if (!next) return false;
      i = *next;
    } else {
      ++i;
    }
  }
  return true;
}

Result<bool> match_from(std::string_view p, size_t pi, std::string_view s, size_t si) {
  while (pi < p.size()) {
    const char c = p[pi];
    if (c == '*') {
      while (pi < p.size() && p[pi] == '*') ++pi;
      // A star never crosses a '/': try every split up to the next one.
      for (size_t k = si;; ++k) {
        TRY_ASSIGN(bool ok, match_from(p, pi, s, k));
        if (ok) return true;
        if (k >= s.size() || s[k] == '/') break;
      }
      if (!well_formed(p, pi)) return fail(bad_pattern());
      return false;
    }
    if (si >= s.size()) break;
    if (c == '?') {
      if (s[si] == '/') break;
      ++pi;
    } else if (c == '[') {
      bool hit = false;
      auto next = match_class(p, pi + 1, s[si], hit);
      if (!next) return fail(bad_pattern());
      if (!hit) break;
      pi = *next;
    } else {
      if (c == '\\' && ++pi >= p.size()) return fail(bad_pattern());
      if (p[pi] != s[si]) break;
      ++pi;
    }
    ++si;
  }
  if (pi >= p.size()) return si == s.size();
  if (!well_formed(p, pi)) return fail(bad_pattern());
  return false;
}

std::string lower(std::string s) {
  for (auto& c : s) c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "invalid filter 'dangling=[x y]'" as Go prints the key and its values.
Error invalid_filter(const std::string& key, const std::vector<std::string>& values) {
  std::string v;
  for (const auto& x : values) v += (v.empty() ? "" : " ") + x;
  return Error::invalid("invalid filter '" + key + "=[" + v + "]'");
}

Result<void> check_keys(const Filters& filters, std::initializer_list<std::string_view> accepted) {
  for (const auto& [key, values] : filters)
    if (std::find(accepted.begin(), accepted.end(), key) == accepted.end())
      return fail(Error::invalid("invalid filter '" + key + "'"));
  return {};
}

const std::vector<std::string>* values_of(const Filters& f, const char* key) {
  auto it = f.find(key);
  return it == f.end() ? nullptr : &it->second;
}
}  // namespace

Result<bool> path_match(std::string_view pattern, std::string_view name) { return match_from(pattern, 0, name, 0); }

Result<bool> reference_match(std::string_view pattern, std::string_view familiar_tagged) {
  TRY_ASSIGN(bool full, path_match(pattern, familiar_tagged));
  if (full) return true;
  // The name without its tag or digest, as Docker's FamiliarMatch also tries.
  if (const size_t at = familiar_tagged.find('@'); at != std::string_view::npos) {
    auto name = path_match(pattern, familiar_tagged.substr(0, at));
    return name && *name;
  }
  const size_t slash = familiar_tagged.rfind('/');
  const size_t colon = familiar_tagged.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash)) return false;
  auto name = path_match(pattern, familiar_tagged.substr(0, colon));
  return name && *name;
}

Result<int64_t> parse_filter_time(std::string_view value, int64_t now_ns) {
  TRY_ASSIGN(std::string ts, timeutil::api_timestamp(value, now_ns));
  const size_t dot = ts.find('.');
  try {
    int64_t secs = std::stoll(ts.substr(0, dot));
    int64_t nanos = 0;
    if (dot != std::string::npos) {
      std::string frac = ts.substr(dot + 1, 9);
      frac.resize(9, '0');
      nanos = std::stoll(frac);
    }
    return secs * 1000000000LL + nanos;
  } catch (const std::exception&) {
    return fail(Error::invalid("failed to parse value as time or duration: \"" + std::string(value) + "\""));
  }
}

Result<ListFilter> parse_list_filters(const Filters& filters,
                                      const std::function<Result<int64_t>(const std::string&)>& created_of,
                                      int64_t now_ns) {
  TRY_VOID(check_keys(filters, {"dangling", "label", "before", "since", "reference", "until"}));
  ListFilter out;
  if (const auto* v = values_of(filters, "dangling")) {
    auto has = [&](const char* x) { return std::find(v->begin(), v->end(), x) != v->end(); };
    if (has("true")) out.dangling = true;
    else if (has("false")) out.dangling = false;
    else return fail(invalid_filter("dangling", *v));
  }
  if (const auto* v = values_of(filters, "reference")) out.references = *v;
  if (const auto* v = values_of(filters, "label")) out.labels = *v;
  // Several before/since values narrow to the strictest one (they AND).
  auto narrow = [](std::optional<int64_t>& slot, int64_t t, bool keep_min) {
    if (!slot || (keep_min ? t < *slot : t > *slot)) slot = t;
  };
  if (const auto* v = values_of(filters, "before"))
    for (const auto& name : *v) {
      TRY_ASSIGN(int64_t t, created_of(name));
      narrow(out.before_ns, t, true);
    }
  if (const auto* v = values_of(filters, "until"))
    for (const auto& value : *v) {
      TRY_ASSIGN(int64_t t, parse_filter_time(value, now_ns));
      narrow(out.before_ns, t, true);
    }
  if (const auto* v = values_of(filters, "since"))
    for (const auto& name : *v) {
      TRY_ASSIGN(int64_t t, created_of(name));
      narrow(out.since_ns, t, false);
    }
  return out;
}

Result<PruneFilter> parse_prune_filters(const Filters& filters, int64_t now_ns) {
  TRY_VOID(check_keys(filters, {"dangling", "label", "label!", "until"}));
  PruneFilter out;
  if (const auto* v = values_of(filters, "dangling")) {
    bool is_true = false, is_false = false;
    for (const auto& x : *v) {
      const std::string l = lower(x);
      is_true |= l == "1" || l == "true";
      is_false |= l == "0" || l == "false";
    }
    if (is_true == is_false) return fail(invalid_filter("dangling", *v));
    out.dangling_only = is_true;
  }
  if (const auto* v = values_of(filters, "until")) {
    if (v->size() > 1) return fail(Error::invalid("more than one until filter specified"));
    if (!v->empty()) {
      TRY_ASSIGN(int64_t t, parse_filter_time(v->front(), now_ns));
      out.until_ns = t;
    }
  }
  if (const auto* v = values_of(filters, "label")) out.labels = *v;
  if (const auto* v = values_of(filters, "label!")) out.not_labels = *v;
  return out;
}

}  // namespace mydocker::daemon::images
