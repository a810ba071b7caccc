#include <gtest/gtest.h>

#include "daemon/images/dockerfile_changes.hpp"
#include "daemon/images/reference.hpp"
#include "daemon/images/tar_extract.hpp"

using namespace mydocker;
using namespace mydocker::daemon::images;

TEST(Reference, NormalisesLikeDocker) {
  struct Case {
    const char* in;
    const char* full;
    const char* familiar;
  } cases[] = {
      {"busybox", "docker.io/library/busybox:latest", "busybox:latest"},
      {"busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"},
      {"library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
      {"docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
      {"alicek106/ubuntu:14.04", "docker.io/alicek106/ubuntu:14.04", "alicek106/ubuntu:14.04"},
      {"localhost:5000/a/b:t", "localhost:5000/a/b:t", "localhost:5000/a/b:t"},
      {"127.0.0.1:5000/busybox", "127.0.0.1:5000/busybox:latest", "127.0.0.1:5000/busybox:latest"},
  };
  for (const auto& c : cases) {
    auto r = parse_reference(c.in);
    ASSERT_TRUE(r) << c.in << ": " << r.error().message;
    EXPECT_EQ(r->full_string(), c.full);
    EXPECT_EQ(r->familiar_string(), c.familiar);
  }
  std::string digest = "sha256:" + std::string(64, 'a');
  auto d = parse_reference("busybox@" + digest);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->digest, digest);
  EXPECT_EQ(d->tag, "");
}

TEST(Reference, RejectsBadOnesWithDockerMessages) {
  auto upper = parse_reference("Busybox");
  ASSERT_FALSE(upper);
  EXPECT_EQ(upper.error().message, "invalid reference format: repository name (library/Busybox) must be lowercase");
  for (const char* bad : {"", "a:b:c", "busybox:", ":tag", "a//b", "busybox@sha256:short", "-x"}) {
    auto r = parse_reference(bad);
    EXPECT_FALSE(r) << bad;
    if (!r) {
      EXPECT_EQ(r.error().kind, ErrorKind::InvalidParameter);
    }
  }
  EXPECT_TRUE(looks_like_image_id("ceb8440dec46"));
  EXPECT_TRUE(looks_like_image_id("sha256:ceb8"));
  EXPECT_FALSE(looks_like_image_id("busybox"));
}

TEST(DockerfileChanges, ImportChangeLines) {
  nlohmann::json c = nlohmann::json::object();
  ASSERT_TRUE(apply_dockerfile_change(c, "CMD [\"sh\"]"));
  ASSERT_TRUE(apply_dockerfile_change(c, "ENTRYPOINT /bin/app --flag"));
  ASSERT_TRUE(apply_dockerfile_change(c, "ENV A=1 B=\"two words\""));
  ASSERT_TRUE(apply_dockerfile_change(c, "WORKDIR /srv"));
  ASSERT_TRUE(apply_dockerfile_change(c, "EXPOSE 80 53/udp"));
  ASSERT_TRUE(apply_dockerfile_change(c, "LABEL k=v"));
  EXPECT_EQ(c["Cmd"], nlohmann::json({"sh"}));
  EXPECT_EQ(c["Entrypoint"], nlohmann::json({"/bin/sh", "-c", "/bin/app --flag"}));
  EXPECT_EQ(c["Env"], nlohmann::json({"A=1", "B=two words"}));
  EXPECT_EQ(c["WorkingDir"], "/srv");
  EXPECT_TRUE(c["ExposedPorts"].contains("80/tcp"));
  EXPECT_TRUE(c["ExposedPorts"].contains("53/udp"));
  EXPECT_EQ(c["Labels"]["k"], "v");
  auto bad = apply_dockerfile_change(c, "RUN rm -rf /");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "RUN is not a valid change command");
}

TEST(TarPaths, CleaningKeepsEntriesInsideTheLayer) {
  EXPECT_EQ(*clean_entry_path("./bin/sh"), "bin/sh");
  EXPECT_EQ(*clean_entry_path("/etc/passwd"), "etc/passwd");
  EXPECT_EQ(*clean_entry_path("a/./b/../c"), "a/c");
  EXPECT_EQ(*clean_entry_path("./"), "");
  EXPECT_FALSE(clean_entry_path("../escape"));
  EXPECT_FALSE(clean_entry_path("a/../../escape"));
}

// A client's reference of any length is only rejected: std::regex recursed
// per character and a 200 kB image name in a create body killed the daemon.
TEST(ImageReferenceGrammar, HugeInputsAreRejectedNotFatal) {
  using mydocker::daemon::images::parse_reference;
  EXPECT_FALSE(parse_reference(std::string(200000, 'a')));  // over 255 characters
  std::string dashed;
  for (int i = 0; i < 100000; ++i) dashed += "a-";
  EXPECT_FALSE(parse_reference(dashed + "a"));
  EXPECT_FALSE(parse_reference("busybox:" + std::string(200000, 'b')));
  EXPECT_FALSE(parse_reference(std::string(200000, '.') + "/x"));
}

TEST(ImageReferenceGrammar, ComponentsTagsDomainsAsDocker) {
  using mydocker::daemon::images::parse_reference;
  for (const char* ok : {"a", "a.b", "a_b", "a__b", "a---b", "a-b.c_d__e", "localhost:5000/x", "my.reg-1.io/a/b:t",
                         "[::1]:5000/x", "x:_t", "x:T.1-", "127.0.0.1:5000/a/b@sha256:" 
                         "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"})
    EXPECT_TRUE(parse_reference(ok)) << ok;
  for (const char* bad : {"-a", "a-", "a..b", "a___b", "a._b", ".a", "x:-t", "x:.t", "reg-.io/a", "-reg.io/a",
                          "reg.io:/a", "reg.io:5x/a", "[]/a", "[zz]/a", "x@sha256:abc", "a//b", "a/"})
    EXPECT_FALSE(parse_reference(bad)) << bad;
  EXPECT_FALSE(parse_reference(std::string("x:") + std::string(129, 't')));
  EXPECT_TRUE(parse_reference(std::string("x:") + std::string(128, 't')));
}
