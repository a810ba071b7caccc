#include <gtest/gtest.h>

#include "api/routes/routes.hpp"
#include "api/server/router.hpp"
#include "api/version.hpp"

using namespace mydocker;
using namespace mydocker::api;

TEST(Router, MatchesParamsAndGreedyImageNames) {
  Router r;
  int hit = 0;
  r.add("POST", "/containers/{id}/start", [&](Request&, Responder&) { hit = 1; });
  r.add("GET", "/images/{name*}/json", [&](Request&, Responder&) { hit = 2; });
  r.add("DELETE", "/images/{name*}", [&](Request&, Responder&) { hit = 3; });
  Request req;
  req.method = "POST";
  req.path = "/containers/abc/start";
  bool known = false;
  ASSERT_NE(r.match(req, known), nullptr);
  EXPECT_EQ(req.param("id"), "abc");
  req = Request{};
  req.method = "GET";
  req.path = "/images/127.0.0.1:5000/library/busybox/json";
  ASSERT_NE(r.match(req, known), nullptr);
  EXPECT_EQ(req.param("name"), "127.0.0.1:5000/library/busybox");
  req = Request{};
  req.method = "DELETE";
  req.path = "/images/a%2Fb";
  ASSERT_NE(r.match(req, known), nullptr);
  EXPECT_EQ(req.param("name"), "a/b");
  req = Request{};
  req.method = "GET";
  req.path = "/containers/abc/start";
  EXPECT_EQ(r.match(req, known), nullptr);
  EXPECT_TRUE(known);  // 405, not 404
  req.path = "/nothing";
  EXPECT_EQ(r.match(req, known), nullptr);
  EXPECT_FALSE(known);
}

TEST(Request, DockerBooleansAndInts) {
  Request req;
  req.query = {{"a", "1"}, {"b", "true"}, {"c", "0"}, {"d", "false"}, {"e", ""}, {"n", "12"}, {"bad", "1x"}};
  EXPECT_TRUE(req.query_bool("a"));
  EXPECT_TRUE(req.query_bool("b"));
  EXPECT_FALSE(req.query_bool("c"));
  EXPECT_FALSE(req.query_bool("d"));
  EXPECT_FALSE(req.query_bool("e"));
  EXPECT_TRUE(req.query_bool("missing", true));
  EXPECT_EQ(req.query_int("n"), 12);
  EXPECT_FALSE(req.query_int("bad"));
  req.body = "{\"Image\":";
  auto j = req.json_body();
  ASSERT_FALSE(j);
  EXPECT_EQ(j.error().kind, ErrorKind::InvalidParameter);
}

TEST(Filters, NewAndOldShapes) {
  auto f = parse_filters(R"({"status":["running","exited"],"label":{"a=b":true}})");
  ASSERT_TRUE(f);
  EXPECT_EQ((*f)["status"], (std::vector<std::string>{"running", "exited"}));
  EXPECT_EQ((*f)["label"], (std::vector<std::string>{"a=b"}));
  EXPECT_FALSE(parse_filters("{not json"));
  EXPECT_FALSE(parse_filters(R"({"status":"running"})"));
}

TEST(Version, RangeChecks) {
  EXPECT_EQ(check_api_version("1.41"), "");
  EXPECT_EQ(check_api_version("1.48"), "");
  EXPECT_EQ(check_api_version("1.24"), "");
  EXPECT_NE(check_api_version("1.12").find("is too old. Minimum supported API version is 1.24"), std::string::npos);
  EXPECT_NE(check_api_version("1.50").find("is too new"), std::string::npos);
  EXPECT_NE(check_api_version("x").find("invalid"), std::string::npos);
}

TEST(PercentDecode, PathAndQuery) {
  EXPECT_EQ(percent_decode("127.0.0.1%3A5000%2Fbusybox", true), "127.0.0.1:5000/busybox");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("%zz", true), "%zz");
}
