// Parsing of Docker's mount requests (Binds, Mounts, Tmpfs, VolumesFrom)
// and the volume name rule: what is refused and how it is worded.
#include <gtest/gtest.h>

#include "daemon/volumes/mount_point.hpp"
#include "daemon/volumes/volume.hpp"

using namespace mydocker::daemon::volumes;
using nlohmann::json;

TEST(MountPoint, BindsOfEveryShape) {
  auto b = parse_bind("/host/dir/:/ctr/dir:ro,z");
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ(b->type, "bind");
  EXPECT_EQ(b->source, "/host/dir");
  EXPECT_EQ(b->destination, "/ctr/dir");
  EXPECT_FALSE(b->rw);
  EXPECT_EQ(b->mode, "ro,z");
  EXPECT_EQ(b->propagation, "rprivate");
  EXPECT_TRUE(b->create_source);

  auto v = parse_bind("data:/var/lib/mysql");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->type, "volume");
  EXPECT_EQ(v->name, "data");
  EXPECT_TRUE(v->rw);
  EXPECT_TRUE(v->copy_data);
  EXPECT_FALSE(parse_bind("data:/x:nocopy")->copy_data);

  auto anon = parse_bind("/only/dest");
  ASSERT_TRUE(anon);
  EXPECT_EQ(anon->type, "volume");
  EXPECT_EQ(anon->name, "");

  EXPECT_EQ(parse_bind("/a:/b:rshared")->propagation, "rshared");
}

TEST(MountPoint, BadBindsNameTheValue) {
  auto rel = parse_bind("/tmp:data");
  ASSERT_FALSE(rel);
  EXPECT_EQ(rel.error().message,
            "invalid volume specification: '/tmp:data': invalid mount config for type \"bind\": invalid mount path: "
            "'data' mount path must be absolute");
  EXPECT_NE(parse_bind("/a:/b:xx").error().message.find("invalid mode: xx"), std::string::npos);
  EXPECT_FALSE(parse_bind("/a:/b:ro,rw"));
  EXPECT_FALSE(parse_bind("/a:/b:nocopy"));  // nocopy is for volumes
  EXPECT_FALSE(parse_bind("a:/b:rshared"));  // propagation is for binds
  EXPECT_FALSE(parse_bind("/a:/b:c:d"));
  EXPECT_FALSE(parse_bind("/a:/"));
  auto name = parse_bind("my$vol:/x");
  ASSERT_FALSE(name);
  EXPECT_NE(name.error().message.find("\"my$vol\" includes invalid characters"), std::string::npos);
}

TEST(MountPoint, MountEntries) {
  auto v = parse_mount(json{{"Type", "volume"}, {"Source", "myvol"}, {"Target", "/x"}, {"ReadOnly", true},
                            {"VolumeOptions", {{"NoCopy", true}, {"DriverConfig", {{"Options", {{"type", "tmpfs"}}}}}}}});
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->name, "myvol");
  EXPECT_FALSE(v->rw);
  EXPECT_FALSE(v->copy_data);
  EXPECT_EQ(v->volume_options.at("type"), "tmpfs");

  auto b = parse_mount(json{{"Type", "bind"}, {"Source", "/srv"}, {"Target", "/x"}, {"BindOptions", {{"Propagation", "rslave"}}}});
  ASSERT_TRUE(b);
  EXPECT_EQ(b->propagation, "rslave");
  EXPECT_FALSE(b->create_source);  // --mount never makes the source

  auto t = parse_mount(json{{"Type", "tmpfs"}, {"Target", "/t"}, {"TmpfsOptions", {{"SizeBytes", 2097152}, {"Mode", 01777}}}});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->tmpfs_options, "noexec,nosuid,nodev,size=2048k,mode=1777");

  EXPECT_FALSE(parse_mount(json{{"Type", "tmpfs"}, {"Source", "/x"}, {"Target", "/t"}}));
  EXPECT_FALSE(parse_mount(json{{"Type", "bind"}, {"Source", "rel"}, {"Target", "/t"}}));
  EXPECT_FALSE(parse_mount(json{{"Type", "nfs"}, {"Target", "/t"}}));
  EXPECT_FALSE(parse_mount(json{{"Type", "volume"}, {"Target", "rel"}}));
  EXPECT_EQ(parse_mount(json{{"Type", "volume"}, {"Target", "/t"}, {"VolumeOptions", {{"DriverConfig", {{"Name", "nfsplug"}}}}}})
                .error()
                .kind,
            mydocker::ErrorKind::NotFound);
}

TEST(MountPoint, TmpfsAndVolumesFrom) {
  auto t = parse_tmpfs("/run/", "rw,size=64m");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->destination, "/run");
  EXPECT_EQ(t->tmpfs_options, "noexec,nosuid,nodev,rw,size=64m");
  EXPECT_FALSE(parse_tmpfs("/ro", "ro")->rw);
  EXPECT_EQ(parse_volumes_from("db:ro").value(), std::make_pair(std::string("db"), std::string("ro")));
  EXPECT_EQ(parse_volumes_from("db").value().second, "");
  EXPECT_FALSE(parse_volumes_from("db:xx"));
  EXPECT_FALSE(parse_volumes_from(""));
}

TEST(MountPoint, CleanPathAndNames) {
  EXPECT_EQ(clean_path("/a//b/./c/../d/"), "/a/b/d");
  EXPECT_EQ(clean_path("/.."), "/");
  std::string why;
  EXPECT_TRUE(valid_volume_name("my-vol_1.x", why));
  EXPECT_FALSE(valid_volume_name("v", why));
  EXPECT_EQ(why, "volume name is too short, names should be at least two alphanumeric characters");
  EXPECT_FALSE(valid_volume_name("-vol", why));
  EXPECT_FALSE(valid_volume_name("a/b", why));
}
