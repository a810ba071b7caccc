"""The default bridge network on the real kernel: veth pairs, sequential
addresses, published ports reached from the host's 127.0.0.1, the none,
host and container modes, and nothing left behind. Traffic goes only to
loopback and to containers these tests start."""
import json
import os
import shutil
import socket
import tempfile
import time
import urllib.request

import pytest
from conftest import eventually


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def get(url, timeout=10):
    deadline = time.monotonic() + timeout
    while True:  # httpd in the container may not listen yet
        try:
            return urllib.request.urlopen(url, timeout=2).read().decode()
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@pytest.fixture
def www(daemon):
    d = tempfile.mkdtemp(prefix="mdk-www-")
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("hello from the container\n")
    yield d
    shutil.rmtree(d)


def test_bridge_gives_sequential_addresses_and_reachability(daemon):
    ids = [daemon.docker("run", "-d", "busybox", "sleep", "300").stdout.strip(),
           daemon.cli("run", "-d", "busybox", "sleep", "300").stdout.strip()]
    nets = [json.loads(daemon.cli("inspect", "-f", "{{json .NetworkSettings}}", i).stdout) for i in ids]
    ips = [n["IPAddress"] for n in nets]
    gw = nets[0]["Gateway"]
    prefix = ".".join(gw.split(".")[:3])
    assert gw.endswith(".1") and all(ip.startswith(prefix + ".") for ip in ips), (gw, ips)
    a, b = (int(ip.split(".")[3]) for ip in ips)
    assert b == a + 1
    for n in nets:
        octets = [int(x) for x in n["IPAddress"].split(".")]
        assert n["MacAddress"] == "02:42:" + ":".join("%02x" % o for o in octets)
        assert n["Networks"]["bridge"]["IPAddress"] == n["IPAddress"]
    p = daemon.cli("exec", ids[0], "sh", "-c", "ip -4 -o addr show eth0; ip route; ping -c 1 -W 5 " + ips[1])
    assert ips[0] + "/16" in p.stdout and "default via " + gw in p.stdout and "1 packets received" in p.stdout, p.stdout
    # The host reaches the containers too (its side of the bridge).
    assert daemon.cli("exec", ids[1], "cat", "/etc/hosts").stdout.strip().endswith(ips[1] + "\t" + ids[1][:12])
    info = json.loads(daemon.docker("network", "inspect", "bridge").stdout)[0]
    assert info["IPAM"]["Config"][0]["Gateway"] == gw
    assert {c["IPv4Address"] for c in info["Containers"].values()} == {ip + "/16" for ip in ips}
    daemon.cli("rm", "-f", *ids, check=True)
    veths = eventually(lambda: os.popen("ip -o link show master " + daemon.bridge).read(), "")
    assert veths == "", veths


def test_published_ports_from_the_host(daemon, www):
    port = free_port()
    for client in (daemon.cli, daemon.docker):
        name = "web-" + client.__name__
        client("run", "-d", "--name", name, "-p", "%d:80" % port, "-p", "127.0.0.1::8080", "-v", www + ":/www",
               "busybox", "sh", "-c", "httpd -p 8080 -h /www; exec httpd -f -p 80 -h /www", check=True)
        assert get("http://127.0.0.1:%d/" % port) == "hello from the container\n"
        random_port = int(client("port", name, "8080").stdout.strip().split(":")[1])
        assert random_port >= 1024
        assert get("http://127.0.0.1:%d/" % random_port) == "hello from the container\n"
        ports = daemon.cli("ps", "-f", "name=" + name, "--format", "{{.Ports}}").stdout.strip()
        assert ports == "0.0.0.0:%d->80/tcp, 127.0.0.1:%d->8080/tcp" % (port, random_port), ports
        assert client("port", name).stdout == "80/tcp -> 0.0.0.0:%d\n8080/tcp -> 127.0.0.1:%d\n" % (port, random_port)
        # The same host port again: refused, and the second container is not left half-started.
        p = client("run", "-d", "--name", name + "-2", "-p", "%d:80" % port, "busybox", "true")
        assert p.returncode == 125 and "Bind for 0.0.0.0:%d failed: port is already allocated" % port in p.stderr
        assert daemon.cli("ps", "-a", "-f", "name=" + name + "-2", "--format", "{{.Status}}").stdout.strip() == "Created"
        client("rm", "-f", name, name + "-2", check=True)
        with pytest.raises(OSError):
            urllib.request.urlopen("http://127.0.0.1:%d/" % port, timeout=1)
    rules = os.popen("nft list chain ip %s ports" % daemon.nft_table).read()
    assert "dnat" not in rules, rules


