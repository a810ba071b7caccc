"""Published ports carrying real traffic from the host's 127.0.0.1: UDP,
host and container ranges, random host ports, a host range falling back to
its next free port, and the PORTS column as docker prints it. Traffic goes
only to loopback and to containers these tests start."""
import os
import socket
import subprocess
import tempfile
import time

import pytest
from conftest import eventually
from test_networking import get

# busybox has no UDP listener: a static one of ours, mounted into the
# container, prints each datagram it gets (so it shows in the logs).
UDP_PRINT = r"""
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
int main(int argc, char **argv) {
  int s = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in a = {0};
  a.sin_family = AF_INET;
  a.sin_port = htons(atoi(argv[1]));
  if (bind(s, (struct sockaddr *)&a, sizeof a) != 0) return 1;
  puts("listening");
  fflush(stdout);
  for (;;) {
    char buf[512];
    ssize_t n = recv(s, buf, sizeof buf - 1, 0);
    if (n < 0) return 1;
    buf[n] = 0;
    printf("got %s\n", buf);
    fflush(stdout);
  }
}
"""


@pytest.fixture(scope="module")
def udp_print():
    d = tempfile.mkdtemp(prefix="mdk-udp-")
    with open(os.path.join(d, "udp_print.c"), "w") as f:
        f.write(UDP_PRINT)
    subprocess.run(["cc", "-static", "-O", "-o", os.path.join(d, "udp_print"), os.path.join(d, "udp_print.c")],
                   check=True)
    yield d
    subprocess.run(["rm", "-rf", d])


@pytest.fixture
def www():
    d = tempfile.mkdtemp(prefix="mdk-www-")
    with open(os.path.join(d, "index.html"), "w") as f:
        f.write("hello from the container\n")
    yield d
    subprocess.run(["rm", "-rf", d])


def free_ports(n, kinds=(socket.SOCK_STREAM, socket.SOCK_DGRAM)):
    """The first of n consecutive ports free for TCP and UDP on every address."""
    for base in range(21000 + (os.getpid() % 400) * 50, 60000, 17):
        socks = []
        try:
            for p in range(base, base + n):
                for kind in kinds:
                    s = socket.socket(socket.AF_INET, kind)
                    socks.append(s)
                    s.bind(("0.0.0.0", p))
            return base
        except OSError:
            continue
        finally:
            for s in socks:
                s.close()
    raise RuntimeError("no free port range")


def logs(d, cid):
    return d.cli("logs", cid).stdout


def test_udp_published_port_delivers_datagrams(daemon, udp_print):
    port = free_ports(1)
    cid = daemon.cli("run", "-d", "-p", "127.0.0.1:%d:5353/udp" % port, "-v", udp_print + ":/probe:ro", "busybox",
                     "/probe/udp_print", "5353", check=True).stdout.strip()
    try:
        assert eventually(lambda: "listening" in logs(daemon, cid), True)
        assert daemon.docker("port", cid, "5353/udp").stdout.strip() == "127.0.0.1:%d" % port
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

        def arrived():
            s.sendto(b"datagram-42", ("127.0.0.1", port))  # UDP may drop one: send until it shows
            return "got datagram-42" in logs(daemon, cid)
        assert eventually(arrived, True), logs(daemon, cid)
        s.close()
        assert daemon.cli("ps", "-f", "id=" + cid, "--format", "{{.Ports}}").stdout.strip() == \
            "127.0.0.1:%d->5353/udp" % port
    finally:
        daemon.cli("rm", "-f", cid)


