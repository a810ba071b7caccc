"""Volumes with real mounts: bind mounts, named and anonymous volumes,
copy-up from the image, --volumes-from chains, tmpfs, read-only roots,
prune semantics and a daemon restart. Driven through the docker CLI and
ours; every test leaves nothing mounted (the fixture's teardown checks)."""
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile

import pytest


def names(d):
    return d.docker("volume", "ls", "-q").stdout.split()


@pytest.fixture(scope="module")
def volimg(daemon):
    """busybox plus /srv/seed (uid 1234, mode 0750, one file) declared as a VOLUME."""
    src = os.path.join(daemon.root, "busybox.tar")
    dst = os.path.join(daemon.root, "volimg.tar")
    shutil.copy(src, dst)
    with tarfile.open(dst, "a") as t:
        for name, kind, mode, data in (("srv", tarfile.DIRTYPE, 0o755, None), ("srv/seed", tarfile.DIRTYPE, 0o750, None),
                                       ("srv/seed/hello.txt", tarfile.REGTYPE, 0o640, b"seeded\n")):
            info = tarfile.TarInfo(name)
            info.type, info.mode = kind, mode
            info.uid = info.gid = 0 if name == "srv" else 1234
            if data:
                info.size = len(data)
            t.addfile(info, io.BytesIO(data) if data else None)
    daemon.cli("import", "-c", "VOLUME /srv/seed", "-c", 'CMD ["sh"]', dst, "volimg", check=True)
    return "volimg"


def test_bind_mounts(daemon):
    host = tempfile.mkdtemp(prefix="mdk-bind-")
    try:
        with open(os.path.join(host, "f"), "w") as f:
            f.write("from-host\n")
        for client in (daemon.cli, daemon.docker):
            assert client("run", "--rm", "-v", host + ":/data", "busybox", "cat", "/data/f").stdout == "from-host\n"
            # Written inside, seen outside.
            client("run", "--rm", "-v", host + ":/data", "busybox", "sh", "-c", "echo back > /data/g", check=True)
            assert open(os.path.join(host, "g")).read() == "back\n"
            # A single file, and several -v at once.
            p = client("run", "--rm", "-v", host + "/f:/hello", "-v", host + ":/other:ro", "busybox", "sh", "-c",
                       "cat /hello; ls /other")
            assert p.stdout == "from-host\nf\ng\n", p.stderr
            p = client("run", "--rm", "-v", host + ":/data:ro", "busybox", "touch", "/data/x")
            assert p.returncode != 0 and "Read-only file system" in p.stderr
            # A bind over an image folder hides what the image has there.
            assert client("run", "--rm", "-v", host + ":/etc", "busybox", "ls", "/etc").stdout == "f\ng\n"
            os.unlink(os.path.join(host, "g"))
        # -v makes a missing host folder; --mount refuses it, as Docker.
        missing = os.path.join(host, "made", "by", "v")
        daemon.docker("run", "--rm", "-v", missing + ":/m", "busybox", "true", check=True)
        assert os.path.isdir(missing)
        p = daemon.docker("run", "--rm", "--mount", "type=bind,source=%s/nope,target=/m" % host, "busybox", "true")
        assert p.returncode == 125 and "bind source path does not exist: %s/nope" % host in p.stderr
        p = daemon.docker("run", "--rm", "--mount", "type=bind,source=%s,target=/m,readonly" % host, "busybox",
                          "sh", "-c", "ls /m; touch /m/x")
        assert "f\n" in p.stdout and "Read-only file system" in p.stderr
        p = daemon.docker("run", "--rm", "--mount", "type=bind,source=%s,target=/m,bind-propagation=rslave" % host,
                          "busybox", "cat", "/m/f")
        assert p.stdout == "from-host\n", p.stderr
    finally:
        shutil.rmtree(host)


def test_bad_mount_specs_are_refused_and_leave_nothing(daemon):
    before = set(names(daemon))
    count = len(daemon.cli("ps", "-aq").stdout.split())
    s, b = daemon.api("POST", "/containers/create", {"Image": "busybox", "HostConfig": {"Binds": ["/tmp:data"]}})
    assert s == 400 and b"invalid mount config" in b and b"'data' mount path must be absolute" in b
    s, b = daemon.api("POST", "/containers/create",
                      {"Image": "busybox", "HostConfig": {"Binds": ["/tmp:/data", "vol-dup:/data"]}})
    assert s == 400 and b"Duplicate mount point: /data" in b
    s, b = daemon.api("POST", "/containers/create", {"Image": "busybox", "HostConfig": {"Binds": ["ok-vol:/a", "/tmp:/b:xx"]}})
    assert s == 400 and b"invalid mode: xx" in b
    s, b = daemon.api("POST", "/containers/create", {"Image": "busybox", "HostConfig": {"VolumesFrom": ["nosuchctr"]}})
    assert s == 404 and b"No such container: nosuchctr" in b
    s, b = daemon.api("POST", "/containers/create",
                      {"Image": "busybox", "HostConfig": {"Mounts": [{"Type": "volume", "Source": "x!", "Target": "/x"}]}})
    assert s == 400 and b"x!" in b
    # Nothing half-made: no container, no volume (ok-vol was never created).
    assert set(names(daemon)) == before
    assert len(daemon.cli("ps", "-aq").stdout.split()) == count
    s, b = daemon.api("POST", "/volumes/create", {"Name": "v"})
    assert s == 400 and b"create v: volume name is too short" in b
    p = daemon.docker("volume", "create", "bad/name")
    assert p.returncode == 1 and "bad/name" in p.stderr


