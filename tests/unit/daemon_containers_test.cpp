#include <gtest/gtest.h>

#include "daemon/containers/config_merge.hpp"
#include "daemon/containers/container_files.hpp"
#include "daemon/containers/names.hpp"
#include "daemon/containers/signals.hpp"
#include "daemon/containers/state.hpp"

using namespace mydocker;
using namespace mydocker::daemon::containers;
using nlohmann::json;

TEST(StateMachine, LegalAndIllegalTransitions) {
  EXPECT_TRUE(check_transition(Status::Created, Status::Running, "/a"));
  EXPECT_TRUE(check_transition(Status::Running, Status::Exited, "/a"));
  EXPECT_TRUE(check_transition(Status::Exited, Status::Running, "/a"));
  EXPECT_TRUE(check_transition(Status::Running, Status::Paused, "/a"));
  auto bad = check_transition(Status::Exited, Status::Paused, "/a");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::Conflict);
  EXPECT_FALSE(check_transition(Status::Removing, Status::Removing, "/a"));
  EXPECT_FALSE(check_transition(Status::Running, Status::Created, "/a"));
}

TEST(StateMachine, HumanStatusAsDocker) {
  const int64_t s = 1000000000;
  State st;
  EXPECT_EQ(st.human_status(100 * s), "Created");
  st.status = Status::Running;
  st.started_at_ns = 97 * s;
  EXPECT_EQ(st.human_status(100 * s), "Up 3 seconds");
  st.status = Status::Exited;
  st.exit_code = 137;
  st.finished_at_ns = 100 * s - 120 * s;
  EXPECT_EQ(st.human_status(100 * s), "Exited (137) 2 minutes ago");
  st.status = Status::Paused;
  EXPECT_EQ(st.human_status(100 * s), "Up 3 seconds (Paused)");
}

TEST(StateMachine, StatusNamesRoundTrip) {
  for (Status s : {Status::Created, Status::Running, Status::Paused, Status::Restarting, Status::Removing,
                   Status::Exited, Status::Dead})
    EXPECT_EQ(status_from_string(to_string(s)), s);
  EXPECT_EQ(status_from_string("bogus"), Status::Dead);
}

TEST(Names, DockerPattern) {
  EXPECT_TRUE(valid_container_name("web"));
  EXPECT_TRUE(valid_container_name("/web-1.a_b"));
  EXPECT_FALSE(valid_container_name("a"));
  EXPECT_FALSE(valid_container_name("-web"));
  EXPECT_FALSE(valid_container_name("bad name"));
  EXPECT_FALSE(valid_container_name("x/y"));
  std::string n = generate_container_name([](const std::string&) { return false; });
  EXPECT_TRUE(valid_container_name(n));
  EXPECT_NE(n.find('_'), std::string::npos);
}

TEST(Signals, NamesNumbersAndErrors) {
  EXPECT_EQ(*parse_signal("SIGKILL"), 9);
  EXPECT_EQ(*parse_signal("kill"), 9);
  EXPECT_EQ(*parse_signal("TERM"), 15);
  EXPECT_EQ(*parse_signal("2"), 2);
  auto bad = parse_signal("SIGNOPE");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "Invalid signal: SIGNOPE");
  EXPECT_FALSE(parse_signal("99"));
}

TEST(ConfigMerge, ImageFillsWhatUserLeftOut) {
  json image = {{"Env", {"PATH=/bin", "A=image"}}, {"Cmd", {"sh"}}, {"WorkingDir", "/srv"},
                {"Labels", {{"k", "image"}, {"j", "1"}}}};
  json cfg = {{"Env", {"A=user", "B=2"}}, {"Labels", {{"k", "user"}}}};
  merge_image_config(cfg, image);
  EXPECT_EQ(cfg["Env"], json({"PATH=/bin", "A=user", "B=2"}));
  EXPECT_EQ(cfg["Cmd"], json({"sh"}));
  EXPECT_EQ(cfg["WorkingDir"], "/srv");
  EXPECT_EQ(cfg["Labels"], json({{"k", "user"}, {"j", "1"}}));
  EXPECT_EQ(*command_line(cfg), std::vector<std::string>({"sh"}));
}

TEST(ConfigMerge, UserEntrypointDropsImageCmd) {
  json image = {{"Entrypoint", {"/entry"}}, {"Cmd", {"default"}}};
  json cfg = {{"Entrypoint", {"echo"}}};
  merge_image_config(cfg, image);
  EXPECT_EQ(*command_line(cfg), std::vector<std::string>({"echo"}));
  json cfg2 = {{"Cmd", {"x"}}};
  merge_image_config(cfg2, image);
  EXPECT_EQ(*command_line(cfg2), std::vector<std::string>({"/entry", "x"}));
  json empty = json::object();
  merge_image_config(empty, json::object());
  auto r = command_line(empty);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "No command specified");
}

TEST(ConfigMerge, ProcessEnvAddsPathHostnameTerm) {
  json cfg = {{"Env", {"A=1"}}, {"Tty", true}};
  auto env = process_env(cfg, "abc");
  EXPECT_EQ(env[0].rfind("PATH=", 0), 0u);
  EXPECT_EQ(env[1], "HOSTNAME=abc");
  EXPECT_EQ(env[2], "TERM=xterm");
  EXPECT_EQ(env[3], "A=1");
  json cfg2 = {{"Env", {"PATH=/x"}}};
  EXPECT_EQ(process_env(cfg2, "h")[0], "PATH=/x");
}

TEST(ContainerFiles, ResolvConfDropsLoopbackNameservers) {
  std::string out = container_resolv_conf("search example\nnameserver 127.0.0.53\nnameserver 10.1.2.3\noptions ndots:1\n");
  EXPECT_EQ(out, "search example\nnameserver 10.1.2.3\noptions ndots:1\n");
}
