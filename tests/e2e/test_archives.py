"""save / load / export against our daemon, with our CLI, the docker CLI and
skopeo: round trips keep ids and tags, archives written by others load,
hostile or broken archives leave nothing behind."""
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time

import pytest

SKOPEO = shutil.which("skopeo")


def ok(p):
    assert p.returncode == 0, "rc=%d\nstdout: %s\nstderr: %s" % (p.returncode, p.stdout, p.stderr)
    return p


def image_id(daemon, ref):
    return ok(daemon.cli("image", "inspect", "--format", "{{.Id}}", ref)).stdout.strip()


def image_ids(daemon):
    return sorted(set(ok(daemon.cli("images", "-q", "--no-trunc")).stdout.split()))


def layer_count(daemon):
    return len(os.listdir(os.path.join(daemon.data_root, "image", "overlay2", "layerdb", "sha256")))


@pytest.fixture(scope="module")
def work():
    d = tempfile.mkdtemp(prefix="mdkarc", dir="/tmp")
    yield d
    shutil.rmtree(d, ignore_errors=True)


@pytest.fixture(scope="module")
def base(daemon, work):
    """An image of our own (busybox plus /marker), so that removing it never
    touches the busybox other tests use."""
    name = "arcctr-base"
    ok(daemon.cli("run", "--name", name, "busybox", "sh", "-c", "echo marker-content > /marker"))
    tar = os.path.join(work, "base-fs.tar")
    ok(daemon.cli("export", "-o", tar, name))
    ok(daemon.cli("rm", name))
    ok(daemon.cli("import", "-c", 'CMD ["/bin/sh"]', tar, "arc-base:1"))
    return "arc-base:1"


def test_save_rmi_load_round_trip(daemon, work, base):
    ok(daemon.cli("tag", base, "arc-rt:v1"))
    ok(daemon.cli("tag", base, "arc-rt:v2"))
    want = image_id(daemon, "arc-rt:v1")
    out = os.path.join(work, "rt.tar")
    ok(daemon.cli("save", "-o", out, "arc-rt:v1", "arc-rt:v2"))
    with tarfile.open(out) as t:
        names = t.getnames()
        manifest = json.load(t.extractfile("manifest.json"))
        index = json.load(t.extractfile("index.json"))
        config = json.load(t.extractfile(manifest[0]["Config"]))
        for i, layer in enumerate(manifest[0]["Layers"]):
            digest = "sha256:" + hashlib.sha256(t.extractfile(layer).read()).hexdigest()
            assert digest == config["rootfs"]["diff_ids"][i]  # uncompressed: blob digest is the diff id
    assert {"oci-layout", "index.json", "manifest.json", "repositories"} <= set(names)
    assert manifest[0]["Config"] == "blobs/sha256/" + want[7:]
    assert sorted(manifest[0]["RepoTags"]) == ["arc-rt:v1", "arc-rt:v2"]
    assert sorted(m["annotations"]["io.containerd.image.name"] for m in index["manifests"]) == [
        "docker.io/library/arc-rt:v1", "docker.io/library/arc-rt:v2"]

    ok(daemon.cli("rmi", "arc-rt:v1", "arc-rt:v2", base))
    assert want not in image_ids(daemon)
    p = ok(daemon.cli("load", "-i", out))
    assert sorted(p.stdout.splitlines()) == ["Loaded image: arc-rt:v1", "Loaded image: arc-rt:v2"]
    assert image_id(daemon, "arc-rt:v1") == want and image_id(daemon, "arc-rt:v2") == want
    p = ok(daemon.cli("run", "--rm", "arc-rt:v1", "cat", "/marker"))
    assert p.stdout.strip() == "marker-content"
    ok(daemon.cli("tag", "arc-rt:v1", base))
    # Loading what is already there changes nothing and says the same.
    with open(out, "rb") as f:
        p = ok(daemon.cli("load", "-q", input=f.read()))
    assert b"Loaded image: arc-rt:v1" in p.stdout


def test_save_by_id_is_untagged(daemon, work, base):
    want = image_id(daemon, base)
    out = os.path.join(work, "byid.tar")
    ok(daemon.cli("image", "save", "-o", out, want[7:19]))
    with tarfile.open(out) as t:
        assert json.load(t.extractfile("manifest.json"))[0]["RepoTags"] is None
    p = ok(daemon.cli("image", "load", "-i", out))
    assert p.stdout.strip() == "Loaded image ID: " + want


