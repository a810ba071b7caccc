// The create body our run/create flags produce, byte for byte against what
// the docker CLI 28.2.2 sent in the reference traces
// (shared/reference/docker-api/exchanges.json), and the client's small pieces.
#include <gtest/gtest.h>

#include "api/client/client.hpp"
#include "format/create_config.hpp"
#include "format/json_indent.hpp"
#include "format/jsonmessage.hpp"
#include "format/rows.hpp"

using namespace mydocker::cli::format;
using mydocker::api::client::Query;

namespace {
// From the traces (Go's encoder ends the body with a newline).
// docker run -d -p 8080:80 --name web busybox httpd -f -p 80
const char* const kRunDetachPublish = R"json({"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"ExposedPorts":{"80/tcp":{}},"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["httpd","-f","-p","80"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}]},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":false,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}
)json";
// docker run --rm --net mynet --net-alias foo busybox true
const char* const kRunNetAlias = R"json({"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["true"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"mynet","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":0,"Memory":0,"NanoCpus":0,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"mynet":{"IPAMConfig":null,"Links":null,"Aliases":["foo"],"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}
)json";
// docker run --rm --cpus 0.5 --cpuset-cpus 0 --cpu-shares 512 --memory 32m busybox true
const char* const kRunLimits = R"json({"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":["true"],"Image":"busybox","Volumes":{},"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":{},"HostConfig":{"Binds":null,"ContainerIDFile":"","LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"no","MaximumRetryCount":0},"AutoRemove":true,"VolumeDriver":"","VolumesFrom":null,"ConsoleSize":[0,0],"CapAdd":null,"CapDrop":null,"CgroupnsMode":"","Dns":[],"DnsOptions":[],"DnsSearch":[],"ExtraHosts":null,"GroupAdd":null,"IpcMode":"","Cgroup":"","Links":null,"OomScoreAdj":0,"PidMode":"","Privileged":false,"PublishAllPorts":false,"ReadonlyRootfs":false,"SecurityOpt":null,"UTSMode":"","UsernsMode":"","ShmSize":0,"Isolation":"","CpuShares":512,"Memory":33554432,"NanoCpus":500000000,"CgroupParent":"","BlkioWeight":0,"BlkioWeightDevice":[],"BlkioDeviceReadBps":[],"BlkioDeviceWriteBps":[],"BlkioDeviceReadIOps":[],"BlkioDeviceWriteIOps":[],"CpuPeriod":0,"CpuQuota":0,"CpuRealtimePeriod":0,"CpuRealtimeRuntime":0,"CpusetCpus":"0","CpusetMems":"","Devices":[],"DeviceCgroupRules":null,"DeviceRequests":null,"MemoryReservation":0,"MemorySwap":0,"MemorySwappiness":-1,"OomKillDisable":false,"PidsLimit":0,"Ulimits":[],"CpuCount":0,"CpuPercent":0,"IOMaximumIOps":0,"IOMaximumBandwidth":0,"MaskedPaths":null,"ReadonlyPaths":null},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"","IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}}}}
)json";
}  // namespace

TEST(CreateBody, DetachedWithPublishedPortMatchesDocker) {
  // docker run -d -p 8080:80 --name web busybox httpd -f -p 80
  RunOptions o;
  o.detach = true;
  o.name = "web";
  o.publish = {"8080:80"};
  auto body = container_create_body(o, "busybox", {"httpd", "-f", "-p", "80"});
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->dump() + "\n", kRunDetachPublish);
}

TEST(CreateBody, ResourceLimitsMatchDocker) {
  // docker run --rm --cpus 0.5 --cpuset-cpus 0 --cpu-shares 512 --memory 32m busybox true
  RunOptions o;
  o.rm = true;
  o.cpus = "0.5";
  o.cpuset_cpus = "0";
  o.cpu_shares = 512;
  o.memory = "32m";
  auto body = container_create_body(o, "busybox", {"true"});
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->dump() + "\n", kRunLimits);
}

