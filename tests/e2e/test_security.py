"""Docker's security model, tried as an attacker inside containers: the
device cgroup (mknod allowed, opening a host disk not), the default seccomp
profile, capabilities (--cap-add/--cap-drop), --privileged, --device,
--security-opt (seccomp profiles, no-new-privileges) and the 400s for what
cannot be honoured. Syscalls busybox has no applet for go through a small
static probe of ours (syscall_probe.c), bound into the container."""
import json
import os
import subprocess
import tempfile

import pytest

from conftest import whole_disk_of_root

HERE = os.path.dirname(os.path.abspath(__file__))


@pytest.fixture(scope="module")
def probe():
    out = os.path.join(tempfile.mkdtemp(prefix="mdk-probe", dir="/tmp"), "probe")
    subprocess.run(["gcc", "-static", "-O1", "-o", out, os.path.join(HERE, "syscall_probe.c")], check=True)
    yield out
    os.unlink(out)
    os.rmdir(os.path.dirname(out))


@pytest.fixture(scope="module")
def disk():
    return whole_disk_of_root()


def sh(cli, *args, script):
    """Runs a shell script in a new container; (exit code, stdout+stderr)."""
    p = cli("run", "--rm", *args, "busybox", "sh", "-c", script)
    return p.returncode, p.stdout + p.stderr


def probe_run(cli, probe, *args, call):
    p = cli("run", "--rm", "-v", probe + ":/probe:ro", *args, "busybox", "/probe", *call)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def status_field(text, name):
    for line in text.splitlines():
        if line.startswith(name + ":"):
            return line.split(":", 1)[1].strip()
    return None


def test_host_disk_can_be_made_but_not_opened(daemon, disk):
    path, major, minor = disk
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, script="mknod /tmp/d b %s %s && head -c 16 /tmp/d; echo rc=$?; "
                                   "mknod /tmp/l b 7 0 && dd if=/tmp/l of=/dev/null count=1; echo rc=$?" % (major, minor))
        assert "Operation not permitted" in out and "rc=0" not in out, out
        # The standard nodes stay usable.
        code, out = sh(cli, script="head -c 4 /dev/zero | wc -c; echo x > /dev/null && echo null-ok")
        assert out.split() == ["4", "null-ok"], out


def test_device_cgroup_lists_dockers_defaults(daemon):
    cid = daemon.cli("run", "-d", "busybox", "sleep", "60", check=True).stdout.strip()
    try:
        with open("/sys/fs/cgroup/devices/mydocker/%s/devices.list" % cid) as f:
            rules = f.read().split("\n")
        assert "a *:* rwm" not in rules
        for want in ("c *:* m", "b *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 136:* rwm", "c 5:2 rwm"):
            assert want in rules, rules
        assert not any(r.startswith("b ") and r != "b *:* m" for r in rules), rules
    finally:
        daemon.cli("rm", "-f", cid)


def test_default_seccomp_refuses_what_docker_refuses(daemon, probe):
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, script="grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status")
        assert status_field(out, "Seccomp") == "2", out
        assert status_field(out, "CapEff") == "00000000a80425fb", out
        for call in (["add_key"], ["keyctl"], ["io_uring_setup"], ["personality_norandom"], ["mbind"],
                     ["move_pages"], ["vsock"], ["unshare_user"], ["unshare_mount"], ["mount_tmpfs"],
                     ["init_module"]):
            got = probe_run(cli, probe, call=call)
            assert got.startswith("errno=1 ") or got.startswith("errno=38 "), (call, got)
        assert probe_run(cli, probe, call=["personality_query"]) == "ok"
        code, out = sh(cli, script="unshare -U -r -m sh -c 'mount -t tmpfs x /mnt' ; echo rc=$?")
        assert "rc=0" not in out, out


def test_ptrace_outside_the_container_and_host_files(daemon, probe):
    # /proc/sys and (where the kernel has it) /proc/sysrq-trigger are read-only.
    targets = ["/proc/sys/vm/drop_caches"] + (["/proc/sysrq-trigger"] if os.path.exists("/proc/sysrq-trigger") else [])
    for target in targets:
        code, out = sh(daemon.cli, script="echo 1 > %s; echo rc=$?" % target)
        assert "Read-only file system" in out and "rc=1" in out, out
    # The daemon's own pid is not even visible; pid 1 is the container's init.
    assert probe_run(daemon.cli, probe, call=["ptrace", str(os.getpid())]).startswith("errno=3 ")


