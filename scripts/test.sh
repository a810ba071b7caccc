#!/usr/bin/env bash
# Install, build and run every test (unit, integration as root, e2e with
# our CLI and the real docker CLI). Must run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd build
ctest --output-on-failure --timeout 900 "$@"