TEST(CreateBody, UserNetworkWithAliasMatchesDocker) {
  RunOptions o;
  o.rm = true;
  o.network = "mynet";
  o.network_aliases = {"foo"};
  auto body = container_create_body(o, "busybox", {"true"});
  ASSERT_TRUE(body) << body.error().message;
  EXPECT_EQ(body->dump() + "\n", kRunNetAlias);
}

TEST(CreateBody, FlagsLandWhereDockerPutsThem) {
  RunOptions o;
  o.interactive = o.tty = true;
  o.env = {"A=B"};
  o.labels = {"z=1", "a"};
  o.volumes = {"/data", "/tmp/h:/x:ro"};
  o.network = "none";
  o.entrypoint_set = true;  // --entrypoint ""
  o.restart = "on-failure:3";
  o.privileged = true;
  auto b = container_create_body(o, "busybox", {});
  ASSERT_TRUE(b) << b.error().message;
  EXPECT_EQ((*b)["Env"].dump(), R"(["A=B"])");
  EXPECT_TRUE((*b)["Cmd"].is_null());
  EXPECT_EQ((*b)["Labels"].dump(), R"({"a":"","z":"1"})");
  EXPECT_EQ((*b)["Volumes"].dump(), R"({"/data":{}})");
  EXPECT_EQ((*b)["HostConfig"]["Binds"].dump(), R"(["/tmp/h:/x:ro"])");
  EXPECT_EQ((*b)["Entrypoint"].dump(), R"([""])");
  EXPECT_EQ((*b)["HostConfig"]["RestartPolicy"].dump(), R"({"Name":"on-failure","MaximumRetryCount":3})");
  EXPECT_EQ((*b)["NetworkingConfig"].dump(), R"({"EndpointsConfig":{}})");
  EXPECT_TRUE((*b)["AttachStdin"].get<bool>() && (*b)["StdinOnce"].get<bool>() && (*b)["OpenStdin"].get<bool>());
  EXPECT_TRUE((*b)["HostConfig"]["Privileged"].get<bool>());
}

TEST(CreateBody, BadValuesAreRejected) {
  RunOptions o;
  o.cpus = "abc";
  EXPECT_FALSE(container_create_body(o, "busybox", {}));
  o = {};
  o.memory = "12q";
  EXPECT_FALSE(container_create_body(o, "busybox", {}));
  o = {};
  o.rm = true;
  o.restart = "always";
  EXPECT_FALSE(container_create_body(o, "busybox", {}));
  EXPECT_EQ(*ram_in_bytes("64m"), 67108864);
  EXPECT_EQ(*ram_in_bytes("1g"), 1073741824);
  EXPECT_EQ(*ram_in_bytes("512KiB"), 524288);
}

TEST(CreateBody, PublishSpecs) {
  nlohmann::json exposed = nlohmann::json::object(), bindings = nlohmann::json::object();
  ASSERT_TRUE(parse_publish("127.0.0.1:8080:80/udp", exposed, bindings));
  ASSERT_TRUE(parse_publish("8000-8001:90-91", exposed, bindings));
  ASSERT_TRUE(parse_publish("443", exposed, bindings));
  EXPECT_EQ(bindings["80/udp"].dump(), R"([{"HostIp":"127.0.0.1","HostPort":"8080"}])");
  EXPECT_EQ(bindings["91/tcp"].dump(), R"([{"HostIp":"","HostPort":"8001"}])");
  EXPECT_EQ(bindings["443/tcp"].dump(), R"([{"HostIp":"","HostPort":""}])");
  EXPECT_FALSE(parse_publish("80:abc", exposed, bindings));
}

TEST(CreateBody, ExposeRangesAreExpanded) {
  RunOptions o;
  o.expose = {"7000-7002", "53/udp"};
  auto body = container_create_body(o, "busybox", {"true"});
  ASSERT_TRUE(body);
  EXPECT_EQ((*body)["ExposedPorts"].dump(), R"({"53/udp":{},"7000/tcp":{},"7001/tcp":{},"7002/tcp":{}})");
  o.expose = {"70a"};
  EXPECT_FALSE(container_create_body(o, "busybox", {"true"}));
}

