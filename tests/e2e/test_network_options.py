"""Smaller parts of networking: the daemon's --bip, a user bridge named by
-o com.docker.network.bridge.name, a live connect with --ip, --net
container:NAME, the MAC in network inspect, and the HTTP statuses of bad
network creates. Traffic only to containers these tests start."""
import json
import os
import subprocess

import pytest
from conftest import start_daemon_with_busybox, teardown_daemon


def sh(*argv):
    return subprocess.run(argv, capture_output=True, text=True)


@pytest.fixture
def bip_daemon(request):
    d = start_daemon_with_busybox(request, ["--bip", "10.213.0.1/24"])
    yield d
    teardown_daemon(d)


def test_bip_sets_the_default_bridge_subnet(bip_daemon):
    d = bip_daemon
    cid = d.cli("run", "-d", "busybox", "sleep", "300", check=True).stdout.strip()
    try:
        assert d.cli("inspect", "-f", "{{.NetworkSettings.IPAddress}} {{.NetworkSettings.Gateway}}", cid).stdout.split() \
            == ["10.213.0.2", "10.213.0.1"]
        assert "inet 10.213.0.1/24" in sh("ip", "-4", "addr", "show", d.bridge).stdout
        config = json.loads(d.docker("network", "inspect", "bridge").stdout)[0]["IPAM"]["Config"]
        assert config == [{"Subnet": "10.213.0.0/24", "Gateway": "10.213.0.1"}], config
        assert "10.213.0.2/24" in d.cli("exec", cid, "ip", "-4", "-o", "addr", "show", "eth0").stdout
        assert "1 packets received" in d.cli("exec", cid, "ping", "-c", "1", "-W", "3", "10.213.0.1").stdout
    finally:
        d.cli("rm", "-f", cid)


def test_bridge_name_option_names_the_bridge(daemon):
    name = "mdkn" + os.urandom(3).hex()
    daemon.docker("network", "create", "-o", "com.docker.network.bridge.name=" + name, "--subnet", "10.243.7.0/24",
                  "mdk-named", check=True)
    try:
        cid = daemon.cli("run", "-d", "--net", "mdk-named", "busybox", "sleep", "300", check=True).stdout.strip()
        assert sh("ip", "link", "show", name).returncode == 0
        assert sh("ip", "-o", "link", "show", "master", name).stdout.count("veth") == 1
        assert "inet 10.243.7.1/24" in sh("ip", "-4", "addr", "show", name).stdout
        opts = json.loads(daemon.cli("network", "inspect", "mdk-named").stdout)[0]["Options"]
        assert opts["com.docker.network.bridge.name"] == name
        daemon.cli("rm", "-f", cid, check=True)
    finally:
        daemon.cli("network", "rm", "mdk-named")
    assert sh("ip", "link", "show", name).returncode != 0


def test_live_connect_with_a_fixed_ip_and_the_mac_in_inspect(daemon):
    daemon.cli("network", "create", "--subnet", "10.243.8.0/24", "mdk-fixed", check=True)
    cid = daemon.cli("run", "-d", "--name", "mdk-live", "busybox", "sleep", "300", check=True).stdout.strip()
    try:
        p = daemon.docker("network", "connect", "--ip", "10.243.8.77", "mdk-fixed", "mdk-live")
        assert p.returncode == 0, p.stderr
        out = daemon.cli("exec", cid, "ip", "-4", "-o", "addr", "show", "eth1").stdout
        assert "10.243.8.77/24" in out, out
        ep = json.loads(daemon.cli("inspect", cid).stdout)[0]["NetworkSettings"]["Networks"]["mdk-fixed"]
        assert ep["IPAddress"] == "10.243.8.77" and ep["IPAMConfig"]["IPv4Address"] == "10.243.8.77", ep
        mac = daemon.cli("exec", cid, "cat", "/sys/class/net/eth1/address").stdout.strip()
        assert mac == ep["MacAddress"] == "02:42:0a:f3:08:4d", (mac, ep)
        for client in (daemon.cli, daemon.docker):
            entry = json.loads(client("network", "inspect", "mdk-fixed").stdout)[0]["Containers"][cid]
            assert entry["MacAddress"] == mac and entry["IPv4Address"] == "10.243.8.77/24", entry
            assert entry["Name"] == "mdk-live" and len(entry["EndpointID"]) == 64, entry
        default = json.loads(daemon.cli("network", "inspect", "bridge").stdout)[0]["Containers"][cid]
        assert default["MacAddress"] == daemon.cli("exec", cid, "cat", "/sys/class/net/eth0/address").stdout.strip()
        # The same address again: taken.
        other = daemon.cli("run", "-d", "busybox", "sleep", "300", check=True).stdout.strip()
        p = daemon.docker("network", "connect", "--ip", "10.243.8.77", "mdk-fixed", other)
        assert p.returncode != 0 and "Address already in use" in p.stderr, p.stderr
        daemon.cli("rm", "-f", other, check=True)
    finally:
        daemon.cli("rm", "-f", cid)
        daemon.cli("network", "rm", "mdk-fixed")


def test_net_container_by_name_shares_the_interface(daemon):
    cid = daemon.cli("run", "-d", "--name", "mdk-owner", "busybox", "sleep", "300", check=True).stdout.strip()
    try:
        want = daemon.cli("exec", cid, "sh", "-c", "cat /sys/class/net/eth0/address; ip -4 -o addr show eth0").stdout
        for client in (daemon.cli, daemon.docker):
            p = client("run", "--rm", "--net", "container:mdk-owner", "busybox", "sh", "-c",
                       "cat /sys/class/net/eth0/address; ip -4 -o addr show eth0")
            assert p.returncode == 0 and p.stdout == want, (p.stdout, want, p.stderr)
        joiner = daemon.docker("create", "--net", "container:mdk-owner", "busybox", "true").stdout.strip()
        mode = daemon.cli("inspect", "-f", "{{.HostConfig.NetworkMode}}", joiner).stdout.strip()
        assert mode == "container:mdk-owner", mode
        daemon.cli("rm", joiner, check=True)
    finally:
        daemon.cli("rm", "-f", cid)


def test_bad_creates_get_dockers_statuses(daemon):
    s, body = daemon.api("POST", "/networks/create", {
        "Name": "mdk-badgw", "IPAM": {"Config": [{"Subnet": "10.243.9.0/24", "Gateway": "10.243.10.1"}]}})
    assert s == 400, (s, body)
    assert "no matching subnet for gateway 10.243.10.1" in json.loads(body)["message"]
    s, body = daemon.api("POST", "/networks/create", {"Name": "mdk-dup"})
    assert s == 201, body
    try:
        s, body = daemon.api("POST", "/networks/create", {"Name": "mdk-dup"})
        assert s == 409 and json.loads(body)["message"] == "network with name mdk-dup already exists", (s, body)
        p = daemon.docker("network", "create", "mdk-dup")
        assert p.returncode == 1 and "network with name mdk-dup already exists" in p.stderr, p.stderr
        s, body = daemon.api("POST", "/networks/create", {"Name": "bridge"})
        assert s == 409, (s, body)
    finally:
        daemon.cli("network", "rm", "mdk-dup")