def test_named_volume_persists_and_is_filled_from_the_image(daemon, volimg):
    for client, vol in ((daemon.cli, "mysql-ours"), (daemon.docker, "mysql-docker")):
        # A new, empty volume gets the image's content, owner and mode.
        p = client("run", "--rm", "-v", vol + ":/srv/seed", volimg, "sh", "-c",
                   "stat -c '%u %a' /srv/seed /srv/seed/hello.txt; cat /srv/seed/hello.txt; echo row1 > /srv/seed/db")
        assert p.stdout == "1234 750\n1234 640\nseeded\n", p.stderr
        # The next container finds what the first one wrote (the seeds' MySQL case).
        p = client("run", "--rm", "-v", vol + ":/var/lib/mysql", "busybox", "cat", "/var/lib/mysql/db")
        assert p.stdout == "row1\n"
        info = json.loads(daemon.docker("volume", "inspect", vol).stdout)[0]
        assert info["Mountpoint"] == os.path.join(daemon.data_root, "volumes", vol, "_data")
        assert info["Driver"] == "local" and info["Scope"] == "local" and info["Labels"] is None
        assert open(os.path.join(info["Mountpoint"], "db")).read() == "row1\n"
    # nocopy: left empty.
    assert daemon.docker("run", "--rm", "-v", "empty-one:/srv/seed:nocopy", volimg, "ls", "/srv/seed").stdout == ""
    assert daemon.docker("run", "--rm", "--mount", "type=volume,src=empty-two,dst=/srv/seed,volume-nocopy", volimg,
                         "ls", "/srv/seed").stdout == ""
    # In use (even by a stopped container): 409 naming it; free after rm.
    cid = daemon.docker("create", "-v", "mysql-docker:/d", "busybox", "true").stdout.strip()
    p = daemon.docker("volume", "rm", "mysql-docker")
    assert p.returncode == 1 and "volume is in use" in p.stderr and cid in p.stderr
    daemon.docker("rm", cid, check=True)
    assert daemon.docker("volume", "rm", "mysql-docker", "mysql-ours", "empty-one", "empty-two").returncode == 0
    assert not os.path.exists(os.path.join(daemon.data_root, "volumes", "mysql-docker"))
    p = daemon.docker("volume", "rm", "mysql-docker")
    assert p.returncode == 1 and "no such volume" in p.stderr
    assert daemon.docker("volume", "rm", "-f", "mysql-docker").returncode == 0


def test_anonymous_volumes_rm_v_and_prune(daemon, volimg):
    before = set(names(daemon))
    # The image's VOLUME and -v /path both make 64-hex anonymous volumes.
    cid = daemon.docker("create", "-v", "/extra", volimg, "true").stdout.strip()
    mounts = json.loads(daemon.docker("inspect", "-f", "{{json .Mounts}}", cid).stdout)
    assert sorted(m["Destination"] for m in mounts) == ["/extra", "/srv/seed"]
    for m in mounts:
        assert m["Type"] == "volume" and len(m["Name"]) == 64 and m["Driver"] == "local" and m["RW"] is True
        assert m["Source"] == os.path.join(daemon.data_root, "volumes", m["Name"], "_data")
    anon = {m["Name"] for m in mounts}
    assert anon <= set(names(daemon))
    daemon.docker("rm", "-v", cid, check=True)
    assert set(names(daemon)) == before
    # --rm removes them too; a named volume survives it.
    daemon.docker("run", "--rm", "-v", "/gone", "-v", "kept-vol:/kept", "busybox", "true", check=True)
    assert set(names(daemon)) == before | {"kept-vol"}
    # rm without -v leaves a dangling anonymous volume; prune takes it, not the named one.
    cid = daemon.docker("create", "-v", "/left", "busybox", "true").stdout.strip()
    left = json.loads(daemon.docker("inspect", "-f", "{{json .Mounts}}", cid).stdout)[0]["Name"]
    daemon.docker("rm", cid, check=True)
    assert left in daemon.docker("volume", "ls", "-q", "-f", "dangling=true").stdout.split()
    p = daemon.docker("volume", "prune", "-f")
    assert left in p.stdout and "kept-vol" not in p.stdout
    assert "kept-vol" in names(daemon) and left not in names(daemon)
    p = daemon.docker("volume", "prune", "-f", "-a")
    assert "kept-vol" in p.stdout and "kept-vol" not in names(daemon)


