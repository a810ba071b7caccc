#!/usr/bin/env python3
"""Writes the seed corpus of every fuzz target under tests/fuzz/corpus/.

The seeds are small valid inputs (and a few classic attacks) for each
target. They are committed; run this again only to regenerate them:
    python3 tests/fuzz/tools/make_corpus.py
The corpus also holds inputs that once found a bug (regress-*, see
docs/fuzzing.md): this script leaves them alone.
"""
import base64
import gzip
import hashlib
import io
import json
import lzma
import os
import struct
import tarfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "corpus")


def put(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- http_server: what a client writes on one connection -----------------
def http(method, target, headers=(), body=b"", version="1.1"):
    if isinstance(body, str):
        body = body.encode()
    lines = [f"{method} {target} HTTP/{version}", "Host: docker"] + list(headers)
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


create = json.dumps({"Image": "busybox", "Cmd": ["true"], "HostConfig": {"CapAdd": ["NET_ADMIN"]},
                     "Labels": {"a": "b"}})
put("http_server", "ping", http("GET", "/_ping"))
put("http_server", "ps_filters", http("GET", "/v1.41/containers/json?all=1&limit=3&filters=%7B%22status%22%3A%5B%22running%22%5D%7D"))
put("http_server", "create", http("POST", "/v1.48/containers/create?name=web", ["Content-Type: application/json"], create))
put("http_server", "pipelined", http("GET", "/version") + http("DELETE", "/containers/abc?force=1&v=true") +
    http("POST", "/containers/abc/kill?signal=SIGTERM", ["Connection: close"]))
chunked = b"POST /images/load?quiet=1 HTTP/1.1\r\nHost: d\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
put("http_server", "load_chunked", chunked)
put("http_server", "image_greedy", http("GET", "/images/127.0.0.1:5000/library/busybox/json", version="1.0"))
put("http_server", "attach", http("POST", "/v1.41/containers/web/attach?stream=1&stdout=1",
                                  ["Connection: Upgrade", "Upgrade: tcp"]))
put("http_server", "logs", http("GET", "/containers/abcd/logs?follow=0&stdout=1&tail=all"))
put("http_server", "old_version", http("GET", "/v1.12/info"))
put("http_server", "bad_json", http("POST", "/networks/create", ["Content-Type: application/json"], '{"Name":'))

# ---- api_router: "METHOD path\nbody" ---------------------------------------
put("api_router", "ps", "GET /containers/json\n")
put("api_router", "create", "POST /containers/create\n" + create)
put("api_router", "escaped_name", "GET /images/a%2Fb/json\n")
put("api_router", "tag", "POST /images/127.0.0.1:5000/x/y:1.0/tag\n")
put("api_router", "delete_digest", "DELETE /images/busybox@sha256:" + "ab" * 32 + "\n")
put("api_router", "method_not_allowed", "PUT /containers/abc/start\n")
put("api_router", "exec", "POST /exec/3f2a/start\n{\"Detach\":false,\"Tty\":true}")

# ---- image_reference --------------------------------------------------------
for i, r in enumerate(["busybox", "busybox:latest", "docker.io/library/busybox:1.36", "127.0.0.1:5000/me/app:v1",
                       "localhost/x@sha256:" + "0123456789abcdef" * 4, "[::1]:5000/a/b:c", "ghcr.io/Owner/x",
                       "me/app", "sha256:" + "f" * 64, "a.b/c/d/e:tag@sha256:" + "e" * 64]):
    put("image_reference", f"ref{i}", r)

# ---- www_authenticate -------------------------------------------------------
put("www_authenticate", "bearer_hub", 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",'
    'scope="repository:library/busybox:pull"')
put("www_authenticate", "basic", 'Basic realm="Registry Realm"')
put("www_authenticate", "two", 'Bearer realm="http://127.0.0.1:5000/token", service=x, Basic realm="y"')
put("www_authenticate", "escaped", 'Bearer realm="a\\"b,c",error="insufficient_scope"')
put("www_authenticate", "registry_auth", base64.b64encode(b'{"username":"a","password":"b"}'))
put("www_authenticate", "registry_auth_url", base64.urlsafe_b64encode(b'{"identitytoken":"t?~"}').rstrip(b"="))


# ---- dns_packet: one byte (address count, rotation) then a query -----------
def dns_query(name, qtype, ident=0x1234, flags=0x0100, qdcount=1):
    q = struct.pack(">HHHHHH", ident, flags, qdcount, 0, 0, 0)
    for label in name.split("."):
        q += bytes([len(label)]) + label.encode()
    return q + b"\x00" + struct.pack(">HH", qtype, 1)


put("dns_packet", "a_web", b"\x01" + dns_query("web", 1))
put("dns_packet", "a_fqdn_rotate", b"\x08" + dns_query("Web.MyNet", 1))
put("dns_packet", "aaaa", b"\x02" + dns_query("db", 28))
put("dns_packet", "mx_none", b"\x00" + dns_query("mail.example.com", 15))
put("dns_packet", "edns", b"\x01" + dns_query("web", 1)[:4] + b"\x00\x01\x00\x00\x00\x00\x00\x01" +
    dns_query("web", 1)[12:] + b"\x00\x00\x29\x10\x00\x00\x00\x00\x00\x00\x00")

# ---- go_template: "template" or "template\0json" -----------------------------
for i, t in enumerate([
        "{{.Name}}", "{{json .Config}}", "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}} {{end}}",
        "table {{.Id}}\\t{{.Image}}", "{{if .State.Running}}up{{else if .State.Pid}}odd{{else}}down{{end}}",
        '{{index .Config.Labels "com.x"}}', '{{printf "%s:%v %q" .Name .Size .Image}}',
        '{{join .Names ","}} {{upper .Image}} {{lower .Name}} {{title "a b"}} {{len .Names}}',
        "{{with .NetworkSettings.Networks.bridge}}{{.IPAddress}}{{end}}",
        "{{pad .Name 2 3}}|{{truncate .Id 4}}|{{split .Image \":\"}}", "{{- .Name -}} {{/* c */}}",
        '{{.Label "com.x"}}', '{{range .Names}}{{.}}{{println}}{{end}}{{eq .Size 1234567}} {{ne 1 2}} {{and 1 0}} {{or 0 "x"}} {{not .Nothing}}',
        '{{$x := .State}}{{$x.Status}} {{(index .Names 1)}} {{.Ratio}}']):
    put("go_template", f"t{i}", t)
put("go_template", "with_data", b'{{range .A}}{{json .}}{{end}}\x00{"A":[1,2.5,{"b":null},"s",[true]]}')

# ---- cli_create_body: one flag per line, "--" then the command --------------
put("cli_create_body", "web", "name web\npublish 8080:80\npublish 127.0.0.1:5353:53/udp\nexpose 7000-7002/tcp\n"
    "env A=1\nlabel role=front\nvolume /data\nvolume /src:/dst:ro\nrestart on-failure:3\nmemory 64m\ncpus 1.5\n--\nsh\n-c\ntrue")
put("cli_create_body", "devices", "device /dev/null:/dev/mynull:rw\ndevice-cgroup-rule c 1:3 rwm\n"
    "device-read-bps /dev/sda:1mb\ndevice-write-iops /dev/sda:100\ncap-add NET_ADMIN\ncap-drop ALL\nprivileged")
put("cli_create_body", "mounts", "mount type=bind,source=/tmp,target=/x,readonly\nmount type=volume,target=/v,volume-opt=a=b\n"
    "tmpfs /run:size=64m\nshm-size 1g\nmemory-swap -1\nmemory-reservation 32m")
put("cli_create_body", "net", "network mynet\nnetwork-alias db\nip 10.0.0.5\nmac-address 02:42:ac:11:00:02\n"
    "extra-network other\nadd-host h:1.2.3.4\ndns 8.8.8.8\nsecurity-opt no-new-privileges\nsecurity-opt seccomp=unconfined\nrm")

# ---- host_config_security: HostConfig JSON ----------------------------------
profile = {"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 1,
           "syscalls": [{"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"}]}
for i, hc in enumerate([
        {"CapAdd": ["NET_ADMIN", "cap_sys_time"], "CapDrop": ["MKNOD"]}, {"CapDrop": ["ALL"], "CapAdd": ["CHOWN"]},
        {"Privileged": True}, {"SecurityOpt": ["no-new-privileges", "seccomp=unconfined"]},
        {"SecurityOpt": ["seccomp=" + json.dumps(profile)]},
        {"Devices": [{"PathOnHost": "/dev/null", "PathInContainer": "/dev/mynull", "CgroupPermissions": "rw"}],
         "DeviceCgroupRules": ["c 1:3 rwm", "b *:* m"]},
        {"SecurityOpt": ["label=disable", "apparmor=unconfined", "systempaths=unconfined", "writable-cgroups=true",
                         "no-new-privileges:false"]},
        {"CapAdd": ["ALL"], "CapDrop": ["SYS_ADMIN"]}]):
    put("host_config_security", f"hc{i}", json.dumps(hc))

# ---- seccomp_profile ---------------------------------------------------------
put("seccomp_profile", "minimal", json.dumps(profile))
put("seccomp_profile", "archmap", json.dumps({
    "defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38,
    "archMap": [{"architecture": "SCMP_ARCH_X86_64", "subArchitectures": ["SCMP_ARCH_X86", "SCMP_ARCH_X32"]},
                {"architecture": "SCMP_ARCH_AARCH64", "subArchitectures": ["SCMP_ARCH_ARM"]}],
    "syscalls": [
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW", "args": [{"index": 0, "value": 0, "op": "SCMP_CMP_EQ"}]},
        {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}],
         "excludes": {"caps": ["CAP_SYS_ADMIN"], "arches": ["s390", "s390x"]}},
        {"names": ["mount", "umount2"], "action": "SCMP_ACT_ALLOW", "includes": {"caps": ["CAP_SYS_ADMIN"]}},
        {"names": ["io_uring_setup"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1, "includes": {"minKernel": "5.1"}},
        {"name": "ptrace", "action": "SCMP_ACT_ALLOW", "includes": {"minKernel": "4.8"}, "comment": "legacy name"}]}))
