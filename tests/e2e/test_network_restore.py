"""Networking after a daemon restart when the host lost what we made while
the daemon was away: the bridge (`ip link del`), its veths, our nftables
table (`nft delete table`). The daemon makes them again at start, not at
the next container, and published ports answer again. Each test has a
daemon of its own: they delete its bridge and table."""
import json
import os
import shutil
import subprocess
import tempfile

import pytest
from conftest import start_daemon_with_busybox, teardown_daemon
from test_networking import free_port, get


@pytest.fixture
def own_daemon(request):
    d = start_daemon_with_busybox(request)
    yield d
    teardown_daemon(d)


@pytest.fixture
def www():
    d = tempfile.mkdtemp(prefix="mdk-www-")
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("hello from the container\n")
    yield d
    shutil.rmtree(d)


def sh(*argv):
    return subprocess.run(argv, capture_output=True, text=True)


def is_up(link):
    """The link exists and is administratively up (a bridge without ports has no carrier)."""
    out = sh("ip", "-o", "link", "show", link).stdout
    return "<" in out and "UP" in out.split("<")[1].split(">")[0].split(",")


def ports_on(bridge):
    """Names of the links on the bridge ("" if none, or no such bridge)."""
    out = sh("ip", "-o", "link", "show", "master", bridge).stdout
    return sorted(l.split(":")[1].strip().split("@")[0] for l in out.splitlines())


def user_bridge(d, network):
    nid = json.loads(d.cli("network", "inspect", network).stdout)[0]["Id"]
    return "br-" + nid[:12]


def test_bridge_veths_and_table_come_back_after_a_restart(own_daemon, www):
    d = own_daemon
    port = free_port()
    web = d.cli("run", "-d", "-p", "127.0.0.1:%d:80" % port, "-v", www + ":/www", "busybox", "httpd", "-f", "-p", "80",
                "-h", "/www", check=True).stdout.strip()
    assert get("http://127.0.0.1:%d/" % port) == "hello from the container\n"
    web_ip = d.cli("inspect", "-f", "{{.NetworkSettings.IPAddress}}", web).stdout.strip()
    veths = ports_on(d.bridge)
    assert len(veths) == 1, veths
    # A user network whose bridge goes with its container's veth: that pair
    # has to be made again into the running container.
    d.cli("network", "create", "mdk-rst", check=True)
    other = d.cli("run", "-d", "--net", "mdk-rst", "busybox", "sleep", "300", check=True).stdout.strip()
    ep = json.loads(d.cli("inspect", other).stdout)[0]["NetworkSettings"]["Networks"]["mdk-rst"]
    other_ip, other_mac, gw = ep["IPAddress"], ep["MacAddress"], ep["Gateway"]
    assert other_ip and other_mac and gw, ep
    br = user_bridge(d, "mdk-rst")
    [other_veth] = ports_on(br)

    d.stop()  # SIGTERM: the containers keep running
    assert sh("ip", "link", "del", d.bridge).returncode == 0
    assert sh("ip", "link", "del", other_veth).returncode == 0
    assert sh("ip", "link", "del", br).returncode == 0
    assert sh("nft", "delete", "table", "ip", d.nft_table).returncode == 0
    d.start()

    # At start, before any new container: bridges, their ports, the table.
    assert is_up(d.bridge)
    assert ports_on(d.bridge) == veths
    assert is_up(br)
    assert ports_on(br) == [other_veth]
    table = sh("nft", "list", "table", "ip", d.nft_table).stdout
    assert "dport %d dnat to %s:80" % (port, web_ip) in table, table
    assert get("http://127.0.0.1:%d/" % port) == "hello from the container\n"
    # The re-made pair has the container's address, MAC and route.
    p = d.cli("exec", other, "sh", "-c", "ip -o -4 addr show eth0; cat /sys/class/net/eth0/address; ip route")
    assert other_ip + "/" in p.stdout and other_mac in p.stdout and "default via" in p.stdout, p.stdout
    assert "1 packets received" in d.cli("exec", other, "ping", "-c", "1", "-W", "5", gw).stdout
    # New containers work: they reach the old one, and publish ports.
    p = d.cli("run", "--rm", "busybox", "wget", "-q", "-O", "-", "http://%s/" % web_ip)
    assert p.stdout == "hello from the container\n", p.stderr
    port2 = free_port()
    d.cli("run", "-d", "--name", "mdk-rst-new", "-p", "127.0.0.1:%d:80" % port2, "-v", www + ":/www", "busybox",
          "httpd", "-f", "-p", "80", "-h", "/www", check=True)
    assert get("http://127.0.0.1:%d/" % port2) == "hello from the container\n"
    assert get("http://127.0.0.1:%d/" % port) == "hello from the container\n"
    d.cli("rm", "-f", web, other, "mdk-rst-new", check=True)
    d.cli("network", "rm", "mdk-rst", check=True)
    assert sh("ip", "link", "show", br).returncode != 0


def test_a_bridge_without_containers_comes_back_at_start(own_daemon):
    d = own_daemon
    d.cli("run", "--rm", "busybox", "true", check=True)  # the bridge is made for it
    d.stop()
    assert sh("ip", "link", "del", d.bridge).returncode == 0
    assert sh("nft", "delete", "table", "ip", d.nft_table).returncode == 0
    d.start()
    assert is_up(d.bridge)
    assert sh("nft", "list", "table", "ip", d.nft_table).returncode == 0
    gw = json.loads(d.cli("network", "inspect", "bridge").stdout)[0]["IPAM"]["Config"][0]["Gateway"]
    assert gw + "/" in sh("ip", "-o", "-4", "addr", "show", d.bridge).stdout


def test_a_container_whose_namespace_cannot_be_rewired_is_dropped_honestly(own_daemon):
    d = own_daemon
    port = free_port()
    cid = d.cli("run", "-d", "-p", "127.0.0.1:%d:80" % port, "busybox", "sleep", "300", check=True).stdout.strip()
    [veth] = ports_on(d.bridge)
    pid = int(d.cli("inspect", "-f", "{{.State.Pid}}", cid).stdout.strip())
    d.stop()
    # Its eth0 renamed inside: the pair can be made again only under a new
    # name, which would not be the container's; the daemon must say so.
    sh("ip", "link", "del", veth)
    sh("nsenter", "-t", str(pid), "-n", "ip", "link", "add", "eth0", "type", "veth", "peer", "name", "eth9")
    sh("ip", "link", "del", d.bridge)
    d.start()
    assert is_up(d.bridge)
    table = sh("nft", "list", "table", "ip", d.nft_table).stdout
    assert "postrouting" in table and "dport %d" % port not in table, table
    info = json.loads(d.cli("network", "inspect", "bridge").stdout)[0]
    assert cid not in info["Containers"], info["Containers"]
    with open(os.path.join(d.root, "daemon.log")) as f:
        assert "could not be restored" in f.read()
    # Its own inspect no longer claims the address and the ports it lost.
    own = json.loads(d.cli("inspect", cid).stdout)[0]["NetworkSettings"]
    assert own["Networks"] == {} and own["IPAddress"] == "", own
    assert all(v is None for v in (own["Ports"] or {}).values()), own["Ports"]
    # Its address and port are free for the next one.
    cid2 = d.cli("run", "-d", "-p", "127.0.0.1:%d:80" % port, "busybox", "sleep", "300", check=True).stdout.strip()
    d.cli("rm", "-f", cid, cid2, check=True)
