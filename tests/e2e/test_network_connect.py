"""network connect / disconnect on running and stopped containers, a
container on several networks across a daemon restart, the embedded DNS over
TCP and --link aliases on user networks. Traffic only between containers
these tests start (and their namespaces)."""
import json
import socket
import struct
import subprocess

import pytest
from conftest import eventually


def networks_of(daemon, c):
    return json.loads(daemon.cli("inspect", "-f", "{{json .NetworkSettings.Networks}}", c).stdout)


def addresses(daemon, c):
    """ifname -> address inside the container."""
    out = daemon.cli("exec", c, "ip", "-4", "-o", "addr", "show").stdout
    return {line.split()[1]: line.split()[3].split("/")[0] for line in out.splitlines() if " lo " not in line}


def veths_on(bridge):
    out = subprocess.run(["ip", "-o", "link", "show", "master", bridge], capture_output=True, text=True).stdout
    return [l for l in out.splitlines() if "veth" in l]


def bridge_of(daemon, net):
    return json.loads(daemon.cli("network", "inspect", net).stdout)[0]["Options"].get(
        "com.docker.network.bridge.name", "br-" + json.loads(daemon.cli("network", "inspect", net).stdout)[0]["Id"][:12])


def resolves(daemon, c, name):
    p = daemon.cli("exec", c, "nslookup", "-type=a", name)
    return [l.split()[1] for l in p.stdout.splitlines()[2:] if l.startswith("Address:")]


@pytest.fixture
def two_networks(daemon):
    daemon.cli("network", "create", "--subnet", "10.242.1.0/24", "mdk-c1", check=True)
    daemon.docker("network", "create", "--subnet", "10.242.2.0/24", "mdk-c2", check=True)
    yield "mdk-c1", "mdk-c2"
    daemon.cli("network", "rm", "mdk-c1", "mdk-c2")


def test_connect_and_disconnect_a_running_container(daemon, two_networks):
    a = daemon.cli("run", "-d", "--name", "mdk-a", "--net", "mdk-c1", "busybox", "sleep", "300").stdout.strip()
    b = daemon.docker("run", "-d", "--name", "mdk-b", "--net", "mdk-c2", "busybox", "sleep", "300").stdout.strip()
    assert addresses(daemon, a) == {"eth0": "10.242.1.2"}
    assert resolves(daemon, b, "mdk-a") == []  # not on b's network
    p = daemon.cli("network", "connect", "--alias", "hub", "mdk-c2", "mdk-a")
    assert p.returncode == 0, p.stderr
    # The interface appears live, the default route stays on the first network.
    assert addresses(daemon, a) == {"eth0": "10.242.1.2", "eth1": "10.242.2.3"}
    assert "default via 10.242.1.1 dev eth0" in daemon.cli("exec", a, "ip", "route").stdout
    assert resolves(daemon, b, "mdk-a") == ["10.242.2.3"] and resolves(daemon, b, "hub") == ["10.242.2.3"]
    assert resolves(daemon, a, "mdk-b") == ["10.242.2.2"]
    assert "1 packets received" in daemon.cli("exec", b, "ping", "-c", "1", "-W", "3", "hub").stdout
    nets = networks_of(daemon, a)
    assert nets["mdk-c2"]["IPAddress"] == "10.242.2.3" and nets["mdk-c2"]["Aliases"] == ["hub"]
    assert nets["mdk-c1"]["IPAddress"] == "10.242.1.2"
    members = json.loads(daemon.docker("network", "inspect", "mdk-c2").stdout)[0]["Containers"]
    assert members[a]["Name"] == "mdk-a" and members[a]["IPv4Address"] == "10.242.2.3/24"
    assert daemon.docker("ps", "--filter", "network=mdk-c2", "--format", "{{.Names}}").stdout.split() == ["mdk-b", "mdk-a"]
    assert len(veths_on(bridge_of(daemon, "mdk-c2"))) == 2

    for client in (daemon.cli, daemon.docker):
        p = client("network", "connect", "mdk-c2", "mdk-a")
        assert p.returncode == 1 and "endpoint with name mdk-a already exists in network mdk-c2" in p.stderr, p.stderr
    p = daemon.api("POST", "/networks/mdk-c2/connect", {"Container": "mdk-a"})
    assert p[0] == 403

    p = daemon.docker("network", "disconnect", "mdk-c2", "mdk-a")
    assert p.returncode == 0, p.stderr
    assert addresses(daemon, a) == {"eth0": "10.242.1.2"}
    assert resolves(daemon, b, "mdk-a") == [] and resolves(daemon, b, "hub") == []
    assert len(veths_on(bridge_of(daemon, "mdk-c2"))) == 1
    assert list(networks_of(daemon, a)) == ["mdk-c1"]
    p = daemon.cli("network", "disconnect", "mdk-c2", "mdk-a")
    assert p.returncode == 1 and "container %s is not connected to network mdk-c2" % a in p.stderr, p.stderr
    # Connecting again gives an interface again (and the lowest free name).
    daemon.cli("network", "connect", "mdk-c2", "mdk-a", check=True)
    assert set(addresses(daemon, a)) == {"eth0", "eth1"}
    daemon.cli("rm", "-f", a, b, check=True)
    assert eventually(lambda: veths_on(bridge_of(daemon, "mdk-c1")) + veths_on(bridge_of(daemon, "mdk-c2")), []) == []