put("seccomp_profile", "arches_flags", json.dumps({
    "defaultAction": "SCMP_ACT_KILL_PROCESS", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"],
    "flags": ["SECCOMP_FILTER_FLAG_LOG"],
    "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
                 {"names": ["kill"], "action": "SCMP_ACT_TRACE"}, {"names": ["getpid"], "action": "SCMP_ACT_LOG"},
                 {"names": ["read"], "action": "SCMP_ACT_ALLOW",
                  "args": [{"index": 0, "value": 3, "op": "SCMP_CMP_LE"}, {"index": 2, "value": 10, "op": "SCMP_CMP_GT"}]}]}))
put("seccomp_profile", "unconfined_empty", "{}")
put("seccomp_profile", "case_insensitive", '{"DEFAULTACTION":"SCMP_ACT_ALLOW","Syscalls":null}')


# ---- tar_extract and image_archive: tarballs -------------------------------
def tar_bytes(entries, fmt=tarfile.PAX_FORMAT):
    """entries: (name, kind, data_or_target, mode)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for name, kind, payload, mode in entries:
            ti = tarfile.TarInfo(name)
            ti.mode = mode
            ti.mtime = 1700000000
            if kind == "file":
                ti.size = len(payload)
                t.addfile(ti, io.BytesIO(payload))
                continue
            ti.type = {"dir": tarfile.DIRTYPE, "sym": tarfile.SYMTYPE, "link": tarfile.LNKTYPE,
                       "chr": tarfile.CHRTYPE, "fifo": tarfile.FIFOTYPE}[kind]
            if kind in ("sym", "link"):
                ti.linkname = payload
            if kind == "chr":
                ti.devmajor, ti.devminor = 1, 3
            t.addfile(ti)
    data = buf.getvalue()
    # Drop tarfile's padding to a 10 KiB record: two zero blocks end it.
    end = len(data.rstrip(b"\0"))
    end = (end + 511) // 512 * 512
    return data[:end] + b"\0" * 1024


simple = tar_bytes([("etc", "dir", None, 0o755), ("etc/hostname", "file", b"box\n", 0o644),
                    ("bin/sh", "file", b"#!", 0o4755), ("bin/ash", "link", "bin/sh", 0o755),
                    ("lib", "sym", "usr/lib", 0o777)], tarfile.USTAR_FORMAT)
put("tar_extract", "simple", simple)
put("tar_extract", "gzip", gzip.compress(simple, mtime=0))
put("tar_extract", "xz", lzma.compress(simple))
put("tar_extract", "whiteouts", tar_bytes([("a", "dir", None, 0o755), ("a/.wh..wh..opq", "file", b"", 0o644),
                                           ("b/.wh.gone", "file", b"", 0o644), (".wh.top", "file", b"", 0o644)]))
put("tar_extract", "traversal", tar_bytes([("../secret", "file", b"pwned", 0o644),
                                           ("/tmp/mydocker-fuzz-scratch/secret", "file", b"pwned", 0o644),
                                           ("x/../../secret", "file", b"pwned", 0o644)], tarfile.GNU_FORMAT))
put("tar_extract", "symlink_escape", tar_bytes([("up", "sym", "..", 0o777), ("up/secret", "file", b"pwned", 0o644),
                                                ("abs", "sym", "/tmp/mydocker-fuzz-scratch", 0o777),
                                                ("abs/secret", "file", b"pwned", 0o644),
                                                ("abs/.wh.secret", "file", b"", 0o644)]))
put("tar_extract", "hardlink_escape", tar_bytes([("s", "sym", "/tmp/mydocker-fuzz-scratch", 0o777),
                                                 ("h", "link", "s/secret", 0o644),
                                                 ("h2", "link", "../secret", 0o644)]))
put("tar_extract", "special", tar_bytes([("dev/null", "chr", None, 0o666), ("run/fifo", "fifo", None, 0o600),
                                         ("p/" + "long" * 40 + "/f", "file", b"x", 0o600)]))


def sha(b):
    return "sha256:" + hashlib.sha256(b).hexdigest()


layer = tar_bytes([("hello", "file", b"hi\n", 0o644)], tarfile.USTAR_FORMAT)
config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Cmd": ["/hello"]},
                     "rootfs": {"type": "layers", "diff_ids": [sha(layer)]}}).encode()
chex, lhex = sha(config)[7:], sha(layer)[7:]
manifest = json.dumps([{"Config": f"blobs/sha256/{chex}", "RepoTags": ["hello:latest"],
                        "Layers": [f"blobs/sha256/{lhex}"]}]).encode()
put("image_archive", "docker", tar_bytes([("blobs/sha256/" + chex, "file", config, 0o644),
                                          ("blobs/sha256/" + lhex, "file", layer, 0o644),
                                          ("manifest.json", "file", manifest, 0o644)], tarfile.USTAR_FORMAT))
oci_manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                           "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha(config),
                                      "size": len(config)},
                           "layers": [{"mediaType": "application/vnd.oci.image.layer.v1.tar", "digest": sha(layer),
                                       "size": len(layer)}]}).encode()
index = json.dumps({"schemaVersion": 2, "manifests": [{
    "mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": sha(oci_manifest), "size": len(oci_manifest),
    "annotations": {"io.containerd.image.name": "docker.io/library/hello:latest",
                    "org.opencontainers.image.ref.name": "latest"}}]}).encode()
put("image_archive", "oci", tar_bytes([("oci-layout", "file", b'{"imageLayoutVersion":"1.0.0"}', 0o644),
                                       ("blobs/sha256/" + chex, "file", config, 0o644),
                                       ("blobs/sha256/" + lhex, "file", layer, 0o644),
                                       ("blobs/sha256/" + sha(oci_manifest)[7:], "file", oci_manifest, 0o644),
                                       ("index.json", "file", index, 0o644)], tarfile.USTAR_FORMAT))
legacy = json.dumps([{"Config": f"{chex}.json", "RepoTags": ["a/b:c"], "Layers": ["l1/layer.tar", "l2/layer.tar"]}]).encode()
put("image_archive", "legacy_links", tar_bytes([(f"{chex}.json", "file", config, 0o644),
                                                ("l1/layer.tar", "file", layer, 0o644),
                                                ("l2/layer.tar", "link", "l1/layer.tar", 0o644),
                                                ("../evil", "file", b"x", 0o644), ("s", "sym", "/etc/passwd", 0o777),
                                                ("manifest.json", "file", legacy, 0o644)], tarfile.USTAR_FORMAT))
put("image_archive", "gzip", gzip.compress(tar_bytes([("manifest.json", "file", manifest, 0o644)]), mtime=0))