def test_net_admin_only_when_added_and_raw_ping_by_default(daemon):
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, script="ip link add v0 type veth peer name v1; echo rc=$?")
        assert "rc=2" in out or "Operation not permitted" in out, out
        code, out = sh(cli, "--cap-add", "NET_ADMIN", script="ip link add v0 type veth peer name v1 && ip -o link show v0")
        assert code == 0 and "v0@" in out, out
        code, out = sh(cli, script="ping -c 1 -W 2 127.0.0.1 >/dev/null && echo ping-ok")
        assert "ping-ok" in out, out
        code, out = sh(cli, "--cap-drop", "NET_RAW", script="ping -c 1 -W 2 127.0.0.1; echo rc=$?")
        assert "ping-ok" not in out and "rc=0" not in out, out


def test_cap_drop_all_makes_chown_fail(daemon):
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, "--cap-drop", "ALL", script="grep CapEff /proc/self/status; touch /f; chown 5 /f; echo rc=$?")
        assert "0000000000000000" in out and "rc=1" in out and "Operation not permitted" in out, out
        code, out = sh(cli, "--cap-drop", "ALL", "--cap-add", "chown", script="touch /f; chown 5 /f && echo chown-ok")
        assert "chown-ok" in out, out


def host_can_open(path):
    try:
        os.close(os.open(path, os.O_RDONLY))
        return True
    except OSError:
        return False


def test_privileged_gets_mounts_disks_and_every_held_capability(daemon, disk):
    path, major, minor = disk
    with open("/proc/self/status") as f:
        held = status_field(f.read(), "CapBnd")
    # Some sandboxes deny even the host's root the raw disk; a loop device
    # is then the host block device that shows the device cgroup's effect.
    readable = [p for p in (path, "/dev/loop0") if os.path.exists(p) and host_can_open(p)]
    assert readable, "no host block device to read"
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, "--privileged",
                       script="grep -E '^(Seccomp|CapEff):' /proc/self/status; mkdir -p /mnt; "
                              "mount -t tmpfs x /mnt && echo mount-ok; ls -l %s; mount | grep -E ' /sys | /sys/fs/cgroup/memory '; "
                              "for d in %s; do dd if=$d of=/dev/null count=1 && echo read-ok; done"
                              % (path, " ".join(readable)))
        assert code == 0, out
        assert status_field(out, "Seccomp") == "0", out
        assert status_field(out, "CapEff") == held, out
        assert "mount-ok" in out and "%s, %s" % (major, minor.rjust(3)) in out, out
        assert out.count("read-ok") == len(readable), out
        assert "/sys type sysfs (rw" in out and "/sys/fs/cgroup/memory type cgroup (rw" in out, out


def test_seccomp_unconfined_and_no_new_privileges(daemon):
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, "--security-opt", "seccomp=unconfined", script="grep Seccomp: /proc/self/status")
        assert status_field(out, "Seccomp") == "0", out
        code, out = sh(cli, script="grep NoNewPrivs: /proc/self/status")
        assert status_field(out, "NoNewPrivs") == "0", out
        code, out = sh(cli, "--security-opt", "no-new-privileges", script="grep NoNewPrivs: /proc/self/status")
        assert status_field(out, "NoNewPrivs") == "1", out


def test_custom_profile_denies_mkdir_with_its_errno(daemon, tmp_path):
    profile = tmp_path / "deny-mkdir.json"
    profile.write_text(json.dumps({
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]}))
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, "--security-opt", "seccomp=%s" % profile, script="mkdir /newdir; echo rc=$?; touch /f && echo touch-ok")
        assert "Permission denied" in out and "rc=1" in out and "touch-ok" in out, out


def test_device_mapping_and_cgroup_rule(daemon):
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, "--device", "/dev/zero:/dev/myzero",
                       script="ls -l /dev/myzero; head -c 3 /dev/myzero | wc -c")
        assert code == 0 and "1,   5" in out and out.split()[-1] == "3", out
        code, out = sh(cli, "--device-cgroup-rule", "b 7:0 r",
                       script="mknod /tmp/l b 7 0 && dd if=/tmp/l of=/dev/null count=1 2>&1; echo rc=$?")
        assert "Operation not permitted" not in out and "rc=0" in out, out


