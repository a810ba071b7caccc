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
