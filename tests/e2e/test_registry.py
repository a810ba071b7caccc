"""Pull and push against real registries (Debian's docker-registry), all on
addresses the tests own: plain HTTP on 127.0.0.1; TLS with a CA the test
makes plus htpasswd basic auth, inside a network namespace of the test's
(so the address is not loopback and the certificate is really checked);
Bearer tokens from an issuer the test runs. Images are also written into
the registry by hand and by skopeo, so pulls are checked against bytes
mydocker did not produce. Both our CLI and the docker CLI are clients."""
import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import time

import pytest

import registry_util as ru
from conftest import start_daemon_with_busybox, teardown_daemon


def sh(*argv, check=True, **kw):
    return subprocess.run(list(argv), capture_output=True, text=True, check=check, **kw)


@pytest.fixture(scope="module")
def registry():
    root = tempfile.mkdtemp(prefix="mdk-reg-")
    r = ru.Registry(root).start()
    yield r
    r.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def bb_layer(daemon):
    return ru.busybox_layer(os.path.join(daemon.root, "busybox.tar"))


def random_layer(size=300_000, name="data/blob"):
    data = os.urandom(size)
    return ru.layer_tar({"data": None, name: data}), hashlib.md5(data).hexdigest()


def inspect_image(d, name):
    p = d.cli("image", "inspect", name)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)[0]


def image_ids(d):
    return set(d.cli("images", "-q", "--no-trunc").stdout.split())


def layer_dirs(d):
    base = os.path.join(d.data_root, "image", "overlay2", "layerdb", "sha256")
    return set(os.listdir(base)) if os.path.isdir(base) else set()


def test_push_then_pull_round_trip_keeps_the_digest(daemon, registry):
    ref = registry.address + "/mdk/bb:v1"
    daemon.cli("tag", "busybox", ref, check=True)
    before = inspect_image(daemon, "busybox")["Id"]
    p = daemon.cli("push", ref)
    assert p.returncode == 0, p.stderr
    assert "The push refers to repository [%s/mdk/bb]" % registry.address in p.stdout
    line = [l for l in p.stdout.splitlines() if l.startswith("v1: digest: sha256:")][0]
    pushed = line.split()[2]
    # What the registry holds is what push printed.
    status, headers, body = ru.RegistryApi(registry.address).get_manifest("mdk/bb", "v1")
    assert status == 200 and ru.sha256(body) == pushed and headers["docker-content-digest"] == pushed
    # A second push finds every blob there.
    p = daemon.cli("push", ref)
    assert "Layer already exists" in p.stdout and pushed in p.stdout, p.stdout
    daemon.cli("rmi", ref, check=True)
    p = daemon.cli("pull", ref)
    assert p.returncode == 0, p.stderr
    assert "Digest: " + pushed in p.stdout
    assert "Status: Downloaded newer image for " + ref in p.stdout
    img = inspect_image(daemon, ref)
    assert img["Id"] == before
    assert "%s/mdk/bb@%s" % (registry.address, pushed) in img["RepoDigests"]
    assert pushed in daemon.cli("images", "--digests", registry.address + "/mdk/bb").stdout
    assert daemon.cli("run", "--rm", ref, "echo", "pulled-ok").stdout == "pulled-ok\n"
    # The same through the docker CLI: pull, and run pulling what is missing.
    daemon.cli("rmi", ref, check=True)
    p = daemon.docker("pull", ref)
    assert p.returncode == 0 and "Digest: " + pushed in p.stdout, p.stdout + p.stderr
    daemon.docker("rmi", ref, check=True)
    p = daemon.docker("run", "--rm", ref, "echo", "docker-run-pulled")
    assert p.returncode == 0, p.stderr
    assert "Unable to find image '%s' locally" % ref in p.stderr and "docker-run-pulled" in p.stdout
    daemon.cli("rmi", ref, check=True)
    p = daemon.cli("run", "--rm", ref, "echo", "mydocker-run-pulled")
    assert "Unable to find image '%s' locally" % ref in p.stderr and p.stdout.endswith("mydocker-run-pulled\n")
    # docker push through our daemon.
    daemon.docker("tag", "busybox", registry.address + "/mdk/bb:v2", check=True)
    p = daemon.docker("push", registry.address + "/mdk/bb:v2")
    assert p.returncode == 0 and "v2: digest: " + pushed in p.stdout, p.stdout + p.stderr
    daemon.cli("rmi", ref, registry.address + "/mdk/bb:v2", check=True)