def test_bad_security_input_is_refused_and_nothing_is_created(daemon, tmp_path):
    before = daemon.cli("ps", "-aq").stdout.split()
    bad_profile = tmp_path / "bad.json"
    bad_profile.write_text('{"defaultAction": "SCMP_ACT_NOPE"}')
    not_json = tmp_path / "not.json"
    not_json.write_text("{nope")
    cases = [
        (["--cap-add", "FOO"], 'unknown capability: "CAP_FOO"'),
        (["--cap-drop", "BAR"], 'unknown capability: "CAP_BAR"'),
        (["--security-opt", "foo=bar"], 'invalid --security-opt 2: "foo=bar"'),
        (["--security-opt", "label=type:svirt_t"], "SELinux"),
        (["--security-opt", "apparmor=docker-default"], "AppArmor"),
        (["--device", "/dev/nonexistent"],
         'error gathering device information while adding custom device "/dev/nonexistent": no such file or directory'),
        (["--security-opt", "seccomp=%s" % bad_profile], "SCMP_ACT_NOPE"),
        (["--security-opt", "seccomp=%s" % not_json], "seccomp"),
    ]
    for cli in (daemon.cli, daemon.docker):
        for args, message in cases:
            p = cli("run", "--rm", *args, "busybox", "true")
            assert p.returncode == 125, (args, p.stdout, p.stderr)
            assert message.lower() in p.stderr.lower(), (args, p.stderr)
    status, body = daemon.api("POST", "/containers/create", {"Image": "busybox", "HostConfig": {"CapAdd": ["FOO"]}})
    assert status == 400 and json.loads(body)["message"] == 'unknown capability: "CAP_FOO"'
    assert daemon.cli("ps", "-aq").stdout.split() == before


def test_exec_keeps_the_containers_confinement(daemon):
    cid = daemon.cli("run", "-d", "--cap-drop", "ALL", "busybox", "sleep", "60", check=True).stdout.strip()
    try:
        out = daemon.docker("exec", cid, "grep", "-E", "^(Seccomp|CapEff):", "/proc/self/status", check=True).stdout
        assert status_field(out, "Seccomp") == "2", out
        assert status_field(out, "CapEff") == "0000000000000000", out
    finally:
        daemon.cli("rm", "-f", cid)


def test_exec_privileged_gets_every_held_capability_under_the_filter(daemon):
    with open("/proc/self/status") as f:
        held = status_field(f.read(), "CapBnd")
    cid = daemon.cli("run", "-d", "busybox", "sleep", "60", check=True).stdout.strip()
    try:
        for cli in (daemon.cli, daemon.docker):
            out = cli("exec", "--privileged", cid, "grep", "-E", "^(Seccomp|CapEff):", "/proc/self/status",
                      check=True).stdout
            assert status_field(out, "CapEff") == held, out
            assert status_field(out, "Seccomp") == "2", out
        out = daemon.cli("exec", cid, "grep", "CapEff:", "/proc/self/status", check=True).stdout
        assert status_field(out, "CapEff") == "00000000a80425fb", out
    finally:
        daemon.cli("rm", "-f", cid)


def test_info_lists_seccomp(daemon):
    info = json.loads(daemon.api("GET", "/info")[1])
    assert "name=seccomp,profile=builtin" in info["SecurityOptions"]
    out = daemon.docker("info", "--format", "{{json .SecurityOptions}}", check=True).stdout
    assert "name=seccomp,profile=builtin" in out


def test_cgroup_filesystem_shows_the_containers_own_cgroup_read_only(daemon):
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, "-m", "64m",
                       script="cat /sys/fs/cgroup/memory/memory.limit_in_bytes; ls /sys/fs/cgroup/cpu/cpu.shares; "
                              "echo 1 > /sys/fs/cgroup/memory/memory.limit_in_bytes; echo rc=$?; "
                              "mkdir /sys/fs/cgroup/x; cat /sys/fs/cgroup/pids/cgroup.procs | wc -l")
        lines = out.split("\n")
        assert lines[0] == str(64 << 20), out
        assert "/sys/fs/cgroup/cpu/cpu.shares" in out and "Read-only file system" in out and "rc=1" in out, out


