"""Real registries for the pull/push tests, all on addresses the tests own:
Debian's docker-registry (plain HTTP on 127.0.0.1, or TLS with a CA the
test makes and htpasswd basic auth, or Bearer tokens from a small issuer
the test runs), a client of the Registry API v2 that writes images into
them without going through mydocker (so a pull is checked against bytes
we did not produce), and a proxy in front of a registry that breaks blob
downloads on request (a connection cut mid-blob, a corrupted byte)."""
import base64
import gzip
import hashlib
import http.client
import http.server
import io
import json
import os
import socket
import ssl
import subprocess
import tarfile
import threading
import time
import urllib.parse

REGISTRY_BIN = "/usr/bin/docker-registry"


def free_port(host="127.0.0.1"):
    s = socket.socket()
    s.bind((host, 0))
    port = s.getsockname()[1]
    s.close()
    return port


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


def wait_listening(host, port, proc, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("registry exited with %s" % proc.returncode)
        try:
            socket.create_connection((host, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("registry on %s:%d did not come up" % (host, port))


class Registry:
    """docker-registry serving a folder of its own. tls=(cert, key) turns on
    HTTPS, htpasswd=path basic auth, token=dict(realm, service, issuer,
    bundle) Bearer tokens. netns: run it inside that network namespace."""

    def __init__(self, root, host="127.0.0.1", port=None, tls=None, htpasswd=None, token=None, netns=None):
        self.root = root
        self.host = host
        self.port = port or free_port()
        self.netns = netns
        os.makedirs(root, exist_ok=True)
        lines = ["version: 0.1", "log:", "  level: error", "  accesslog:", "    disabled: true",
                 "storage:", "  filesystem:", "    rootdirectory: %s" % os.path.join(root, "data"),
                 "  delete:", "    enabled: true",
                 "http:", "  addr: %s:%d" % (host, self.port), "  secret: mdk-test-secret"]
        if tls:
            lines += ["  tls:", "    certificate: %s" % tls[0], "    key: %s" % tls[1]]
        if htpasswd:
            lines += ["auth:", "  htpasswd:", "    realm: mdk-realm", "    path: %s" % htpasswd]
        if token:
            lines += ["auth:", "  token:", "    realm: %s" % token["realm"], "    service: %s" % token["service"],
                      "    issuer: %s" % token["issuer"], "    rootcertbundle: %s" % token["bundle"]]
        self.config = os.path.join(root, "config.yml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        self.scheme = "https" if tls else "http"
        self.proc = None

    @property
    def address(self):
        return "%s:%d" % (self.host, self.port)

    def start(self):
        argv = [REGISTRY_BIN, "serve", self.config]
        if self.netns:
            argv = ["ip", "netns", "exec", self.netns] + argv
        self.log = open(os.path.join(self.root, "registry.log"), "ab")
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=self.log)
        try:
            # In a namespace the listener is polled from the host, over the veth.
            wait_listening(self.host, self.port, self.proc)
        except Exception:
            self.stop()  # never leave a registry behind a failed start
            raise
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


class RegistryApi:
    """Registry API v2 by hand: blobs, manifests, tags."""

    def __init__(self, address, scheme="http", auth=None, cafile=None):
        self.host, port = address.rsplit(":", 1)
        self.port = int(port)
        self.scheme = scheme
        self.auth = auth  # (user, password) for basic auth
        self.ctx = None
        if scheme == "https":
            self.ctx = ssl.create_default_context(cafile=cafile) if cafile else ssl._create_unverified_context()

    def request(self, method, path, body=None, headers=None):
        if self.scheme == "https":
            conn = http.client.HTTPSConnection(self.host, self.port, context=self.ctx, timeout=30)
        else:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        h = dict(headers or {})
        if self.auth:
            h["Authorization"] = "Basic " + base64.b64encode(("%s:%s" % self.auth).encode()).decode()
        conn.request(method, path, body=body, headers=h)
        r = conn.getresponse()
        data = r.read()
        out = (r.status, {k.lower(): v for k, v in r.getheaders()}, data)
        conn.close()
        return out

    def put_blob(self, repo, data):
        digest = sha256(data)
        status, _, _ = self.request("HEAD", "/v2/%s/blobs/%s" % (repo, digest))
        if status == 200:
            return digest
        status, h, body = self.request("POST", "/v2/%s/blobs/uploads/" % repo)
        assert status == 202, (status, body)
        loc = h["location"]
        parsed = urllib.parse.urlparse(loc)
        target = parsed.path + "?" + (parsed.query + "&" if parsed.query else "") + "digest=" + digest
        status, _, body = self.request("PUT", target, body=data, headers={"Content-Type": "application/octet-stream"})
        assert status == 201, (status, body)
        return digest

    def put_manifest(self, repo, reference, manifest, media_type):
        data = json.dumps(manifest).encode() if not isinstance(manifest, bytes) else manifest
        status, h, body = self.request("PUT", "/v2/%s/manifests/%s" % (repo, reference), body=data,
                                       headers={"Content-Type": media_type})
        assert status == 201, (status, body)
        return sha256(data)

    def get_manifest(self, repo, reference, accept=None):
        accept = accept or ", ".join([DOCKER_MANIFEST, DOCKER_LIST, OCI_MANIFEST, OCI_INDEX])
        return self.request("GET", "/v2/%s/manifests/%s" % (repo, reference), headers={"Accept": accept})

    def push_image(self, repo, tag, layers, architecture="amd64", config_extra=None, oci=False):
        """layers: uncompressed tar bytes, bottom first. Returns
        (manifest digest, config digest, manifest bytes)."""
        diff_ids, descs = [], []
        for tar in layers:
            blob = gzip.compress(tar, mtime=0)
            diff_ids.append(sha256(tar))
            descs.append({"mediaType": OCI_LAYER_GZIP if oci else DOCKER_LAYER, "size": len(blob),
                          "digest": self.put_blob(repo, blob)})
        config = {"architecture": architecture, "os": "linux", "created": "2026-11-30T10:00:00Z",
                  "config": {"Cmd": ["sh"], "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
                  "rootfs": {"type": "layers", "diff_ids": diff_ids},
                  "history": [{"created": "2026-11-30T10:00:00Z", "created_by": "layer %d" % i} for i in range(len(layers))]}
        config.update(config_extra or {})
        config_bytes = json.dumps(config).encode()
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST if oci else DOCKER_MANIFEST,
                    "config": {"mediaType": OCI_CONFIG if oci else DOCKER_CONFIG, "size": len(config_bytes),
                               "digest": self.put_blob(repo, config_bytes)},
                    "layers": descs}
        data = json.dumps(manifest, indent=3).encode()
        digest = self.put_manifest(repo, tag, data, manifest["mediaType"])
        return digest, sha256(config_bytes), data


DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json"
DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json"
DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json"
DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar.gzip"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"


def layer_tar(files):
    """An uncompressed layer: {path: bytes} (a None value makes a directory,
    ("symlink", target) and ("hardlink", target) make links)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for path, data in files.items():
            info = tarfile.TarInfo(path)
            info.mtime = 1700000000
            if isinstance(data, tuple):
                info.type = tarfile.SYMTYPE if data[0] == "symlink" else tarfile.LNKTYPE
                info.linkname = data[1]
                t.addfile(info)
            elif data is None:
                info.type, info.mode = tarfile.DIRTYPE, 0o755
                t.addfile(info)
            else:
                info.mode, info.size = 0o644, len(data)
                t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def busybox_layer(busybox_tar_path):
    with open(busybox_tar_path, "rb") as f:
        return f.read()


def make_ca(folder, server_ips=("127.0.0.1",), server_names=("localhost",)):
    """A CA and a server certificate it signed; returns (ca.crt, server.crt, server.key)."""
    os.makedirs(folder, exist_ok=True)
    ca_key, ca_crt = os.path.join(folder, "ca.key"), os.path.join(folder, "ca.crt")
    key, csr, crt = (os.path.join(folder, n) for n in ("server.key", "server.csr", "server.crt"))
    ext = os.path.join(folder, "san.ext")
    sans = ["IP:%s" % ip for ip in server_ips] + ["DNS:%s" % n for n in server_names]
    with open(ext, "w") as f:
        f.write("subjectAltName=%s\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n" % ",".join(sans))
    q = dict(check=True, capture_output=True)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", ca_key, "-out", ca_crt,
                    "-days", "2", "-subj", "/CN=mdk test CA"], **q)
    subprocess.run(["openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", "/CN=mdk test registry"], **q)
    subprocess.run(["openssl", "x509", "-req", "-in", csr, "-CA", ca_crt, "-CAkey", ca_key, "-CAcreateserial",
                    "-out", crt, "-days", "2", "-extfile", ext], **q)
    return ca_crt, crt, key


def make_htpasswd(path, user, password):
    subprocess.run(["htpasswd", "-Bbc", path, user, password], check=True, capture_output=True)
    return path


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class LoopbackServer:
    """An HTTP server of the test's on 127.0.0.1, served from a thread."""

    def serve(self, handler):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class TokenIssuer(LoopbackServer):
    """A Bearer token service as docker-registry's token auth expects: JWTs
    signed RS256 with a key whose certificate is the registry's
    rootcertbundle, naming the key by its libtrust key id. Anonymous
    requests get pull access; `users` (name → password) get what they ask
    for. Every request it served is kept in `requests`."""

    def __init__(self, folder, service="mdk-registry", issuer="mdk-issuer", users=None):
        os.makedirs(folder, exist_ok=True)
        self.key = os.path.join(folder, "issuer.key")
        self.cert = os.path.join(folder, "issuer.crt")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", self.key, "-out",
                        self.cert, "-days", "2", "-subj", "/CN=mdk token issuer"], check=True, capture_output=True)
        spki = subprocess.run(["openssl", "pkey", "-in", self.key, "-pubout", "-outform", "DER"], check=True,
                              capture_output=True).stdout
        fp = base64.b32encode(hashlib.sha256(spki).digest()[:30]).decode().rstrip("=")
        self.kid = ":".join(fp[i:i + 4] for i in range(0, len(fp), 4))
        self.service, self.issuer, self.users = service, issuer, dict(users or {})
        self.requests = []
        self.port = free_port()
        self.realm = "http://127.0.0.1:%d/token" % self.port
        issuer_self = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                issuer_self.handle(self)

        self.serve(Handler)

    def registry_settings(self):
        return {"realm": self.realm, "service": self.service, "issuer": self.issuer, "bundle": self.cert}

    def sign(self, claims):
        header = b64url(json.dumps({"typ": "JWT", "alg": "RS256", "kid": self.kid}).encode())
        payload = b64url(json.dumps(claims).encode())
        signing_input = (header + "." + payload).encode()
        sig = subprocess.run(["openssl", "dgst", "-sha256", "-sign", self.key], input=signing_input, check=True,
                             capture_output=True).stdout
        return header + "." + payload + "." + b64url(sig)

    def handle(self, h):
        q = urllib.parse.parse_qs(urllib.parse.urlparse(h.path).query)
        user = None
        auth = h.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            name, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            if self.users.get(name) != password:
                self.requests.append({"user": name, "denied": True, "scope": q.get("scope", [])})
                h.send_response(401)
                h.send_header("Content-Type", "application/json")
                h.end_headers()
                h.wfile.write(b'{"details":"incorrect username or password"}')
                return
            user = name
        access = []
        for scope in q.get("scope", []):
            kind, _, rest = scope.partition(":")
            name, _, actions = rest.rpartition(":")
            wanted = actions.split(",")
            granted = [a for a in wanted if user or a == "pull"]
            access.append({"type": kind, "name": name, "actions": granted})
        self.requests.append({"user": user, "scope": q.get("scope", []), "service": q.get("service", [""])[0]})
        now = int(time.time())
        token = self.sign({"iss": self.issuer, "sub": user or "", "aud": self.service, "exp": now + 300,
                           "nbf": now - 10, "iat": now, "jti": os.urandom(8).hex(), "access": access})
        body = json.dumps({"token": token, "access_token": token, "expires_in": 300}).encode()
        h.send_response(200)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)