def test_run_pull_policies(daemon, registry, bb_layer):
    api = ru.RegistryApi(registry.address)
    ref = registry.address + "/mdk/policy:1"
    first, _ = random_layer(size=1000, name="data/first")
    api.push_image("mdk/policy", "1", [bb_layer, first])
    # never: a missing image is an error, nothing is pulled.
    for cli in (daemon.cli, daemon.docker):
        p = cli("run", "--rm", "--pull", "never", ref, "true")
        assert p.returncode == 125 and "No such image: " + ref in p.stderr, p.stderr
    daemon.cli("pull", ref, check=True)
    # The tag moves in the registry: missing keeps the local image, always fetches the new one.
    second, _ = random_layer(size=1000, name="data/second")
    api.push_image("mdk/policy", "1", [bb_layer, second])
    assert daemon.cli("run", "--rm", ref, "ls", "/data").stdout == "first\n"
    for cli in (daemon.cli, daemon.docker):
        p = cli("run", "--rm", "--pull", "always", ref, "ls", "/data")
        assert p.returncode == 0 and p.stdout == "second\n", p.stdout + p.stderr
    p = daemon.cli("run", "--pull", "sometimes", ref)
    assert p.returncode == 125 and "invalid pull option: 'sometimes'" in p.stderr, p.stderr
    daemon.cli("image", "prune", "-f")
    daemon.cli("rmi", ref, check=True)


def test_pull_of_an_image_another_client_wrote(daemon, registry, bb_layer):
    """Layers and config pushed by hand: the pull verifies and unpacks them;
    a second pull fetches nothing; a layer we have is not fetched again."""
    proxy = ru.FaultProxy(registry.port).start()
    try:
        top, md5 = random_layer()
        api = ru.RegistryApi(registry.address)
        digest, config_digest, _ = api.push_image("mdk/hand", "1", [bb_layer, top],
                                                  config_extra={"config": {"Cmd": ["cat", "/data/blob"],
                                                                           "Labels": {"made": "by-hand"}}})
        ref = proxy.address + "/mdk/hand:1"
        p = daemon.cli("pull", ref)
        assert p.returncode == 0, p.stderr
        assert "Already exists" in p.stdout and "Pull complete" in p.stdout, p.stdout
        assert proxy.blob_gets == 2  # the config and the one new layer; busybox's layer was there
        img = inspect_image(daemon, ref)
        assert img["Id"] == config_digest and img["Config"]["Labels"] == {"made": "by-hand"}
        assert img["RootFS"]["Layers"] == [ru.sha256(bb_layer), ru.sha256(top)]
        assert "%s/mdk/hand@%s" % (proxy.address, digest) in img["RepoDigests"]
        out = daemon.cli("run", "--rm", ref, "sh", "-c", "md5sum /data/blob").stdout
        assert out.split()[0] == md5
        # Up to date: the manifest is asked for, no blob.
        p = daemon.cli("pull", ref)
        assert "Status: Image is up to date for " + ref in p.stdout and proxy.blob_gets == 2, p.stdout
        # By digest.
        daemon.cli("rmi", ref, check=True)
        p = daemon.cli("pull", proxy.address + "/mdk/hand@" + digest)
        assert p.returncode == 0 and "Digest: " + digest in p.stdout, p.stderr
        assert inspect_image(daemon, proxy.address + "/mdk/hand@" + digest)["Id"] == config_digest
        daemon.cli("rmi", proxy.address + "/mdk/hand@" + digest, check=True)
    finally:
        proxy.stop()


