"""A mydockerd of our own for the end-to-end tests: its own socket, data
root and exec root under a short temporary folder, the offline busybox image
imported through our own CLI, and a check at the end that nothing it made
(mounts, cgroups, processes) is left behind."""
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DOCKER = "/usr/local/bin/docker"


def pytest_addoption(parser):
    parser.addoption("--bindir", default=os.path.join(REPO, "build", "cmd"))


class Daemon:
    def __init__(self, bindir, root, extra_args=()):
        self.extra_args = list(extra_args)
        self.bindir = bindir
        self.root = root
        self.sock = os.path.join(root, "d.sock")
        self.host = "unix://" + self.sock
        self.data_root = os.path.join(root, "data")
        self.exec_root = os.path.join(root, "exec")
        self.proc = None
        self.log = open(os.path.join(root, "daemon.log"), "ab")
        # A bridge (and so an nftables table) of its own: test daemons run
        # side by side and never touch the default mydocker0.
        self.bridge = "mdk" + os.urandom(4).hex()
        self.nft_table = "mydocker-" + self.bridge

    def start(self):
        self.proc = subprocess.Popen(
            [os.path.join(self.bindir, "mydockerd"), "-H", self.host, "--data-root", self.data_root,
             "--exec-root", self.exec_root, "--log-level", "debug", "--bridge", self.bridge] + self.extra_args,
            stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError("mydockerd exited with %s" % self.proc.returncode)
            try:
                if self.api("GET", "/_ping")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError("mydockerd did not come up")

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait(timeout=20)
        self.proc = None

    def api(self, method, path, body=None, timeout=30):
        """One HTTP/1.1 request over the socket; returns (status, body bytes)."""
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(self.sock)
        data = b"" if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
        head = "%s %s HTTP/1.1\r\nHost: docker\r\nContent-Length: %d\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n" % (
            method, path, len(data))
        s.sendall(head.encode() + data)
        chunks = []
        while True:
            b = s.recv(65536)
            if not b:
                break
            chunks.append(b)
        s.close()
        raw = b"".join(chunks)
        header, _, payload = raw.partition(b"\r\n\r\n")
        status = int(header.split(b" ")[1])
        if b"transfer-encoding: chunked" in header.lower():
            out = b""
            while payload:
                size_line, _, rest = payload.partition(b"\r\n")
                n = int(size_line, 16)
                if n == 0:
                    break
                out += rest[:n]
                payload = rest[n + 2:]
            payload = out
        return status, payload

    def cli(self, *args, input=None, timeout=60, check=False):
        return run([os.path.join(self.bindir, "mydocker"), "-H", self.host] + list(args), input, timeout, check)

    def docker(self, *args, input=None, timeout=60, check=False):
        return run([DOCKER, "-H", self.host] + list(args), input, timeout, check)


def run(argv, input=None, timeout=60, check=False):
    p = subprocess.run(argv, input=input, capture_output=True, timeout=timeout,
                       text=isinstance(input, str) or input is None,
                       env=dict(os.environ, DOCKER_CONFIG=os.path.join(tempfile.gettempdir(), "mdk-docker-config")))
    if check and p.returncode != 0:
        raise AssertionError("%s failed (%d):\nstdout: %s\nstderr: %s" % (argv, p.returncode, p.stdout, p.stderr))
    return p


def mounts_under(path):
    with open("/proc/self/mountinfo") as f:
        return [l.split()[4] for l in f if l.split()[4].startswith(path)]


def start_daemon_with_busybox(request, extra_args=()):
    bindir = os.path.abspath(request.config.getoption("--bindir"))
    root = tempfile.mkdtemp(prefix="mdk", dir="/tmp")
    d = Daemon(bindir, root, extra_args)
    d.start()
    tar = os.path.join(root, "busybox.tar")
    subprocess.run(["bash", os.path.join(REPO, "scripts", "make-busybox-image.sh"), tar,
                    "%s -H %s" % (os.path.join(bindir, "mydocker"), d.host)], check=True, capture_output=True)
    return d


def eventually(probe, wanted, timeout=5.0):
    """probe() until it returns `wanted` or the time is up; its last value.
    For what the kernel finishes asynchronously (a dead namespace's links)."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value == wanted or time.monotonic() > deadline:
            return value
        time.sleep(0.02)


def teardown_daemon(d):
    root = d.root
    # Leave nothing behind: containers, then the daemon, then the folder.
    if d.proc is None or d.proc.poll() is not None:
        d.start()
    ids = d.cli("ps", "-aq", "--no-trunc").stdout.split()
    for cid in ids:
        d.cli("rm", "-f", cid)
    d.cli("network", "prune", "-f")  # user networks' bridges go with them
    d.stop()
    # Every veth went with its container; the bridge and table are ours to remove.
    # (A veth goes with its namespace; the kernel tears that down shortly after.)
    leftover_veths = eventually(lambda: subprocess.run(["ip", "-o", "link", "show", "master", d.bridge],
                                                       capture_output=True, text=True).stdout.strip(), "")
    forwards = subprocess.run(["nft", "list", "chain", "ip", d.nft_table, "ports"], capture_output=True, text=True).stdout
    subprocess.run(["ip", "link", "del", d.bridge], capture_output=True)
    subprocess.run(["nft", "delete", "table", "ip", d.nft_table], capture_output=True)
    assert leftover_veths == "", leftover_veths
    assert "dnat" not in forwards, forwards
    leftover_mounts = mounts_under(root)
    leftover_cgroups = [c for c in ids if any(os.path.exists("/sys/fs/cgroup/%s/mydocker/%s" % (ctl, c))
                                              for ctl in ("memory", "pids", "cpu", "freezer"))]
    shutil.rmtree(root, ignore_errors=True)
    assert leftover_mounts == [], leftover_mounts
    assert leftover_cgroups == [], leftover_cgroups


@pytest.fixture(scope="session")
def daemon(request):
    d = start_daemon_with_busybox(request)
    yield d
    teardown_daemon(d)


@pytest.fixture
def vfs_daemon(request):
    """A second daemon whose containers get copied roots instead of overlayfs."""
    d = start_daemon_with_busybox(request, ["--storage-driver", "vfs"])
    yield d
    teardown_daemon(d)


def whole_disk_of_root():
    """(path, major, minor) of the host's whole disk that holds /."""
    dev = os.stat("/").st_dev
    sys_dir = os.path.realpath("/sys/dev/block/%d:%d" % (os.major(dev), os.minor(dev)))
    if os.path.exists(os.path.join(sys_dir, "partition")):
        sys_dir = os.path.dirname(sys_dir)
    with open(os.path.join(sys_dir, "dev")) as f:
        major, minor = f.read().strip().split(":")
    path = "/dev/" + os.path.basename(sys_dir)
    assert os.path.exists(path), path
    return path, major, minor
