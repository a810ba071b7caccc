#!/usr/bin/env python3
"""Pull benchmark: a multi-layer image of ~120 MB (uncompressed; four layers
of ~30 MB cut from the host's own /usr: binaries, libraries, headers, shared data)
served by Debian's docker-registry on 127.0.0.1, pulled by mydockerd, and
the same image fetched by `skopeo copy` to a local directory followed by
`tar -x` of its layers, in the same run. Prints wall times (median of 3),
MB/s of unpacked data, and the ratio. Usage: bench_pull.py CLI... (the
mydocker command line that reaches the daemon under test)."""
import io
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests", "e2e"))
import registry_util as ru  # noqa: E402

SOURCES = ["/usr/bin", "/usr/lib/x86_64-linux-gnu", "/usr/include", "/usr/share"]
LAYER_BYTES = 30 << 20


def layer_from(folder, limit):
    """An uncompressed tar of regular files and directories under folder, up to limit bytes of content."""
    buf = io.BytesIO()
    total = 0
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as t:
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                path = os.path.join(root, name)
                try:
                    st = os.lstat(path)
                except OSError:
                    continue
                if not (st.st_mode & 0o170000 in (0o100000, 0o120000)):
                    continue
                if st.st_size > limit - total:
                    continue  # too big for what is left of this layer
                t.add(path, arcname=path.lstrip("/"), recursive=False)
                total += st.st_size
                if total >= limit * 0.98:
                    return buf.getvalue(), total
    return buf.getvalue(), total


def timed(fn):
    t0 = time.monotonic()
    fn()
    return time.monotonic() - t0


def main():
    cli = sys.argv[1:]
    work = tempfile.mkdtemp(prefix="mdk-bench-pull-")
    reg = ru.Registry(os.path.join(work, "reg")).start()
    try:
        layers = [layer_from(src, LAYER_BYTES)[0] for src in SOURCES]
        raw = sum(len(l) for l in layers)
        api = ru.RegistryApi(reg.address)
        api.push_image("bench/big", "1", layers)
        ref = reg.address + "/bench/big:1"

        def ours():
            subprocess.run(cli + ["pull", "-q", ref], check=True, capture_output=True)

        def theirs():
            dest = os.path.join(work, "skopeo")
            root = os.path.join(work, "rootfs")
            shutil.rmtree(dest, ignore_errors=True)
            shutil.rmtree(root, ignore_errors=True)
            subprocess.run(["skopeo", "copy", "--src-tls-verify=false", "docker://" + ref, "dir:" + dest], check=True,
                           capture_output=True)
            os.makedirs(root)
            import json
            manifest = json.load(open(os.path.join(dest, "manifest.json")))
            for l in manifest["layers"]:
                subprocess.run(["tar", "-xzf", os.path.join(dest, l["digest"].split(":")[1]), "-C", root],
                               check=True, capture_output=True)

        ours_t, theirs_t = [], []
        for _ in range(3):
            subprocess.run(cli + ["rmi", "-f", ref], capture_output=True)
            ours_t.append(timed(ours))
            theirs_t.append(timed(theirs))
        subprocess.run(cli + ["rmi", "-f", ref], capture_output=True)
        o, t = statistics.median(ours_t), statistics.median(theirs_t)
        print("pull of a %d MB image in 4 layers from a loopback registry:" % (raw >> 20))
        print("  mydocker pull:               median %.2f s  (%s)  %.0f MB/s unpacked" %
              (o, ", ".join("%.2f" % x for x in ours_t), raw / o / 1e6))
        print("  skopeo copy dir: + tar -x:   median %.2f s  (%s)  %.0f MB/s" %
              (t, ", ".join("%.2f" % x for x in theirs_t), raw / t / 1e6))
        print("  ratio mydocker / skopeo+tar: %.2f (target <= 1)" % (o / t))
    finally:
        reg.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