def test_whiteouts_and_opaque_directories_of_pulled_layers(daemon, registry, bb_layer):
    lower = ru.layer_tar({"data": None, "data/gone": b"1", "data/kept": b"2", "opq": None, "opq/old": b"3"})
    upper = ru.layer_tar({"data": None, "data/.wh.gone": b"", "opq": None, "opq/.wh..wh..opq": b"", "opq/new": b"4"})
    ru.RegistryApi(registry.address).push_image("mdk/wh", "1", [bb_layer, lower, upper])
    ref = registry.address + "/mdk/wh:1"
    daemon.cli("pull", ref, check=True)
    p = daemon.cli("run", "--rm", ref, "ls", "/data", "/opq")
    assert p.stdout == "/data:\nkept\n\n/opq:\nnew\n", p.stdout + p.stderr
    daemon.cli("rmi", ref, check=True)


def test_images_written_by_skopeo_oci_and_zstd(daemon, registry, bb_layer):
    top, md5 = random_layer(name="data/z")
    api = ru.RegistryApi(registry.address)
    api.push_image("mdk/src", "1", [bb_layer, top])
    src = "docker://%s/mdk/src:1" % registry.address
    # zstd goes to a registry of its own: skopeo would reuse the gzip blobs it
    # knows are in the first one instead of compressing anew.
    root = tempfile.mkdtemp(prefix="mdk-reg2-")
    second = ru.Registry(root).start()
    try:
        targets = (("%s/mdk/oci:1" % registry.address, ["--format", "oci"]),
                   ("%s/mdk/zstd:1" % second.address, ["--format", "oci", "--dest-compress-format", "zstd"]))
        for ref, extra in targets:
            sh("skopeo", "copy", "--src-tls-verify=false", "--dest-tls-verify=false", *extra, src, "docker://" + ref)
        status, _, body = ru.RegistryApi(second.address).get_manifest("mdk/zstd", "1")
        manifest = json.loads(body)
        assert manifest["mediaType"] == ru.OCI_MANIFEST
        assert [l["mediaType"] for l in manifest["layers"]] == ["application/vnd.oci.image.layer.v1.tar+zstd"] * 2
        pull_and_check_each(daemon, [ref for ref, _ in targets], md5)
    finally:
        second.stop()
        shutil.rmtree(root, ignore_errors=True)


def pull_and_check_each(daemon, refs, md5):
    for ref in refs:
        layers_before = layer_dirs(daemon)
        p = daemon.cli("pull", ref)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "Pull complete" in p.stdout, p.stdout
        out = daemon.cli("run", "--rm", ref, "md5sum", "/data/z")
        assert out.stdout.split()[0] == md5, out.stdout + out.stderr
        assert len(layer_dirs(daemon) - layers_before) == 1
        # Gone again, so that the next one has to unpack its layer too.
        daemon.cli("rmi", ref, check=True)
        assert layer_dirs(daemon) == layers_before


