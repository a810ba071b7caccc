#include <gtest/gtest.h>

#include "common/fs.hpp"
#include "common/human.hpp"
#include "common/random_id.hpp"
#include "common/time.hpp"
#include "common/timestamp_arg.hpp"

using namespace mydocker;

TEST(HumanDuration, MatchesDockerWording) {
  const int64_t s = 1000000000;
  EXPECT_EQ(human::duration(s / 2), "Less than a second");
  EXPECT_EQ(human::duration(1 * s), "1 second");
  EXPECT_EQ(human::duration(3 * s), "3 seconds");
  EXPECT_EQ(human::duration(59 * s), "59 seconds");
  EXPECT_EQ(human::duration(60 * s), "About a minute");
  EXPECT_EQ(human::duration(2 * 60 * s), "2 minutes");
  EXPECT_EQ(human::duration(3600 * s), "About an hour");
  EXPECT_EQ(human::duration(12 * 3600 * s), "12 hours");
  EXPECT_EQ(human::duration(3 * 24 * 3600 * s), "3 days");
  EXPECT_EQ(human::duration(20 * 24 * 3600 * s), "2 weeks");
  EXPECT_EQ(human::duration(5LL * 30 * 24 * 3600 * s), "5 months");
  EXPECT_EQ(human::duration(3LL * 365 * 24 * 3600 * s), "3 years");
}

TEST(HumanSize, DecimalUnitsThreeDigits) {
  EXPECT_EQ(human::size(0), "0B");
  EXPECT_EQ(human::size(999), "999B");
  EXPECT_EQ(human::size(187000000), "187MB");
  EXPECT_EQ(human::size(4261234), "4.26MB");
  EXPECT_EQ(human::size(1240000), "1.24MB");
}

TEST(Time, RoundTripsRfc3339Nano) {
  const int64_t ns = 1795440572249054745LL;
  std::string s = timeutil::format_rfc3339_nano(ns);
  EXPECT_EQ(s.size(), std::string("2026-11-22T13:29:32.249054745Z").size());
  EXPECT_EQ(timeutil::parse_rfc3339(s), ns);
  EXPECT_EQ(timeutil::format_rfc3339_nano(0), "0001-01-01T00:00:00Z");
  EXPECT_EQ(timeutil::parse_rfc3339("0001-01-01T00:00:00Z"), 0);
  EXPECT_EQ(timeutil::format_rfc3339_nano(1000000000LL * 1700000000), "2023-11-14T22:13:20Z");
  EXPECT_EQ(timeutil::format_rfc3339_nano_fixed(1000000000LL * 1700000000 + 500), "2023-11-14T22:13:20.000000500Z");
  EXPECT_EQ(timeutil::parse_rfc3339("2023-11-14T23:13:20+01:00"), 1000000000LL * 1700000000);
  EXPECT_FALSE(timeutil::parse_rfc3339("yesterday"));
}

TEST(RandomId, SixtyFourHexWithALetterUpFront) {
  for (int i = 0; i < 50; ++i) {
    std::string id = random_hex_id();
    ASSERT_EQ(id.size(), 64u);
    EXPECT_EQ(id.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_NE(id.substr(0, 12).find_first_of("abcdef"), std::string::npos);
  }
  EXPECT_NE(random_hex_id(), random_hex_id());
}

TEST(Fs, AtomicWriteReplacesAndLeavesNoTemp) {
  char tmpl[] = "/tmp/mdk-fs-XXXXXX";
  std::string dir = ::mkdtemp(tmpl);
  std::string f = dir + "/state.json";
  ASSERT_TRUE(fs::write_file_atomic(f, "one"));
  ASSERT_TRUE(fs::write_file_atomic(f, "two"));
  EXPECT_EQ(*fs::read_file(f), "two");
  ASSERT_TRUE(fs::mkdir_all(dir + "/a/b/c"));
  EXPECT_TRUE(fs::is_dir(dir + "/a/b/c"));
  ASSERT_TRUE(fs::remove_all(dir));
  EXPECT_FALSE(fs::exists(dir));
  auto missing = fs::read_file(dir + "/nope");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, ErrorKind::NotFound);
}

TEST(TimestampArg, GoDurations) {
  using mydocker::timeutil::parse_go_duration;
  EXPECT_EQ(parse_go_duration("10m"), 600'000'000'000);
  EXPECT_EQ(parse_go_duration("1h30m"), 5'400'000'000'000);
  EXPECT_EQ(parse_go_duration("1.5s"), 1'500'000'000);
  EXPECT_EQ(parse_go_duration("250ms"), 250'000'000);
  EXPECT_EQ(parse_go_duration("0"), 0);
  EXPECT_EQ(parse_go_duration("-2s"), -2'000'000'000);
  for (const char* bad : {"", "10", "m", "1x", "1..5s", "2026-11-25", "1h 2m"}) EXPECT_FALSE(parse_go_duration(bad)) << bad;
}

TEST(TimestampArg, ApiForms) {
  using mydocker::timeutil::api_timestamp;
  const int64_t now = 1'764'000'000'123'456'789;
  EXPECT_EQ(api_timestamp("10m", now).value(), "1763999400.123456789");
  EXPECT_EQ(api_timestamp("1764000000", now).value(), "1764000000");
  EXPECT_EQ(api_timestamp("1764000000.5", now).value(), "1764000000.5");
  EXPECT_EQ(api_timestamp("2025-11-24T16:00:00Z", now).value(), "1764000000.000000000");
  EXPECT_EQ(api_timestamp("2025-11-24T17:00:00+01:00", now).value(), "1764000000.000000000");
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(api_timestamp("2025-11-24", now).value(), "1763942400.000000000");
  EXPECT_EQ(api_timestamp("2025-11-24T16:00", now).value(), "1764000000.000000000");
  auto bad = api_timestamp("yesterday", now);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "failed to parse value as time or duration: \"yesterday\"");
}
