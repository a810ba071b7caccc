#include "daemon/security/userns_remap.hpp"

#include <grp.h>
#include <pwd.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>

#include "common/fs.hpp"

extern char** environ;

namespace mydocker::daemon::security {

namespace {

constexpr size_t kMaxRanges = 340;  // the kernel's limit of map lines

std::optional<uint64_t> number(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

struct Line {
  std::string_view owner;
  uint64_t start = 0, count = 0;
};

// Calls fn for each well-formed "owner:start:count" line.
template <class Fn>
void for_each_line(std::string_view text, Fn fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    size_t c1 = line.find(':'), c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos || line.find(':', c2 + 1) != std::string_view::npos) continue;
    auto start = number(line.substr(c1 + 1, c2 - c1 - 1)), count = number(line.substr(c2 + 1));
    if (c1 == 0 || !start || !count || *count == 0 || *start + *count > (uint64_t(1) << 32)) continue;
    fn(Line{line.substr(0, c1), *start, *count});
  }
}

Result<void> run_command(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid;
  if (int e = ::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ); e != 0)
    return fail(Error::from_errno(e, "run " + argv[0]));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::string line;
    for (const auto& a : argv) line += (line.empty() ? "" : " ") + a;
    return fail(Error::internal("`" + line + "` failed (status " + std::to_string(status) + ")"));
  }
  return {};
}

struct Account {
  std::string name;
  uint32_t id = 0;
};

std::optional<Account> find_user(const std::string& key) {
  std::vector<char> buf(16384);
  passwd pw{}, *found = nullptr;
  if (auto n = number(key); n && *n <= UINT32_MAX) ::getpwuid_r(uid_t(*n), &pw, buf.data(), buf.size(), &found);
  else ::getpwnam_r(key.c_str(), &pw, buf.data(), buf.size(), &found);
  if (!found) return std::nullopt;
  return Account{pw.pw_name, pw.pw_uid};
}

std::optional<Account> find_group(const std::string& key) {
  std::vector<char> buf(16384);
  group gr{}, *found = nullptr;
  if (auto n = number(key); n && *n <= UINT32_MAX) ::getgrgid_r(gid_t(*n), &gr, buf.data(), buf.size(), &found);
  else ::getgrnam_r(key.c_str(), &gr, buf.data(), buf.size(), &found);
  if (!found) return std::nullopt;
  return Account{gr.gr_name, gr.gr_gid};
}

constexpr const char* kDefaultUser = "dockremap";

// Docker's "default": a system user with no login, and 65536 IDs of both
// kinds where nobody else has any.
Result<void> ensure_dockremap(const std::string& etc_dir) {
  if (!find_user(kDefaultUser)) {
    if (fs::exists("/usr/sbin/adduser"))
      TRY_VOID(run_command({"/usr/sbin/adduser", "--system", "--shell", "/bin/false", "--no-create-home",
                            "--disabled-login", "--disabled-password", "--group", kDefaultUser}));
    else
      TRY_VOID(run_command({"/usr/sbin/useradd", "-r", "-U", "-s", "/bin/false", kDefaultUser}));
  }
  const std::string subuid = fs::read_file(etc_dir + "/subuid").value_or("");
  const std::string subgid = fs::read_file(etc_dir + "/subgid").value_or("");
  bool has_uids = false, has_gids = false;
  for_each_line(subuid, [&](const Line& l) { has_uids |= l.owner == kDefaultUser; });
  for_each_line(subgid, [&](const Line& l) { has_gids |= l.owner == kDefaultUser; });
  if (has_uids && has_gids) return {};
  const uint32_t start = std::max(first_free_block(subuid), first_free_block(subgid));
  const std::string range = std::to_string(start) + "-" + std::to_string(start + 65535);
  std::vector<std::string> cmd = {"/usr/sbin/usermod"};
  if (!has_uids) cmd.insert(cmd.end(), {"-v", range});
  if (!has_gids) cmd.insert(cmd.end(), {"-w", range});
  cmd.push_back(kDefaultUser);
  return run_command(cmd);
}

}  // namespace