def test_publish_all_uses_the_images_expose(daemon, www):
    src = os.path.join(daemon.root, "busybox.tar")
    daemon.cli("import", "-c", "EXPOSE 80", "-c", 'CMD ["httpd", "-f", "-p", "80", "-h", "/www"]', src, "webimg",
               check=True)
    cid = daemon.docker("run", "-d", "-P", "-v", www + ":/www", "webimg").stdout.strip()
    out = daemon.docker("port", cid, "80").stdout.strip()
    assert out.startswith("0.0.0.0:"), out
    assert get("http://127.0.0.1:%s/" % out.split(":")[1]) == "hello from the container\n"
    ps = json.loads(daemon.api("GET", "/containers/json")[1])
    mine = [c for c in ps if c["Id"] == cid][0]
    assert mine["Ports"] == [{"IP": "0.0.0.0", "PrivatePort": 80, "PublicPort": int(out.split(":")[1]), "Type": "tcp"}]
    daemon.docker("rm", "-f", cid, check=True)
    daemon.cli("rmi", "webimg", check=True)


def test_none_host_and_container_modes(daemon):
    p = daemon.cli("run", "--rm", "--net", "none", "busybox", "sh", "-c", "ip -o link | cut -d: -f2; ip -o -4 addr")
    links, addrs = p.stdout.splitlines()[0], p.stdout.splitlines()[1:]
    assert links.strip() == "lo" and len(addrs) == 1 and "lo    inet 127.0.0.1/8" in addrs[0].replace("\t", " "), p.stdout
    p = daemon.docker("run", "--rm", "--net", "host", "busybox", "sh", "-c", "hostname; ls /sys/class/net")
    lines = p.stdout.split()
    assert lines[0] == socket.gethostname() and sorted(lines[1:]) == sorted(os.listdir("/sys/class/net")), p.stdout
    first = daemon.cli("run", "-d", "busybox", "sleep", "300").stdout.strip()
    want = daemon.cli("exec", first, "ip", "-o", "-4", "addr", "show", "eth0").stdout.split()[3]
    for client in (daemon.cli, daemon.docker):
        p = client("run", "--rm", "--net", "container:" + first, "busybox", "ip", "-o", "-4", "addr", "show", "eth0")
        assert p.stdout.split()[3] == want, p.stdout
    daemon.cli("stop", "-t", "0", first, check=True)
    p = daemon.cli("run", "--rm", "--net", "container:" + first, "busybox", "true")
    assert p.returncode != 0 and "non running container" in p.stderr
    daemon.cli("rm", first, check=True)
    p = daemon.docker("run", "--rm", "--net", "nosuchnet", "busybox", "true")
    assert p.returncode == 125 and "network nosuchnet not found" in p.stderr
    s, b = daemon.api("GET", "/networks/nosuchnet")
    assert s == 404
    assert sorted(daemon.cli("network", "ls", "--format", "{{.Name}} {{.Driver}}").stdout.splitlines()) == \
        ["bridge bridge", "host host", "none null"]


def test_ports_survive_a_daemon_restart(daemon, www):
    port = free_port()
    cid = daemon.cli("run", "-d", "-p", "127.0.0.1:%d:80" % port, "-v", www + ":/www", "busybox", "httpd", "-f", "-p",
                     "80", "-h", "/www").stdout.strip()
    assert get("http://127.0.0.1:%d/" % port) == "hello from the container\n"
    daemon.stop()
    daemon.start()
    assert get("http://127.0.0.1:%d/" % port) == "hello from the container\n"
    assert daemon.cli("port", cid, "80").stdout.strip() == "127.0.0.1:%d" % port
    daemon.cli("rm", "-f", cid, check=True)
    assert "dnat" not in os.popen("nft list chain ip %s ports" % daemon.nft_table).read()


def test_add_host_and_dns_flags_write_the_files(daemon):
    for client in (daemon.cli, daemon.docker):
        p = client("run", "--rm", "--add-host", "db.local:10.1.2.3", "--dns", "10.0.0.53", "--dns-search", "corp.example",
                   "--dns-option", "ndots:2", "busybox", "sh", "-c", "cat /etc/hosts; echo ---; cat /etc/resolv.conf")
        hosts, resolv = p.stdout.split("---\n")
        assert "10.1.2.3\tdb.local\n" in hosts
        assert resolv.splitlines()[-3:] == ["search corp.example", "nameserver 10.0.0.53", "options ndots:2"], resolv
        assert resolv.count("nameserver") == 1


