// The CLI's terminal handling on a real pty: raw mode and its restore,
// and the SIGWINCH watcher that forwards window sizes.
#include <gtest/gtest.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <future>

#include "common/unique_fd.hpp"
#include "terminal/raw_terminal.hpp"
#include "terminal/window_watcher.hpp"

using namespace mydocker;
using namespace mydocker::cli;

namespace {
struct Pty {
  UniqueFd master, slave;
  Pty() {
    int m = -1, s = -1;
    if (::openpty(&m, &s, nullptr, nullptr, nullptr) == 0) {
      master.reset(m);
      slave.reset(s);
    }
  }
};

termios attrs(int fd) {
  termios t{};
  ::tcgetattr(fd, &t);
  return t;
}
}  // namespace

TEST(RawTerminal, RawWhileAliveAndRestoredAfter) {
  Pty pty;
  ASSERT_TRUE(pty.slave.valid());
  const termios before = attrs(pty.slave.get());
  ASSERT_TRUE(before.c_lflag & ICANON);
  ASSERT_TRUE(before.c_lflag & ECHO);
  {
    RawTerminal raw(pty.slave.get());
    EXPECT_TRUE(raw.active());
    const termios during = attrs(pty.slave.get());
    EXPECT_FALSE(during.c_lflag & ICANON);
    EXPECT_FALSE(during.c_lflag & ECHO);
    EXPECT_FALSE(during.c_lflag & ISIG);  // Ctrl-C goes to the container, not to us
  }
  const termios after = attrs(pty.slave.get());
  EXPECT_EQ(after.c_lflag, before.c_lflag);
  EXPECT_EQ(after.c_iflag, before.c_iflag);
  EXPECT_EQ(after.c_oflag, before.c_oflag);
  EXPECT_EQ(after.c_cflag, before.c_cflag);
}

TEST(RawTerminal, RestoredWhenLeftByException) {
  Pty pty;
  ASSERT_TRUE(pty.slave.valid());
  const termios before = attrs(pty.slave.get());
  try {
    RawTerminal raw(pty.slave.get());
    throw std::runtime_error("session failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(attrs(pty.slave.get()).c_lflag, before.c_lflag);
}

TEST(RawTerminal, NotATerminalIsLeftAlone) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  UniqueFd r(p[0]), w(p[1]);
  RawTerminal raw(r.get());
  EXPECT_FALSE(raw.active());
  unsigned rows, cols;
  EXPECT_FALSE(terminal_size(r.get(), rows, cols));
}

TEST(WindowWatcher, ReportsTheNewSizeOnSigwinch) {
  Pty pty;
  ASSERT_TRUE(pty.slave.valid());
  std::promise<std::pair<unsigned, unsigned>> seen;
  auto got = seen.get_future();
  bool once = false;
  {
    WindowWatcher watcher(pty.slave.get(), [&](unsigned rows, unsigned cols) {
      if (!std::exchange(once, true)) seen.set_value({rows, cols});
    });
    winsize ws{};
    ws.ws_row = 42;
    ws.ws_col = 117;
    ASSERT_EQ(::ioctl(pty.master.get(), TIOCSWINSZ, &ws), 0);
    ::kill(::getpid(), SIGWINCH);
    ASSERT_EQ(got.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(got.get(), std::make_pair(42u, 117u));
  }
  // The mask is back as it was: SIGWINCH is not blocked any more.
  sigset_t now;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &now);
  EXPECT_FALSE(sigismember(&now, SIGWINCH));
}