def test_connect_errors_follow_docker(daemon, two_networks):
    c = daemon.cli("run", "-d", "--name", "mdk-e", "busybox", "sleep", "300").stdout.strip()
    for client in (daemon.cli, daemon.docker):
        p = client("network", "connect", "host", "mdk-e")
        assert p.returncode == 1 and "container cannot be disconnected from host network or connected to host network" in p.stderr
        p = client("network", "connect", "none", "mdk-e")
        assert p.returncode == 1 and "private (none) mode" in p.stderr
        p = client("network", "connect", "mdk-nope", "mdk-e")
        assert p.returncode == 1 and "network mdk-nope not found" in p.stderr
        p = client("network", "connect", "mdk-c1", "mdk-nobody")
        assert p.returncode == 1 and "No such container: mdk-nobody" in p.stderr
    assert daemon.api("POST", "/networks/host/connect", {"Container": c})[0] == 400
    assert daemon.api("POST", "/networks/mdk-nope/connect", {"Container": c})[0] == 404
    h = daemon.cli("run", "-d", "--net", "host", "busybox", "sleep", "300").stdout.strip()
    n = daemon.cli("run", "-d", "--net", "none", "busybox", "sleep", "300").stdout.strip()
    p = daemon.docker("network", "connect", "mdk-c1", h)
    assert p.returncode == 1 and "container sharing network namespace with another container or host" in p.stderr
    p = daemon.docker("network", "connect", "mdk-c1", n)
    assert p.returncode == 1 and "private (none) mode" in p.stderr
    assert "eth1" not in daemon.cli("exec", n, "ip", "-o", "link").stdout
    daemon.cli("rm", "-f", c, h, n, check=True)


def test_connect_a_stopped_container_applies_at_start(daemon, two_networks):
    s = daemon.cli("create", "--name", "mdk-s", "--net", "mdk-c1", "busybox", "sleep", "300").stdout.strip()
    p = daemon.docker("network", "connect", "--ip", "10.242.2.50", "--alias", "sa", "mdk-c2", "mdk-s")
    assert p.returncode == 0, p.stderr
    nets = networks_of(daemon, s)
    assert set(nets) == {"mdk-c1", "mdk-c2"} and nets["mdk-c2"]["IPAMConfig"] == {"IPv4Address": "10.242.2.50"}
    assert nets["mdk-c2"]["IPAddress"] == ""  # until it runs
    p = daemon.cli("network", "connect", "--ip", "172.17.9.9", "bridge", "mdk-s")
    assert p.returncode == 1 and "user specified IP address is supported on user defined networks only" in p.stderr
    daemon.cli("start", s, check=True)
    assert addresses(daemon, s) == {"eth0": "10.242.1.2", "eth1": "10.242.2.50"}
    probe = daemon.cli("run", "-d", "--net", "mdk-c2", "busybox", "sleep", "300").stdout.strip()
    assert resolves(daemon, probe, "sa") == ["10.242.2.50"]
    # Leaving its first network takes its default route with it.
    daemon.cli("network", "disconnect", "mdk-c1", "mdk-s", check=True)
    assert addresses(daemon, s) == {"eth1": "10.242.2.50"}
    assert "default" not in daemon.cli("exec", s, "ip", "route").stdout
    daemon.cli("restart", "-t", "0", s, check=True)
    assert addresses(daemon, s) == {"eth0": "10.242.2.50"}
    assert "default via 10.242.2.1" in daemon.cli("exec", s, "ip", "route").stdout
    # Disconnected from every network while stopped: only lo when it starts.
    daemon.cli("stop", "-t", "0", s, check=True)
    daemon.docker("network", "disconnect", "mdk-c2", "mdk-s", check=True)
    assert networks_of(daemon, s) == {}
    daemon.cli("start", s, check=True)
    assert addresses(daemon, s) == {}
    daemon.cli("rm", "-f", s, probe, check=True)


def test_a_container_on_two_networks_survives_a_daemon_restart(daemon, two_networks):
    a = daemon.cli("run", "-d", "--name", "mdk-r", "--net", "mdk-c1", "busybox", "sleep", "300").stdout.strip()
    b = daemon.cli("run", "-d", "--net", "mdk-c2", "busybox", "sleep", "300").stdout.strip()
    daemon.cli("network", "connect", "--alias", "both", "mdk-c2", a, check=True)
    daemon.stop()
    daemon.start()
    assert resolves(daemon, b, "both") == ["10.242.2.3"]
    assert sorted(resolves(daemon, a, "mdk-r")) == ["10.242.1.2", "10.242.2.3"]
    assert len(networks_of(daemon, a)) == 2
    # A network with a container on it after the restart is still in use.
    p = daemon.cli("network", "rm", "mdk-c2")
    assert p.returncode == 1 and "has active endpoints" in p.stderr
    daemon.cli("network", "disconnect", "mdk-c2", a, check=True)
    assert addresses(daemon, a) == {"eth0": "10.242.1.2"}
    daemon.cli("rm", "-f", a, b, check=True)


def dns_over_tcp(pid, name):
    """Asks 127.0.0.11 over TCP inside the process's network namespace."""
    script = r"""
import socket, struct, sys
name = sys.argv[1]
q = struct.pack(">HHHHHH", 7, 0x0100, 1, 0, 0, 0)
q += b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0" + struct.pack(">HH", 1, 1)
s = socket.create_connection(("127.0.0.11", 53), timeout=5)
for _ in range(2):  # two queries on one connection
    s.sendall(struct.pack(">H", len(q)) + q)
    n = struct.unpack(">H", s.recv(2))[0]
    r = b""
    while len(r) < n:
        r += s.recv(n - len(r))
    count = struct.unpack(">H", r[6:8])[0]
    at = len(q)
    ips = []
    for _ in range(count):
        rdlen = struct.unpack(">H", r[at + 10:at + 12])[0]
        ips.append(".".join(str(x) for x in r[at + 12:at + 12 + rdlen]))
        at += 12 + rdlen
    print(" ".join(sorted(ips)))
"""
    return subprocess.run(["nsenter", "--net=/proc/%d/ns/net" % pid, "python3", "-c", script, name],
                          capture_output=True, text=True, timeout=30)


def test_embedded_dns_over_tcp_and_link_aliases(daemon, two_networks):
    t = daemon.cli("run", "-d", "--name", "mdk-target", "--net", "mdk-c1", "busybox", "sleep", "300").stdout.strip()
    c = daemon.docker("run", "-d", "--name", "mdk-linker", "--net", "mdk-c1", "--link", "mdk-target:web",
                      "busybox", "sleep", "300").stdout.strip()
    pid = int(daemon.cli("inspect", "-f", "{{.State.Pid}}", c).stdout)
    p = dns_over_tcp(pid, "mdk-target")
    assert p.stdout.split("\n")[:2] == ["10.242.1.2", "10.242.1.2"], p.stderr
    assert dns_over_tcp(pid, "web").stdout.split("\n")[0] == "10.242.1.2"
    # The link alias is the linking container's alone; no /etc/hosts line on a user network.
    assert resolves(daemon, c, "web") == ["10.242.1.2"]
    assert resolves(daemon, t, "web") == []
    assert "web" not in daemon.cli("exec", c, "cat", "/etc/hosts").stdout
    assert "1 packets received" in daemon.cli("exec", c, "ping", "-c", "1", "-W", "3", "web").stdout
    daemon.cli("rm", "-f", t, c, check=True)


def test_run_on_two_networks_at_once(daemon, two_networks):
    for client in (daemon.cli, daemon.docker):
        p = client("run", "--rm", "--network", "mdk-c1", "--network", "mdk-c2", "busybox", "sh", "-c",
                   "ip -4 -o addr show | grep -v ' lo '; ip route | grep default")
        lines = p.stdout.splitlines()
        assert "eth0" in lines[0] and "10.242.1." in lines[0], p.stdout + p.stderr
        assert "eth1" in lines[1] and "10.242.2." in lines[1], p.stdout
        assert lines[2].startswith("default via 10.242.1.1 dev eth0"), p.stdout
