"""Interactive containers through a real pseudo-terminal: run -it, type,
detach with Ctrl-P Ctrl-Q, attach again, exit. With our CLI and docker's."""
import fcntl
import json
import os
import select
import signal
import socket
import struct
import subprocess
import termios
import threading
import time


class Terminal:
    """A command running on a pty of its own, driven like a person would."""

    def __init__(self, argv, rows=24, cols=80):
        self.master, slave = os.openpty()
        self.resize(rows, cols)
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
                                     env=dict(os.environ, TERM="xterm"))
        os.close(slave)
        self.seen = b""

    def expect(self, text, timeout=10):
        want = text.encode()
        deadline = time.monotonic() + timeout
        while want not in self.seen:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError("did not see %r in %r" % (text, self.seen))
            ready, _, _ = select.select([self.master], [], [], left)
            if not ready:
                continue
            try:
                data = os.read(self.master, 4096)
            except OSError:
                data = b""
            if not data:
                raise AssertionError("terminal closed before %r; saw %r" % (text, self.seen))
            self.seen += data

    def send(self, text):
        os.write(self.master, text.encode())

    def resize(self, rows, cols):
        """As a terminal window does: new size, then SIGWINCH to the program
        (sent by hand: the pty is not the program's controlling terminal)."""
        fcntl.ioctl(self.master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        if hasattr(self, "proc"):
            self.proc.send_signal(signal.SIGWINCH)

    def wait(self, timeout=10):
        rc = self.proc.wait(timeout=timeout)
        os.close(self.master)
        return rc


def status(d, name):
    return d.cli("ps", "-a", "-f", "name=^" + name + "$", "--format", "{{.Status}}").stdout.strip()


def session(d, client, name):
    t = Terminal(client + ["run", "-it", "--name", name, "busybox", "sh"])
    t.expect("/ # ")
    t.send("echo hel''lo-$((6*7))\r")
    t.expect("hello-42")
    t.send("\x10\x11")  # Ctrl-P Ctrl-Q: detach, the shell keeps running
    assert t.wait() == 0
    assert status(d, name).startswith("Up")

    t = Terminal(client + ["attach", name])
    t.send("\r")
    t.expect("/ # ")
    t.send("echo again-$((2+3))\r")
    t.expect("again-5")
    t.send("exit\r")
    assert t.wait() == 0
    assert status(d, name).startswith("Exited (0)")
    d.cli("rm", name, check=True)


def test_run_it_detach_attach_exit(daemon):
    session(daemon, [os.path.join(daemon.bindir, "mydocker"), "-H", daemon.host], "tty-ours")


def test_docker_cli_run_it_detach_attach_exit(daemon):
    session(daemon, ["/usr/local/bin/docker", "-H", daemon.host], "tty-docker")


def test_run_i_with_piped_stdin(daemon):
    p = daemon.cli("run", "-i", "--rm", "busybox", "sh", "-c", "cat; echo done", input="line1\nline2\n")
    assert p.returncode == 0, p.stderr
    assert p.stdout == "line1\nline2\ndone\n"
    p = daemon.docker("run", "-i", "--rm", "busybox", "wc", "-l", input="a\nb\nc\n")
    assert p.stdout.strip() == "3"
    # A reader that lags (here: does not read for 2 s while 24 MB flow) is
    # waited for, not dropped: every byte arrives.
    payload = os.path.join(daemon.root, "payload")
    with open(payload, "wb") as f:
        f.write(b"0123456789abcdef" * (24 << 16))
    p = subprocess.run("%s -H %s run -i --rm busybox cat < %s | (sleep 2; wc -c)" % (
        os.path.join(daemon.bindir, "mydocker"), daemon.host, payload), shell=True, capture_output=True, text=True,
        timeout=60)
    assert p.stdout.strip() == str(24 << 20), (p.stdout, p.stderr)
    os.unlink(payload)


def test_start_attach_and_stopped_container_refused(daemon):
    daemon.cli("create", "--name", "sa", "busybox", "sh", "-c", "echo from-start; exit 4", check=True)
    p = daemon.cli("start", "-a", "sa")
    assert p.stdout == "from-start\n" and p.returncode == 4
    p = daemon.cli("attach", "sa")
    assert p.returncode == 1 and "You cannot attach to a stopped container, start it first" in p.stderr
    daemon.cli("rm", "sa", check=True)


def test_invalid_detach_keys_are_refused(daemon):
    daemon.cli("run", "-d", "--name", "dk2", "busybox", "sleep", "100", check=True)
    s, b = daemon.api("POST", "/containers/dk2/attach?stream=1&stdin=1&detachKeys=ctrl-%3F%3F")
    assert s == 400 and b"Invalid detach keys (ctrl-??) provided" in b
    s, _ = daemon.api("POST", "/containers/dk2/resize?h=30&w=100")
    assert s == 200
    daemon.cli("rm", "-f", "dk2", check=True)
    s, b = daemon.api("POST", "/containers/dk2/resize?h=30&w=100")
    assert s == 404


def test_exec_joins_the_container(daemon):
    daemon.cli("run", "-d", "--name", "ex", "-w", "/tmp", "-e", "X=1", "-h", "exhost", "busybox", "sleep", "1000",
               check=True)
    for client in (daemon.cli, daemon.docker):
        p = client("exec", "ex", "sh", "-c", "echo $X $(hostname) $(pwd) $$; exit 3")
        assert p.returncode == 3, p.stderr
        x, host, cwd, pid = p.stdout.split()
        assert (x, host, cwd) == ("1", "exhost", "/tmp") and int(pid) > 1  # its PID namespace, not PID 1
        assert client("exec", "-u", "nobody", "-w", "/", "-e", "Y=2", "ex", "sh", "-c", "id -u; pwd; echo $Y").stdout == "65534\n/\n2\n"
        assert client("exec", "-i", "ex", "cat", input="piped\n").stdout == "piped\n"
        p = client("exec", "ex", "nosuchcmd")
        assert p.returncode == 127 and "executable file not found" in (p.stdout + p.stderr)
    # The exec runs in the container's cgroup.
    cid = daemon.cli("inspect", "-f", "{{.Id}}", "ex").stdout.strip()
    assert ("/mydocker/" + cid) in daemon.cli("exec", "ex", "cat", "/proc/self/cgroup").stdout
    t = Terminal([os.path.join(daemon.bindir, "mydocker"), "-H", daemon.host, "exec", "-it", "ex", "sh"])
    t.expect("# ")
    t.send("echo in-$((40+2))\r")
    t.expect("in-42")
    t.send("exit 5\r")
    assert t.wait() == 5
    daemon.cli("stop", "-t", "0", "ex", check=True)
    p = daemon.cli("exec", "ex", "true")
    assert p.returncode == 1 and "is not running" in p.stderr
    s, b = daemon.api("POST", "/containers/ex/exec", {"Cmd": ["true"]})
    assert s == 409
    s, b = daemon.api("GET", "/exec/nosuchexec/json")
    assert s == 404 and b"No such exec instance: nosuchexec" in b
    daemon.cli("rm", "ex", check=True)


def resize_session(client, args):
    t = Terminal(client + args, rows=33, cols=101)
    t.expect("# ")
    t.send("stty size\r")
    t.expect("33 101")
    t.send("tty\r")
    t.expect("/dev/pts/")  # a pty of the container's own devpts, for exec too
    t.resize(47, 133)
    # The size reaches the container's pty asynchronously: ask until it shows.
    deadline = time.monotonic() + 10
    while b"47 133" not in t.seen and time.monotonic() < deadline:
        t.send("stty size\r")
        try:
            t.expect("47 133", timeout=0.5)
        except AssertionError:
            pass
    assert b"47 133" in t.seen, t.seen
    t.send("exit\r")
    assert t.wait() == 0


def test_window_size_follows_the_terminal(daemon):
    for client in ([os.path.join(daemon.bindir, "mydocker"), "-H", daemon.host], ["/usr/local/bin/docker", "-H", daemon.host]):
        resize_session(client, ["run", "-it", "--rm", "busybox", "sh"])
    daemon.cli("run", "-d", "--name", "winex", "busybox", "sleep", "1000", check=True)
    for client in ([os.path.join(daemon.bindir, "mydocker"), "-H", daemon.host], ["/usr/local/bin/docker", "-H", daemon.host]):
        resize_session(client, ["exec", "-it", "winex", "sh"])
    # An exec without a tty ignores a resize, as Docker's does; an unknown exec is 404.
    s, b = daemon.api("POST", "/containers/winex/exec", {"Cmd": ["sleep", "5"]})
    exec_id = json.loads(b)["Id"]
    assert daemon.api("POST", "/exec/%s/start" % exec_id, {"Detach": True})[0] == 200
    assert daemon.api("POST", "/exec/%s/resize?h=10&w=10" % exec_id)[0] == 200
    s, b = daemon.api("POST", "/exec/nosuchexec/resize?h=10&w=10")
    assert s == 404 and b"No such exec instance: nosuchexec" in b
    s, b = daemon.api("POST", "/exec/%s/resize?h=x&w=10" % exec_id)
    assert s == 400
    daemon.cli("rm", "-f", "winex", check=True)


def demux(raw):
    """The 8-byte framed stream as [(stream, bytes)]."""
    out = []
    while raw:
        kind, size = raw[0], struct.unpack(">I", raw[4:8])[0]
        out.append((kind, raw[8:8 + size]))
        raw = raw[8 + size:]
    return out


def test_attach_replays_logs_only_when_asked(daemon):
    daemon.cli("run", "-d", "--name", "replay", "busybox", "sh", "-c", "echo out1; echo err1 >&2; exec sleep 1000",
               check=True)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        p = daemon.cli("logs", "replay")
        if "out1" in p.stdout and "err1" in p.stderr:
            break
        time.sleep(0.05)
    # logs=1 without stream: the log so far, framed, then the stream ends.
    s, b = daemon.api("POST", "/containers/replay/attach?logs=1&stdout=1&stderr=1")
    assert s in (101, 200)
    assert demux(b) == [(1, b"out1\n"), (2, b"err1\n")]
    s, b = daemon.api("POST", "/containers/replay/attach?logs=1&stdout=1")
    assert demux(b) == [(1, b"out1\n")]
    # Without logs=1 nothing is replayed: a stream that only sees new output.
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(10)
    sock.connect(daemon.sock)
    sock.sendall(b"POST /containers/replay/attach?stream=1&stdout=1&stderr=1 HTTP/1.1\r\nHost: d\r\n"
                 b"Upgrade: tcp\r\nConnection: Upgrade\r\n\r\n")
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head
    daemon.cli("exec", "replay", "sh", "-c", "echo fresh > /proc/1/fd/1", check=True)
    got = b""
    while b"fresh" not in got:
        chunk = sock.recv(4096)
        assert chunk, got
        got += chunk
    assert demux(got) == [(1, b"fresh\n")]
    sock.close()
    daemon.cli("rm", "-f", "replay", check=True)


def open_attach(daemon, name, query="stream=1&stdout=1&stderr=1"):
    """A raw hijacked attach connection, past its 101 header."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(20)
    sock.connect(daemon.sock)
    sock.sendall(b"POST /containers/%s/attach?%s HTTP/1.1\r\nHost: d\r\nUpgrade: tcp\r\nConnection: Upgrade\r\n\r\n"
                 % (name.encode(), query.encode()))
    head = b""
    while b"\r\n\r\n" not in head:
        head += sock.recv(1)
    assert b" 101 " in head, head
    return sock


def read_until(sock, text):
    got = b""
    while text not in got:
        chunk = sock.recv(65536)
        assert chunk, got
        got += chunk
    return got


def test_attach_clients_fan_out_and_never_block_the_container(daemon):
    # A container that waits for a file, then writes 20 MB (one long line).
    daemon.cli("run", "-d", "--name", "fan", "busybox", "sh", "-c",
               "while [ ! -e /go ]; do usleep 10000; done; echo start; head -c 20000000 /dev/zero | tr '\\0' a; echo; echo end",
               check=True)
    readers = [open_attach(daemon, "fan") for _ in range(2)]
    stalled = open_attach(daemon, "fan")  # attached, never reads
    killed = subprocess.Popen([os.path.join(daemon.bindir, "mydocker"), "-H", daemon.host, "attach", "fan"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    daemon.cli("exec", "fan", "touch", "/go", check=True)
    got = [read_until(s, b"start") for s in readers]
    killed.kill()  # a client killed mid-session
    killed.wait()
    total = [len(g) for g in got]

    def drain(i):
        while True:
            chunk = readers[i].recv(1 << 20)
            if not chunk:
                break
            total[i] += len(chunk)
            got[i] = got[i][-64:] + chunk

    threads = [threading.Thread(target=drain, args=(i,)) for i in range(len(readers))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for g in got:
        assert g.endswith(b"end\n"), g[-80:]
    # Everyone who read saw all of it (framed: 8 bytes per chunk on top).
    assert all(t >= 20000000 + len("start\nend\n\n") for t in total), total
    p = daemon.cli("wait", "fan", timeout=60)
    assert p.stdout.strip() == "0"
    stalled.close()
    for s in readers:
        s.close()
    assert daemon.api("GET", "/_ping")[0] == 200
    daemon.cli("rm", "fan", check=True)


def test_create_it_then_start_ai_and_run_t(daemon):
    for client in ([os.path.join(daemon.bindir, "mydocker"), "-H", daemon.host], ["/usr/local/bin/docker", "-H", daemon.host]):
        name = "cit-" + os.path.basename(client[0])
        subprocess.run(client + ["create", "-it", "--name", name, "busybox", "sh"], check=True, capture_output=True)
        t = Terminal(client + ["start", "-a", "-i", name])
        t.send("\r")
        t.expect("# ")
        t.send("echo started-$((3*3))\r")
        t.expect("started-9")
        t.send("exit 6\r")
        assert t.wait() == 6
        assert status(daemon, name).startswith("Exited (6)")
        daemon.cli("rm", name, check=True)
        # -t without -i: a tty for output only (\r\n line ends), no stdin.
        # The pty is the container's own (its devpts), so tty(1) names it.
        p = subprocess.run(client + ["run", "-t", "--rm", "busybox", "sh", "-c", "tty; echo out"], capture_output=True,
                           timeout=30)
        assert p.returncode == 0 and p.stdout.startswith(b"/dev/pts/") and p.stdout.endswith(b"out\r\n"), p.stdout
