# Shared by the benchmarks: a busybox bundle and a private mount namespace in
# which crun 1.8 accepts this hybrid cgroup host.
#
# crun 1.8.1 refuses hybrid hosts (v1 controllers plus a cgroup2 tree at
# /sys/fs/cgroup/unified).  In a private mount namespace we unmount that tree
# and put an empty tmpfs in its place: crun then sees a plain v1 host.  Every
# runtime is measured in that same namespace, so they face the same host;
# nothing changes outside it (crun's directories land in the tmpfs).

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-build}
HULL_RUNTIME=${HULL_RUNTIME:-$BENCH_SRC/$BUILD/src/hull-runtime}
BUSYBOX=${BUSYBOX:-/bin/busybox}

bench_require() {
        local c
        for c in "$@"; do
                command -v "$c" >/dev/null || { echo "bench: needs $c (make deps)" >&2; exit 1; }
        done
        [ "$(id -u)" -eq 0 ] || { echo "bench: run as root" >&2; exit 1; }
        [ -x "$HULL_RUNTIME" ] || { echo "bench: build hull first (make)" >&2; exit 1; }
}

# make_bundle DIR ARGS_JSON: busybox rootfs + hull-runtime spec + args.
make_bundle() {
        local dir=$1 args=$2 a
        mkdir -p "$dir/rootfs"/{bin,etc,proc,sys,dev,tmp}
        cp "$BUSYBOX" "$dir/rootfs/bin/busybox"
        for a in $("$BUSYBOX" --list); do
                [ "$a" = busybox ] || ln -sf busybox "$dir/rootfs/bin/$a"
        done
        rm -f "$dir/config.json"
        (cd "$dir" && "$HULL_RUNTIME" spec)
        jq ".process.terminal = false | .process.args = $args" "$dir/config.json" >"$dir/config.json.new"
        mv "$dir/config.json.new" "$dir/config.json"
}

# in_crun_namespace CMD...: runs CMD in a private mount namespace where
# /sys/fs/cgroup/unified is an empty tmpfs (see above).
#
# STATE_ROOT (when set, a directory): a tmpfs is mounted there inside the
# namespace for the runtimes' --root, as /run is a tmpfs on a normal host
# (runc's /run/runc, crun's /run/crun, hull's /run/hull).  On this VM /run is
# a plain directory of the ext4 root, where creating a file costs 0.3-1 ms:
# that would measure the disk, not the runtimes.
in_crun_namespace() {
        unshare -m --propagation private bash -c '
                if mountpoint -q /sys/fs/cgroup/unified; then
                        umount /sys/fs/cgroup/unified && mount -t tmpfs -o size=256m none /sys/fs/cgroup/unified
                fi
                if [ -n "${STATE_ROOT:-}" ]; then
                        mkdir -p "$STATE_ROOT" && mount -t tmpfs -o mode=0700 hull-bench-state "$STATE_ROOT"
                fi
                exec "$@"' bash "$@"
}

# machine_line: what the numbers were measured on.
machine_line() {
        echo "$(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), Linux $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
}