def test_volumes_from_chains(daemon):
    daemon.docker("run", "--name", "vf-a", "-v", "/shared", "-v", "vf-named:/named", "busybox", "sh", "-c",
                  "echo from-a > /shared/x; echo n > /named/y", check=True)
    daemon.docker("create", "--name", "vf-b", "--volumes-from", "vf-a", "busybox", "true", check=True)
    assert daemon.docker("ps", "-a", "--format", "{{.Names}}", "-f", "volume=vf-named").stdout.split() == ["vf-b", "vf-a"]
    assert daemon.docker("ps", "-a", "--format", "{{.Names}}", "-f", "volume=/shared").stdout.split() == ["vf-b", "vf-a"]
    # c takes b's volumes, which are a's: a chain.
    p = daemon.docker("run", "--rm", "--volumes-from", "vf-b", "busybox", "cat", "/shared/x", "/named/y")
    assert p.stdout == "from-a\nn\n", p.stderr
    p = daemon.cli("run", "--rm", "--volumes-from", "vf-a:ro", "busybox", "sh", "-c", "cat /shared/x; touch /shared/z")
    assert p.stdout == "from-a\n" and "Read-only file system" in p.stderr
    # Both users hold the named volume.
    p = daemon.docker("volume", "rm", "vf-named")
    assert p.returncode == 1 and "volume is in use" in p.stderr
    daemon.docker("rm", "-v", "vf-b", "vf-a", check=True)
    daemon.docker("volume", "rm", "vf-named", check=True)


def test_tmpfs_mounts_and_read_only_root(daemon):
    for client in (daemon.cli, daemon.docker):
        p = client("run", "--rm", "--read-only", "--tmpfs", "/run:size=1m,mode=1777", "busybox", "sh", "-c",
                   "touch /run/ok && echo tmpfs-ok; stat -c %a /run; df -k /run | tail -1; touch /nope")
        assert p.stdout.startswith("tmpfs-ok\n1777\ntmpfs") and " 1024 " in p.stdout, p.stdout
        assert "Read-only file system" in p.stderr
        p = client("run", "--rm", "--mount", "type=tmpfs,target=/t,tmpfs-size=2m", "busybox", "sh", "-c",
                   "mount | grep ' /t '")
        assert "tmpfs on /t type tmpfs" in p.stdout and "size=2048k" in p.stdout, p.stdout
    p = daemon.docker("run", "--rm", "--mount", "type=tmpfs,source=/x,target=/t", "busybox", "true")
    assert p.returncode == 125


def test_local_driver_options_mount_while_used(daemon):
    p = daemon.docker("volume", "create", "-d", "local", "--label", "team=db", "-o", "type=tmpfs", "-o", "device=tmpfs",
                      "-o", "o=size=3m", "fastvol")
    assert p.stdout.strip() == "fastvol", p.stderr
    info = json.loads(daemon.docker("volume", "inspect", "fastvol").stdout)[0]
    assert info["Options"] == {"device": "tmpfs", "o": "size=3m", "type": "tmpfs"} and info["Labels"] == {"team": "db"}
    assert daemon.docker("volume", "ls", "-q", "-f", "label=team=db").stdout.split() == ["fastvol"]
    assert daemon.docker("volume", "ls", "-q", "-f", "name=fastv").stdout.split() == ["fastvol"]
    p = daemon.docker("run", "--rm", "-v", "fastvol:/fast", "busybox", "sh", "-c", "df -k /fast | tail -1")
    assert " 3072 " in p.stdout, p.stdout
    # Mounted on the host only while a container uses it.
    mp = info["Mountpoint"]
    with open("/proc/self/mountinfo") as f:
        assert not any(l.split()[4] == mp for l in f)
    p = daemon.docker("volume", "create", "-o", "bogus=1", "badopts")
    assert p.returncode == 1 and "bogus" in p.stderr
    daemon.docker("volume", "rm", "fastvol", check=True)


