#!/usr/bin/env bash
# Prints mydocker's performance numbers (see docs/performance.md). As root, after scripts/build.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
exec /usr/bin/python3 scripts/bench.py "${1:-build/cmd}"