Result<std::vector<IdRange>> subordinate_ranges(std::string_view text, const std::string& name,
                                                std::optional<uint32_t> numeric_id, const std::string& file_label) {
  std::vector<IdRange> by_name, by_id;
  const std::string id_text = numeric_id ? std::to_string(*numeric_id) : std::string();
  uint64_t next_name = 0, next_id = 0;
  for_each_line(text, [&](const Line& l) {
    if (l.owner == name) {
      by_name.push_back({uint32_t(next_name), uint32_t(l.start), uint32_t(l.count)});
      next_name += l.count;
    } else if (!id_text.empty() && l.owner == id_text) {
      by_id.push_back({uint32_t(next_id), uint32_t(l.start), uint32_t(l.count)});
      next_id += l.count;
    }
  });
  auto& found = by_name.empty() ? by_id : by_name;
  if (found.empty()) return fail(Error::invalid("no subordinate ranges found for \"" + name + "\" in " + file_label));
  if (found.size() > kMaxRanges)
    return fail(Error::invalid(file_label + " gives \"" + name + "\" more than " + std::to_string(kMaxRanges) + " ranges"));
  // Container IDs past 2^32 cannot exist: drop what overflows.
  std::erase_if(found, [](const IdRange& r) { return uint64_t(r.container_id) + r.size > (uint64_t(1) << 32); });
  return found;
}

uint32_t first_free_block(std::string_view text, uint32_t floor, uint32_t count) {
  std::vector<std::pair<uint64_t, uint64_t>> used;
  for_each_line(text, [&](const Line& l) { used.emplace_back(l.start, l.start + l.count); });
  std::sort(used.begin(), used.end());
  uint64_t start = floor;
  for (const auto& [b, e] : used)
    if (b < start + count && e > start) start = e;  // overlaps: go past it
  return uint32_t(std::min<uint64_t>(start, UINT32_MAX - count));
}

Result<std::pair<std::string, std::string>> parse_remap_flag(const std::string& value) {
  if (value == "default") return std::pair<std::string, std::string>{kDefaultUser, kDefaultUser};
  const size_t colon = value.find(':');
  if (value.empty() || colon == 0 || colon + 1 == value.size() ||
      (colon != std::string::npos && value.find(':', colon + 1) != std::string::npos))
    return fail(Error::invalid("invalid --userns-remap value \"" + value + "\": want default, USER or USER:GROUP"));
  if (colon == std::string::npos) return std::pair<std::string, std::string>{value, value};
  return std::pair<std::string, std::string>{value.substr(0, colon), value.substr(colon + 1)};
}

Result<IdMapping> resolve_userns_remap(const std::string& flag_value, const std::string& etc_dir) {
  TRY_ASSIGN(auto names, parse_remap_flag(flag_value));
  if (flag_value == "default") TRY_VOID(ensure_dockremap(etc_dir));
  auto user = find_user(names.first);
  if (!user) return fail(Error::invalid("user \"" + names.first + "\" not found"));
  // A numeric user without a group: the same number, as Docker.
  auto group = find_group(names.second);
  if (!group && names.second == names.first && number(names.first)) group = Account{names.first, user->id};
  if (!group) return fail(Error::invalid("group \"" + names.second + "\" not found"));
  const std::string uid_file = etc_dir + "/subuid", gid_file = etc_dir + "/subgid";
  IdMapping m;
  TRY_ASSIGN(m.uids, subordinate_ranges(fs::read_file(uid_file).value_or(""), user->name, user->id, uid_file));
  TRY_ASSIGN(m.gids, subordinate_ranges(fs::read_file(gid_file).value_or(""), group->name, group->id, gid_file));
  return m;
}

}  // namespace mydocker::daemon::security
