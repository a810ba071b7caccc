#include <gtest/gtest.h>
#include <unistd.h>

#include "daemon/logging/json_file_reader.hpp"
#include "json_log_writer.hpp"

using namespace mydocker;

namespace {
std::string read_fd(int fd) {
  std::string out;
  char buf[4096];
  ::lseek(fd, 0, SEEK_SET);
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  return out;
}
}  // namespace

TEST(JsonLog, OneEntryPerLineWithPartialLinesJoined) {
  char path[] = "/tmp/mdk-log-XXXXXX";
  int fd = ::mkstemp(path);
  shim::JsonLogWriter w(fd);
  w.write(1, "hel");
  w.write(1, "lo\nwor");
  w.write(2, "err\n");
  w.write(1, "ld\n");
  w.write(1, "tail-without-newline");
  w.flush_partial();
  std::vector<daemon::logging::LogEntry> entries;
  std::string text = read_fd(fd);
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    daemon::logging::LogEntry e;
    ASSERT_TRUE(daemon::logging::parse_log_line(std::string_view(text).substr(start, nl - start), e));
    entries.push_back(e);
    start = nl + 1;
  }
  ASSERT_EQ(entries.size(), 4u);
  EXPECT_EQ(entries[0].log, "hello\n");
  EXPECT_EQ(entries[1].log, "err\n");
  EXPECT_EQ(entries[1].stream, 2);
  EXPECT_EQ(entries[2].log, "world\n");
  EXPECT_EQ(entries[3].log, "tail-without-newline");
  EXPECT_GT(entries[0].time_ns, 0);

  daemon::logging::ReadOptions opt;
  opt.tail = 2;
  std::vector<std::string> got;
  ASSERT_TRUE(daemon::logging::read_json_log(path, opt, [&](int, std::string_view d) {
    got.emplace_back(d);
    return true;
  }));
  EXPECT_EQ(got, (std::vector<std::string>{"world\n", "tail-without-newline"}));
  opt.tail = -1;
  opt.want_stdout = false;
  got.clear();
  ASSERT_TRUE(daemon::logging::read_json_log(path, opt, [&](int s, std::string_view d) {
    EXPECT_EQ(s, 2);
    got.emplace_back(d);
    return true;
  }));
  EXPECT_EQ(got, (std::vector<std::string>{"err\n"}));
  ::close(fd);
  ::unlink(path);
}

TEST(JsonLog, EscapesControlAndInvalidUtf8LikeDocker) {
  std::string out;
  shim::append_json_escaped(out, std::string("a\"b\\c\td\x01<\xff\xc3\xa9", 12));
  EXPECT_EQ(out, "a\\\"b\\\\c\\td\\u0001\\u003c\xEF\xBF\xBD\xc3\xa9");
}
