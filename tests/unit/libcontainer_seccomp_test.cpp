// Compiling linux.seccomp without installing it: what is refused, what is
// skipped the way runc skips it, and where the shim keeps compiled filters.
#include <gtest/gtest.h>
#include <linux/seccomp.h>

#include "libcontainer/seccomp.hpp"
#include "shim_args.hpp"

using namespace mydocker;
namespace lc = mydocker::libcontainer;

namespace {

lc::spec::Seccomp deny(std::vector<std::string> names, std::optional<uint32_t> errno_ret = EPERM) {
  lc::spec::Seccomp sc;
  sc.default_action = "SCMP_ACT_ALLOW";
  sc.syscalls.push_back({std::move(names), "SCMP_ACT_ERRNO", errno_ret, {}});
  return sc;
}

std::string bytes(const Result<lc::SeccompFilter>& f) {
  if (!f) return "error: " + f.error().message;
  return std::string(reinterpret_cast<const char*>(f->code().data()), f->code().size() * sizeof(sock_filter));
}

void expect_invalid(const lc::spec::Seccomp& sc, const std::string& named) {
  auto f = lc::compile_seccomp(sc);
  ASSERT_FALSE(f) << named;
  EXPECT_EQ(f.error().kind, ErrorKind::InvalidParameter);
  EXPECT_NE(f.error().message.find(named), std::string::npos) << f.error().message;
}

}  // namespace

TEST(SeccompCompile, RefusesWhatItDoesNotKnowNamingIt) {
  auto sc = deny({"mkdir"});
  sc.default_action = "SCMP_ACT_MAYBE";
  expect_invalid(sc, "SCMP_ACT_MAYBE");
  sc = deny({"mkdir"});
  sc.syscalls[0].action = "SCMP_ACT_NOTIFY";  // needs a listener we do not offer
  expect_invalid(sc, "SCMP_ACT_NOTIFY");
  sc = deny({"mkdir"});
  sc.syscalls[0].args = {{0, 1, 0, "SCMP_CMP_SOMETIMES"}};
  expect_invalid(sc, "SCMP_CMP_SOMETIMES");
  sc = deny({"mkdir"});
  sc.syscalls[0].args = {{6, 1, 0, "SCMP_CMP_EQ"}};
  expect_invalid(sc, "argument index 6");
  sc = deny({"mkdir"});
  sc.architectures = {"SCMP_ARCH_VAX"};
  expect_invalid(sc, "SCMP_ARCH_VAX");
  sc = deny({"mkdir"});
  sc.flags = {"SECCOMP_FILTER_FLAG_MAGIC"};
  expect_invalid(sc, "SECCOMP_FILTER_FLAG_MAGIC");
}

// A profile written for a newer kernel still loads.
TEST(SeccompCompile, SkipsSyscallsThisLibseccompDoesNotKnow) {
  EXPECT_EQ(bytes(lc::compile_seccomp(deny({"mkdir", "no_such_syscall_in_any_kernel"}))),
            bytes(lc::compile_seccomp(deny({"mkdir"}))));
}

TEST(SeccompCompile, SkipsRulesThatRepeatTheDefaultAction) {
  auto sc = deny({"mkdir"});
  sc.syscalls.push_back({{"getpid"}, "SCMP_ACT_ALLOW", {}, {}});
  EXPECT_EQ(bytes(lc::compile_seccomp(sc)), bytes(lc::compile_seccomp(deny({"mkdir"}))));
}

TEST(SeccompCompile, ErrnoDefaultsToEperm) {
  EXPECT_EQ(bytes(lc::compile_seccomp(deny({"mkdir"}, std::nullopt))), bytes(lc::compile_seccomp(deny({"mkdir"}, EPERM))));
  EXPECT_NE(bytes(lc::compile_seccomp(deny({"mkdir"}, ENOSYS))), bytes(lc::compile_seccomp(deny({"mkdir"}, EPERM))));
}

// Docker's profile lists every architecture of a family; one that cannot
// share a filter with the native one is left out rather than refused.
TEST(SeccompCompile, LeavesOutArchitecturesThatCannotJoin) {
  auto sc = deny({"mkdir"});
  sc.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
                      "SCMP_ARCH_S390X", "SCMP_ARCH_PPC64"};
  auto f = lc::compile_seccomp(sc);
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_GT(f->code().size(), 4u);
}

TEST(SeccompCompile, RepeatedArgumentIndexesAreAlternatives) {
  auto sc = deny({"personality"});
  sc.syscalls[0].args = {{0, 0, 0, "SCMP_CMP_EQ"}, {0, 8, 0, "SCMP_CMP_EQ"}};
  auto f = lc::compile_seccomp(sc);
  ASSERT_TRUE(f) << f.error().message;
}

TEST(SeccompCompile, FlagsForTheSyscall) {
  auto sc = deny({"mkdir"});
  sc.flags = {"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  auto f = lc::compile_seccomp(sc);
  ASSERT_TRUE(f) << f.error().message;
  // TSYNC has nothing to do in the single-threaded child.
  EXPECT_EQ(f->flags(), unsigned(SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));
}

TEST(SeccompCompile, ProgramSurvivesAMove) {
  auto f = lc::compile_seccomp(deny({"mkdir"}));
  ASSERT_TRUE(f);
  lc::SeccompFilter moved = std::move(*f);
  EXPECT_EQ(moved.prog()->filter, moved.code().data());
  EXPECT_EQ(moved.prog()->len, moved.code().size());
}

TEST(ShimSeccompCache, BesideTheBundlesUnderTheExecRoot) {
  EXPECT_EQ(shim::seccomp_cache_dir("/run/mydocker/containers/abc"), "/run/mydocker/seccomp");
  EXPECT_EQ(shim::seccomp_cache_dir("/run/mydocker/containers/abc/"), "/run/mydocker/seccomp");
  EXPECT_EQ(shim::seccomp_cache_dir("/containers/abc"), "");
  EXPECT_EQ(shim::seccomp_cache_dir("abc"), "");
}