def test_docker_cli_save_load(daemon, work, base):
    ok(daemon.docker("tag", base, "arc-dk:1"))
    want = image_id(daemon, "arc-dk:1")
    out = os.path.join(work, "docker.tar")
    ok(daemon.docker("save", "-o", out, "arc-dk:1"))
    with open(out, "rb") as f:
        streamed = subprocess.run([daemon.bindir + "/mydocker", "-H", daemon.host, "save", "arc-dk:1"],
                                  capture_output=True).stdout
        assert streamed == f.read()  # the same bytes, to a file or to stdout
    ok(daemon.docker("rmi", "arc-dk:1"))
    ours = ok(daemon.cli("load", "-i", out)).stdout
    ok(daemon.docker("rmi", "arc-dk:1"))
    theirs = ok(daemon.docker("load", "-i", out)).stdout
    assert ours == theirs == "Loaded image: arc-dk:1\n"
    ok(daemon.docker("rmi", "arc-dk:1"))
    p = ok(daemon.docker("image", "load", input=streamed))  # from stdin
    assert p.stdout == b"Loaded image: arc-dk:1\n"
    assert image_id(daemon, "arc-dk:1") == want
    p = ok(daemon.docker("run", "--rm", "arc-dk:1", "cat", "/marker"))
    assert p.stdout.strip() == "marker-content"


def test_cli_errors_match_docker(daemon, work):
    for tool in (daemon.cli, daemon.docker):
        p = tool("save", "arc-no-such:1")
        assert p.returncode == 1 and p.stderr.strip() == "Error response from daemon: No such image: arc-no-such:1"
        p = tool("save", "-o", "/nonexistent-dir/x.tar", "busybox")
        assert p.returncode == 1
        assert p.stderr.strip() == "failed to save image: invalid output path: stat /nonexistent-dir: no such file or directory"
        p = tool("load", "-i", "/nonexistent.tar")
        assert p.returncode == 1 and p.stderr.strip() == "open /nonexistent.tar: no such file or directory"
        p = tool("export", "arc-no-such-container")
        assert p.returncode == 1 and p.stderr.strip() == "Error response from daemon: No such container: arc-no-such-container"
    for argv in (["save", "busybox"], ["export", "x"]):
        p = subprocess.run(["script", "-qec", " ".join([daemon.bindir + "/mydocker", "-H", daemon.host] + argv),
                            "/dev/null"], capture_output=True, text=True)
        assert "cowardly refusing to save to a terminal. Use the -o flag or redirect" in p.stdout


@pytest.mark.skipif(not SKOPEO, reason="skopeo is not installed")
def test_skopeo_reads_our_archive_and_writes_one_we_load(daemon, work, base):
    ours = os.path.join(work, "for-skopeo.tar")
    ok(daemon.cli("save", "-o", ours, base))
    info = json.loads(ok(subprocess.run([SKOPEO, "inspect", "docker-archive:" + ours], capture_output=True,
                                        text=True)).stdout)
    layers = json.loads(ok(daemon.cli("image", "inspect", base)).stdout)[0]["RootFS"]["Layers"]
    assert info["Layers"] == layers
    oci = os.path.join(work, "oci-from-ours")
    ok(subprocess.run([SKOPEO, "copy", "docker-archive:" + ours, "oci:%s:x" % oci], capture_output=True, text=True))
    theirs = os.path.join(work, "by-skopeo.tar")
    ok(subprocess.run([SKOPEO, "copy", "oci:%s:x" % oci, "docker-archive:%s:arc-skopeo:v1" % theirs],
                      capture_output=True, text=True))
    p = ok(daemon.cli("load", "-i", theirs))
    assert p.stdout == "Loaded image: arc-skopeo:v1\n"
    p = ok(daemon.cli("run", "--rm", "arc-skopeo:v1", "cat", "/marker"))
    assert p.stdout.strip() == "marker-content"


