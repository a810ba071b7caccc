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

TEST(Tabwriter, ColumnsAreBlocksOfConsecutiveLinesAsGo) {
  // A line without the column ends its block: the next block is sized apart.
  EXPECT_EQ(tabwrite("a\tbbbbbbbbbbbbbb\tc\nno tabs\nxx\ty\tz\n"),
            "a         bbbbbbbbbbbbbb   c\nno tabs\nxx        y         z\n");
  // The seed's empty `docker ps`: every header padded to minwidth 10 or +3.
  EXPECT_EQ(tabwrite(std::string("CONTAINER ID\tIMAGE\tCOMMAND\tCREATED\tSTATUS\tPORTS\tNAMES\n")),
            "CONTAINER ID   IMAGE     COMMAND   CREATED   STATUS    PORTS     NAMES\n");
}

TEST(Template, FormatEscapesAndTableHeaders) {
  EXPECT_EQ(expand_format_escapes("  {{.ID}}\\t{{.Names}}\\n "), "{{.ID}}\t{{.Names}}\n");
  auto t = Template::parse("{{.Names}}\t{{.Label \"com.x\"}}\t{{.ID}}");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->execute(container_headers()), "NAMES\tcom.x\tCONTAINER ID");
  EXPECT_EQ(*t->execute(image_headers()), "<no value>\tcom.x\tIMAGE ID");
}

TEST(Template, GoPrintingOrderAndJson) {
  // Source order kept for {{json}}; Go sorts map keys when printing or ranging.
  auto data = nlohmann::ordered_json::parse(R"({"Config":{"Hostname":"h","Env":["A=1"],"Labels":{"z":"1","a":"2"}}})");
  auto t = Template::parse("{{json .Config}}|{{.Config.Labels}}|{{range $k, $v := .Config.Labels}}{{$k}},{{end}}");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->execute(data), R"({"Hostname":"h","Env":["A=1"],"Labels":{"z":"1","a":"2"}}|map[a:2 z:1]|a,z,)");
  EXPECT_EQ(render("{{.A | printf \"%s-x\"}} {{upper \"ab\"}} {{lower .B}} {{title \"hello world\"}}", {{"A", "a"}, {"B", "XY"}}),
            "a-x AB xy Hello World");
  EXPECT_EQ(render("{{split .S \",\"}} {{len (split .S \",\")}}", {{"S", "a,b,c"}}), "[a b c] 3");
  EXPECT_EQ(render("{{println .N}}", {{"N", 1.5}}), "1.5\n");
  EXPECT_EQ(render("{{.N}} {{.F}}", {{"N", 3}, {"F", false}}), "3 false");
}

TEST(Rows, SizeAndImageRows) {
  json c = {{"Id", "abc"}, {"Names", {"/x"}}, {"SizeRw", 0}, {"SizeRootFs", 0}, {"Created", 0}};
  EXPECT_EQ(container_row(c, true, 10)["Size"], "0B");
  c["SizeRw"] = 1200;
  c["SizeRootFs"] = 2000000;
  EXPECT_EQ(container_row(c, true, 10)["Size"], "1.2kB (virtual 2MB)");
  json img = {{"Id", "sha256:" + std::string(64, 'd')}, {"Created", 0}, {"Size", 1983000}};
  json r = image_row(img, "", true, 3600);
  EXPECT_EQ(r["Repository"], "<none>");
  EXPECT_EQ(r["ID"], std::string(12, 'd'));
  EXPECT_EQ(r["Size"], "1.98MB");
  EXPECT_EQ(r["VirtualSize"], "1.983MB");
  EXPECT_EQ(r["CreatedSince"], "About an hour ago");
}
