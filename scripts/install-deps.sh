#!/usr/bin/env bash
# Debian 12 packages mydocker needs to build, test and run. Idempotent.
set -euo pipefail
pkgs=(g++ cmake ninja-build pkg-config git
      libboost-dev nlohmann-json3-dev libcli11-dev libspdlog-dev libfmt-dev
      libseccomp-dev libarchive-dev libssl-dev zlib1g-dev libnl-route-3-dev libnftables-dev libre2-dev
      libgtest-dev busybox-static python3 python3-pytest curl iproute2 procps nftables
      docker-registry skopeo apache2-utils openssl libzstd-dev)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}"
fi