def test_manifest_lists_choose_the_platform(daemon, registry, bb_layer):
    api = ru.RegistryApi(registry.address)
    top, _ = random_layer(size=1000)
    entries = []
    for arch, variant in (("amd64", None), ("arm64", "v8")):
        digest, config_digest, data = api.push_image("mdk/multi", arch, [bb_layer, top], architecture=arch,
                                                     config_extra={"variant": variant} if variant else None)
        platform = {"architecture": arch, "os": "linux"}
        if variant:
            platform["variant"] = variant
        entries.append(({"mediaType": ru.DOCKER_MANIFEST, "size": len(data), "digest": digest, "platform": platform},
                        config_digest))
    for tag, kind in (("list", ru.DOCKER_LIST), ("index", ru.OCI_INDEX)):
        api.put_manifest("mdk/multi", tag, {"schemaVersion": 2, "mediaType": kind,
                                            "manifests": [e for e, _ in entries]}, kind)
        ref = "%s/mdk/multi:%s" % (registry.address, tag)
        p = daemon.cli("pull", ref)
        assert p.returncode == 0, p.stderr
        img = inspect_image(daemon, ref)
        assert img["Architecture"] == "amd64" and img["Id"] == entries[0][1]
        p = daemon.cli("pull", "--platform", "linux/arm64", ref)
        assert p.returncode == 0, p.stderr
        img = inspect_image(daemon, ref)
        assert img["Architecture"] == "arm64" and img["Variant"] == "v8" and img["Id"] == entries[1][1]
        # The docker CLI sends the platform the same way.
        p = daemon.docker("pull", "--platform", "linux/amd64", ref)
        assert p.returncode == 0, p.stderr
        assert inspect_image(daemon, ref)["Id"] == entries[0][1]
        p = daemon.cli("pull", "--platform", "linux/s390x", ref)
        assert p.returncode != 0
        assert "no matching manifest for linux/s390x in the manifest list entries" in p.stderr
        daemon.cli("rmi", "-f", ref)
    for _, config_digest in entries:
        daemon.cli("rmi", "-f", config_digest)


def test_bad_references_unknown_tags_and_a_registry_that_is_down(daemon, registry):
    status, body = daemon.api("POST", "/images/create?fromImage=Bad%2FName&tag=latest")
    assert status == 400 and b"invalid reference format: repository name" in body and b"must be lowercase" in body
    status, body = daemon.api("POST", "/images/create?fromImage=%s%%2Fmdk%%2Fbb&tag=no-such-tag" % registry.address)
    assert status == 404 and b"manifest unknown" in body, body
    p = daemon.docker("pull", registry.address + "/mdk/bb:no-such-tag")
    assert p.returncode == 1
    assert "Error response from daemon: manifest for %s/mdk/bb:no-such-tag not found: manifest unknown" % \
        registry.address in p.stderr
    p = daemon.cli("run", "--rm", registry.address + "/mdk/nothing-here")
    assert "Unable to find image '%s/mdk/nothing-here:latest' locally" % registry.address in p.stderr
    assert "manifest unknown" in p.stderr and p.returncode == 125
    # Nobody listens: a quick error that names the address.
    down = "127.0.0.1:%d" % ru.free_port()
    t0 = time.monotonic()
    p = daemon.cli("pull", down + "/mdk/bb:v1")
    assert p.returncode == 1 and down in p.stderr and "connection refused" in p.stderr, p.stderr
    assert time.monotonic() - t0 < 5
    assert [i for i in daemon.cli("images", "--format", "{{.Repository}}").stdout.split() if down in i] == []


def test_broken_downloads_register_nothing_and_a_retry_completes(daemon, registry, bb_layer):
    top, md5 = random_layer(size=2_000_000)
    api = ru.RegistryApi(registry.address)
    api.push_image("mdk/flaky", "1", [bb_layer, top])
    proxy = ru.FaultProxy(registry.port).start()
    try:
        ref = proxy.address + "/mdk/flaky:1"
        ids, layers = image_ids(daemon), layer_dirs(daemon)
        tmp = os.path.join(daemon.data_root, "tmp")
        # The connection dies in the middle of the layer, as when the registry stops.
        proxy.cut_after = 500_000
        p = daemon.cli("pull", ref)
        assert p.returncode == 1, p.stdout
        assert proxy.address in p.stderr or "unexpected EOF" in p.stderr or "short read" in p.stderr, p.stderr
        assert image_ids(daemon) == ids and layer_dirs(daemon) == layers
        assert os.listdir(tmp) == [] if os.path.isdir(tmp) else True
        # A corrupted byte: the digest check refuses the layer.
        proxy.cut_after = None
        proxy.corrupt = True
        p = daemon.cli("pull", ref)
        assert p.returncode == 1
        assert "filesystem layer verification failed for digest" in p.stderr or \
            "image config verification failed" in p.stderr, p.stderr
        assert image_ids(daemon) == ids and layer_dirs(daemon) == layers
        assert os.listdir(tmp) == [] if os.path.isdir(tmp) else True
        # The registry is fine again: the pull completes.
        proxy.corrupt = False
        p = daemon.cli("pull", ref)
        assert p.returncode == 0, p.stderr
        assert daemon.cli("run", "--rm", ref, "md5sum", "/data/blob").stdout.split()[0] == md5
        daemon.cli("rmi", ref, check=True)
        assert layer_dirs(daemon) == layers
    finally:
        proxy.stop()


