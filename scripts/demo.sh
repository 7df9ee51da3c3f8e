#!/bin/bash
# `make demo`: a busybox root filesystem, a bundle, and one container run by
# hull-runtime that shows its own PID 1, hostname and network stack; then an
# image built by `hull build` from a Hullfile of host programs (bash and a few
# coreutils with their libraries, nothing else), listed, inspected, unpacked
# into a bundle and run by hull-runtime.  Everything lives in one temporary
# directory (the image store too: --store), which the trap removes.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
RUNTIME=$PWD/$BUILD/src/hull-runtime
HULL=${HULL:-$PWD/$BUILD/src/hull}
BUSYBOX=${BUSYBOX:-/bin/busybox}

if [ "$(id -u)" -ne 0 ]; then
        echo "demo: run as root (containers need namespaces and cgroups)" >&2
        exit 1
fi

work=$(mktemp -d /tmp/hull-demo.XXXXXX)
cleanup() {
        local id
        for id in demo demo-image; do
                "$RUNTIME" --root "$work/state" delete --force "$id" >/dev/null 2>&1 || true
        done
        rm -rf "$work"
}
trap cleanup EXIT

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

# ---------------------------------------------------------------------------
# Part two: an image from host programs.
store=$work/store

step "A Hullfile: host programs with their libraries, a minimal /etc, hull-init"
mkdir -p "$work/context"
cat >"$work/context/Hullfile" <<'HULLFILE'
# Programs of this host, copied with their ELF closure to the same paths.
FROM scratch
PROGRAM /bin/bash /usr/bin/ls /usr/bin/cat /usr/bin/id /usr/bin/du
# passwd, group, nsswitch.conf, hosts, os-release, /tmp; and a user.
ETC --user demo:1000:1000
# hull-init as PID 1: it forwards signals, reaps zombies, passes the exit status on.
INIT
COPY hello.sh /usr/local/bin/hello
ENV GREETING="hello from an image that hull built"
LABEL org.opencontainers.image.title="hull demo"
WORKDIR /home/demo
USER demo
ENTRYPOINT ["/usr/local/bin/hello"]
HULLFILE
cat >"$work/context/hello.sh" <<'SCRIPT'
#!/bin/bash
echo "$GREETING"
echo "user:       $(id)"
echo "cwd:        $PWD"
echo "hostname:   $(</proc/sys/kernel/hostname)"
. /etc/os-release
echo "os-release: $PRETTY_NAME"
echo "/:          "$(ls /)
echo "/usr/bin:   "$(ls /usr/bin)
size=$(du -sh --exclude=proc --exclude=sys --exclude=dev / 2>/dev/null)
echo "size:       ${size%%[[:space:]]*}"
echo "processes:"
for p in /proc/[0-9]*; do
        read -r comm <"$p/comm"
        echo "  ${p#/proc/} $comm"
done
SCRIPT
chmod 755 "$work/context/hello.sh"
sed 's/^/  /' "$work/context/Hullfile"
echo "  hello.sh:"
sed 's/^/    /' "$work/context/hello.sh"

step "hull build --store $store -t hull-demo:1 (a temporary store: nothing under /var/lib/hull)"
start=$(date +%s%N)
"$HULL" build --store "$store" -t hull-demo:1 "$work/context" | sed 's/^/  /'
end=$(date +%s%N)
echo "  (built in $(( (end - start) / 1000000 )) ms)"

step "hull images, hull inspect"
"$HULL" images --store "$store" | sed 's/^/  /'
"$HULL" inspect --json --store "$store" hull-demo:1 | jq -r '.[0] |
        "  digest:     \(.Digest)",
        "  entrypoint: \(.Config.config.Entrypoint | join(" "))",
        "  user:       \(.Config.config.User)",
        "  workdir:    \(.Config.config.WorkingDir)",
        "  env:        \(.Config.config.Env | join(" "))",
        "  layers:     \(.Manifest.layers | map("\(.size) bytes \(.mediaType | split(".") | last)") | join(", "))",
        "  history:",
        (.Config.history[] | "    \(.created_by)")'

step "hull unpack: an OCI runtime bundle (rootfs + config.json from the image config)"
"$HULL" unpack --store "$store" hull-demo:1 "$work/image-bundle"
echo "  rootfs:  $(ls "$work/image-bundle/rootfs" | tr '\n' ' ')($(du -sh "$work/image-bundle/rootfs" | cut -f1))"
echo "  process: $(jq -c '.process | {user, cwd, args: (.args | map(.[0:40]))}' "$work/image-bundle/config.json")"
jq '.hostname = "hull-image"' "$work/image-bundle/config.json" >"$work/image-bundle/config.json.new"
mv "$work/image-bundle/config.json.new" "$work/image-bundle/config.json"

step "hull-runtime run demo-image"
start=$(date +%s%N)
"$RUNTIME" --root "$work/state" run --bundle "$work/image-bundle" demo-image
end=$(date +%s%N)
echo "  (create, start, wait, delete: $(( (end - start) / 1000000 )) ms)"
echo "  containers left: $("$RUNTIME" --root "$work/state" list -q | wc -l); store and bundles: removed on exit ($work)"
