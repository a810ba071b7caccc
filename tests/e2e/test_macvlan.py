"""macvlan networks: containers on the LAN of a parent interface. The LAN
is made by the test: a veth pair whose far end lives in a network namespace
of the test's own that plays another host; nothing touches the machine's
own interfaces."""
import json
import os
import subprocess
import urllib.request

import pytest


def sh(*argv, check=True):
    return subprocess.run(list(argv), capture_output=True, text=True, check=check)


@pytest.fixture
def lan():
    """(parent interface, namespace of the other host at 10.243.0.1/24)."""
    tag = os.urandom(3).hex()
    ns, parent, peer = "mdk-lan-" + tag, "mdkp" + tag, "mdkq" + tag
    sh("ip", "netns", "add", ns)
    try:
        sh("ip", "link", "add", parent, "type", "veth", "peer", "name", peer)
        sh("ip", "link", "set", peer, "netns", ns)
        sh("ip", "-n", ns, "addr", "add", "10.243.0.1/24", "dev", peer)
        sh("ip", "-n", ns, "link", "set", peer, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "set", parent, "up")
        yield parent, ns
    finally:
        sh("ip", "link", "del", parent, check=False)
        sh("ip", "netns", "del", ns, check=False)


def in_ns(ns, *argv):
    return subprocess.run(["ip", "netns", "exec", ns] + list(argv), capture_output=True, text=True, timeout=30)


def test_macvlan_puts_containers_on_the_parents_lan(daemon, lan):
    parent, ns = lan
    p = daemon.docker("network", "create", "-d", "macvlan", "--subnet", "10.243.0.0/24", "--ip-range", "10.243.0.64/26",
                      "--gateway", "10.243.0.1", "-o", "parent=" + parent, "-o", "macvlan_mode=bridge", "mdk-mv")
    assert p.returncode == 0, p.stderr
    info = json.loads(daemon.cli("network", "inspect", "mdk-mv").stdout)[0]
    assert info["Driver"] == "macvlan" and info["Options"] == {"parent": parent, "macvlan_mode": "bridge"}
    assert "mdk-mv" in daemon.cli("network", "ls", "--filter", "driver=macvlan", "--format", "{{.Name}}").stdout
    # The container has an address from the range, routed via the LAN's gateway, and reaches the other host.
    p = daemon.cli("run", "--rm", "--net", "mdk-mv", "busybox", "sh", "-c",
                   "ip -4 -o addr show eth0; ip route; ping -c 1 -W 3 10.243.0.1")
    assert "10.243.0.64/24" in p.stdout and "default via 10.243.0.1 dev eth0" in p.stdout, p.stdout + p.stderr
    assert "1 packets received" in p.stdout
    # The other host reaches a server in a container; containers find each other by name.
    web = daemon.docker("run", "-d", "--name", "mdk-mvweb", "--net", "mdk-mv", "--ip", "10.243.0.100",
                        "busybox", "httpd", "-f", "-p", "8080", "-h", "/etc").stdout.strip()
    script = ("import urllib.request,time\n"
              "for i in range(100):\n"
              "  try:\n"
              "    print(urllib.request.urlopen('http://10.243.0.100:8080/hostname', timeout=2).read().decode()); break\n"
              "  except OSError: time.sleep(0.05)\n")
    assert in_ns(ns, "python3", "-c", script).stdout.strip() == web[:12]
    p = daemon.cli("run", "--rm", "--net", "mdk-mv", "busybox", "ping", "-c", "1", "-W", "3", "mdk-mvweb")
    assert "1 packets received" in p.stdout, p.stdout + p.stderr
    # The MAC of a removed container is free again at once for the next one at its address.
    for _ in range(3):
        p = daemon.cli("run", "--rm", "--net", "mdk-mv", "--ip", "10.243.0.70", "busybox", "true")
        assert p.returncode == 0, p.stderr
    # Live connect and disconnect of a macvlan interface.
    other = daemon.cli("run", "-d", "busybox", "sleep", "300").stdout.strip()
    daemon.cli("network", "connect", "mdk-mv", other, check=True)
    assert "10.243.0." in daemon.cli("exec", other, "ip", "-4", "-o", "addr", "show", "eth1").stdout
    daemon.cli("network", "disconnect", "mdk-mv", other, check=True)
    assert "eth1" not in daemon.cli("exec", other, "ip", "-o", "link").stdout
    daemon.cli("rm", "-f", web, other, check=True)
    daemon.cli("network", "rm", "mdk-mv", check=True)


def test_macvlan_errors_and_a_parent_of_its_own(daemon, lan):
    parent, _ = lan
    daemon.cli("network", "create", "-d", "macvlan", "--subnet", "10.243.0.0/24", "-o", "parent=" + parent, "mdk-mv1",
               check=True)
    for client in (daemon.cli, daemon.docker):
        p = client("network", "create", "-d", "macvlan", "--subnet", "10.243.5.0/24", "-o", "parent=" + parent, "mdk-mv2")
        assert p.returncode == 1 and "network mdk-mv1 is already using parent interface " + parent in p.stderr, p.stderr
        p = client("network", "create", "-d", "macvlan", "-o", "parent=mdknosuch0", "mdk-mv3")
        assert p.returncode == 1 and "-o parent interface was not found on the host: mdknosuch0" in p.stderr
        p = client("network", "create", "-d", "macvlan", "-o", "parent=" + parent, "-o", "macvlan_mode=sideways", "mdk-mv4")
        assert p.returncode == 1 and "requested macvlan mode 'sideways' is not valid" in p.stderr
    status, _ = daemon.api("POST", "/networks/create", {"Name": "mdk-mv5", "Driver": "macvlan",
                                                       "Options": {"parent": "mdknosuch0"}})
    assert status == 400
    daemon.cli("network", "rm", "mdk-mv1", check=True)
    # No parent: the network gets a dummy link of its own, removed with it.
    nid = daemon.cli("network", "create", "-d", "macvlan", "--subnet", "10.243.9.0/24", "mdk-mvd").stdout.strip()
    p = daemon.cli("run", "--rm", "--net", "mdk-mvd", "busybox", "ip", "-4", "-o", "addr", "show", "eth0")
    assert "10.243.9.2/24" in p.stdout, p.stderr
    dummy = "dm-" + nid[:12]
    assert sh("ip", "link", "show", dummy, check=False).returncode == 0
    daemon.cli("network", "rm", "mdk-mvd", check=True)
    assert sh("ip", "link", "show", dummy, check=False).returncode != 0