def test_user_defined_bridges_are_isolated_and_cleaned_up(daemon):
    out = daemon.cli("network", "create", "--subnet", "10.231.0.0/24", "--gateway", "10.231.0.254", "--ip-range",
                     "10.231.0.128/28", "--label", "team=db", "mdk-net-a")
    assert len(out.stdout.strip()) == 64, out.stderr
    daemon.docker("network", "create", "mdk-net-b", check=True)
    # Bad input, as Docker words it.
    p = daemon.docker("network", "create", "mdk-net-a")
    assert p.returncode == 1 and "network with name mdk-net-a already exists" in p.stderr
    p = daemon.docker("network", "create", "--subnet", "10.231.0.0/16", "mdk-net-c")
    assert p.returncode == 1 and "Pool overlaps with other one on this address space" in p.stderr
    p = daemon.docker("network", "create", "--subnet", "10.232.0.0/24", "--gateway", "10.9.9.9", "mdk-net-c")
    assert p.returncode == 1 and "no matching subnet for gateway 10.9.9.9" in p.stderr
    s, b = daemon.api("POST", "/networks/create", {"Name": "mdk-net-c", "IPAM": {"Config": [{"Subnet": "10.233.0.0/24", "IPRange": "10.1.0.0/28"}]}})
    assert s == 400 and b"no matching subnet for range" in b
    info = json.loads(daemon.docker("network", "inspect", "mdk-net-a").stdout)[0]
    assert info["IPAM"]["Config"] == [{"Subnet": "10.231.0.0/24", "Gateway": "10.231.0.254", "IPRange": "10.231.0.128/28"}]
    assert info["Labels"] == {"team": "db"} and info["Driver"] == "bridge"
    bridge_a = "br-" + info["Id"][:12]

    a1 = daemon.docker("run", "-d", "--net", "mdk-net-a", "busybox", "sleep", "300").stdout.strip()
    a2 = daemon.cli("run", "-d", "--network", "mdk-net-a", "busybox", "sleep", "300").stdout.strip()
    b1 = daemon.cli("run", "-d", "--net", "mdk-net-b", "busybox", "sleep", "300").stdout.strip()
    ip = lambda c, n: json.loads(daemon.cli("inspect", "-f", "{{json .NetworkSettings.Networks}}", c).stdout)[n]["IPAddress"]
    ip_a1, ip_a2, ip_b1 = ip(a1, "mdk-net-a"), ip(a2, "mdk-net-a"), ip(b1, "mdk-net-b")
    assert ip_a1 == "10.231.0.128" and ip_a2 == "10.231.0.129", (ip_a1, ip_a2)
    assert "default via 10.231.0.254" in daemon.cli("exec", a1, "ip", "route").stdout
    # Same network: reachable. Across networks: not.
    assert "1 packets received" in daemon.cli("exec", a2, "ping", "-c", "1", "-W", "3", ip_a1).stdout
    assert "0 packets received" in daemon.cli("exec", b1, "ping", "-c", "1", "-W", "1", ip_a1).stdout
    assert "0 packets received" in daemon.cli("exec", a1, "ping", "-c", "1", "-W", "1", ip_b1).stdout
    assert sorted(daemon.docker("ps", "-q", "--no-trunc", "-f", "network=mdk-net-a").stdout.split()) == sorted([a1, a2])
    containers = json.loads(daemon.docker("network", "inspect", "mdk-net-a").stdout)[0]["Containers"]
    assert sorted(containers) == sorted([a1, a2])
    names = {daemon.cli("inspect", "-f", "{{.Name}}", c).stdout.strip()[1:] for c in (a1, a2)}
    assert {v["Name"] for v in containers.values()} == names
    # In use: 409; after the containers go, rm removes the bridge too.
    s, b = daemon.api("DELETE", "/networks/mdk-net-a")
    assert s == 409 and b"has active endpoints" in b
    daemon.cli("rm", "-f", a1, a2, b1, check=True)
    assert daemon.cli("network", "rm", "mdk-net-a").stdout == "mdk-net-a\n"
    assert not os.path.exists("/sys/class/net/" + bridge_a)
    p = daemon.docker("network", "rm", "bridge")
    assert p.returncode == 1 and "bridge is a pre-defined network and cannot be removed" in p.stderr
    # prune takes unused user networks only.
    p = daemon.cli("network", "prune", "-f")
    assert p.stdout == "Deleted Networks:\nmdk-net-b\n", p.stdout
    assert sorted(daemon.cli("network", "ls", "--format", "{{.Name}}").stdout.split()) == ["bridge", "host", "none"]
    # An internal network has no route out.
    daemon.cli("network", "create", "--internal", "mdk-internal", check=True)
    p = daemon.cli("run", "--rm", "--net", "mdk-internal", "busybox", "ip", "route")
    assert "default" not in p.stdout and p.returncode == 0, p.stdout
    daemon.cli("network", "rm", "mdk-internal", check=True)
    # A network that went away: the start fails, with Docker's message.
    p = daemon.cli("run", "--rm", "--net", "mdk-gone", "busybox", "true")
    assert p.returncode == 125 and "network mdk-gone not found" in p.stderr


