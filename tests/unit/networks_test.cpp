// Pure parts of networking: addresses, port requests, the nft script.
#include <gtest/gtest.h>

#include "daemon/networks/endpoint.hpp"
#include "daemon/networks/ipv4.hpp"
#include "daemon/networks/nat_rules.hpp"
#include "daemon/networks/network_filters.hpp"
#include "daemon/networks/pools.hpp"

using namespace mydocker::daemon::networks;
using nlohmann::json;

TEST(Ipv4, SubnetsAndMacs) {
  auto s = parse_subnet("172.17.0.0/16");
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->contains(*parse_ipv4("172.17.255.1")));
  EXPECT_FALSE(s->contains(*parse_ipv4("172.18.0.1")));
  EXPECT_TRUE(s->overlaps(*parse_subnet("172.16.0.0/12")));
  EXPECT_FALSE(s->overlaps(*parse_subnet("172.18.0.0/16")));
  EXPECT_FALSE(parse_subnet("172.17.0.1/16"));  // host bits set
  EXPECT_EQ(parse_subnet("172.17.0.1/16", true)->str(), "172.17.0.0/16");
  EXPECT_FALSE(parse_subnet("172.17.0.0/33"));
  EXPECT_EQ(mac_for(*parse_ipv4("172.17.0.2")), "02:42:ac:11:00:02");
}

TEST(Ports, RequestsFromHostConfig) {
  json hc = json::parse(R"({"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8080"}],
                                            "53/udp":[{"HostIp":"127.0.0.1","HostPort":""}],
                                            "7000-7001/tcp":[{"HostIp":"","HostPort":"9000-9001"}]},
                            "PublishAllPorts":true})");
  json cfg = json::parse(R"({"ExposedPorts":{"80/tcp":{},"443/tcp":{}}})");
  auto r = port_requests(hc, cfg);
  ASSERT_TRUE(r) << r.error().message;
  std::vector<std::string> got;
  for (const auto& p : *r)
    got.push_back(p.proto + ":" + std::to_string(p.container_port) + "<-" + p.host_ip + ":" + std::to_string(p.host_port));
  EXPECT_EQ(got, (std::vector<std::string>{"udp:53<-127.0.0.1:0", "tcp:7000<-:9000", "tcp:7001<-:9001", "tcp:80<-:8080",
                                           "tcp:443<-:0"}));
  EXPECT_FALSE(port_requests(json::parse(R"({"PortBindings":{"x/tcp":[]}})"), json::object()));
  EXPECT_FALSE(port_requests(json::parse(R"({"PortBindings":{"80/tcp":[{"HostIp":"nope","HostPort":"1"}]}})"), json::object()));
  EXPECT_FALSE(port_requests(json::parse(R"({"PortBindings":{"80/tcp":[{"HostPort":"99999"}]}})"), json::object()));
}

TEST(NatRules, ScriptIsOneTransactionOfOurTable) {
  NatState st{"mydocker",
              {{"mydocker0", *parse_subnet("172.17.0.0/16"), false}, {"br-internal", *parse_subnet("172.30.0.0/16"), true}},
              {{"tcp", 0, 8080, *parse_ipv4("172.17.0.2"), 80}, {"udp", *parse_ipv4("127.0.0.1"), 5353, *parse_ipv4("172.17.0.3"), 53}}};
  const std::string s = nat_script(st);
  EXPECT_EQ(s.rfind("table ip mydocker\ndelete table ip mydocker\ntable ip mydocker {\n", 0), 0u);
  EXPECT_NE(s.find("    tcp dport 8080 dnat to 172.17.0.2:80\n"), std::string::npos);
  EXPECT_NE(s.find("    ip daddr 127.0.0.1 udp dport 5353 dnat to 172.17.0.3:53\n"), std::string::npos);
  EXPECT_NE(s.find("ip saddr 172.17.0.0/16 oifname != \"mydocker0\" masquerade"), std::string::npos);
  EXPECT_NE(s.find("ip saddr 127.0.0.0/8 oifname \"mydocker0\" masquerade"), std::string::npos);
  // Networks isolated from each other; the internal one has no way out and no masquerade.
  EXPECT_NE(s.find("iifname \"mydocker0\" oifname \"br-internal\" drop"), std::string::npos);
  EXPECT_NE(s.find("iifname \"br-internal\" oifname != \"br-internal\" drop"), std::string::npos);
  EXPECT_EQ(s.find("172.30.0.0/16 oifname"), std::string::npos);
}

#include "daemon/containers/container_files.hpp"

TEST(ResolvConf, GivenListsReplaceTheirLines) {
  using mydocker::daemon::containers::apply_dns_options;
  const std::string host = "# generated\nnameserver 192.0.2.53\nsearch example.org\noptions rotate\n";
  EXPECT_EQ(apply_dns_options(host, {}, {}, {}), host);
  EXPECT_EQ(apply_dns_options(host, {"10.0.0.1", "10.0.0.2"}, {}, {}),
            "# generated\nsearch example.org\noptions rotate\nnameserver 10.0.0.1\nnameserver 10.0.0.2\n");
  EXPECT_EQ(apply_dns_options(host, {}, {"a.b", "c.d"}, {"ndots:2"}),
            "# generated\nnameserver 192.0.2.53\nsearch a.b c.d\noptions ndots:2\n");
}

#include "daemon/networks/dns_server.hpp"

