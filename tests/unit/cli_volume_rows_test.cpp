// The CLI's volume pieces: create bodies, ls rows and prune reports as
// docker 28 produces them, and --mount as docker's CLI parses it.
#include <gtest/gtest.h>

#include "format/create_config.hpp"
#include "format/volume_rows.hpp"

using namespace mydocker::cli::format;
using nlohmann::json;

TEST(VolumeCli, CreateBodyAsDockerSendsIt) {
  EXPECT_EQ(volume_create_body("myvol", "local", {}, {}).dump(), R"({"Driver":"local","Name":"myvol"})");
  EXPECT_EQ(volume_create_body("v2", "", {"type=tmpfs", "o=size=1m"}, {"team=db"}).dump(),
            R"({"Driver":"local","DriverOpts":{"o":"size=1m","type":"tmpfs"},"Labels":{"team":"db"},"Name":"v2"})");
}

TEST(VolumeCli, RowsSortedWithLabels) {
  json resp = json::parse(R"({"Volumes":[
    {"Name":"zeta","Driver":"local","Labels":null,"Mountpoint":"/d/zeta/_data","Scope":"local"},
    {"Name":"alpha","Driver":"local","Labels":{"b":"2","a":"1"},"Mountpoint":"/d/alpha/_data","Scope":"local"}],
    "Warnings":null})");
  auto rows = volume_rows(resp);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0]["Name"], "alpha");
  EXPECT_EQ(rows[0]["Labels"], "a=1,b=2");
  EXPECT_EQ(rows[1]["Labels"], "");
  EXPECT_EQ(volume_headers()["Name"], "VOLUME NAME");
}

TEST(VolumeCli, PruneReport) {
  EXPECT_EQ(volume_prune_report(json::parse(R"({"VolumesDeleted":["a","b"],"SpaceReclaimed":2048})")),
            "Deleted Volumes:\na\nb\n\nTotal reclaimed space: 2.048kB\n");
  EXPECT_EQ(volume_prune_report(json::parse(R"({"VolumesDeleted":null,"SpaceReclaimed":0})")),
            "Total reclaimed space: 0B\n");
}

TEST(VolumeCli, MountFlagFields) {
  RunOptions o;
  o.mounts = {"type=volume,src=myvol,dst=/x,readonly,volume-nocopy,volume-opt=type=tmpfs,volume-label=k=v",
              "type=bind,source=/srv,target=/y,bind-propagation=rslave",
              "type=tmpfs,target=/t,tmpfs-size=64m,tmpfs-mode=1770"};
  auto body = container_create_body(o, "busybox", {});
  ASSERT_TRUE(body) << body.error().message;
  const auto& m = (*body)["HostConfig"]["Mounts"];
  EXPECT_EQ(m[0].dump(), R"({"Type":"volume","Source":"myvol","Target":"/x","ReadOnly":true,"VolumeOptions":{"NoCopy":true,"DriverConfig":{"Options":{"type":"tmpfs"}},"Labels":{"k":"v"}}})");
  EXPECT_EQ(m[1].dump(), R"({"Type":"bind","Source":"/srv","Target":"/y","BindOptions":{"Propagation":"rslave"}})");
  EXPECT_EQ(m[2].dump(), R"({"Type":"tmpfs","Target":"/t","TmpfsOptions":{"SizeBytes":67108864,"Mode":1016}})");
  RunOptions bad;
  bad.mounts = {"type=foo,target=/x"};
  auto r = container_create_body(bad, "busybox", {});
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "invalid argument \"type=foo,target=/x\" for \"--mount\" flag: invalid type \"foo\"");
  bad.mounts = {"type=volume,target=/x,tmpfs-mode=9"};
  EXPECT_FALSE(container_create_body(bad, "busybox", {}));
}
