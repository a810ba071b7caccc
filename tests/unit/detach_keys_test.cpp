#include <gtest/gtest.h>

#include "common/detach_keys.hpp"
#include "common/shim_control.hpp"

using namespace mydocker;

TEST(DetachKeys, DockerSpellings) {
  EXPECT_EQ(*parse_detach_keys(kDefaultDetachKeys), std::string("\x10\x11"));
  EXPECT_EQ(*parse_detach_keys("ctrl-a,x"), std::string("\x01x"));
  EXPECT_EQ(*parse_detach_keys("ctrl-@"), std::string(1, '\0'));
  EXPECT_EQ(*parse_detach_keys("ctrl-["), std::string("\x1b"));
  auto bad = parse_detach_keys("ctrl-1");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::InvalidParameter);
  EXPECT_EQ(bad.error().message, "Invalid detach keys (ctrl-1) provided");
  EXPECT_FALSE(parse_detach_keys("ab"));
}

TEST(ShimControl, HexRoundTrip) {
  std::string bytes("\x10\x11\x00\xff", 4);
  EXPECT_EQ(shim_control::from_hex(shim_control::to_hex(bytes)), bytes);
  EXPECT_EQ(shim_control::to_hex(""), "-");
}
