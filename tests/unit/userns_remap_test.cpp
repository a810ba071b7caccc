// --userns-remap: subordinate ID files, free ranges and the flag's forms.
#include <gtest/gtest.h>
#include <unistd.h>

#include "common/fs.hpp"
#include "daemon/security/userns_remap.hpp"

using namespace mydocker;
using namespace mydocker::daemon::security;

namespace {

TEST(UsernsRemap, RangesByNameInFileOrder) {
  const char* text = "# comment\n\nalice:100000:65536\nbob:200000:10\nalice:300000:5\nbroken line\nalice:1:x\n";
  auto r = subordinate_ranges(text, "alice", 1000, "/etc/subuid");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].container_id, 0u);
  EXPECT_EQ((*r)[0].host_id, 100000u);
  EXPECT_EQ((*r)[0].size, 65536u);
  EXPECT_EQ((*r)[1].container_id, 65536u);  // counts on after the first range
  EXPECT_EQ((*r)[1].host_id, 300000u);
}

TEST(UsernsRemap, RangesByNumericIdWhenNoNameMatches) {
  auto r = subordinate_ranges("1000:500000:100\n", "carol", 1000, "/etc/subuid");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].host_id, 500000u);
}

TEST(UsernsRemap, NoRangeNamesUserAndFile) {
  auto r = subordinate_ranges("bob:1:2\n", "dave", 1001, "/etc/subgid");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "no subordinate ranges found for \"dave\" in /etc/subgid");
}

TEST(UsernsRemap, FirstFreeBlockSkipsUsedRanges) {
  EXPECT_EQ(first_free_block(""), 100000u);
  EXPECT_EQ(first_free_block("a:100000:65536\n"), 165536u);
  EXPECT_EQ(first_free_block("a:165536:10\nb:100000:65536\n"), 165546u);
  EXPECT_EQ(first_free_block("a:50000:10\n"), 100000u);      // below the floor
  EXPECT_EQ(first_free_block("a:300000:10\n"), 100000u);     // after the block: no overlap
  EXPECT_EQ(first_free_block("a:165535:1\n"), 165536u);      // touches the block's last ID
}

TEST(UsernsRemap, FlagForms) {
  EXPECT_EQ(*parse_remap_flag("default"), (std::pair<std::string, std::string>{"dockremap", "dockremap"}));
  EXPECT_EQ(*parse_remap_flag("alice"), (std::pair<std::string, std::string>{"alice", "alice"}));
  EXPECT_EQ(*parse_remap_flag("alice:staff"), (std::pair<std::string, std::string>{"alice", "staff"}));
  for (const char* bad : {"", ":g", "u:", "a:b:c"}) {
    auto r = parse_remap_flag(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().message.find(std::string("\"") + bad + "\""), std::string::npos) << r.error().message;
  }
}

TEST(UsernsRemap, ResolvesAnExistingUserFromGivenFiles) {
  char tmpl[] = "/tmp/mdk-etc-XXXXXX";
  ASSERT_TRUE(::mkdtemp(tmpl));
  const std::string etc = tmpl;
  ASSERT_TRUE(fs::write_file(etc + "/subuid", "root:400000:65536\n"));
  ASSERT_TRUE(fs::write_file(etc + "/subgid", "0:500000:1000\n"));
  auto m = resolve_userns_remap("root", etc);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(m->root_uid(), 400000u);
  EXPECT_EQ(m->root_gid(), 500000u);
  auto missing = resolve_userns_remap("no-such-user-mdk", etc);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "user \"no-such-user-mdk\" not found");
  (void)fs::remove_all(etc);
}

}  // namespace
