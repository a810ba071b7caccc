#!/usr/bin/env python3
"""mydocker benchmark: prints the numbers docs/performance.md records.

Starts its own mydockerd on a temporary socket and data root, imports the
offline busybox image, then measures:
  - median wall time of `mydocker run --rm busybox true` (20 runs)
  - `mydocker ps -a` with 100 containers (median of 10)
  - daemon RSS idle and with 20 running containers
  - RSS per shim, exec latency, stdin throughput, ps -a, embedded DNS
  - pull of a multi-layer image from a loopback registry vs skopeo + tar
Everything it creates is removed at the end."""
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "build", "cmd")


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def private_kib(pid):
    """Memory only this process holds (its dirty private pages), and its
    proportional share of the shared ones: what one more shim really costs."""
    out = {}
    with open("/proc/%d/smaps_rollup" % pid) as f:
        for line in f:
            parts = line.split()
            if parts[0] in ("Pss:", "Private_Dirty:", "Private_Clean:"):
                out[parts[0][:-1]] = int(parts[1])
    return out.get("Private_Dirty", 0) + out.get("Private_Clean", 0), out.get("Pss", 0)


def dns_queries_per_second(cli, seconds=2.0):
    """Queries sent from inside a container's namespace (this thread joins it
    with setns) to the embedded DNS at 127.0.0.11, one at a time."""
    import ctypes
    import socket
    subprocess.run(cli + ["network", "create", "mdk-bench-dns"], check=True, capture_output=True)
    target = subprocess.run(cli + ["run", "-d", "--name", "mdk-bench-target", "--net", "mdk-bench-dns", "busybox",
                                   "sleep", "300"], check=True, capture_output=True, text=True).stdout.strip()
    pid = int(subprocess.run(cli + ["inspect", "-f", "{{.State.Pid}}", target], capture_output=True,
                             text=True).stdout.strip())
    result = {}

    def client():
        libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open("/proc/%d/ns/net" % pid, os.O_RDONLY)
        libc.unshare(0x00000200)  # CLONE_FS: this thread only
        if libc.setns(fd, 0x40000000) != 0:  # CLONE_NEWNET
            result["qps"] = 0
            return
        os.close(fd)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(2)
        name = b"".join(bytes([len(p)]) + p for p in b"mdk-bench-target".split(b".")) + b"\0"
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            q = (n & 0xFFFF).to_bytes(2, "big") + b"\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00" + name + b"\x00\x01\x00\x01"
            s.sendto(q, ("127.0.0.11", 53))
            reply = s.recv(512)
            assert reply[:2] == q[:2] and reply[7] == 1
            n += 1
        result["qps"] = n / (time.perf_counter() - t0)

    import threading
    th = threading.Thread(target=client)
    th.start()
    th.join()
    subprocess.run(cli + ["rm", "-f", target], capture_output=True)
    subprocess.run(cli + ["network", "rm", "mdk-bench-dns"], capture_output=True)
    return result.get("qps", 0)


