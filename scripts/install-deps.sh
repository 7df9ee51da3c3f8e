#!/bin/bash
# Installs the Debian packages that hull's build, tests, demo and benchmarks
# need.  Idempotent and quick when everything is present: apt runs only when a
# package is missing.  Must run as root when something is missing.
set -euo pipefail

PACKAGES=(
        # build
        gcc make meson ninja-build pkg-config libc6-dev
        libjansson-dev libseccomp-dev libcmocka-dev
        zlib1g-dev libdeflate-dev libzstd-dev libssl-dev
        musl-tools
        # tests
        bats jq busybox-static util-linux iproute2 procps psmisc strace time
        libclang-rt-14-dev clang
        # peers compared against in tests and benchmarks
        runc crun hyperfine
        tini dumb-init catatonit python3
        skopeo umoci zstd pax-utils python3-pyelftools buildah
)

missing=()
for p in "${PACKAGES[@]}"; do
        if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
                missing+=("$p")
        fi
done

if [ ${#missing[@]} -eq 0 ]; then
        exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
        echo "install-deps: missing packages: ${missing[*]}" >&2
        echo "install-deps: run as root (or: sudo $0)" >&2
        exit 1
fi

echo "install-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null; then
        apt-get update -q >/dev/null
        apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi
