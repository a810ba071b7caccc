// What the fuzzers of tests/fuzz found (docs/fuzzing.md), one test per bug,
// so each stays fixed without a fuzzer run.
#include <gtest/gtest.h>

#include <chrono>
#include <limits>
#include <nlohmann/json.hpp>

#include "api/version.hpp"
#include "daemon/images/reference.hpp"
#include "daemon/registry/auth.hpp"
#include "format/create_config.hpp"
#include "format/template.hpp"

using namespace mydocker;

TEST(FuzzFindings, ApiVersionOfAnyLengthNeitherOverflowsNorThrows) {
  EXPECT_EQ(api::version_number("1.41"), 1041);
  EXPECT_EQ(api::version_number("2147483647.1"), std::numeric_limits<int>::max());
  EXPECT_EQ(api::version_number("1.99999999999999999999999"), std::numeric_limits<int>::max());
  EXPECT_EQ(api::version_number("1.-5"), -1);
  EXPECT_EQ(api::version_number("1.41x"), -1);
  EXPECT_EQ(api::version_number(""), -1);
  EXPECT_NE(api::check_api_version("2147483647.1").find("is too new"), std::string::npos);
}

TEST(FuzzFindings, JsonWithInvalidUtf8IsWrittenWithReplacementCharacters) {
  // What the API answers for "/v1.\xff/info" (the message quotes the
  // version): BeastResponder::send_json dumps with error_handler_t::replace.
  const nlohmann::json j = {{"message", api::check_api_version("1.\xff")}};
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);
  EXPECT_NE(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).find("\xef\xbf\xbd"), std::string::npos);
}

TEST(FuzzFindings, UnterminatedQuotedChallengeParameter) {
  const auto c = daemon::registry::parse_challenges("Bearer realm=\"https://auth/token");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].scheme, "bearer");
  EXPECT_EQ(c[0].params.at("realm"), "https://auth/token");
  EXPECT_NO_THROW(daemon::registry::parse_challenges("Basic realm=\"x\\"));
}

TEST(FuzzFindings, DockerHubNamesNormaliseAsDocker) {
  auto official = daemon::images::parse_reference("docker.io/busybox");
  ASSERT_TRUE(official);
  EXPECT_EQ(official->full_string(), "docker.io/library/busybox:latest");
  EXPECT_EQ(official->familiar_string(), "busybox:latest");
  auto legacy = daemon::images::parse_reference("index.docker.io/me/app:1");
  ASSERT_TRUE(legacy);
  EXPECT_EQ(legacy->full_string(), "docker.io/me/app:1");
  // "library/" is dropped only from a one-level name, as Docker's FamiliarName.
  auto nested = daemon::images::parse_reference("docker.io/library/a/b");
  ASSERT_TRUE(nested);
  EXPECT_EQ(nested->familiar_string(), "library/a/b:latest");
  auto again = daemon::images::parse_reference(nested->familiar_string());
  ASSERT_TRUE(again);
  EXPECT_EQ(again->full_string(), nested->full_string());
}

TEST(FuzzFindings, CreateBodyWithInvalidUtf8Label) {
  cli::format::RunOptions o;
  o.labels = {"role=\xff\xfe"};
  auto body = cli::format::container_create_body(o, "busybox", {});
  ASSERT_TRUE(body);
  EXPECT_NE((*body)["Labels"]["role"].get<std::string>().find("\xef\xbf\xbd"), std::string::npos);
}

TEST(FuzzFindings, TemplateNumbersAndCountsNeverThrow) {
  using cli::format::Template;
  auto run = [](const std::string& text) -> Result<std::string> {
    auto t = Template::parse(text);
    if (!t) return fail(t.error());
    return t->execute(nlohmann::json{{"Name", "web"}});
  };
  // 20 digits: a float, as Go reads it (std::stoll threw out_of_range).
  auto big = run("{{99999999999999999999}}");
  ASSERT_TRUE(big);
  EXPECT_EQ(*big, "1e+20");
  EXPECT_EQ(*run("{{-3}} {{1.5}}"), "-3 1.5");
  // Negative counts are errors, as Go's panics in pad and truncate are.
  EXPECT_FALSE(run("{{pad .Name -1}}"));
  EXPECT_FALSE(run("{{truncate .Name -1.5}}"));
  EXPECT_FALSE(run("{{pad .Name 100000000000}}"));  // not 100 GB of spaces
  EXPECT_EQ(*run("{{truncate .Name 100000000000}}"), "web");
  EXPECT_EQ(*run("[{{pad .Name 1 2}}]"), "[ web  ]");
}

TEST(FuzzFindings, ExposingEveryPortIsQuick) {
  // --expose 1-65535 took 8 s (each key inserted with a linear search).
  cli::format::RunOptions o;
  o.expose = {"1-65535/tcp"};
  const auto start = std::chrono::steady_clock::now();
  auto body = cli::format::container_create_body(o, "busybox", {});
  ASSERT_TRUE(body);
  EXPECT_EQ((*body)["ExposedPorts"].size(), 65535u);
  EXPECT_EQ((*body)["ExposedPorts"].begin().key(), "1/tcp");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}