TEST(CreateBody, EnvFromClientAndFile) {
  RunOptions o;
  o.env = {"HOME_SET", "UNSET_VAR", "X=1"};
  auto env = build_env(o, [](const char* k) -> const char* { return std::string(k) == "HOME_SET" ? "/root" : nullptr; });
  ASSERT_TRUE(env);
  EXPECT_EQ(*env, (std::vector<std::string>{"HOME_SET=/root", "UNSET_VAR", "X=1"}));
}

TEST(Client, QueryIsSortedAndEscapedAsGo) {
  // The traces: attach?stderr=1&stdin=1&stdout=1&stream=1
  EXPECT_EQ(Query().add("stream", "1").add("stdout", "1").add("stderr", "1").add("stdin", "1").str(),
            "?stderr=1&stdin=1&stdout=1&stream=1");
  EXPECT_EQ(Query().add("fromImage", "127.0.0.1:5000/busybox").add("tag", "latest").str(),
            "?fromImage=127.0.0.1%3A5000%2Fbusybox&tag=latest");
  EXPECT_EQ(Query().add("changes", "CMD [\"sh\"]").add("changes", "ENV A=b c").str(),
            "?changes=CMD+%5B%22sh%22%5D&changes=ENV+A%3Db+c");
  EXPECT_EQ(Query().add_if(false, "all", "1").str(), "");
}

TEST(Client, CannotConnectUsesDockerWording) {
  mydocker::api::client::Client c("unix:///tmp/definitely-not-here.sock");
  auto r = c.request("GET", "/containers/json");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "Cannot connect to the Docker daemon at unix:///tmp/definitely-not-here.sock. Is the docker daemon running?");
  mydocker::api::client::Response resp{404, {}, "{\"message\":\"No such container: x\"}\n"};
  EXPECT_EQ(mydocker::api::client::error_from(resp).message, "No such container: x");
}

TEST(Filters, FlagsBecomeDockerFiltersJson) {
  auto f = filters_json({"status=exited", "label=a=b", "status=created", "status=exited"});
  ASSERT_TRUE(f);
  EXPECT_EQ(f->dump(), R"({"label":["a=b"],"status":["created","exited"]})");
  EXPECT_FALSE(filters_json({"oops"}));
  EXPECT_TRUE(format_uses_size("{{json .}}"));
  EXPECT_TRUE(format_uses_size("table {{.Size}}"));
  EXPECT_FALSE(format_uses_size("{{json .Labels}}"));
}

TEST(JsonIndent, AsGoJsonIndent) {
  EXPECT_EQ(json_indent(R"([{"Id":"x","A":[],"B":{},"C":[1,2],"D":{"k":"v \" ,:{"}}])"),
            "[\n    {\n        \"Id\": \"x\",\n        \"A\": [],\n        \"B\": {},\n        \"C\": [\n            1,\n"
            "            2\n        ],\n        \"D\": {\n            \"k\": \"v \\\" ,:{\"\n        }\n    }\n]");
  EXPECT_EQ(json_indent("[]"), "[]");
}

TEST(JsonMessages, PullAndImportStreams) {
  JsonMessageStream s;
  std::string out = s.feed("{\"status\":\"Pulling fs layer\",\"progressDetail\":{},\"id\":\"f09\"}\r\n{\"status\":\"Downl");
  out += s.feed("oading\",\"progressDetail\":{\"current\":1,\"total\":2},\"id\":\"f09\"}\r\n");
  out += s.feed("{\"status\":\"Digest: sha256:ab\"}\r\n{\"status\":\"sha256:d17e\"}");
  out += s.finish();
  EXPECT_EQ(out, "f09: Pulling fs layer\nDigest: sha256:ab\nsha256:d17e\n");
  EXPECT_FALSE(s.error());
  JsonMessageStream e;
  e.feed("{\"errorDetail\":{\"message\":\"boom\"},\"error\":\"boom\"}\n");
  ASSERT_TRUE(e.error());
  EXPECT_EQ(*e.error(), "boom");
}