@pytest.mark.skipif(not SKOPEO, reason="skopeo is not installed")
def test_oci_layout_only_archive_with_gzip_layers(daemon, work, base):
    ours = os.path.join(work, "for-oci.tar")
    ok(daemon.cli("save", "-o", ours, base))
    oci = os.path.join(work, "oci-gzip")
    ok(subprocess.run([SKOPEO, "copy", "--dest-compress", "docker-archive:" + ours, "oci:%s:arc-oci:gz" % oci],
                      capture_output=True, text=True))
    with open(os.path.join(oci, "index.json")) as f:
        index = json.load(f)
    with open(os.path.join(oci, "blobs", "sha256", index["manifests"][0]["digest"][7:])) as f:
        assert "gzip" in json.load(f)["layers"][0]["mediaType"]
    layout = os.path.join(work, "oci-only.tar")
    with tarfile.open(layout, "w") as t:
        t.add(oci, arcname=".")
    assert "manifest.json" not in [os.path.basename(n) for n in tarfile.open(layout).getnames()]
    p = ok(daemon.cli("load", "-i", layout))
    assert p.stdout == "Loaded image: arc-oci:gz\n"
    p = ok(daemon.cli("run", "--rm", "arc-oci:gz", "cat", "/marker"))
    assert p.stdout.strip() == "marker-content"


@pytest.mark.skipif(not SKOPEO, reason="skopeo is not installed")
def test_oci_layout_with_zstd_layers_loads_and_saves_again(daemon, work, base):
    ours = os.path.join(work, "for-zstd.tar")
    ok(daemon.cli("save", "-o", ours, base))
    oci = os.path.join(work, "oci-zstd")
    ok(subprocess.run([SKOPEO, "copy", "--dest-compress-format", "zstd", "docker-archive:" + ours,
                       "oci:%s:arc-oci:zst" % oci], capture_output=True, text=True))
    layout = os.path.join(work, "oci-zstd.tar")
    with tarfile.open(layout, "w") as t:
        t.add(oci, arcname=".")
    p = ok(daemon.cli("load", "-i", layout))
    assert p.stdout == "Loaded image: arc-oci:zst\n"
    assert ok(daemon.cli("run", "--rm", "arc-oci:zst", "cat", "/marker")).stdout.strip() == "marker-content"
    # Saved again, its layers are the plain tars the config names.
    again = os.path.join(work, "zstd-again.tar")
    ok(daemon.cli("save", "-o", again, "arc-oci:zst"))
    with tarfile.open(again) as t:
        manifest = json.load(t.extractfile("manifest.json"))[0]
        config = json.load(t.extractfile(manifest["Config"]))
        digests = ["sha256:" + hashlib.sha256(t.extractfile(l).read()).hexdigest() for l in manifest["Layers"]]
    assert digests == config["rootfs"]["diff_ids"]


def test_load_moves_a_tag_as_docker_says(daemon, work, base):
    old = image_id(daemon, "busybox")
    ok(daemon.cli("tag", "busybox", "arc-move:1"))
    ok(daemon.cli("tag", base, "arc-moving:1"))
    out = os.path.join(work, "move.tar")
    ok(daemon.cli("save", "-o", out, "arc-moving:1"))
    with tarfile.open(out) as t:
        members = [(m, t.extractfile(m).read() if m.isfile() else None) for m in t.getmembers()]
    members = [(m, json.dumps([dict(json.loads(d)[0], RepoTags=["arc-move:1"])]).encode())
               if m.name == "manifest.json" else (m, d) for m, d in members]
    p = ok(load_bytes(daemon, tar_bytes(members)))
    assert p.stdout.decode() == ("The image arc-move:1 already exists, renaming the old one with ID %s to empty string\n"
                                 "Loaded image: arc-move:1\n" % old)
    assert image_id(daemon, "arc-move:1") == image_id(daemon, base)
    ok(daemon.cli("rmi", "arc-move:1", "arc-moving:1"))


def test_save_several_images_via_api(daemon, work, base):
    status, body = daemon.api("GET", "/images/get?names=%s&names=busybox:latest" % base)
    assert status == 200
    with tarfile.open(fileobj=io.BytesIO(body)) as t:
        manifest = json.load(t.extractfile("manifest.json"))
    assert sorted(tag for m in manifest for tag in m["RepoTags"]) == sorted([base, "busybox:latest"])
    status, body = daemon.api("GET", "/images/%s/get" % base)
    assert status == 200 and tarfile.open(fileobj=io.BytesIO(body)).getmember("index.json")
    status, body = daemon.api("GET", "/images/get?names=arc-nope:9")
    assert status == 404 and json.loads(body)["message"] == "No such image: arc-nope:9"
    status, body = daemon.api("POST", "/images/load?quiet=1", body=open(os.path.join(work, "rt.tar"), "rb").read())
    assert status == 200 and [json.loads(l) for l in body.decode().split("\r\n") if l][0]["stream"].startswith("Loaded image")


def test_export_has_what_the_container_wrote_not_what_it_deleted(daemon, work):
    ok(daemon.cli("run", "--name", "arc-exp", "busybox", "sh", "-c",
                  "echo written > /written.txt && rm /etc/group && rm -rf /usr/sbin && mkdir /usr/sbin && touch /usr/sbin/only"))
    out = os.path.join(work, "exp.tar")
    ok(daemon.cli("export", "-o", out, "arc-exp"))
    with tarfile.open(out) as t:
        names = set(n.rstrip("/") for n in t.getnames())
        assert t.extractfile("written.txt").read() == b"written\n"
    assert "written.txt" in names and "bin/busybox" in names and "etc/passwd" in names
    assert "etc/group" not in names
    assert not any(".wh." in n for n in names)
    assert [n for n in names if n.startswith("usr/sbin/")] == ["usr/sbin/only"]  # opaque: nothing from below
    ok(daemon.cli("rm", "arc-exp"))

    # A running container, through the docker CLI, to stdout.
    ok(daemon.cli("run", "-d", "--name", "arc-exp-run", "busybox", "sh", "-c", "echo live > /live.txt; sleep 60"))
    try:
        for _ in range(100):
            p = subprocess.run(["/usr/local/bin/docker", "-H", daemon.host, "container", "export", "arc-exp-run"],
                               capture_output=True)
            assert p.returncode == 0, p.stderr
            with tarfile.open(fileobj=io.BytesIO(p.stdout)) as t:
                if "live.txt" in t.getnames():
                    assert t.extractfile("live.txt").read() == b"live\n"
                    break
        else:
            raise AssertionError("live.txt never showed in the export")
    finally:
        daemon.cli("rm", "-f", "arc-exp-run")


def test_a_container_outlives_its_force_deleted_image(daemon, work, base):
    """rmi -f with a stopped user: ps shows the image's short id (as Docker),
    and the container still exports and starts from the layers kept for it."""
    ok(daemon.cli("import", "-c", "LABEL doomed=1", os.path.join(work, "base-fs.tar"), "arc-doomed:1"))
    ok(daemon.cli("create", "--name", "arc-orphan", "arc-doomed:1", "cat", "/marker"))
    short = image_id(daemon, "arc-doomed:1")[7:19]
    ok(daemon.cli("rmi", "-f", "arc-doomed:1"))
    try:
        for cli in (daemon.cli, daemon.docker):
            p = cli("ps", "-a", "--filter", "name=arc-orphan", "--format", "{{.Image}}")
            assert p.stdout.strip() == short, p.stdout
        out = os.path.join(work, "orphan.tar")
        ok(daemon.cli("export", "-o", out, "arc-orphan"))
        with tarfile.open(out) as t:
            assert t.extractfile("marker").read() == b"marker-content\n"
        p = daemon.cli("start", "-a", "arc-orphan")
        assert p.stdout == "marker-content\n", p.stdout + p.stderr
    finally:
        daemon.cli("rm", "-f", "arc-orphan")


# --- archives written by hand ---------------------------------------------