def timed(argv, n):
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def main():
    root = tempfile.mkdtemp(prefix="mdkb", dir="/tmp")
    sock = "unix://%s/d.sock" % root
    log = open(os.path.join(root, "daemon.log"), "w")
    # A bridge (and nftables table) of the benchmark's own, removed at the end.
    bridge = "mdkb" + os.urandom(3).hex()
    d = subprocess.Popen([os.path.join(BIN, "mydockerd"), "-H", sock, "--data-root", root + "/data",
                          "--exec-root", root + "/exec", "--log-level", "warn", "--bridge", bridge],
                         stdout=log, stderr=log)
    cli = [os.path.join(BIN, "mydocker"), "-H", sock]
    try:
        for _ in range(200):
            if subprocess.run(cli + ["version"], capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["bash", os.path.join(REPO, "scripts", "make-busybox-image.sh"), root + "/busybox.tar",
                        " ".join(cli)], check=True, capture_output=True)
        time.sleep(0.5)
        idle = rss_kib(d.pid)

        timed(cli + ["run", "--rm", "busybox", "true"], 3)  # warm caches
        runs = timed(cli + ["run", "--rm", "busybox", "true"], 20)
        print("run --rm busybox true: median %.1f ms (min %.1f, max %.1f, n=20)" %
              (statistics.median(runs), min(runs), max(runs)))
        none = timed(cli + ["run", "--rm", "--net", "none", "busybox", "true"], 20)
        print("run --rm --net none busybox true: median %.1f ms; the default bridge costs %.1f ms more" %
              (statistics.median(none), statistics.median(runs) - statistics.median(none)))

        # The seccomp filter's cost: the same run with and without it.
        unconfined = timed(cli + ["run", "--rm", "--net", "none", "--security-opt", "seccomp=unconfined",
                                  "busybox", "true"], 20)
        print("run --rm --net none busybox true, seccomp=unconfined: median %.1f ms; the default filter costs %.1f ms" %
              (statistics.median(unconfined), statistics.median(none) - statistics.median(unconfined)))

        if os.path.exists("/usr/local/bin/docker"):
            druns = timed(["/usr/local/bin/docker", "-H", sock, "run", "--rm", "busybox", "true"], 10)
            print("docker CLI run --rm busybox true against mydockerd: median %.1f ms (n=10)" % statistics.median(druns))

        ids = []
        for i in range(20):
            ids.append(subprocess.run(cli + ["run", "-d", "busybox", "sleep", "1000"], check=True,
                                      capture_output=True, text=True).stdout.strip())
        time.sleep(0.5)
        busy = rss_kib(d.pid)
        shims = []
        shim_private = []
        for cid in ids:
            pid = int(subprocess.run(cli + ["inspect", "-f", "{{.State.Pid}}", cid], capture_output=True,
                                     text=True).stdout.strip())
            with open("/proc/%d/status" % pid) as f:
                ppid = int([l for l in f if l.startswith("PPid:")][0].split()[1])
            shims.append(rss_kib(ppid))
            shim_private.append(private_kib(ppid))
        print("daemon RSS: idle %.1f MiB, with 20 running containers %.1f MiB" % (idle / 1024, busy / 1024))
        print("shim RSS: median %.2f MiB (max %.2f MiB, n=%d)" %
              (statistics.median(shims) / 1024, max(shims) / 1024, len(shims)))
        print("shim private memory: median %d KiB, PSS median %d KiB (RSS counts the libc pages every process shares)" %
              (statistics.median(p for p, _ in shim_private), statistics.median(q for _, q in shim_private)))
        execs = timed(cli + ["exec", ids[0], "true"], 20)
        print("exec CONTAINER true: median %.1f ms (n=20)" % statistics.median(execs))
        subprocess.run(cli + ["rm", "-f"] + ids, check=True, capture_output=True)

        size = 100 << 20
        # Text lines, as a pipeline's data usually is (and as the json-file log
        # stores it: every byte the container writes is logged, as Docker does).
        line = b"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ\n"
        with open(os.path.join(root, "payload"), "wb") as f:
            f.write(line * (size // len(line)) + b"x" * (size % len(line)))
        rates = []
        for _ in range(3):
            with open(os.path.join(root, "payload"), "rb") as src:
                t0 = time.perf_counter()
                p = subprocess.run(cli + ["run", "-i", "--rm", "busybox", "cat"], stdin=src, stdout=subprocess.PIPE)
                dt = time.perf_counter() - t0
            assert len(p.stdout) == size, len(p.stdout)
            rates.append(100 / dt)
        print("run -i --rm busybox cat, 100 MiB piped through: median %.0f MiB/s (min %.0f, max %.0f, n=3)" %
              (statistics.median(rates), min(rates), max(rates)))

        for i in range(100):
            subprocess.run(cli + ["create", "busybox", "true"], check=True, capture_output=True)
        ps = timed(cli + ["ps", "-a"], 10)
        print("ps -a with 100 containers: median %.1f ms" % statistics.median(ps))

        print("embedded DNS: %.0f queries/s answered (one client, sequential A queries for a container name)" %
              dns_queries_per_second(cli))
        all_ids = subprocess.run(cli + ["ps", "-aq"], capture_output=True, text=True).stdout.split()
        subprocess.run(cli + ["rm", "-f"] + all_ids, check=True, capture_output=True)
        # Pull from a loopback registry against skopeo copy + tar -x (scripts/bench_pull.py).
        subprocess.run([sys.executable, os.path.join(REPO, "scripts", "bench_pull.py")] + cli, check=True)
    finally:
        d.terminate()
        d.wait()
        subprocess.run(["ip", "link", "del", bridge], capture_output=True)
        subprocess.run(["nft", "delete", "table", "ip", "mydocker-" + bridge], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