def test_big_layers_are_pushed_in_chunks_with_the_pulled_bytes(daemon, registry, bb_layer):
    """A layer over the monolithic limit goes up in PATCH chunks; what a
    push sends is the very blob the pull fetched, so the digests agree."""
    top, md5 = random_layer(size=9 << 20)
    api = ru.RegistryApi(registry.address)
    _, _, manifest = api.push_image("mdk/big", "1", [bb_layer, top])
    proxy = ru.FaultProxy(registry.port).start()
    try:
        ref = proxy.address + "/mdk/big:1"
        daemon.cli("pull", ref, check=True)
        copy = proxy.address + "/mdk/big-copy:1"
        daemon.cli("tag", ref, copy, check=True)
        proxy.requests.clear()
        p = daemon.cli("push", copy)
        assert p.returncode == 0, p.stdout + p.stderr
        patches = [path for method, path in proxy.requests if method == "PATCH"]
        assert len(patches) >= 2, "\n".join("%s %s" % r for r in proxy.requests)
        pushed = [l for l in p.stdout.splitlines() if l.startswith("1: digest: ")][0].split()[2]
        status, _, body = api.get_manifest("mdk/big-copy", "1")
        assert status == 200 and ru.sha256(body) == pushed
        # The new layer's blob is the pulled one (busybox's came from our import, with its own gzip).
        assert json.loads(body)["layers"][1] == json.loads(manifest)["layers"][1]
        daemon.cli("rmi", ref, copy, check=True)
    finally:
        proxy.stop()


def test_hostile_layers_never_write_outside_their_folder(daemon, registry, bb_layer):
    outside = tempfile.mkdtemp(prefix="mdk-outside-")
    try:
        evil = ru.layer_tar({"../../../../../../%s/dotdot" % outside.lstrip("/"): b"x",
                             "abs": ("symlink", outside),
                             "abs/through-symlink": b"x",
                             "hard": ("hardlink", "../../../../../../%s/victim" % outside.lstrip("/"))})
        open(os.path.join(outside, "victim"), "w").write("untouched")
        api = ru.RegistryApi(registry.address)
        api.push_image("mdk/evil", "1", [bb_layer, evil])
        ids = image_ids(daemon)
        p = daemon.cli("pull", registry.address + "/mdk/evil:1")
        assert sorted(os.listdir(outside)) == ["victim"], os.listdir(outside)
        assert open(os.path.join(outside, "victim")).read() == "untouched"
        if p.returncode == 0:
            # What was kept is inside the image: the symlink points nowhere on the host.
            out = daemon.cli("run", "--rm", registry.address + "/mdk/evil:1", "ls", "/").stdout
            assert "dotdot" not in out
            daemon.cli("rmi", registry.address + "/mdk/evil:1", check=True)
        else:
            assert "escapes the layer" in p.stderr or "invalid tar entry" in p.stderr, p.stderr
            assert image_ids(daemon) == ids
    finally:
        shutil.rmtree(outside, ignore_errors=True)