def test_volumes_survive_a_daemon_restart(daemon):
    daemon.docker("run", "--rm", "-v", "durable:/d", "busybox", "sh", "-c", "echo kept > /d/f", check=True)
    cid = daemon.docker("create", "-v", "durable:/d", "busybox", "cat", "/d/f").stdout.strip()
    daemon.stop()
    daemon.start()
    assert "durable" in names(daemon)
    assert daemon.docker("start", "-a", cid).stdout == "kept\n"
    p = daemon.docker("volume", "rm", "durable")
    assert p.returncode == 1 and "volume is in use" in p.stderr  # users are known again after the restart
    daemon.docker("rm", cid, check=True)
    daemon.docker("volume", "rm", "durable", check=True)


def test_image_symlinks_cannot_send_mounts_out_of_the_root(daemon):
    """A hostile image whose /escape is a symlink to a host path: mounting
    at /escape/sub must stay inside the container's root."""
    target = tempfile.mkdtemp(prefix="mdk-escape-")
    os.rmdir(target)  # the host path must not come into being
    src = os.path.join(daemon.root, "busybox.tar")
    dst = os.path.join(daemon.root, "evil.tar")
    shutil.copy(src, dst)
    with tarfile.open(dst, "a") as t:
        for name, link in (("escape", target), ("efile", target + "-file")):
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, link
            t.addfile(info)
    daemon.cli("import", dst, "evil", check=True)
    host = tempfile.mkdtemp(prefix="mdk-bind-")
    try:
        with open(os.path.join(host, "f"), "w") as f:
            f.write("x\n")
        p = daemon.docker("run", "--rm", "-v", "evilvol:/escape/sub", "-v", host + "/f:/efile", "evil", "sh", "-c",
                          "readlink -f /escape/sub && cat /efile")
        assert not os.path.exists(target) and not os.path.exists(target + "-file")
        # Inside, the symlinks resolve within the root: the mounts are there.
        assert p.returncode == 0 and p.stdout == target + "/sub\nx\n", (p.stdout, p.stderr)
    finally:
        shutil.rmtree(host)
        daemon.docker("volume", "rm", "evilvol")
        daemon.cli("rmi", "evil")


def test_volume_commands_print_as_docker_does(daemon):
    """Our CLI against the real docker CLI on the same daemon: same output."""
    for client, name in ((daemon.cli, "ours-vol"), (daemon.docker, "docker-vol")):
        p = client("volume", "create", "--label", "a=1", "--label", "b=2", name)
        assert p.stdout == name + "\n", p.stderr
    anon = daemon.cli("volume", "create").stdout.strip()
    assert len(anon) == 64
    for args in (["volume", "ls"], ["volume", "ls", "-q"], ["volume", "ls", "-f", "label=a=1"],
                 ["volume", "ls", "--format", "{{.Name}}: {{.Label \"a\"}} {{.Label \"b\"}} {{.Scope}}"],
                 ["volume", "ls", "--format", "table {{.Name}}\t{{.Driver}}\t{{.Mountpoint}}"],
                 ["volume", "inspect", "ours-vol", "docker-vol"], ["volume", "inspect", "-f", "{{.Mountpoint}}", "ours-vol"],
                 ["volume", "inspect", "nosuch-vol"], ["volume", "rm", "nosuch-vol"], ["volume", "create", "x"]):
        ours, theirs = daemon.cli(*args), daemon.docker(*args)
        assert (ours.stdout, ours.stderr, ours.returncode) == (theirs.stdout, theirs.stderr, theirs.returncode), args
    assert "DRIVER    VOLUME NAME\n" in daemon.cli("volume", "ls").stdout
    # docker joins .Labels in Go's random map order; ours sorts them.
    assert "ours-vol: a=1,b=2" in daemon.cli("volume", "ls", "--format", "{{.Name}}: {{.Labels}}").stdout
    # rm prints each name; prune reports what it deleted.
    assert daemon.cli("volume", "rm", "ours-vol", "docker-vol").stdout == "ours-vol\ndocker-vol\n"
    # A nameless `volume create` is not anonymous (as Docker): only -a prunes it.
    assert daemon.cli("volume", "prune", "-f").stdout == "Total reclaimed space: 0B\n"
    p = daemon.cli("volume", "prune", "-f", "-a")
    assert p.stdout == "Deleted Volumes:\n%s\n\nTotal reclaimed space: 0B\n" % anon, p.stdout
    assert daemon.cli("volume", "prune", "-f").stdout == daemon.docker("volume", "prune", "-f").stdout == \
        "Total reclaimed space: 0B\n"
    # Without -f it asks, and "n" keeps everything.
    daemon.cli("volume", "create", "asked-vol", check=True)
    p = daemon.cli("volume", "prune", "-a", input="n\n")
    assert "WARNING! This will remove all local volumes not used by at least one container." in p.stdout
    assert "asked-vol" in daemon.cli("volume", "ls", "-q").stdout.split()
    daemon.cli("volume", "rm", "asked-vol", check=True)
