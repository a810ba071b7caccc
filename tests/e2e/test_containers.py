"""Containers end to end, through our CLI, the real docker CLI and the raw API."""
import json
import os
import re
import signal
import subprocess
import time

import pytest


def names(d):
    return d.cli("ps", "-a", "--format", "{{.Names}}").stdout.split()


def test_ping_headers_and_version(daemon):
    status, _ = daemon.api("GET", "/_ping")
    assert status == 200
    v = daemon.cli("version")
    assert v.returncode == 0, v.stderr
    assert "1.48" in v.stdout
    dv = daemon.docker("version", "--format", "{{.Server.APIVersion}}")
    assert dv.returncode == 0, dv.stderr
    assert dv.stdout.strip() == "1.48"


def test_info_counts_and_root(daemon):
    out = daemon.docker("info", "--format", "{{.DockerRootDir}} {{.Driver}}")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[0] == daemon.data_root


def test_run_prints_output_and_exit_code(daemon):
    p = daemon.cli("run", "--rm", "busybox", "sh", "-c", "echo out1; echo err1 >&2; echo out2; exit 3")
    assert p.returncode == 3
    assert p.stdout == "out1\nout2\n"
    assert p.stderr == "err1\n"


def test_docker_cli_run_prints_output_and_exit_code(daemon):
    p = daemon.docker("run", "--rm", "busybox", "sh", "-c", "echo out1; echo err1 >&2; exit 4")
    assert p.returncode == 4, p.stderr
    assert p.stdout == "out1\n"
    assert "err1" in p.stderr


def test_container_is_isolated(daemon):
    p = daemon.cli("run", "--name", "iso", "busybox", "sh", "-c",
                   "echo $$; hostname; cat /etc/hostname; ls /proc | grep -c '^[0-9]'; cat /proc/self/cgroup | grep -c mydocker")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split()
    cid = daemon.cli("inspect", "-f", "{{.Id}}", "iso").stdout.strip()
    assert lines[0] == "1"                      # own PID namespace
    assert lines[1] == cid[:12] == lines[2]     # own UTS namespace, Docker's default hostname
    assert int(lines[3]) <= 3                   # sees only its own processes
    assert int(lines[4]) >= 1                   # in a cgroup of ours
    daemon.cli("rm", "iso", check=True)


def test_env_workdir_user_entrypoint(daemon):
    p = daemon.cli("run", "--rm", "-e", "A=B", "--env", "C=D", "-w", "/tmp/newdir", "-u", "nobody",
                   "busybox", "sh", "-c", "echo $A$C; pwd; id -u; id -g")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["BD", "/tmp/newdir", "65534", "65534"]
    p = daemon.cli("run", "--rm", "-u", "1234:5678", "busybox", "id")
    assert "uid=1234" in p.stdout and "gid=5678" in p.stdout
    p = daemon.cli("run", "--rm", "--entrypoint", "echo", "busybox", "from", "entrypoint")
    assert p.stdout == "from entrypoint\n"
    p = daemon.cli("run", "--rm", "-h", "myhost", "busybox", "hostname")
    assert p.stdout == "myhost\n"


def test_readonly_proc_and_caps(daemon):
    p = daemon.cli("run", "--rm", "busybox", "sh", "-c",
                   "echo 1 2>&1 > /proc/sys/kernel/panic; grep CapBnd /proc/self/status; wc -c < /proc/timer_list")
    assert "Read-only file system" in p.stdout
    # Docker's default set: 0x00000000a80425fb
    assert "00000000a80425fb" in p.stdout
    assert p.stdout.split()[-1] == "0"  # masked: /dev/null over it (the host shows content)


