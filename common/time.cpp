#include "common/time.hpp"

#include <ctime>
#include <limits>
#include <cstdio>

namespace mydocker::timeutil {

int64_t now_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return int64_t(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

namespace {
std::string format(int64_t ns, bool trim) {
  time_t secs = static_cast<time_t>(ns / 1000000000);
  long frac = static_cast<long>(ns % 1000000000);
  struct tm tm;
  ::gmtime_r(&secs, &tm);
  char buf[64];
  size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  // Go's RFC3339Nano drops trailing zeros of the fraction.
  char fbuf[16];
  std::snprintf(fbuf, sizeof fbuf, ".%09ld", frac);
  std::string f = fbuf;
  if (trim) {
    while (!f.empty() && f.back() == '0') f.pop_back();
    if (f == ".") f.clear();
  }
  return std::string(buf, n) + f + "Z";
}
}  // namespace

std::string format_rfc3339_nano(int64_t ns) {
  if (ns == 0) return "0001-01-01T00:00:00Z";
  return format(ns, true);
}

std::string format_rfc3339_nano_fixed(int64_t ns) { return format(ns, false); }

std::optional<int64_t> parse_rfc3339(std::string_view s) {
  if (s.starts_with("0001-01-01T00:00:00")) return 0;
  int y, mo, d, h, mi, sec;
  if (s.size() < 19) return std::nullopt;
  std::string head(s.substr(0, 19));
  if (std::sscanf(head.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &sec) != 6) return std::nullopt;
  size_t i = 19;
  int64_t frac = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int digits = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      if (digits < 9) { frac = frac * 10 + (s[i] - '0'); ++digits; }
      ++i;
    }
    while (digits++ < 9) frac *= 10;
  }
  int64_t offset = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    int oh = 0, om = 0;
    std::string tail(s.substr(i + 1));
    if (std::sscanf(tail.c_str(), "%2d:%2d", &oh, &om) != 2) return std::nullopt;
    offset = (oh * 3600 + om * 60) * (s[i] == '+' ? 1 : -1);
  } else if (i >= s.size() || (s[i] != 'Z' && s[i] != 'z')) {
    return std::nullopt;
  }
  struct tm tm = {};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = sec;
  time_t t = ::timegm(&tm);
  // Past 2262 nanoseconds overflow int64: such a time is "the far future".
  const int64_t secs = int64_t(t) - offset;
  if (secs > std::numeric_limits<int64_t>::max() / 1000000000 - 1) return std::numeric_limits<int64_t>::max();
  return secs * 1000000000 + frac;
}

}  // namespace mydocker::timeutil