@pytest.fixture
def other_host():
    """A network namespace playing another machine at 10.231.17.2 (a /30 no host route uses),
    reached over a veth pair whose host end is 10.231.17.1/30."""
    if "10.231.17." in sh("ip", "-o", "addr").stdout or "10.231.17." in sh("ip", "route").stdout:
        pytest.fail("10.231.17.0/30 is in use on this host; the test needs it for its namespace")
    tag = os.urandom(3).hex()
    ns, near, far = "mdk-reg-" + tag, "mdkr" + tag, "mdks" + tag
    sh("ip", "netns", "add", ns)
    try:
        sh("ip", "link", "add", near, "type", "veth", "peer", "name", far)
        sh("ip", "link", "set", far, "netns", ns)
        sh("ip", "addr", "add", "10.231.17.1/30", "dev", near)
        sh("ip", "-n", ns, "addr", "add", "10.231.17.2/30", "dev", far)
        sh("ip", "-n", ns, "link", "set", far, "up")
        sh("ip", "-n", ns, "link", "set", "lo", "up")
        sh("ip", "link", "set", near, "up")
        yield ns
    finally:
        sh("ip", "link", "del", near, check=False)
        sh("ip", "netns", "del", ns, check=False)


def test_tls_registry_with_basic_auth(request, other_host):
    work = tempfile.mkdtemp(prefix="mdk-tls-")
    certs = os.path.join(work, "certs.d")
    ca, crt, key = ru.make_ca(os.path.join(work, "ca"), server_ips=("10.231.17.2",))
    htpasswd = ru.make_htpasswd(os.path.join(work, "htpasswd"), "alice", "s3cret")
    reg = ru.Registry(os.path.join(work, "reg"), host="10.231.17.2", port=5443, tls=(crt, key), htpasswd=htpasswd,
                      netns=other_host).start()
    d = start_daemon_with_busybox(request, ["--registry-certs-dir", certs])
    env = dict(os.environ, MYDOCKER_CONFIG=os.path.join(work, "mydocker-config"))
    docker_env = dict(os.environ, DOCKER_CONFIG=os.path.join(work, "docker-config"))
    cli = [os.path.join(d.bindir, "mydocker"), "-H", d.host]
    docker = ["/usr/local/bin/docker", "-H", d.host]
    try:
        ref = reg.address + "/mdk/secure:1"
        d.cli("tag", "busybox", ref, check=True)
        # The CA is not trusted yet: the certificate is refused.
        p = sh(*cli, "login", "-u", "alice", "--password-stdin", reg.address, input="s3cret\n", env=env, check=False)
        assert p.returncode == 1 and "certificate" in p.stderr, p.stderr
        os.makedirs(os.path.join(certs, reg.address))
        shutil.copy(ca, os.path.join(certs, reg.address, "ca.crt"))
        # No credentials: the registry's 401 comes back as Docker words it.
        p = sh(*cli, "push", ref, env=env, check=False)
        assert p.returncode == 1 and "no basic auth credentials" in p.stderr, p.stdout + p.stderr
        # A wrong password is refused and nothing is saved.
        p = sh(*cli, "login", "-u", "alice", "--password-stdin", reg.address, input="wrong\n", env=env, check=False)
        assert p.returncode == 1 and "unauthorized" in p.stderr.lower(), p.stderr
        assert not os.path.exists(os.path.join(env["MYDOCKER_CONFIG"], "config.json"))
        status, body = d.api("POST", "/auth", {"username": "alice", "password": "wrong", "serveraddress": reg.address})
        assert status == 401, (status, body)
        p = sh(*cli, "login", "-u", "alice", "--password-stdin", reg.address, input="s3cret\n", env=env, check=False)
        assert p.returncode == 0 and "Login Succeeded" in p.stdout, p.stderr
        saved = json.load(open(os.path.join(env["MYDOCKER_CONFIG"], "config.json")))
        assert reg.address in saved["auths"] and "auth" in saved["auths"][reg.address]
        p = sh(*cli, "push", ref, env=env, check=False)
        assert p.returncode == 0 and "1: digest: sha256:" in p.stdout, p.stdout + p.stderr
        pushed = [l for l in p.stdout.splitlines() if l.startswith("1: digest:")][0].split()[2]
        # The registry (checked with the CA and the password) holds it.
        status, _, body = ru.RegistryApi(reg.address, "https", ("alice", "s3cret"), cafile=ca).get_manifest("mdk/secure", "1")
        assert status == 200 and ru.sha256(body) == pushed
        d.cli("rmi", ref, check=True)
        p = sh(*cli, "pull", ref, env=env, check=False)
        assert p.returncode == 0 and "Digest: " + pushed in p.stdout, p.stderr
        # The docker CLI: login through our /auth, then pull with its X-Registry-Auth.
        d.cli("rmi", ref, check=True)
        p = sh(*docker, "login", "-u", "alice", "--password-stdin", reg.address, input="s3cret\n", env=docker_env,
               check=False)
        assert p.returncode == 0 and "Login Succeeded" in p.stdout, p.stderr
        p = sh(*docker, "pull", ref, env=docker_env, check=False)
        assert p.returncode == 0 and "Digest: " + pushed in p.stdout, p.stderr
        # Logged out, the pull is refused again.
        p = sh(*cli, "logout", reg.address, env=env, check=False)
        assert "Removing login credentials for " + reg.address in p.stdout
        d.cli("rmi", ref, check=True)
        p = sh(*cli, "pull", ref, env=env, check=False)
        assert p.returncode == 1 and "no basic auth credentials" in p.stderr, p.stderr
    finally:
        teardown_daemon(d)
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


