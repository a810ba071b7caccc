#include "common/human.hpp"

#include <cstdio>

namespace mydocker::human {

std::string duration(int64_t ns) {
  const double secs_f = double(ns) / 1e9;
  const int64_t seconds = int64_t(secs_f);
  char buf[64];
  if (seconds < 1) return "Less than a second";
  if (seconds == 1) return "1 second";
  if (seconds < 60) {
    std::snprintf(buf, sizeof buf, "%lld seconds", (long long)seconds);
    return buf;
  }
  const int64_t minutes = int64_t(secs_f / 60);
  if (minutes == 1) return "About a minute";
  if (minutes < 60) {
    std::snprintf(buf, sizeof buf, "%lld minutes", (long long)minutes);
    return buf;
  }
  const double hours_f = secs_f / 3600;
  const int64_t hours = int64_t(hours_f + 0.5);
  if (hours == 1) return "About an hour";
  if (hours < 48) {
    std::snprintf(buf, sizeof buf, "%lld hours", (long long)hours);
  } else if (hours < 24 * 7 * 2) {
    std::snprintf(buf, sizeof buf, "%lld days", (long long)(hours / 24));
  } else if (hours < 24 * 30 * 2) {
    std::snprintf(buf, sizeof buf, "%lld weeks", (long long)(hours / 24 / 7));
  } else if (hours < 24 * 365 * 2) {
    std::snprintf(buf, sizeof buf, "%lld months", (long long)(hours / 24 / 30));
  } else {
    std::snprintf(buf, sizeof buf, "%lld years", (long long)(hours_f / 24 / 365));
  }
  return buf;
}

std::string size(double bytes, int precision) {
  static constexpr const char* kUnits[] = {"B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"};
  int i = 0;
  while (bytes >= 1000.0 && i < 8) {
    bytes /= 1000.0;
    ++i;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g%s", precision, bytes, kUnits[i]);
  return buf;
}

}  // namespace mydocker::human
