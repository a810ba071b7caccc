"""The image store as Docker's: list filters, history, rmi semantics, prune
and system df, through the raw API, our CLI and the docker CLI. Every image
here is the fixture's busybox tar imported under another name, or that tar
with one extra file (a layer of its own). Tests on the shared daemon only
touch images named imgt-*; prune and df get a daemon of their own, since
`image prune -a` and whole-store numbers would see everyone's images."""
import io
import json
import os
import shutil
import signal
import tarfile
import time
import urllib.parse

import pytest

from conftest import start_daemon_with_busybox, teardown_daemon


def q(obj):
    return urllib.parse.quote(json.dumps(obj))


def api_json(d, method, path):
    status, body = d.api(method, path)
    return status, json.loads(body) if body else None


def own_layer_tar(d, name):
    """busybox plus /imgt/<name>: the same base, one more distinct layer."""
    dst = os.path.join(d.root, name + ".tar")
    shutil.copy(os.path.join(d.root, "busybox.tar"), dst)
    with tarfile.open(dst, "a") as t:
        data = ("layer of %s\n" % name).encode()
        info = tarfile.TarInfo("imgt-" + name + ".txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    return dst


def import_image(d, ref, tar=None, *flags):
    p = d.cli("import", *flags, tar or os.path.join(d.root, "busybox.tar"), ref, check=True)
    return p.stdout.strip()


def image_id(d, ref):
    return d.docker("image", "inspect", "--format", "{{.Id}}", ref, check=True).stdout.strip()


def layer_dirs(d):
    base = os.path.join(d.data_root, "image", "overlay2", "layerdb", "sha256")
    return set(os.listdir(base))


def same_output(d, *args, tries=3):
    """Our CLI's and docker's stdout for the same command. A column of
    "N seconds ago" may tick between the two runs: a few tries."""
    for _ in range(tries):
        ours, theirs = d.cli(*args), d.docker(*args)
        assert ours.returncode == theirs.returncode == 0, (ours.stderr, theirs.stderr)
        if ours.stdout == theirs.stdout:
            return ours.stdout
    assert ours.stdout == theirs.stdout
    return ours.stdout


def test_list_filters(daemon):
    d = daemon
    first = import_image(d, "imgt-dang:v1")
    second = import_image(d, "imgt-dang:v1")  # takes the tag: the first is dangling now
    labeled = import_image(d, "imgt-lab:1.0", None, "-c", "LABEL imgtest=yes", "-c", "LABEL other=x")
    d.cli("tag", "imgt-lab:1.0", "imgt-lab:2.0", check=True)

    def ids(filters, **extra):
        query = "?filters=" + q(filters) + "".join("&%s=%s" % kv for kv in extra.items())
        status, out = api_json(d, "GET", "/images/json" + query)
        assert status == 200, out
        return {i["Id"]: i for i in out}

    dangling = ids({"dangling": ["true"]})
    assert first in dangling and second not in dangling and labeled not in dangling
    assert dangling[first]["RepoTags"] == [] and dangling[first]["RepoDigests"] == []
    tagged = ids({"dangling": ["false"]})
    assert first not in tagged and second in tagged
    # Older API versions got "<none>" placeholders for untagged images.
    status, old = api_json(d, "GET", "/v1.43/images/json?filters=" + q({"dangling": ["true"]}))
    entry = [i for i in old if i["Id"] == first][0]
    assert entry["RepoTags"] == ["<none>:<none>"] and entry["RepoDigests"] == ["<none>@<none>"]
    assert "VirtualSize" in entry and "VirtualSize" not in dangling[first]

    # reference: a glob on the name with or without tag; only matching tags show.
    assert set(ids({"reference": ["imgt-*"]})) >= {second, labeled}
    assert first not in ids({"reference": ["imgt-*"]})
    one = ids({"reference": ["imgt-lab:1.*"]})
    assert list(one) == [labeled] and one[labeled]["RepoTags"] == ["imgt-lab:1.0"]
    assert set(ids({"reference": ["imgt-l?b"]})) == {labeled}
    assert sorted(ids({"reference": ["imgt-l?b"]})[labeled]["RepoTags"]) == ["imgt-lab:1.0", "imgt-lab:2.0"]
    assert ids({"reference": ["imgt-lab:3*"]}) == {}
    assert set(ids({"reference": ["imgt-lab", "imgt-dang"]})) == {labeled, second}

    # label: key, key=value, several AND.
    assert set(ids({"label": ["imgtest"]})) == {labeled}
    assert set(ids({"label": ["imgtest=yes", "other=x"]})) == {labeled}
    assert ids({"label": ["imgtest=no"]}) == {}
    assert ids({"label": ["imgtest", "missing"]}) == {}
    summary = ids({"label": ["imgtest"]})[labeled]
    assert summary["Labels"] == {"imgtest": "yes", "other": "x"}
    for key in ("Id", "ParentId", "RepoTags", "RepoDigests", "Created", "Size", "SharedSize", "Labels", "Containers"):
        assert key in summary, key
    assert summary["Containers"] == -1 and summary["SharedSize"] == -1

    # before / since: strictly older / newer than the named image.
    before = ids({"before": ["imgt-lab:1.0"], "reference": ["imgt-*"]})
    assert labeled not in before and second in before
    since = ids({"since": ["imgt-dang:v1"], "reference": ["imgt-*"]})
    assert set(since) == {labeled}
    # all and digests are accepted; we keep no intermediate images, so all=1 changes nothing.
    assert ids({"reference": ["imgt-*"]}, all=1, digests=1) == ids({"reference": ["imgt-*"]})

    for bad, message in (({"bogus": ["1"]}, "invalid filter 'bogus'"),
                         ({"dangling": ["maybe"]}, "invalid filter 'dangling=[maybe]'"),
                         ({"before": ["imgt-nosuch"]}, "No such image: imgt-nosuch:latest")):
        status, out = api_json(d, "GET", "/images/json?filters=" + q(bad))
        assert (status, out["message"]) == (404 if "No such" in message else 400, message)

    # Both CLIs send REPOSITORY and -f to the daemon and print the same.
    out = same_output(d, "images", "imgt-lab")
    assert out.splitlines()[0].split() == ["REPOSITORY", "TAG", "IMAGE", "ID", "CREATED", "SIZE"]
    assert sorted(l.split()[1] for l in out.splitlines()[1:]) == ["1.0", "2.0"]
    assert same_output(d, "images", "imgt-lab:2.*", "-q") == labeled[7:19] + "\n"
    assert labeled[7:19] in same_output(d, "images", "-f", "label=imgtest=yes")
    assert first[7:19] in same_output(d, "images", "-f", "dangling=true", "-q").split()
    assert second in same_output(d, "images", "--no-trunc", "-f", "reference=imgt-dang")
    same_output(d, "images", "--digests", "imgt-dang")
    same_output(d, "images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}", "imgt-*")
    assert same_output(d, "images", "--format", "{{.Repository}}", "-f", "reference=imgt-lab:1.0") == "imgt-lab\n"
    for client in (d.cli, d.docker):
        p = client("images", "-f", "bogus=1")
        assert p.returncode == 1 and "invalid filter 'bogus'" in p.stderr
    for args in (("images", "-f", "nokey"), ("image", "prune", "--filter", "nokey")):
        ours, theirs = d.cli(*args), d.docker(*args)
        assert ours.returncode == theirs.returncode == 125
        assert ours.stderr.replace("mydocker", "docker") == theirs.stderr
    for ref in ("imgt-lab:1.0", "imgt-lab:2.0", "imgt-dang:v1", first):
        d.cli("rmi", ref, check=True)


def test_history_of_imported_images(daemon):
    d = daemon
    before = int(time.time())
    plain = import_image(d, "imgt-hist:plain")
    msg = import_image(d, "imgt-hist:msg", None, "-m", "made by the images test")
    status, hist = api_json(d, "GET", "/images/imgt-hist:plain/history")
    assert status == 200
    size = d.docker("image", "inspect", "--format", "{{.Size}}", plain, check=True).stdout.strip()
    assert len(hist) == 1
    h = hist[0]
    assert h["Id"] == plain and h["Tags"] == ["imgt-hist:plain"] and h["CreatedBy"] == ""
    assert h["Comment"] == "Imported from -" and h["Size"] == int(size) > 0
    assert before - 1 <= h["Created"] <= time.time() + 1
    assert set(h) == {"Id", "Created", "CreatedBy", "Tags", "Size", "Comment"}
    _, hist = api_json(d, "GET", "/images/%s/history" % msg[7:19])
    assert hist[0]["Comment"] == "made by the images test"
    # The config says so too, as Docker's import writes it.
    assert d.docker("image", "inspect", "--format", "{{.Comment}}", plain).stdout.strip() == "Imported from -"
    status, out = api_json(d, "GET", "/images/imgt-nosuch/history")
    assert (status, out["message"]) == (404, "No such image: imgt-nosuch:latest")

    out = same_output(d, "history", "imgt-hist:plain")
    lines = out.splitlines()
    assert lines[0].split() == ["IMAGE", "CREATED", "CREATED", "BY", "SIZE", "COMMENT"]
    assert lines[1].startswith(plain[7:19] + "   ") and lines[1].endswith("Imported from -")
    out = same_output(d, "history", "-H=false", "imgt-hist:msg")
    assert out.splitlines()[0].split()[:3] == ["IMAGE", "CREATED", "AT"]
    assert (" %s " % size) in out.splitlines()[1]  # bytes, not 1.98MB
    assert same_output(d, "history", "--no-trunc", "imgt-hist:msg").splitlines()[1].startswith(msg)
    assert same_output(d, "history", "-q", "imgt-hist:plain") == plain[7:19] + "\n"
    assert same_output(d, "image", "history", "--format", "{{.ID}}|{{.Size}}|{{.Comment}}", "--no-trunc", "imgt-hist:msg") \
        .startswith(msg + "|")
    for ref in ("imgt-hist:plain", "imgt-hist:msg"):
        d.cli("rmi", ref, check=True)


def test_rmi_untags_then_deletes_and_frees_layers(daemon):
    d = daemon
    layers_before = layer_dirs(d)
    img = import_image(d, "imgt-rm:a", own_layer_tar(d, "rm"))
    new_layers = layer_dirs(d) - layers_before
    assert len(new_layers) == 1
    chain = "sha256:" + new_layers.pop()
    d.cli("tag", "imgt-rm:a", "imgt-rm:b", check=True)
    d.cli("tag", "imgt-rm:a", "imgt-other:x", check=True)
    short = img[7:19]

    # By id with several tags: 409 unless forced.
    for client in (d.cli, d.docker):
        p = client("rmi", short)
        assert p.returncode == 1
        assert p.stderr == ("Error response from daemon: conflict: unable to delete %s (must be forced) - "
                            "image is referenced in multiple repositories\n" % short)
    status, out = api_json(d, "DELETE", "/images/" + short)
    assert status == 409
    # A name with other tags left only untags.
    assert d.cli("rmi", "imgt-rm:a").stdout == "Untagged: imgt-rm:a\n"
    assert d.docker("rmi", "imgt-other:x").stdout == "Untagged: imgt-other:x\n"
    assert d.docker("image", "inspect", "--format", "{{.RepoTags}}", img).stdout.strip() == "[imgt-rm:b]"
    # The last tag deletes the image and the layer only it used.
    p = d.docker("rmi", "imgt-rm:b")
    assert p.stdout == "Untagged: imgt-rm:b\nDeleted: %s\nDeleted: %s\n" % (img, chain), p.stderr
    assert chain[7:] not in layer_dirs(d)
    assert layer_dirs(d) == layers_before
    assert not os.path.exists(os.path.join(d.data_root, "image", "overlay2", "imagedb", "content", "sha256", img[7:]))
    # A layer other images still use stays.
    shared = import_image(d, "imgt-rm:shared")
    status, out = api_json(d, "DELETE", "/images/imgt-rm:shared")
    assert status == 200 and out == [{"Untagged": "imgt-rm:shared"}, {"Deleted": shared}]
    assert layer_dirs(d) == layers_before
    # By id with one tag: untagged and deleted; --force by id with several tags too.
    img = import_image(d, "imgt-rm:c")
    assert d.cli("rmi", img[7:19]).stdout == "Untagged: imgt-rm:c\nDeleted: %s\n" % img
    img = import_image(d, "imgt-rm:d")
    d.cli("tag", img, "imgt-rm:e", check=True)
    assert d.docker("rmi", "-f", img[7:19]).stdout == "Untagged: imgt-rm:d\nUntagged: imgt-rm:e\nDeleted: %s\n" % img
    for client in (d.cli, d.docker):
        p = client("rmi", "imgt-nosuch")
        assert (p.returncode, p.stderr) == (1, "Error response from daemon: No such image: imgt-nosuch:latest\n")


def test_rmi_conflicts_with_containers(daemon):
    d = daemon
    layers_before = layer_dirs(d)
    img = import_image(d, "imgt-used:1", own_layer_tar(d, "used"))
    own_layer = (layer_dirs(d) - layers_before).pop()
    short = img[7:19]
    stopped = d.cli("create", "imgt-used:1", "cat", "/imgt-used.txt", check=True).stdout.strip()
    try:
        for client in (d.cli, d.docker):
            p = client("rmi", "imgt-used:1")
            assert p.returncode == 1
            assert p.stderr == ('Error response from daemon: conflict: unable to remove repository reference "imgt-used:1" '
                                "(must force) - container %s is using its referenced image %s\n" % (stopped[:12], short))
            p = client("rmi", short)
            assert p.stderr == ("Error response from daemon: conflict: unable to delete %s (must be forced) - "
                                "image is being used by stopped container %s\n" % (short, stopped[:12]))
        # A second tag can go: the image keeps a reference.
        d.cli("tag", "imgt-used:1", "imgt-used:2", check=True)
        assert d.docker("rmi", "imgt-used:2").stdout == "Untagged: imgt-used:2\n"
        running = d.cli("run", "-d", "imgt-used:1", "sleep", "300", check=True).stdout.strip()
        try:
            for args in (("rmi", short), ("rmi", "-f", short)):
                for client in (d.cli, d.docker):
                    p = client(*args)
                    assert p.returncode == 1
                    assert p.stderr == ("Error response from daemon: conflict: unable to delete %s (cannot be forced) - "
                                        "image is being used by running container %s\n" % (short, running[:12]))
            # Forced by name while one runs: only the tag goes.
            assert d.docker("rmi", "-f", "imgt-used:1").stdout == "Untagged: imgt-used:1\n"
            status, out = api_json(d, "GET", "/images/%s/json" % img)
            assert status == 200 and out["RepoTags"] == []
        finally:
            d.cli("rm", "-f", running)
        # Forced with a stopped user only: deleted, as Docker does; the
        # container still starts from the layers it reads.
        assert d.docker("rmi", "-f", short).stdout == "Deleted: %s\n" % img
        assert d.docker("image", "inspect", img).returncode == 1
        assert own_layer in layer_dirs(d)
        assert d.docker("start", "-a", stopped).stdout == "layer of used\n"
    finally:
        d.cli("rm", "-f", stopped)
    # The container gone, the next rmi or prune lets the layer go.
    d.docker("image", "prune", "-f", check=True)
    assert own_layer not in layer_dirs(d)


@pytest.fixture(scope="module")
def own(request):
    """A daemon of this module's own: prune -a and whole-store numbers."""
    d = start_daemon_with_busybox(request)
    yield d
    teardown_daemon(d)


def test_prune_dangling_then_all(own):
    d = own
    base_layers = layer_dirs(d)
    keep_used = import_image(d, "used:1", own_layer_tar(d, "used"))
    old = import_image(d, "dang:1", own_layer_tar(d, "dang"))
    import_image(d, "dang:1")  # the tag moves on: `old` is dangling, its own layer unused
    unused = import_image(d, "unused:1", own_layer_tar(d, "unused"))
    labeled = import_image(d, "lab:1", None, "-c", "LABEL prune=me")
    ctr = d.cli("create", "used:1", "true", check=True).stdout.strip()
    assert len(layer_dirs(d) - base_layers) == 3

    # The prompt, as docker's; "n" changes nothing.
    p = d.cli("image", "prune", input="n\n")
    assert p.stdout == "WARNING! This will remove all dangling images.\nAre you sure you want to continue? [y/N] "
    assert p.returncode == 0
    assert d.cli("image", "prune", "-a", input="n\n").stdout == (
        "WARNING! This will remove all images without at least one container associated to them.\n"
        "Are you sure you want to continue? [y/N] ")
    assert d.docker("image", "inspect", old).returncode == 0

    # Default: the dangling image only, with its layer.
    layers = layer_dirs(d)
    p = d.cli("image", "prune", "-f")
    assert p.stdout.startswith("Deleted Images:\ndeleted: %s\n" % old), p.stdout
    assert p.stdout.endswith("\nTotal reclaimed space: 1.983MB\n"), p.stdout
    assert d.docker("image", "inspect", old).returncode == 1
    gone = layers - layer_dirs(d)
    assert len(gone) == 1
    assert "deleted: sha256:%s\n" % gone.pop() in p.stdout
    # Nothing dangling left: an empty report.
    assert d.docker("image", "prune", "-f").stdout == "Total reclaimed space: 0B\n"
    status, out = api_json(d, "POST", "/images/prune")
    assert status == 200 and out == {"ImagesDeleted": None, "SpaceReclaimed": 0}

    # label= and until= narrow -a down.
    status, out = api_json(d, "POST", "/images/prune?filters=" + q({"dangling": ["false"], "label": ["prune=me"]}))
    assert status == 200
    assert out["ImagesDeleted"] == [{"Untagged": "lab:1"}, {"Deleted": labeled}] and out["SpaceReclaimed"] == 0
    status, out = api_json(d, "POST", "/images/prune?filters=" + q({"dangling": ["false"], "until": ["2000-01-01"]}))
    assert status == 200 and out["ImagesDeleted"] is None
    status, out = api_json(d, "POST", "/images/prune?filters=" + q({"reference": ["x"]}))
    assert (status, out["message"]) == (400, "invalid filter 'reference'")

    # -a: every image no container uses; the used one stays, busybox too while a container runs it.
    runner = d.cli("run", "-d", "busybox", "sleep", "300", check=True).stdout.strip()
    try:
        layers = layer_dirs(d)
        p = d.docker("image", "prune", "-a", "-f")
        assert p.returncode == 0, p.stderr
        assert "untagged: unused:1\ndeleted: %s\n" % unused in p.stdout
        assert "untagged: dang:1\n" in p.stdout
        assert "untagged: used:1" not in p.stdout and "busybox" not in p.stdout
        assert p.stdout.endswith("\nTotal reclaimed space: 1.983MB\n")
        assert len(layers - layer_dirs(d)) == 1
        left = sorted(d.cli("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split())
        assert left == ["busybox:latest", "used:1"]
        assert d.docker("image", "inspect", keep_used).returncode == 0
    finally:
        d.cli("rm", "-f", runner)
    d.cli("rm", ctr, check=True)
    # What prune left is what a restarted daemon finds (kill -9: no shutdown path).
    listing, layers = d.docker("images", "--no-trunc", "-q").stdout, layer_dirs(d)
    d.stop(signal.SIGKILL)
    d.start()
    assert d.docker("images", "--no-trunc", "-q").stdout == listing
    assert layer_dirs(d) == layers


def test_system_df(own):
    d = own
    img = import_image(d, "df:1", own_layer_tar(d, "df"))
    import_image(d, "df:shared")
    d.cli("volume", "create", "dfvol", check=True)
    d.cli("run", "--name", "dfwriter", "-v", "dfvol:/data", "df:1", "sh", "-c",
                   "head -c 12345 /dev/zero > /data/blob; head -c 2345 /dev/zero > /rw", check=True)
    running = d.cli("run", "-d", "--name", "dfrun", "busybox", "sleep", "300", check=True).stdout.strip()
    try:
        status, df = api_json(d, "GET", "/system/df")
        assert status == 200
        assert df["BuildCache"] == []
        _, images = api_json(d, "GET", "/images/json")
        assert sorted(i["Id"] for i in df["Images"]) == sorted(i["Id"] for i in images)
        by_id = {i["Id"]: i for i in df["Images"]}
        busybox, shared = image_id(d, "busybox"), image_id(d, "df:shared")
        # df:shared is busybox's tar again: one layer for two images.
        assert by_id[busybox]["SharedSize"] == by_id[shared]["SharedSize"] == by_id[busybox]["Size"] > 0
        assert by_id[img]["SharedSize"] == 0
        assert by_id[img]["Containers"] == 1 and by_id[busybox]["Containers"] == 1 and by_id[shared]["Containers"] == 0
        assert df["LayersSize"] == sum(i["Size"] for i in df["Images"]) - by_id[busybox]["Size"]
        containers = {c["Names"][0]: c for c in df["Containers"]}
        assert containers["/dfwriter"]["SizeRw"] == 2345
        assert containers["/dfwriter"]["SizeRootFs"] == 2345 + by_id[img]["Size"]
        assert containers["/dfrun"]["SizeRw"] == 0 and containers["/dfrun"]["State"] == "running"
        vol = [v for v in df["Volumes"] if v["Name"] == "dfvol"][0]
        assert vol["UsageData"] == {"Size": 12345, "RefCount": 1}
        status, only = api_json(d, "GET", "/system/df?type=volume")
        assert status == 200 and only["Images"] is None and len(only["Volumes"]) == len(df["Volumes"])

        out = same_output(d, "system", "df")
        rows = {l[:15].strip(): l[15:].split() for l in out.splitlines()[1:]}
        assert rows["Images"][:2] == [str(len(images)), "2"]
        assert rows["Containers"][:4] == ["2", "1", "2.345kB", "2.345kB"]
        assert rows["Local Volumes"][:4] == ["1", "1", "12.35kB", "0B"]
        assert rows["Build Cache"] == ["0", "0", "0B", "0B"]
        verbose = same_output(d, "system", "df", "-v")
        assert verbose.startswith("Images space usage:\n\nREPOSITORY   TAG ")
        assert "\nLocal Volumes space usage:\n\nVOLUME NAME   LINKS     SIZE\ndfvol         1         12.35kB\n" in verbose
        assert "\nBuild cache usage: 0B\n\nCACHE ID   CACHE TYPE" in verbose
        same_output(d, "system", "df", "--format", "{{.Type}}: {{.TotalCount}} {{.Size}}")
        same_output(d, "images")
        # An untagged image shows as <none> in both.
        import_image(d, "df:shared")
        assert "\n<none>       <none>    " in same_output(d, "system", "df", "-v")
        same_output(d, "images", "-a")
        same_output(d, "history", "--no-trunc", "-H=false", image_id(d, "df:shared"))
    finally:
        d.cli("rm", "-f", running, "dfwriter")
        d.cli("volume", "rm", "dfvol")
        d.cli("rmi", "df:1", "df:shared")
        d.cli("image", "prune", "-f")
