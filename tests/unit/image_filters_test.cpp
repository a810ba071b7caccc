// The image list/prune filters: Go's path.Match, Docker's FamiliarMatch,
// label lists and the checks on filter keys and values.
#include <gtest/gtest.h>

#include "daemon/images/image_filters.hpp"

using namespace mydocker;
using namespace mydocker::daemon::images;
using mydocker::daemon::labels_match;

namespace {
bool matches(const char* pattern, const char* name) {
  auto r = path_match(pattern, name);
  EXPECT_TRUE(r) << pattern << ": " << r.error().message;
  return r && *r;
}

Result<int64_t> created_of(const std::string& name) {
  if (name == "old") return 100;
  if (name == "new") return 200;
  return fail(Error::not_found("No such image: " + name));
}
}  // namespace

TEST(ImageFilters, PathMatchAsGo) {
  EXPECT_TRUE(matches("busy*", "busybox"));
  EXPECT_TRUE(matches("*", "busybox"));
  EXPECT_FALSE(matches("*", "me/app"));  // a star stops at '/'
  EXPECT_TRUE(matches("*/*", "me/app"));
  EXPECT_TRUE(matches("busybox:1.*", "busybox:1.36"));
  EXPECT_FALSE(matches("busybox:1.*", "busybox:2.0"));
  EXPECT_TRUE(matches("b?sybox", "busybox"));
  EXPECT_FALSE(matches("b?sybox", "bsybox"));
  EXPECT_TRUE(matches("[a-c]usybox", "busybox"));
  EXPECT_FALSE(matches("[^a-c]usybox", "busybox"));
  EXPECT_TRUE(matches("\\*x", "*x"));
  EXPECT_FALSE(matches("\\*x", "ax"));
  EXPECT_TRUE(matches("a*b*c", "aXbYbc"));
  EXPECT_TRUE(matches("", ""));
  EXPECT_FALSE(matches("", "a"));
  EXPECT_FALSE(matches("busybox", "busybox:latest"));
}

TEST(ImageFilters, PathMatchBadPatterns) {
  for (const char* bad : {"[", "[]", "a[", "[a-", "busy\\", "[z-]", "x*[", "nomatch["}) {
    auto r = path_match(bad, "zzz");
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().message, "syntax error in pattern");
  }
}

TEST(ImageFilters, ReferenceMatchTriesTheNameWithoutTag) {
  EXPECT_TRUE(*reference_match("busybox", "busybox:latest"));
  EXPECT_TRUE(*reference_match("busy*", "busybox:latest"));
  EXPECT_TRUE(*reference_match("busybox:latest", "busybox:latest"));
  EXPECT_FALSE(*reference_match("busybox:1.*", "busybox:latest"));
  EXPECT_TRUE(*reference_match("127.0.0.1:5000/*", "127.0.0.1:5000/app:v1"));
  EXPECT_FALSE(*reference_match("127.0.0.1:5000/*", "127.0.0.1:5000/a/b:v1"));
  EXPECT_TRUE(*reference_match("me/*", "me/app:v1"));
  EXPECT_FALSE(*reference_match("other", "busybox:latest"));
}

TEST(ImageFilters, LabelsMatchEveryWantedLabel) {
  std::map<std::string, std::string> labels{{"a", "b"}, {"c", ""}};
  EXPECT_TRUE(labels_match({}, labels));
  EXPECT_TRUE(labels_match({"a"}, labels));
  EXPECT_TRUE(labels_match({"a=b"}, labels));
  EXPECT_TRUE(labels_match({"a=b", "c"}, labels));
  EXPECT_TRUE(labels_match({"c="}, labels));
  EXPECT_FALSE(labels_match({"a=c"}, labels));
  EXPECT_FALSE(labels_match({"a=b", "x"}, labels));
  EXPECT_FALSE(labels_match({"a"}, {}));
}

TEST(ImageFilters, ListFiltersDecoded) {
  auto f = parse_list_filters({{"dangling", {"true"}}, {"reference", {"busy*"}}, {"label", {"a=b"}},
                               {"before", {"new", "old"}}, {"since", {"old"}}},
                              created_of, 1000);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->dangling, true);
  EXPECT_EQ(f->references, std::vector<std::string>{"busy*"});
  EXPECT_EQ(f->labels, std::vector<std::string>{"a=b"});
  EXPECT_EQ(f->before_ns, 100);  // the oldest of several
  EXPECT_EQ(f->since_ns, 100);
  auto until = parse_list_filters({{"until", {"1700000000"}}}, created_of, 0);
  ASSERT_TRUE(until);
  EXPECT_EQ(until->before_ns, 1700000000LL * 1000000000LL);
  EXPECT_EQ(parse_list_filters({{"dangling", {"false"}}}, created_of, 0)->dangling, false);
  EXPECT_FALSE(parse_list_filters({}, created_of, 0)->dangling.has_value());
}

TEST(ImageFilters, ListFilterErrorsAsDocker) {
  auto bad_key = parse_list_filters({{"x", {"1"}}}, created_of, 0);
  ASSERT_FALSE(bad_key);
  EXPECT_EQ(bad_key.error().message, "invalid filter 'x'");
  EXPECT_EQ(bad_key.error().kind, ErrorKind::InvalidParameter);
  auto bad_dangling = parse_list_filters({{"dangling", {"maybe"}}}, created_of, 0);
  ASSERT_FALSE(bad_dangling);
  EXPECT_EQ(bad_dangling.error().message, "invalid filter 'dangling=[maybe]'");
  auto missing = parse_list_filters({{"before", {"nope"}}}, created_of, 0);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().message, "No such image: nope");
  EXPECT_FALSE(parse_list_filters({{"label!", {"a"}}}, created_of, 0));
}

TEST(ImageFilters, PruneFiltersDecoded) {
  auto def = parse_prune_filters({}, 0);
  ASSERT_TRUE(def);
  EXPECT_TRUE(def->dangling_only);
  EXPECT_FALSE(def->until_ns);
  auto all = parse_prune_filters({{"dangling", {"false"}}, {"label", {"a"}}, {"label!", {"b=c"}}}, 0);
  ASSERT_TRUE(all);
  EXPECT_FALSE(all->dangling_only);
  EXPECT_EQ(all->labels, std::vector<std::string>{"a"});
  EXPECT_EQ(all->not_labels, std::vector<std::string>{"b=c"});
  EXPECT_TRUE(parse_prune_filters({{"dangling", {"1"}}}, 0)->dangling_only);
  // A duration counts back from now.
  auto until = parse_prune_filters({{"until", {"10s"}}}, 100LL * 1000000000LL);
  ASSERT_TRUE(until);
  EXPECT_EQ(until->until_ns, 90LL * 1000000000LL);
  EXPECT_EQ(parse_prune_filters({{"until", {"1s", "2s"}}}, 0).error().message, "more than one until filter specified");
  EXPECT_EQ(parse_prune_filters({{"dangling", {"true", "false"}}}, 0).error().message,
            "invalid filter 'dangling=[true false]'");
  EXPECT_EQ(parse_prune_filters({{"reference", {"x"}}}, 0).error().message, "invalid filter 'reference'");
}