def test_socket_is_for_its_group_only(request):
    """0660 root:<group>: a user outside the group gets docker's permission
    message (with a hint) from our CLI; one inside it is served."""
    import grp
    from conftest import Daemon
    bindir = os.path.abspath(request.config.getoption("--bindir"))
    root = tempfile.mkdtemp(prefix="mdk", dir="/tmp")
    os.chmod(root, 0o711)  # let other users reach the socket
    nogroup = grp.getgrnam("nogroup").gr_gid
    d = Daemon(bindir, root, ["--group", "nogroup"])
    try:
        d.start()
        st = os.stat(d.sock)
        assert (st.st_mode & 0o777, st.st_uid, st.st_gid) == (0o660, 0, nogroup)
        as_user = ["setpriv", "--reuid=65534", "--regid=4321", "--clear-groups"]
        p = subprocess.run(as_user + [os.path.join(bindir, "mydocker"), "-H", d.host, "version", "--format",
                                      "{{.Server.Version}}"], capture_output=True, text=True)
        assert p.returncode != 0 and "permission denied while trying to connect" in p.stderr, p.stderr
        p = subprocess.run(["setpriv", "--reuid=65534", "--regid=4321", "--groups=%d" % nogroup,
                            os.path.join(bindir, "mydocker"), "-H", d.host, "version", "--format",
                            "{{.Server.Version}}"], capture_output=True, text=True)
        assert p.returncode == 0 and p.stdout.strip(), p.stderr
    finally:
        d.stop()
        subprocess.run(["ip", "link", "del", d.bridge], capture_output=True)
        subprocess.run(["nft", "delete", "table", "ip", d.nft_table], capture_output=True)
        import shutil
        shutil.rmtree(root, ignore_errors=True)
    # A group that does not exist, named explicitly, is an error.
    root2 = tempfile.mkdtemp(prefix="mdk", dir="/tmp")
    p = subprocess.run([os.path.join(bindir, "mydockerd"), "-H", "unix://%s/s.sock" % root2, "--data-root", root2 + "/d",
                        "--exec-root", root2 + "/e", "--group", "no-such-group-mdk"], capture_output=True, text=True,
                       timeout=20)
    import shutil
    shutil.rmtree(root2, ignore_errors=True)
    assert p.returncode != 0 and "group no-such-group-mdk not found" in (p.stdout + p.stderr)


def test_cgroup_namespace_private_and_host(daemon):
    for cli in (daemon.cli, daemon.docker):
        code, out = sh(cli, "--cgroupns", "private", script="grep memory /proc/self/cgroup; readlink /proc/self/ns/cgroup")
        assert code == 0 and out.split("\n")[0].endswith(":memory:/"), out
        assert out.split("\n")[1] != os.readlink("/proc/self/ns/cgroup"), out
        # The host's default on cgroup v1: the host's namespace, the full path.
        code, out = sh(cli, script="grep memory /proc/self/cgroup; readlink /proc/self/ns/cgroup")
        assert code == 0 and ":memory:/mydocker/" in out, out
        assert out.split("\n")[1] == os.readlink("/proc/self/ns/cgroup"), out
        p = cli("run", "--rm", "--cgroupns", "bogus", "busybox", "true")
        assert p.returncode == 125 and "--cgroupns: invalid CGROUP mode" in p.stderr, p.stderr
        p = cli("run", "--rm", "--userns", "remapped", "busybox", "true")
        assert p.returncode == 125 and "--userns: invalid USER mode" in p.stderr, p.stderr
    # The daemon checks the API body too.
    for hc, message in (({"CgroupnsMode": "bogus"}, "invalid cgroup namespace mode: bogus"),
                        ({"UsernsMode": "remapped"}, 'invalid --userns mode "remapped"')):
        status, body = daemon.api("POST", "/containers/create", {"Image": "busybox", "HostConfig": hc})
        assert status == 400 and message in json.loads(body)["message"], body


def test_masked_and_readonly_paths_from_the_api(daemon):
    body = {"Image": "busybox", "Cmd": ["sh", "-c", "cat /etc/hostname | wc -c; echo x > /tmp/ro/f; echo rc=$?"],
            "HostConfig": {"MaskedPaths": ["/etc/hostname"], "ReadonlyPaths": ["/tmp/ro"],
                           "Tmpfs": {"/tmp/ro": ""}}}
    status, created = daemon.api("POST", "/containers/create", body)
    assert status == 201, created
    cid = json.loads(created)["Id"]
    try:
        daemon.cli("start", "-a", cid)
        out = daemon.cli("logs", cid).stdout + daemon.cli("logs", cid).stderr
        assert out.startswith("0\n") and "Read-only file system" in out, out
    finally:
        daemon.cli("rm", "-f", cid)
    status, body = daemon.api("POST", "/containers/create",
                              {"Image": "busybox", "HostConfig": {"MaskedPaths": ["relative/path"]}})
    assert status == 400 and "relative/path" in json.loads(body)["message"]