def test_detached_lifecycle_ps_logs_stop_rm(daemon):
    cid = daemon.cli("run", "-d", "--name", "web", "-l", "role=front", "busybox", "sh", "-c",
                     "echo hello; echo oops >&2; exec sleep 1000").stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{64}", cid)
    ps = daemon.cli("ps")
    assert ps.stdout.startswith("CONTAINER ID   IMAGE")
    row = [l for l in ps.stdout.splitlines() if l.startswith(cid[:12])]
    assert row and "web" in row[0] and re.search(r"Up (Less than a second|\d+ seconds?)", row[0])
    assert daemon.cli("ps", "-q").stdout.split().count(cid[:12]) == 1
    assert daemon.cli("ps", "-f", "label=role=front", "-q").stdout.split() == [cid[:12]]
    assert daemon.cli("ps", "--format", "{{.ID}}\t{{.Names}}", "-f", "name=web").stdout == cid[:12] + "\tweb\n"
    deadline = time.monotonic() + 5
    while "oops" not in daemon.cli("logs", "web").stderr and time.monotonic() < deadline:
        time.sleep(0.05)
    logs = daemon.cli("logs", "web")
    assert logs.stdout == "hello\n" and logs.stderr == "oops\n"
    ts = daemon.cli("logs", "-t", "--tail", "1", "web")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z oops\n", ts.stdout + ts.stderr)
    assert daemon.cli("inspect", "-f", "{{.State.Status}} {{.State.Running}}", cid[:5]).stdout == "running true\n"
    rm = daemon.cli("rm", "web")
    assert rm.returncode != 0 and "container is running" in rm.stderr
    t0 = time.monotonic()
    assert daemon.cli("stop", "-t", "1", "web").stdout == "web\n"
    assert time.monotonic() - t0 < 5
    st = daemon.cli("ps", "-a", "-f", "name=web", "--format", "{{.Status}}").stdout
    assert re.fullmatch(r"Exited \(137\) (Less than a second|\d+ seconds?) ago\n", st), st
    assert daemon.cli("rm", "web").stdout == "web\n"
    assert "web" not in names(daemon)
    assert not os.path.exists(os.path.join(daemon.data_root, "containers", cid))


def test_docker_cli_ps_logs_inspect_rm(daemon):
    cid = daemon.docker("run", "-d", "--name", "dk", "busybox", "sh", "-c", "echo via-docker; sleep 1000").stdout.strip()
    assert re.fullmatch(r"[0-9a-f]{64}", cid)
    ps = daemon.docker("ps", "--format", "{{.ID}} {{.Names}} {{.Image}} {{.Command}}")
    assert "%s dk busybox" % cid[:12] in ps.stdout
    deadline = time.monotonic() + 5
    while daemon.docker("logs", "dk").stdout != "via-docker\n" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert daemon.docker("logs", "dk").stdout == "via-docker\n"
    ins = json.loads(daemon.docker("inspect", "dk").stdout)
    assert ins[0]["Id"] == cid and ins[0]["State"]["Running"] is True and ins[0]["Name"] == "/dk"
    assert daemon.docker("rm", "-f", "dk").stdout.strip() == "dk"
    assert daemon.docker("inspect", "dk").returncode != 0


def test_create_start_wait_restart_kill(daemon):
    cid = daemon.cli("create", "--name", "cw", "busybox", "sh", "-c", "exit 5").stdout.strip()
    assert daemon.cli("ps", "-a", "-f", "id=" + cid, "--format", "{{.Status}}").stdout == "Created\n"
    assert daemon.cli("start", "cw").stdout == "cw\n"
    assert daemon.cli("wait", "cw").stdout == "5\n"
    assert daemon.cli("inspect", "-f", "{{.State.ExitCode}}", "cw").stdout == "5\n"
    daemon.cli("rm", "cw", check=True)
    daemon.cli("run", "-d", "--name", "kl", "busybox", "sleep", "1000", check=True)
    daemon.cli("restart", "-t", "0", "kl", check=True)
    assert daemon.cli("inspect", "-f", "{{.State.Running}}", "kl").stdout == "true\n"
    assert daemon.cli("kill", "-s", "KILL", "kl").stdout == "kl\n"
    assert daemon.cli("wait", "kl").stdout == "137\n"
    daemon.cli("rm", "kl", check=True)


def test_rm_several_and_prune(daemon):
    for n in ("p1", "p2"):
        daemon.cli("run", "--name", n, "busybox", "true", check=True)
    daemon.cli("run", "-d", "--name", "p3", "busybox", "sleep", "1000", check=True)
    out = daemon.cli("container", "prune", "-f")
    assert out.returncode == 0, out.stderr
    assert "Total reclaimed space" in out.stdout
    assert set(names(daemon)) & {"p1", "p2", "p3"} == {"p3"}
    r = daemon.cli("rm", "-f", "p3", "nosuch")
    assert r.stdout == "p3\n"
    assert "No such container: nosuch" in r.stderr and r.returncode == 1


def test_bad_input_errors(daemon):
    s, b = daemon.api("POST", "/containers/create", {"Image": "nosuchimage"})
    assert s == 404 and json.loads(b)["message"] == "No such image: nosuchimage:latest"
    s, b = daemon.api("POST", "/containers/create?name=bad%20name", {"Image": "busybox", "Cmd": ["true"]})
    assert s == 400 and "Invalid container name (bad name)" in json.loads(b)["message"]
    s, b = daemon.api("POST", "/containers/create", b'{"Image": ')
    assert s == 400
    s, b = daemon.api("POST", "/containers/nosuch/start")
    assert s == 404 and json.loads(b)["message"] == "No such container: nosuch"
    daemon.cli("create", "--name", "dup", "busybox", "true", check=True)
    s, b = daemon.api("POST", "/containers/create?name=dup", {"Image": "busybox", "Cmd": ["true"]})
    assert s == 409 and '"/dup" is already in use' in json.loads(b)["message"]
    daemon.cli("rm", "dup", check=True)
    s, _ = daemon.api("GET", "/v1.12/version")
    assert s == 400


def test_missing_executable_leaves_nothing(daemon):
    p = daemon.cli("run", "--name", "noexec", "busybox", "nosuchcmd")
    assert p.returncode == 127
    assert 'exec: "nosuchcmd": executable file not found in $PATH' in p.stderr
    cid = daemon.cli("inspect", "-f", "{{.Id}}", "noexec").stdout.strip()
    assert daemon.cli("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", "noexec").stdout == "created 127\n"
    for ctl in ("memory", "pids", "cpu"):
        assert not os.path.exists("/sys/fs/cgroup/%s/mydocker/%s" % (ctl, cid))
    assert not [m for m in open("/proc/self/mountinfo") if cid in m]
    daemon.cli("rm", "noexec", check=True)
    p = daemon.docker("run", "--rm", "busybox", "/no/such/path")
    assert p.returncode == 127 and "no such file or directory" in p.stderr


def test_images_and_rmi_conflict(daemon):
    out = daemon.cli("images")
    assert out.stdout.startswith("REPOSITORY")
    assert re.search(r"^busybox\s+latest\s+[0-9a-f]{12}\s", out.stdout, re.M)
    daemon.cli("create", "--name", "holder", "busybox", "true", check=True)
    r = daemon.cli("rmi", "busybox")
    assert r.returncode != 0 and "conflict" in r.stderr
    daemon.cli("rm", "holder", check=True)
    ins = json.loads(daemon.docker("image", "inspect", "busybox").stdout)
    assert ins[0]["Id"].startswith("sha256:")


def test_daemon_kill9_keeps_containers(daemon):
    daemon.cli("run", "-d", "--name", "survivor", "busybox", "sh", "-c",
               "echo before; trap 'echo got-term; exit 0' TERM; while true; do sleep 0.1; done", check=True)
    daemon.cli("run", "-d", "--name", "dies", "busybox", "sh", "-c", "sleep 1; exit 7", check=True)
    daemon.stop(signal.SIGKILL)
    time.sleep(1.5)  # "dies" exits while the daemon is down
    daemon.start()
    assert daemon.cli("inspect", "-f", "{{.State.Status}}", "survivor").stdout == "running\n"
    st = daemon.cli("ps", "-a", "-f", "name=dies", "--format", "{{.Status}}").stdout
    assert st.startswith("Exited (7)"), st
    assert daemon.cli("stop", "survivor").returncode == 0
    assert daemon.cli("inspect", "-f", "{{.State.ExitCode}}", "survivor").stdout == "0\n"
    assert daemon.cli("logs", "survivor").stdout == "before\ngot-term\n"
    daemon.cli("rm", "survivor", "dies", check=True)


def test_second_daemon_on_same_root_refused(daemon):
    p = subprocess.run([os.path.join(daemon.bindir, "mydockerd"), "-H", "unix://" + daemon.root + "/other.sock",
                        "--data-root", daemon.data_root, "--exec-root", daemon.exec_root],
                       capture_output=True, text=True, timeout=10)
    assert p.returncode != 0
    assert "already using data root" in p.stderr


