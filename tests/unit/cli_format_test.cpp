#include <gtest/gtest.h>

#include "format/rows.hpp"
#include "format/stream.hpp"
#include "format/tabwriter.hpp"
#include "format/template.hpp"

using namespace mydocker::cli::format;
using nlohmann::json;

namespace {
std::string render(const std::string& t, const json& data) {
  auto tmpl = Template::parse(t);
  EXPECT_TRUE(tmpl) << (tmpl ? "" : tmpl.error().message);
  if (!tmpl) return "<parse error>";
  auto out = tmpl->execute(data);
  EXPECT_TRUE(out) << (out ? "" : out.error().message);
  return out ? *out : "<exec error>";
}
}  // namespace

TEST(Template, FieldsNestedAndGoPrinting) {
  json d = {{"State", {{"Status", "running"}, {"Pid", 42}, {"Running", true}}},
            {"Names", {"a", "b"}}, {"Labels", {{"k", "v"}}}, {"Nothing", nullptr}};
  EXPECT_EQ(render("{{.State.Status}} {{.State.Pid}} {{.State.Running}}", d), "running 42 true");
  EXPECT_EQ(render("{{.Names}}", d), "[a b]");
  EXPECT_EQ(render("{{.Labels}}", d), "map[k:v]");
  EXPECT_EQ(render("{{.Missing}}", d), "<no value>");
  EXPECT_EQ(render("{{json .Labels}}", d), "{\"k\":\"v\"}");
  EXPECT_EQ(render("{{index .Labels \"k\"}}", d), "v");
  EXPECT_EQ(render("{{.State.Status | upper}}", d), "RUNNING");
  EXPECT_EQ(render("{{join .Names \",\"}}", d), "a,b");
  EXPECT_EQ(render("{{len .Names}}", d), "2");
}

TEST(Template, ControlFlowAndVariables) {
  json d = {{"Names", {"a", "b"}}, {"M", {{"x", 1}, {"y", 2}}}, {"On", true}, {"Off", false}};
  EXPECT_EQ(render("{{range .Names}}[{{.}}]{{end}}", d), "[a][b]");
  EXPECT_EQ(render("{{range $k, $v := .M}}{{$k}}={{$v}};{{end}}", d), "x=1;y=2;");
  EXPECT_EQ(render("{{if .On}}yes{{else}}no{{end}} {{if .Off}}yes{{else}}no{{end}}", d), "yes no");
  EXPECT_EQ(render("{{if .Off}}a{{else if .On}}b{{else}}c{{end}}", d), "b");
  EXPECT_EQ(render("a  {{- .On -}}  b", d), "atrueb");
  EXPECT_EQ(render("{{with .M}}{{.x}}{{end}}", d), "1");
  EXPECT_EQ(render("{{$n := .Names}}{{index $n 1}}", d), "b");
}

TEST(Template, ParseErrorsAreReported) {
  EXPECT_FALSE(Template::parse("{{.A"));
  EXPECT_FALSE(Template::parse("{{if .A}}x"));
  auto bad = Template::parse("{{nosuchfunc .A}}");
  ASSERT_TRUE(bad);
  EXPECT_FALSE(bad->execute(json::object()));
}

TEST(Template, TableDirective) {
  std::string f = "table {{.ID}}\t{{.Names}}";
  EXPECT_TRUE(strip_table_directive(f));
  EXPECT_EQ(f, "{{.ID}}\t{{.Names}}");
  std::string g = "{{.ID}}";
  EXPECT_FALSE(strip_table_directive(g));
}

TEST(Tabwriter, MatchesDockerPsLayout) {
  // The seeds' `docker ps` output: minwidth 10, padding 3, last column unpadded.
  std::string in =
      "CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n"
      "6004350d8d73\tubuntu:14.04\t\"/bin/bash\"\t12 hours ago\tUp 12 hours\t\tblog\n";
  EXPECT_EQ(tabwrite(in),
            "CONTAINER ID   IMAGE          COMMAND       CREATED        STATUS        PORTS     NAMES\n"
            "6004350d8d73   ubuntu:14.04   \"/bin/bash\"   12 hours ago   Up 12 hours             blog\n");
}

TEST(Tabwriter, EllipsisAndQuoteAsDocker) {
  EXPECT_EQ(ellipsis("sh -c echo hi; sleep 100", 20), "sh -c echo hi; slee…");
  EXPECT_EQ(ellipsis("short", 20), "short");
  EXPECT_EQ(display_width("slee…"), 5u);
  EXPECT_EQ(go_quote("a \"b\"\n"), "\"a \\\"b\\\"\\n\"");
}

TEST(Demuxer, ReassemblesFramesSplitAcrossReads) {
  std::string got_out, got_err;
  Demuxer d([&](int s, std::string_view v) { (s == 2 ? got_err : got_out).append(v); });
  std::string frames = std::string("\x01\0\0\0\0\0\0\x0a", 8) + "out1\nout2\n" + std::string("\x02\0\0\0\0\0\0\x05", 8) + "err1\n";
  for (size_t i = 0; i < frames.size(); i += 3) d.feed(std::string_view(frames).substr(i, 3));
  EXPECT_EQ(got_out, "out1\nout2\n");
  EXPECT_EQ(got_err, "err1\n");
  EXPECT_TRUE(d.idle());
}

TEST(Rows, ContainerRowFieldsAsDockerNamesThem) {
  json c = {{"Id", std::string(64, 'a')}, {"Names", {"/web"}}, {"Image", "busybox"}, {"Command", "sh -c 'echo hi; sleep 100'"},
            {"Created", 1000}, {"State", "running"}, {"Status", "Up 3 seconds"}, {"Labels", {{"role", "front"}}},
            {"Ports", {{{"IP", "0.0.0.0"}, {"PrivatePort", 80}, {"PublicPort", 8080}, {"Type", "tcp"}}}}};
  json r = container_row(c, true, 1000 + 120);
  EXPECT_EQ(r["ID"], std::string(12, 'a'));
  EXPECT_EQ(r["Names"], "web");
  EXPECT_EQ(r["Command"], "\"sh -c 'echo hi; sle…\"");
  EXPECT_EQ(r["RunningFor"], "2 minutes ago");
  EXPECT_EQ(r["Ports"], "0.0.0.0:8080->80/tcp");
  EXPECT_EQ(r["Labels"], "role=front");
  auto t = Template::parse("{{.Label \"role\"}}");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->execute(r), "front");
  EXPECT_EQ(container_row(c, false, 1000)["ID"], std::string(64, 'a'));
}
