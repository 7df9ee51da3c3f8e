#!/bin/bash
# `make demo`: a busybox root filesystem, a bundle, and one container run by
# hull-runtime that shows its own PID 1, hostname and network stack.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNTIME=$PWD/$BUILD/src/hull-runtime
BUSYBOX=${BUSYBOX:-/bin/busybox}

if [ "$(id -u)" -ne 0 ]; then
        echo "demo: run as root (containers need namespaces and cgroups)" >&2
        exit 1
fi

work=$(mktemp -d /tmp/hull-demo.XXXXXX)
trap '"$RUNTIME" --root "$work/state" delete --force demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "A root filesystem: busybox and its applets ($BUSYBOX)"
mkdir -p "$work/bundle/rootfs"/{bin,etc,proc,sys,dev,tmp}
cp "$BUSYBOX" "$work/bundle/rootfs/bin/busybox"
for applet in $("$BUSYBOX" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$work/bundle/rootfs/bin/$applet"
done
echo 'root:x:0:0:root:/:/bin/sh' >"$work/bundle/rootfs/etc/passwd"
du -sh "$work/bundle/rootfs" | sed 's/^/  /'

step "A bundle: hull-runtime spec, then our command and hostname"
(cd "$work/bundle" && "$RUNTIME" spec)
jq '.process.terminal = false
    | .hostname = "hull-demo"
    | .process.args = ["sh", "-c", "echo \"pid:        $$ (I am PID 1 of my own pid namespace)\"; echo \"hostname:   $(hostname)\"; echo \"interfaces: $(ls /sys/class/net | tr \"\\n\" \" \")\"; ip -o link show lo | sed \"s/^/  /\"; echo \"processes:\"; ps -o pid,comm | sed \"s/^/  /\""]' \
        "$work/bundle/config.json" >"$work/bundle/config.json.new"
mv "$work/bundle/config.json.new" "$work/bundle/config.json"
echo "  $work/bundle/config.json: $(jq -c .process.args "$work/bundle/config.json" | cut -c1-60)..."

step "hull-runtime run demo"
start=$(date +%s%N)
"$RUNTIME" --root "$work/state" run --bundle "$work/bundle" demo
end=$(date +%s%N)
echo "  (create, start, wait, delete: $(( (end - start) / 1000000 )) ms)"

step "The host is untouched"
echo "  host hostname: $(hostname)"
echo "  containers left: $("$RUNTIME" --root "$work/state" list -q | wc -l)"