def test_vfs_storage_driver_copies_the_root(vfs_daemon):
    d = vfs_daemon
    assert d.docker("info", "--format", "{{.Driver}}").stdout.strip() == "vfs"
    cid = d.cli("run", "--name", "v1", "busybox", "sh", "-c", "echo data > /made; cat /made; ls /bin/busybox").stdout
    assert cid == "data\n/bin/busybox\n"
    full = d.cli("inspect", "-f", "{{.Id}}", "v1").stdout.strip()
    copy = os.path.join(d.data_root, "vfs", "dir", full)
    assert os.path.exists(os.path.join(copy, "made"))          # the container wrote into its own copy
    assert os.stat(os.path.join(copy, "bin", "busybox")).st_mode & 0o111
    assert not [m for m in open("/proc/self/mountinfo") if d.root in m]
    d.cli("rm", "v1", check=True)
    assert not os.path.exists(copy)


def test_sigterm_stops_daemon_but_not_containers(request):
    from conftest import start_daemon_with_busybox, teardown_daemon
    d = start_daemon_with_busybox(request)
    try:
        d.cli("run", "-d", "--name", "keeps", "busybox", "sleep", "1000", check=True)
        pid = int(d.cli("inspect", "-f", "{{.State.Pid}}", "keeps").stdout)
        d.proc.send_signal(signal.SIGTERM)
        assert d.proc.wait(timeout=10) == 0
        d.proc = None
        assert not os.path.exists(d.sock)
        os.kill(pid, 0)  # the container outlived the daemon
        d.start()
        assert d.cli("inspect", "-f", "{{.State.Running}}", "keeps").stdout == "true\n"
    finally:
        teardown_daemon(d)


def test_logs_follow_until_exit(daemon):
    for client in (daemon.cli, daemon.docker):
        daemon.cli("run", "-d", "--name", "follow", "busybox", "sh", "-c",
                   "echo first; sleep 1; echo second >&2; sleep 0.5; echo third", check=True)
        t0 = time.monotonic()
        p = client("logs", "-f", "follow", timeout=20)
        assert p.returncode == 0, p.stderr
        assert p.stdout == "first\nthird\n" and p.stderr == "second\n"
        assert time.monotonic() - t0 >= 1.0  # it waited for the container
        daemon.cli("rm", "follow", check=True)


def test_logs_since_until_relative_and_absolute(daemon):
    daemon.cli("run", "--name", "since", "busybox", "echo", "logged", check=True)
    for client in (daemon.cli, daemon.docker):
        assert client("logs", "--since", "1h", "since").stdout == "logged\n"
        assert client("logs", "--since", "2000-01-01", "since").stdout == "logged\n"
        assert client("logs", "--until", "1h", "since").stdout == ""  # before an hour ago: nothing
        assert client("logs", "--since", "2999-01-01T00:00:00Z", "since").stdout == ""
        assert client("logs", "--since", str(int(time.time()) - 3600), "since").stdout == "logged\n"
        p = client("logs", "--since", "yesterday", "since")
        assert p.returncode != 0 and "yesterday" in p.stderr
    s, b = daemon.api("GET", "/containers/since/logs?stdout=1&since=yesterday")
    assert s == 400 and b"yesterday" in b
    daemon.cli("rm", "since", check=True)


def test_pause_unpause_rename_top(daemon):
    daemon.cli("run", "-d", "--name", "pz", "busybox", "sh", "-c", "while true; do date +%s%N > /tmp/t; sleep 0.05; done", check=True)
    assert daemon.cli("pause", "pz").stdout == "pz\n"
    assert "(Paused)" in daemon.cli("ps", "-f", "name=pz", "--format", "{{.Status}}").stdout
    assert daemon.cli("inspect", "-f", "{{.State.Status}} {{.State.Paused}}", "pz").stdout == "paused true\n"
    r = daemon.docker("pause", "pz")
    assert r.returncode != 0 and "is already paused" in r.stderr
    assert daemon.docker("unpause", "pz").returncode == 0
    r = daemon.cli("unpause", "pz")
    assert r.returncode != 0 and "is not paused" in r.stderr
    assert daemon.cli("rename", "pz", "pz2").returncode == 0
    assert daemon.cli("inspect", "-f", "{{.Name}}", "pz2").stdout == "/pz2\n"
    assert daemon.cli("inspect", "pz").returncode != 0
    top = daemon.cli("top", "pz2").stdout
    assert top.startswith("UID") and "while true" in top
    dtop = daemon.docker("top", "pz2")
    assert dtop.returncode == 0 and "while true" in dtop.stdout
    # A paused container can still be stopped and removed.
    daemon.cli("pause", "pz2", check=True)
    assert daemon.cli("rm", "-f", "pz2").returncode == 0
