"""Interactive containers through a real pseudo-terminal: run -it, type,
detach with Ctrl-P Ctrl-Q, attach again, exit. With our CLI and docker's."""
import os
import select
import subprocess
import time


class Terminal:
    """A command running on a pty of its own, driven like a person would."""

    def __init__(self, argv):
        self.master, slave = os.openpty()
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
