#include "tests/fuzz/write_sandbox.hpp"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <vector>

namespace mydocker::fuzz {

namespace fs = std::filesystem;

namespace {
constexpr const char* kSecret = "do not touch: a file outside the layer\n";

std::string absolute(const std::string& p) {
  std::error_code ec;
  auto a = fs::weakly_canonical(fs::absolute(p, ec), ec);
  return ec ? std::string() : a.string();
}

// Folders libFuzzer may write: the corpus folders given as arguments, the
// artifact prefix's folder, and the working directory.
std::vector<std::string> writable_dirs(int argc, char** argv) {
  std::vector<std::string> out;
  if (auto cwd = absolute("."); !cwd.empty() && cwd != "/") out.push_back(cwd);
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    for (const char* flag : {"-artifact_prefix=", "-exact_artifact_path="})
      if (a.rfind(flag, 0) == 0) {
        std::string p = a.substr(std::strlen(flag));
        if (!p.ends_with("/")) p = fs::path(p).parent_path().string();
        if (p.empty()) p = ".";
        if (auto d = absolute(p); !d.empty() && d != "/") out.push_back(d);
      }
    std::error_code ec;
    if (!a.starts_with("-") && fs::is_directory(a, ec))
      if (auto d = absolute(a); !d.empty() && d != "/") out.push_back(d);
  }
  return out;
}

std::vector<std::string> mount_points() {
  std::vector<std::string> out;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream f(line);
    std::string id, parent, devno, root, mp;
    f >> id >> parent >> devno >> root >> mp;
    if (mp.find('\\') == std::string::npos) out.push_back(mp);  // skip escaped (odd) names
  }
  return out;
}

bool sandbox(const std::vector<std::string>& writable) {
  if (::geteuid() != 0 || ::unshare(CLONE_NEWNS) != 0) return false;
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return false;
  ::mkdir(kScratch, 0700);
  if (::mount("tmpfs", kScratch, "tmpfs", 0, "size=512m,mode=0700") != 0) return false;
  std::set<std::string> keep{kScratch};
  for (const auto& d : writable)
    if (::mount(d.c_str(), d.c_str(), nullptr, MS_BIND | MS_REC, nullptr) == 0) keep.insert(d);
  for (const auto& mp : mount_points()) {
    if (keep.count(mp)) continue;
    bool under_kept = false;
    for (const auto& k : keep) under_kept |= mp.rfind(k + "/", 0) == 0;
    if (under_kept) continue;
    ::mount(nullptr, mp.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr);
  }
  // The root must be read-only, or nothing is protected.
  return ::access("/", W_OK) != 0 && errno == EROFS;
}
}  // namespace

std::string enter_write_sandbox(int argc, char** argv) {
  if (sandbox(writable_dirs(argc, argv))) return kScratch;
  std::fprintf(stderr, "warning: not root or no mount namespace: the archive fuzzers run unsandboxed\n");
  char tmpl[] = "/tmp/mydocker-fuzz-scratch.XXXXXX";
  if (!::mkdtemp(tmpl)) std::abort();
  return tmpl;
}

std::string fresh_layer_dir(const std::string& scratch) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(scratch, ec)) fs::remove_all(e.path(), ec);
  std::ofstream(scratch + "/secret") << kSecret;
  ::chmod((scratch + "/secret").c_str(), 0644);
  const std::string root = scratch + "/root";
  fs::create_directory(root, ec);
  return root;
}

bool scratch_intact(const std::string& scratch, std::string& what) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(scratch, ec)) {
    const std::string name = e.path().filename().string();
    if (name != "root" && name != "secret") {
      what = "new entry next to the layer: " + name;
      return false;
    }
  }
  struct stat st{};
  if (::lstat((scratch + "/secret").c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1 ||
      (st.st_mode & 07777) != 0644 || st.st_uid != ::geteuid()) {
    what = "secret replaced, linked, chmod-ed or chown-ed";
    return false;
  }
  std::ifstream in(scratch + "/secret");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (text != kSecret) {
    what = "secret rewritten";
    return false;
  }
  return true;
}

}  // namespace mydocker::fuzz
