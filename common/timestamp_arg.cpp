#include "common/timestamp_arg.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>

#include "common/time.hpp"

namespace mydocker::timeutil {

namespace {
std::string seconds_dot_nanos(int64_t ns) {
  char buf[48];
  const int64_t sec = ns >= 0 ? ns / 1000000000 : -((-ns + 999999999) / 1000000000);
  std::snprintf(buf, sizeof buf, "%lld.%09lld", static_cast<long long>(sec),
                static_cast<long long>(ns - sec * 1000000000));
  return buf;
}

bool all_digits_with_one_dot(std::string_view s) {
  if (s.empty()) return false;
  int dots = 0;
  for (char c : s) {
    if (c == '.') ++dots;
    else if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return dots <= 1 && s != ".";
}

// "2006-01-02", "2006-01-02T15", "2006-01-02T15:04", "2006-01-02T15:04:05"
// and with fractions, without a zone: local time.
std::optional<int64_t> parse_local(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, used = 0;
  std::string str(s);
  const char* p = str.c_str();
  if (std::sscanf(p, "%4d-%2d-%2d%n", &y, &mo, &d, &used) != 3 || used != 10) return std::nullopt;
  std::string_view rest = s.substr(10);
  int64_t frac_ns = 0;
  if (!rest.empty()) {
    if (rest[0] != 'T') return std::nullopt;
    int n = 0;
    std::string r(rest.substr(1));
    if (std::sscanf(r.c_str(), "%2d:%2d:%2d%n", &h, &mi, &sec, &n) == 3 && n == 8) {
    } else if (std::sscanf(r.c_str(), "%2d:%2d%n", &h, &mi, &n) == 2 && n == 5) {
    } else if (std::sscanf(r.c_str(), "%2d%n", &h, &n) == 1 && n == 2) {
    } else {
      return std::nullopt;
    }
    std::string_view tail = std::string_view(r).substr(size_t(n));
    if (!tail.empty()) {
      if (tail[0] != '.' || tail.size() < 2 || tail.size() > 10) return std::nullopt;
      int64_t scale = 100000000;
      for (char c : tail.substr(1)) {
        if (!std::isdigit(static_cast<unsigned char>(c))) return std::nullopt;
        frac_ns += (c - '0') * scale;
        scale /= 10;
      }
    }
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  const time_t t = std::mktime(&tm);
  if (t == time_t(-1) && !(y == 1969 && mo == 12 && d == 31)) return std::nullopt;
  return int64_t(t) * 1000000000 + frac_ns;
}
}  // namespace

std::optional<int64_t> parse_go_duration(std::string_view s) {
  if (s.empty()) return std::nullopt;
  bool negative = false;
  if (s[0] == '-' || s[0] == '+') {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  long double total = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (i == 0) return std::nullopt;
    const std::string number(s.substr(0, i));
    if (number == "." || number.find('.') != number.rfind('.')) return std::nullopt;
    s.remove_prefix(i);
    size_t u = 0;
    while (u < s.size() && !std::isdigit(static_cast<unsigned char>(s[u])) && s[u] != '.') ++u;
    const std::string_view unit = s.substr(0, u);
    s.remove_prefix(u);
    long double scale;
    if (unit == "ns") scale = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") scale = 1e3;
    else if (unit == "ms") scale = 1e6;
    else if (unit == "s") scale = 1e9;
    else if (unit == "m") scale = 60e9;
    else if (unit == "h") scale = 3600e9;
    else return std::nullopt;  // a missing or unknown unit
    total += std::stold(number) * scale;
  }
  if (total > 9.2e18L) return std::nullopt;
  return negative ? -int64_t(total) : int64_t(total);
}

Result<std::string> api_timestamp(std::string_view value, int64_t now_ns) {
  if (auto d = parse_go_duration(value)) return seconds_dot_nanos(now_ns - *d);
  if (all_digits_with_one_dot(value)) return std::string(value);
  if (auto t = parse_rfc3339(value)) return seconds_dot_nanos(*t);
  if (auto t = parse_local(value)) return seconds_dot_nanos(*t);
  return fail(Error::invalid("failed to parse value as time or duration: \"" + std::string(value) + "\""));
}

}  // namespace mydocker::timeutil