def test_port_ranges_random_ports_and_the_ports_column(daemon, www):
    base = free_ports(2)
    serve = "httpd -p 90 -h /www; httpd -p 91 -h /www; exec httpd -f -p 80 -h /www"
    cid = daemon.cli("run", "-d", "-p", "%d-%d:90-91" % (base, base + 1), "-p", "80", "-v", www + ":/www", "busybox",
                     "sh", "-c", serve, check=True).stdout.strip()
    try:
        for p in (base, base + 1):
            assert get("http://127.0.0.1:%d/" % p) == "hello from the container\n"
        # Bare -p 80: a random host port, told by `port` and reachable.
        for client in (daemon.cli, daemon.docker):
            out = client("port", cid, "80").stdout.strip()
            assert out.startswith("0.0.0.0:") and int(out.split(":")[1]) > 0, out
        random_port = int(out.split(":")[1])
        assert get("http://127.0.0.1:%d/" % random_port) == "hello from the container\n"
        assert daemon.cli("port", cid, "91").stdout.strip() == "0.0.0.0:%d" % (base + 1)
        ours = daemon.cli("ps", "-f", "id=" + cid, "--format", "{{.Ports}}").stdout
        theirs = daemon.docker("ps", "-f", "id=" + cid, "--format", "{{.Ports}}").stdout
        assert ours == theirs, (ours, theirs)
        assert "0.0.0.0:%d->90/tcp" % base in ours and "0.0.0.0:%d->80/tcp" % random_port in ours, ours
    finally:
        daemon.cli("rm", "-f", cid)


def test_the_ports_column_groups_ranges_as_docker_does(daemon):
    base = free_ports(5)
    runs = [
        # Same host and container numbers: one range.
        ["-p", "%d-%d:%d-%d" % (base, base + 2, base, base + 2)],
        # Exposed, unpublished ports, with a gap, and two protocols.
        ["--expose", "7000-7002", "--expose", "7005", "--expose", "53/udp"],
        # Published on other numbers: one by one, after the ranges.
        ["-p", "127.0.0.1:%d-%d:90-91" % (base + 3, base + 4), "--expose", "60-61"],
    ]
    ids = []
    try:
        shown = []
        for args in runs:
            # Made by docker's CLI: ours sends an --expose range as one key
            # (cmd/mydocker/format/create_config.cpp; not this test's subject).
            cid = daemon.docker("run", "-d", *args, "busybox", "sleep", "60", check=True).stdout.strip()
            ids.append(cid)
            ours = daemon.cli("ps", "-f", "id=" + cid, "--format", "{{.Ports}}").stdout
            theirs = daemon.docker("ps", "-f", "id=" + cid, "--format", "{{.Ports}}").stdout
            assert ours == theirs, (ours, theirs)
            shown.append(ours.strip())
        assert shown[0] == "0.0.0.0:%d-%d->%d-%d/tcp" % (base, base + 2, base, base + 2), shown
        # A gap closes a run where it stands, before the runs still open.
        assert shown[1] == "7000-7002/tcp, 53/udp, 7005/tcp", shown
        assert shown[2] == "60-61/tcp, 127.0.0.1:%d->90/tcp, 127.0.0.1:%d->91/tcp" % (base + 3, base + 4), shown
    finally:
        for cid in ids:
            daemon.cli("rm", "-f", cid)


def test_a_host_range_for_one_port_takes_the_next_free_one(daemon, www):
    base = free_ports(4)
    blocker = socket.socket()
    blocker.bind(("0.0.0.0", base))  # not ours: the daemon must skip it
    blocker.listen(1)
    ids = []
    try:
        for client in (daemon.cli, daemon.docker):
            ids.append(client("run", "-d", "-p", "%d-%d:80" % (base, base + 2), "-v", www + ":/www", "busybox",
                              "httpd", "-f", "-p", "80", "-h", "/www", check=True).stdout.strip())
        assert [daemon.cli("port", c, "80").stdout.strip() for c in ids] == \
            ["0.0.0.0:%d" % (base + 1), "0.0.0.0:%d" % (base + 2)]
        for p in (base + 1, base + 2):
            assert get("http://127.0.0.1:%d/" % p) == "hello from the container\n"
        # The range is used up: refused as Docker words it, nothing left running.
        p = daemon.docker("run", "-d", "--name", "mdk-range-full", "-p", "%d-%d:80" % (base, base + 2), "busybox",
                          "sleep", "60")
        assert p.returncode == 125 and "port is already allocated" in p.stderr, p.stderr
        daemon.cli("rm", "-f", "mdk-range-full")
    finally:
        blocker.close()
        for c in ids:
            daemon.cli("rm", "-f", c)
