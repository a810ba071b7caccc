// Name filters take a client's regular expression: RE2 semantics (Go's),
// and no pattern may crash or stall the daemon.
#include <gtest/gtest.h>

#include <string>

#include "daemon/filter_regex.hpp"

using mydocker::daemon::filter_regex_search;

namespace {

TEST(FilterRegex, SearchesAnywhereLikeGo) {
  EXPECT_EQ(filter_regex_search("web", "my-web-1"), true);
  EXPECT_EQ(filter_regex_search("^web", "my-web-1"), false);
  EXPECT_EQ(filter_regex_search("^my-[a-z]+-[0-9]$", "my-web-1"), true);
  EXPECT_EQ(filter_regex_search("(?i)WEB", "my-web-1"), true);
}

TEST(FilterRegex, InvalidPatternIsNotAnError) {
  EXPECT_EQ(filter_regex_search("[", "x"), std::nullopt);
  EXPECT_EQ(filter_regex_search("a(", "a("), std::nullopt);
  EXPECT_EQ(filter_regex_search("(?<name>a)\\1", "aa"), std::nullopt);  // backreferences: not RE2
}

TEST(FilterRegex, HostilePatternsNeitherCrashNorStall) {
  // Deep nesting overflows std::regex's recursive compiler (a crash).
  const std::string deep = std::string(100000, '(') + "a" + std::string(100000, ')');
  EXPECT_EQ(filter_regex_search(deep, "a"), std::nullopt);
  // Exponential backtracking in a backtracking engine; linear in RE2.
  EXPECT_EQ(filter_regex_search("^(a+)+$", std::string(5000, 'a') + "b"), false);
  // A program bigger than the 1 MiB budget is refused, not built.
  EXPECT_EQ(filter_regex_search("[a-z]{1000}{1000}", "x"), std::nullopt);
}

}  // namespace
