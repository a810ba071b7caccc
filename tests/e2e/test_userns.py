"""mydockerd --userns-remap default: container root is uid 0 inside and an
unprivileged host uid outside (dockremap's first subordinate ID), image
files are root's inside, volumes it writes belong to the remapped uid,
--userns host opts out, --privileged needs --userns host, and the
container still binds port 80 and cannot make devices. Through our CLI and
the docker CLI."""
import json
import os
import subprocess

import pytest

from conftest import start_daemon_with_busybox, teardown_daemon


@pytest.fixture(scope="module")
def remapped(request):
    d = start_daemon_with_busybox(request, ["--userns-remap", "default"])
    yield d
    teardown_daemon(d)


def subordinate_start(path, user="dockremap"):
    with open(path) as f:
        for line in f:
            parts = line.strip().split(":")
            if len(parts) == 3 and parts[0] == user:
                return int(parts[1])
    return None


def host_uid_of(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("Uid:"):
                return int(line.split()[1])


def test_dockremap_gets_ranges_and_info_says_userns(remapped):
    root = subordinate_start("/etc/subuid")
    assert root is not None and root >= 100000
    assert subordinate_start("/etc/subgid") is not None
    info = json.loads(remapped.docker("info", "--format", "{{json .SecurityOptions}}", check=True).stdout)
    assert "name=userns" in info and "name=seccomp,profile=builtin" in info


@pytest.mark.parametrize("client", ["cli", "docker"])
def test_root_inside_is_the_remapped_uid_outside(remapped, client):
    run = getattr(remapped, client)
    root = subordinate_start("/etc/subuid")
    cid = run("run", "-d", "busybox", "sleep", "60", check=True).stdout.strip()
    try:
        pid = json.loads(run("inspect", cid, check=True).stdout)[0]["State"]["Pid"]
        assert host_uid_of(pid) == root
        out = run("exec", cid, "sh", "-c", "id -u; stat -c %u /bin/busybox; cat /proc/1/uid_map", check=True).stdout
        lines = out.split("\n")
        assert lines[0] == "0" and lines[1] == "0", out
        assert lines[2].split() == ["0", str(root), "65536"], out
    finally:
        run("rm", "-f", cid)


def test_volume_files_belong_to_the_remapped_uid(remapped):
    root = subordinate_start("/etc/subuid")
    d = remapped
    p = d.cli("run", "--rm", "-v", "usernsvol:/data", "busybox", "sh", "-c",
              "touch /data/f && chown 1000:1000 /data && mkdir /data/d && echo hi >> /etc/passwd && echo ok")
    assert p.returncode == 0 and p.stdout == "ok\n", p.stderr
    mountpoint = json.loads(d.cli("volume", "inspect", "usernsvol", check=True).stdout)[0]["Mountpoint"]
    assert os.stat(os.path.join(mountpoint, "f")).st_uid == root
    assert os.stat(os.path.join(mountpoint, "d")).st_uid == root
    assert os.stat(mountpoint).st_uid == root + 1000
    d.cli("volume", "rm", "usernsvol", check=True)


def test_userns_host_opts_out_and_privileged_needs_it(remapped):
    d = remapped
    cid = d.cli("run", "-d", "--userns", "host", "busybox", "sleep", "60", check=True).stdout.strip()
    try:
        pid = json.loads(d.cli("inspect", cid, check=True).stdout)[0]["State"]["Pid"]
        assert host_uid_of(pid) == 0
    finally:
        d.cli("rm", "-f", cid)
    p = d.docker("run", "--rm", "--privileged", "busybox", "true")
    assert p.returncode == 125 and "privileged mode is incompatible with user namespaces" in p.stderr, p.stderr
    assert d.cli("ps", "-aq").stdout.strip() == ""  # nothing half-created
    p = d.cli("run", "--rm", "--privileged", "--userns", "host", "busybox", "sh", "-c", "mount -t tmpfs x /tmp && echo ok")
    assert p.stdout == "ok\n", p.stderr


def test_low_ports_work_devices_and_sys_do_not(remapped):
    p = remapped.cli("run", "--rm", "busybox", "sh", "-c",
                     "nc -l -p 80 2>&1 & sleep 0.3; cat /proc/net/tcp /proc/net/tcp6 | grep -c ':0050 0.*0A'; kill $!; "
                     "mknod /tmp/d b 7 0 2>&1; touch /sys/x 2>&1; echo 1 > /proc/sys/kernel/panic 2>&1; "
                     "unshare -m true 2>&1; echo end")
    out = p.stdout + p.stderr
    assert out.startswith("1\n"), out
    assert "Operation not permitted" in out and "Read-only file system" in out, out
    assert "end\n" in out and "Permission denied" not in out, out


def test_vfs_daemon_shifts_its_copies(request):
    d = start_daemon_with_busybox(request, ["--userns-remap", "default", "--storage-driver", "vfs"])
    try:
        root = subordinate_start("/etc/subuid")
        p = d.cli("run", "--rm", "busybox", "sh", "-c", "stat -c %u /bin/busybox /; touch /etc/new && echo ok")
        assert p.stdout == "0\n0\nok\n", p.stdout + p.stderr
    finally:
        teardown_daemon(d)


def test_export_shows_the_containers_own_ids(remapped, tmp_path):
    d = remapped
    cid = d.cli("create", "busybox", "sh", "-c", "touch /mine && chown 1000:1000 /mine", check=True).stdout.strip()
    try:
        d.cli("start", "-a", cid, check=True)
        out = str(tmp_path / "c.tar")
        d.cli("export", "-o", out, cid, check=True)
        import tarfile
        with tarfile.open(out) as t:
            owners = {m.name.lstrip("./"): (m.uid, m.gid) for m in t.getmembers()}
        assert owners["mine"] == (1000, 1000), owners.get("mine")
        assert owners["bin/busybox"] == (0, 0)
    finally:
        d.cli("rm", "-f", cid)


def test_terminal_belongs_to_the_containers_root(remapped):
    p = remapped.cli("run", "--rm", "-t", "busybox", "sh", "-c", "stat -c '%u:%g' $(tty); id -u")
    assert p.stdout.replace("\r", "") == "0:5\n0\n", p.stdout + p.stderr