def test_bearer_token_flow(daemon, bb_layer):
    work = tempfile.mkdtemp(prefix="mdk-tok-")
    issuer = ru.TokenIssuer(os.path.join(work, "issuer"), users={"bob": "hunter2"}).start()
    reg = ru.Registry(os.path.join(work, "reg"), token=issuer.registry_settings()).start()
    env = dict(os.environ, MYDOCKER_CONFIG=os.path.join(work, "mydocker-config"))
    cli = [os.path.join(daemon.bindir, "mydocker"), "-H", daemon.host]
    try:
        ref = reg.address + "/mdk/tok:1"
        daemon.cli("tag", "busybox", ref, check=True)
        # Anonymous tokens only allow pulls: the push is denied.
        p = sh(*cli, "push", ref, env=env, check=False)
        assert p.returncode == 1 and ("denied" in p.stderr or "unauthorized" in p.stderr), p.stdout + p.stderr
        assert any(r["user"] is None for r in issuer.requests)
        p = sh(*cli, "login", "-u", "bob", "--password-stdin", reg.address, input="nope\n", env=env, check=False)
        assert p.returncode == 1 and "unauthorized" in p.stderr.lower(), p.stderr
        p = sh(*cli, "login", "-u", "bob", "--password-stdin", reg.address, input="hunter2\n", env=env, check=False)
        assert p.returncode == 0, p.stderr
        p = sh(*cli, "push", ref, env=env, check=False)
        assert p.returncode == 0, p.stdout + p.stderr
        assert any(r["user"] == "bob" and "repository:mdk/tok:pull,push" in r["scope"] for r in issuer.requests), \
            issuer.requests
        assert all(r.get("service", issuer.service) == issuer.service for r in issuer.requests)
        # An anonymous pull gets a pull token.
        daemon.cli("rmi", ref, check=True)
        before = len(issuer.requests)
        p = daemon.cli("pull", ref)
        assert p.returncode == 0, p.stderr
        assert any(r["user"] is None and "repository:mdk/tok:pull" in r["scope"] for r in issuer.requests[before:])
        assert daemon.cli("run", "--rm", ref, "echo", "token-ok").stdout == "token-ok\n"
        daemon.cli("rmi", ref, check=True)
    finally:
        reg.stop()
        issuer.stop()
        shutil.rmtree(work, ignore_errors=True)