def tar_bytes(members):
    """members: (TarInfo, bytes or None) pairs."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for info, data in members:
            if data is not None:
                info.size = len(data)
            t.addfile(info, io.BytesIO(data) if data is not None else None)
    return buf.getvalue()


def file_member(name, data, mode=0o644):
    info = tarfile.TarInfo(name)
    info.mode = mode
    return info, data


def link_member(name, target, kind=tarfile.SYMTYPE):
    info = tarfile.TarInfo(name)
    info.type = kind
    info.linkname = target
    return info, None


def image_archive(layers, tag="arc-hand:1", legacy=False, diff_ids=None, extra=()):
    """A Docker archive of the given layer tars (bytes), its config listing
    their digests (or diff_ids when given)."""
    digests = ["sha256:" + hashlib.sha256(l).hexdigest() for l in layers]
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/bin/sh"]},
                         "rootfs": {"type": "layers", "diff_ids": diff_ids or digests}}).encode()
    config_hex = hashlib.sha256(config).hexdigest()
    members, paths = [], []
    for l, d in zip(layers, digests):
        path = "%s/layer.tar" % d[7:] if legacy else "blobs/sha256/" + d[7:]
        if path not in paths:
            members.append(file_member(path, l))
        paths.append(path)
    members.append(file_member("%s.json" % config_hex if legacy else "blobs/sha256/" + config_hex, config))
    manifest = [{"Config": members[-1][0].name, "RepoTags": [tag] if tag else None, "Layers": paths}]
    members.append(file_member("manifest.json", json.dumps(manifest).encode()))
    return tar_bytes(members + list(extra)), "sha256:" + config_hex


def load_bytes(daemon, data):
    return daemon.cli("load", input=data)


def test_legacy_archive_with_linked_layer_tar(daemon):
    layer = tar_bytes([file_member("hello.txt", b"hi\n")])
    d = hashlib.sha256(layer).hexdigest()
    archive, want = image_archive([layer], tag="arc-legacy:1", legacy=True)
    # A second image whose layer.tar is a link to the first one's, as old docker wrote them.
    config = json.dumps({"architecture": "amd64", "os": "linux", "config": {},
                         "rootfs": {"type": "layers", "diff_ids": ["sha256:" + d, "sha256:" + d]}}).encode()
    chex = hashlib.sha256(config).hexdigest()
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        members = [(m, t.extractfile(m).read()) for m in t.getmembers() if m.name != "manifest.json"]
        manifest = json.load(t.extractfile("manifest.json"))
    manifest.append({"Config": chex + ".json", "RepoTags": ["arc-legacy:2"],
                     "Layers": [d + "/layer.tar", "second/layer.tar"]})
    members += [link_member("second", d), file_member(chex + ".json", config),
                file_member("manifest.json", json.dumps(manifest).encode())]
    p = ok(load_bytes(daemon, tar_bytes(members)))
    assert p.stdout == b"Loaded image: arc-legacy:1\nLoaded image: arc-legacy:2\n"
    assert image_id(daemon, "arc-legacy:1") == want
    info = json.loads(ok(daemon.cli("image", "inspect", "arc-legacy:2")).stdout)[0]
    assert len(info["RootFS"]["Layers"]) == 2
    ok(daemon.cli("rmi", "arc-legacy:1", "arc-legacy:2"))


def assert_refused_leaving_nothing(daemon, data, outside, message=None):
    before_images, before_layers = image_ids(daemon), layer_count(daemon)
    p = load_bytes(daemon, data)
    assert p.returncode == 1, p.stdout
    assert p.stderr.startswith(b"Error response from daemon: "), p.stderr
    if message:
        assert message.encode() in p.stderr, p.stderr
    for path in outside:
        assert not os.path.lexists(path), path
    assert image_ids(daemon) == before_images
    assert layer_count(daemon) == before_layers
    # The request body goes just after the response: give it a moment.
    tmp = os.path.join(daemon.data_root, "tmp")
    for _ in range(100):
        if not os.listdir(tmp):
            break
        time.sleep(0.02)
    assert os.listdir(tmp) == []


def test_hostile_archives_write_nothing_outside(daemon, work):
    tag = os.urandom(4).hex()
    # The archive's own member climbing out.
    escapes = [os.path.join(daemon.data_root, "escaped-" + tag), os.path.join(daemon.data_root, "tmp", "escaped-" + tag)]
    layer = tar_bytes([file_member("ok.txt", b"ok")])
    archive, _ = image_archive([layer], extra=[file_member("../escaped-" + tag, b"x"),
                                               file_member("../../../../../../../../tmp/escaped-" + tag, b"x")])
    assert_refused_leaving_nothing(daemon, archive, escapes + ["/tmp/escaped-" + tag], "outside the archive")

    # A layer whose member climbs out of the layer.
    layer = tar_bytes([file_member("../../../../../../../../../tmp/layer-escaped-" + tag, b"x")])
    assert_refused_leaving_nothing(daemon, image_archive([layer])[0], ["/tmp/layer-escaped-" + tag], "escapes")

    # A symlink to an absolute folder outside, then a file written through it.
    target = os.path.join(work, "symlink-target-" + tag)
    os.mkdir(target)
    # libarchive replaces the planted link by a folder of the layer: the
    # load may succeed, but the file lands inside the layer only.
    layer = tar_bytes([link_member("evil", target), file_member("evil/pwned", b"x")])
    p = load_bytes(daemon, image_archive([layer], tag="arc-evil:1")[0])
    assert not os.path.lexists(os.path.join(target, "pwned"))
    assert os.listdir(target) == []
    if p.returncode == 0:
        ok(daemon.cli("rmi", "arc-evil:1"))

    # A hard link to a file outside the layer.
    layer = tar_bytes([link_member("hl", "../../../../../../../../etc/hostname", tarfile.LNKTYPE)])
    assert_refused_leaving_nothing(daemon, image_archive([layer])[0], [], "escapes the layer")

    # The manifest pointing at a link that leaves the archive.
    layer = tar_bytes([file_member("ok.txt", b"ok")])
    d = "sha256:" + hashlib.sha256(layer).hexdigest()
    archive, _ = image_archive([layer], legacy=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as t:
        members = [(m, t.extractfile(m).read()) for m in t.getmembers()
                   if not m.name.endswith("layer.tar")]
    members.append(link_member(d[7:] + "/layer.tar", "/etc/hostname"))
    assert_refused_leaving_nothing(daemon, tar_bytes(members), [], "no file")


def test_broken_archives_register_nothing(daemon, work, base):
    good = os.path.join(work, "for-truncation.tar")
    ok(daemon.cli("save", "-o", good, base))
    with open(good, "rb") as f:
        data = f.read()
    assert_refused_leaving_nothing(daemon, data[:len(data) // 2], [], "invalid archive")
    assert_refused_leaving_nothing(daemon, b"not a tar at all" * 100, [], "invalid archive")
    assert_refused_leaving_nothing(daemon, tar_bytes([file_member("hello", b"x")]), [],
                                   "neither manifest.json nor index.json")
    # A layer whose digest is not the one the config lists.
    layer = tar_bytes([file_member("a.txt", b"a")])
    archive, _ = image_archive([layer], diff_ids=["sha256:" + "0" * 64])
    assert_refused_leaving_nothing(daemon, archive, [], "invalid diffID for layer 0")
    # A config that lists more layers than the manifest has.
    archive, _ = image_archive([layer], diff_ids=["sha256:" + "0" * 64, "sha256:" + "1" * 64])
    assert_refused_leaving_nothing(daemon, archive, [], "its config lists 2")


def test_load_gzip_compressed_archive(daemon, work, base):
    good = os.path.join(work, "for-gzip.tar")
    ok(daemon.cli("save", "-o", good, base))
    with open(good, "rb") as f:
        data = f.read()
    import gzip
    p = ok(load_bytes(daemon, gzip.compress(data)))
    assert p.stdout == ("Loaded image: %s\n" % base).encode()


def test_export_and_save_load_with_vfs(vfs_daemon, tmp_path):
    d = vfs_daemon
    ok(d.cli("run", "--name", "arc-vfs", "busybox", "sh", "-c", "echo vfs > /v.txt && rm /etc/group"))
    out = str(tmp_path / "vfs.tar")
    ok(d.cli("export", "-o", out, "arc-vfs"))
    with tarfile.open(out) as t:
        names = set(n.rstrip("/") for n in t.getnames())
        assert t.extractfile("v.txt").read() == b"vfs\n"
    assert "etc/group" not in names and "bin/busybox" in names
    ok(d.cli("rm", "arc-vfs"))
    want = image_id(d, "busybox")
    saved = str(tmp_path / "bb.tar")
    ok(d.cli("save", "-o", saved, "busybox"))
    ok(d.cli("rmi", "busybox"))
    assert ok(d.cli("load", "-i", saved)).stdout == "Loaded image: busybox:latest\n"
    assert image_id(d, "busybox") == want
    assert ok(d.cli("run", "--rm", "busybox", "echo", "ok")).stdout == "ok\n"