class LoopbackResolver:
    """A tiny DNS server on 127.0.0.77:53 that answers every A query with
    192.0.2.99: the embedded DNS's upstream in tests, so no query ever
    leaves the machine."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.77", 53))
        self.sock.settimeout(0.2)
        self.names = []
        self.stop = False
        import threading
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while not self.stop:
            try:
                q, addr = self.sock.recvfrom(1500)
            except socket.timeout:
                continue
            name, at = [], 12
            while q[at]:
                name.append(q[at + 1:at + 1 + q[at]].decode())
                at += 1 + q[at]
            self.names.append(".".join(name))
            qtype = q[at + 1:at + 3]
            end = at + 5
            answer = qtype == b"\x00\x01"
            reply = q[:2] + b"\x81\x80\x00\x01" + (b"\x00\x01" if answer else b"\x00\x00") + b"\x00\x00\x00\x00" + q[12:end]
            if answer:
                reply += b"\xc0\x0c\x00\x01\x00\x01\x00\x00\x00\x3c\x00\x04" + bytes([192, 0, 2, 99])
            self.sock.sendto(reply, addr)

    def close(self):
        self.stop = True
        self.thread.join()
        self.sock.close()


def test_embedded_dns_answers_names_and_forwards_the_rest(daemon):
    resolver = LoopbackResolver()
    try:
        daemon.cli("network", "create", "mdk-dns", check=True)
        db = daemon.cli("run", "-d", "--name", "mdk-db", "--net", "mdk-dns", "busybox", "sleep", "300").stdout.strip()
        db_ip = json.loads(daemon.cli("inspect", "-f", "{{json .NetworkSettings.Networks}}", db).stdout)["mdk-dns"]["IPAddress"]
        for client in (daemon.cli, daemon.docker):
            p = client("run", "--rm", "--net", "mdk-dns", "--dns", "127.0.0.77", "busybox", "sh", "-c",
                       "cat /etc/resolv.conf; nslookup -type=a mdk-db; nslookup -type=a " + db[:12] +
                       "; ping -c 1 -W 3 mdk-db; nslookup -type=a outside.test")
            out = p.stdout
            assert "nameserver 127.0.0.11" in out and out.count("Address: " + db_ip) == 2, out
            assert "1 packets received" in out, out
            assert "Address: 192.0.2.99" in out, out  # forwarded to the test's own resolver
        assert "outside.test" in resolver.names
        # A daemon restart keeps answering inside namespaces that still run.
        client_ctr = daemon.cli("run", "-d", "--net", "mdk-dns", "--dns", "127.0.0.77", "busybox", "sleep", "300").stdout.strip()
        daemon.stop()
        daemon.start()
        p = daemon.cli("exec", client_ctr, "nslookup", "-type=a", "mdk-db")
        assert "Address: " + db_ip in p.stdout, p.stdout
        daemon.cli("rm", "-f", client_ctr, check=True)
        # The default bridge has no embedded DNS: the host's resolvers (or --dns) as they are.
        p = daemon.cli("run", "--rm", "--dns", "127.0.0.77", "busybox", "cat", "/etc/resolv.conf")
        assert "nameserver 127.0.0.77" in p.stdout and "127.0.0.11" not in p.stdout
        daemon.cli("rm", "-f", db, check=True)
        daemon.cli("network", "rm", "mdk-dns", check=True)
    finally:
        resolver.close()


def test_aliases_round_robin_fixed_ip_and_mac(daemon):
    daemon.docker("network", "create", "--subnet", "10.241.0.0/24", "mdk-alias", check=True)
    ids = []
    for i, client in enumerate((daemon.cli, daemon.docker, daemon.cli)):
        ids.append(client("run", "-d", "--net", "mdk-alias", "--network-alias", "pool", "--ip", "10.241.0.%d" % (10 + i),
                          "busybox", "sleep", "300").stdout.strip())
    p = daemon.docker("run", "-d", "--name", "mdk-taken", "--net", "mdk-alias", "--ip", "10.241.0.10", "busybox", "sleep", "1")
    assert p.returncode != 0 and "Address already in use" in p.stderr
    daemon.cli("rm", "-f", "mdk-taken", check=True)
    # Every answer holds all three; the first one rotates.
    script = "for i in 1 2 3; do nslookup -type=a pool | grep '^Address: 10' | head -1; done; nslookup -type=a pool"
    p = daemon.cli("run", "--rm", "--net", "mdk-alias", "--dns", "127.0.0.77", "busybox", "sh", "-c", script)
    lines = p.stdout.splitlines()
    assert len(set(lines[:3])) == 3, p.stdout
    assert sum(1 for l in lines[3:] if l.startswith("Address: 10.241.0.1")) == 3, p.stdout
    info = json.loads(daemon.cli("inspect", "-f", "{{json .NetworkSettings.Networks}}", ids[1]).stdout)["mdk-alias"]
    assert info["IPAddress"] == "10.241.0.11" and info["Aliases"] == ["pool"]
    p = daemon.cli("run", "--rm", "--net", "mdk-alias", "--mac-address", "92:d0:c6:0a:29:33", "busybox", "cat",
                   "/sys/class/net/eth0/address")
    assert p.stdout.strip() == "92:d0:c6:0a:29:33", p.stderr
    p = daemon.cli("run", "--rm", "--ip", "172.17.9.9", "busybox", "true")
    assert p.returncode == 125 and "user specified IP address is supported on user defined networks only" in p.stderr
    daemon.cli("rm", "-f", *ids, check=True)
    daemon.cli("network", "rm", "mdk-alias", check=True)


def test_links_add_hosts_entries_and_variables(daemon):
    src = os.path.join(daemon.root, "busybox.tar")
    daemon.cli("import", "-c", "EXPOSE 80", "-c", "ENV DB_VERSION=5", src, "linkimg", check=True)
    db = daemon.cli("run", "-d", "--name", "mdk-linkdb", "linkimg", "sleep", "300").stdout.strip()
    ip = daemon.cli("inspect", "-f", "{{.NetworkSettings.IPAddress}}", db).stdout.strip()
    for client in (daemon.cli, daemon.docker):
        p = client("run", "--rm", "--name", "mdk-web", "--link", "mdk-linkdb:db", "busybox", "sh", "-c",
                   "grep mdk-linkdb /etc/hosts; env | grep ^DB_ | sort; ping -c 1 -W 3 db | grep received")
        lines = p.stdout.splitlines()
        assert lines[0] == "%s\tdb mdk-linkdb %s" % (ip, db[:12]), p.stdout
        assert "DB_PORT=tcp://%s:80" % ip in lines and "DB_PORT_80_TCP_ADDR=%s" % ip in lines, p.stdout
        assert "DB_NAME=/mdk-web/db" in lines and "DB_ENV_DB_VERSION=5" in lines, p.stdout
        assert "1 packets received" in p.stdout
    daemon.cli("stop", "-t", "0", db, check=True)
    p = daemon.cli("run", "--rm", "--link", "mdk-linkdb:db", "busybox", "true")
    assert p.returncode != 0 and "Cannot link to a non running container" in p.stderr
    daemon.cli("rm", db, check=True)
    daemon.cli("rmi", "linkimg", check=True)


def test_rules_of_containers_that_died_while_the_daemon_was_away_go(daemon):
    port = free_port()
    cid = daemon.cli("run", "-d", "-p", "127.0.0.1:%d:80" % port, "busybox", "sleep", "300").stdout.strip()
    pid = int(daemon.cli("inspect", "-f", "{{.State.Pid}}", cid).stdout.strip())
    assert "dport %d" % port in os.popen("nft list chain ip %s ports" % daemon.nft_table).read()
    daemon.stop()
    os.kill(pid, 9)  # the container we started dies while no daemon watches
    deadline = time.monotonic() + 10
    while os.path.exists("/proc/%d" % pid) and time.monotonic() < deadline:
        time.sleep(0.02)
    daemon.start()
    assert daemon.cli("inspect", "-f", "{{.State.Status}}", cid).stdout.strip() == "exited"
    assert "dnat" not in os.popen("nft list chain ip %s ports" % daemon.nft_table).read()
    daemon.cli("rm", cid, check=True)