class FaultProxy(LoopbackServer):
    """An HTTP proxy in front of a registry. While `cut_after` is set, the
    body of a blob GET is cut after that many bytes (the connection closes
    as when the registry dies mid-download); while `corrupt` is set, one
    byte of every blob is flipped. Everything else passes through."""

    def __init__(self, upstream_port):
        self.upstream_port = upstream_port
        self.cut_after = None
        self.corrupt = False
        self.blob_gets = 0
        self.requests = []  # (method, path) of every request
        self.port = free_port()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def forward(self):
                proxy.requests.append((self.command, self.path))
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                conn = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "connection"}  # Host kept: Locations point back here
                conn.request(self.command, self.path, body=body, headers=headers)
                r = conn.getresponse()
                data = r.read()
                is_blob = self.command == "GET" and "/blobs/sha256:" in self.path and r.status == 200
                if is_blob:
                    proxy.blob_gets += 1
                    if proxy.corrupt and data:
                        data = data[:len(data) // 2] + bytes([data[len(data) // 2] ^ 0xFF]) + data[len(data) // 2 + 1:]
                self.send_response(r.status)
                for k, v in r.getheaders():
                    if k.lower() not in ("content-length", "transfer-encoding", "connection"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Connection", "close")
                self.end_headers()
                if is_blob and proxy.cut_after is not None and len(data) > proxy.cut_after:
                    self.wfile.write(data[:proxy.cut_after])
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                if self.command != "HEAD":
                    self.wfile.write(data)
                self.close_connection = True
                conn.close()

            do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward

        self.serve(Handler)

    @property
    def address(self):
        return "127.0.0.1:%d" % self.port
