#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install, build, start mydockerd
# on /run/mydocker.sock, make the offline busybox image and run a container.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
sock=/run/mydocker.sock
if ! curl -s --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
  nohup ./build/cmd/mydockerd -H "unix://$sock" --pidfile /run/mydockerd.pid >/var/log/mydockerd.log 2>&1 &
  for _ in $(seq 1 200); do curl -s --unix-socket "$sock" http://d/_ping >/dev/null 2>&1 && break; sleep 0.05; done
fi
MYDOCKER="./build/cmd/mydocker -H unix://$sock"
$MYDOCKER images -q busybox | grep -q . || bash scripts/make-busybox-image.sh /tmp/busybox-rootfs.tar "$MYDOCKER"
$MYDOCKER run --rm busybox echo "hello from a mydocker container"