TEST(Dns, AnswersARecordsRoundRobin) {
  // A query for "db" type A (id 0x1234, recursion desired).
  const std::string q("\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00\x02" "db\x00\x00\x01\x00\x01", 20);
  std::string name;
  int type = 0;
  ASSERT_TRUE(dns_question(q, name, type));
  EXPECT_EQ(name, "db");
  EXPECT_EQ(type, 1);
  const std::vector<uint32_t> ips = {*parse_ipv4("10.0.0.2"), *parse_ipv4("10.0.0.3")};
  const std::string a = dns_answer(q, ips, 0), b = dns_answer(q, ips, 1);
  ASSERT_EQ(a.size(), 20u + 2 * 16);  // the question, then two 16-byte records
  EXPECT_EQ(a.substr(0, 2), "\x12\x34");
  EXPECT_EQ(uint8_t(a[7]), 2);  // two answers
  EXPECT_EQ(a.substr(20 + 12, 4), std::string("\x0a\x00\x00\x02", 4));  // first record: .2
  EXPECT_EQ(b.substr(20 + 12, 4), std::string("\x0a\x00\x00\x03", 4));  // rotated: .3 first
  // AAAA for a known name: no error, no answers.
  std::string q6 = q;
  q6[q6.size() - 3] = 28;
  EXPECT_EQ(uint8_t(dns_answer(q6, ips, 0)[7]), 0);
  EXPECT_FALSE(dns_question("short", name, type));
}

// The pool choice Docker makes: 172.17/16 first, then the next /16 nobody
// uses, then the 192.168 /20s; the host's routes and our own networks both
// count as taken.
TEST(NetPools, NextFreePoolAfterTheHostsAndOurs) {
  auto s = [](const char* text) { return *parse_subnet(text); };
  EXPECT_EQ(pick_pool({}, {})->str(), "172.17.0.0/16");
  EXPECT_EQ(pick_pool({s("172.17.0.0/16")}, {})->str(), "172.18.0.0/16");
  // A smaller route inside a pool takes the whole pool; ours count too.
  EXPECT_EQ(pick_pool({s("172.17.5.0/24"), s("10.0.0.0/8")}, {s("172.18.0.0/16")})->str(), "172.19.0.0/16");
  // A host route covering all of 172.16/12 skips to 192.168.
  EXPECT_EQ(pick_pool({s("172.16.0.0/12")}, {})->str(), "192.168.0.0/20");
  EXPECT_EQ(pick_pool({s("172.16.0.0/12"), s("192.168.0.0/24")}, {})->str(), "192.168.16.0/20");
  // Nothing left.
  EXPECT_FALSE(pick_pool({s("172.16.0.0/12"), s("192.168.0.0/16")}, {}));
  EXPECT_EQ(default_pools().size(), 15u + 16u);
}

TEST(NetFilters, AsDockerReadsThem) {
  const json a = json::parse(R"({"Name":"web-a","Id":"abc123","Driver":"bridge","Scope":"local",
                                  "Labels":{"team":"blue","tier":"web"},"Containers":{}})");
  const json bridge = json::parse(R"({"Name":"bridge","Id":"fff000","Driver":"bridge","Scope":"local",
                                       "Labels":{},"Containers":{}})");
  using F = NetworkFilters;
  EXPECT_TRUE(network_matches(a, F{{"label", {"team", "tier=web"}}}));
  EXPECT_FALSE(network_matches(a, F{{"label", {"team", "tier=db"}}}));  // labels: all
  EXPECT_TRUE(network_matches(a, F{{"name", {"nope", "^web"}}}));       // one key: any
  EXPECT_FALSE(network_matches(a, F{{"name", {"web"}}, {"driver", {"null"}}}));  // keys: all
  EXPECT_TRUE(network_matches(a, F{{"id", {"c12"}}}));  // a regular expression, not a prefix
  EXPECT_TRUE(network_matches(a, F{{"type", {"custom"}}}));
  EXPECT_TRUE(network_matches(bridge, F{{"type", {"builtin"}}}));
  EXPECT_TRUE(network_matches(a, F{{"dangling", {"true"}}}));
  EXPECT_FALSE(network_matches(bridge, F{{"dangling", {"true"}}}));
  EXPECT_TRUE(network_matches(a, F{{"name", {"web-a"}}, {"scope", {"local"}}}));
  EXPECT_EQ(check_network_filters(F{{"color", {"x"}}}).error().message, "invalid filter 'color'");
  EXPECT_EQ(check_network_filters(F{{"type", {"odd"}}}).error().message, "invalid filter: 'type'='odd'");
  EXPECT_TRUE(check_network_filters(F{{"label", {"a=b"}}, {"dangling", {"false"}}}));
}

TEST(Ports, HostRangeForOneContainerPortIsKeptForTheReservation) {
  auto r = port_requests(json::parse(R"({"PortBindings":{"80/tcp":[{"HostIp":"","HostPort":"8000-8010"}]}})"),
                         json::object());
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].host_port, 8000);
  EXPECT_EQ((*r)[0].host_port_end, 8010);
  auto pair = port_requests(json::parse(R"({"PortBindings":{"90-91/tcp":[{"HostPort":"8000-8001"}]}})"), json::object());
  ASSERT_TRUE(pair);
  EXPECT_EQ((*pair)[1].host_port, 8001);
  EXPECT_EQ((*pair)[1].host_port_end, 0);
}
