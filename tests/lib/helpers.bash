# Shared helpers for the bats suites (tests/integration, conformance, security, init).
#   load ../lib/helpers
#
# Environment:
#   HULL_BUILD      build dir (default: <src>/build)
#   HULL_RUNTIME    the runtime under test (default: $HULL_BUILD/src/hull-runtime);
#                   set it to "runc" to run a suite against runc.
#   HULL_MUST_WORK  when set, `requires` fails instead of skipping for features
#                   that this kind of machine must have (CI sets it).

HULL_SRC=${HULL_SRC:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
HULL_BUILD=${HULL_BUILD:-$HULL_SRC/build}
HULL_RUNTIME=${HULL_RUNTIME:-$HULL_BUILD/src/hull-runtime}
HULL_INIT=${HULL_INIT:-$HULL_BUILD/src/init/hull-init}
BUSYBOX=${BUSYBOX:-/bin/busybox}

# Features a CI machine of this project must have; `requires` of one of them
# fails under HULL_MUST_WORK instead of skipping.
HULL_MUST_FEATURES=" root busybox cgroup_v1 cgroup_hybrid userns timens runc crun jq tini "

# requires FEATURE...: skips (with the reason) unless every feature is present.
requires() {
        local f
        for f in "$@"; do
                local why=""
                case $f in
                root) [ "$(id -u)" -eq 0 ] || why="needs root" ;;
                busybox) [ -x "$BUSYBOX" ] || why="needs busybox-static at $BUSYBOX" ;;
                jq) command -v jq >/dev/null || why="needs jq" ;;
                runc) command -v runc >/dev/null || why="needs runc" ;;
                crun) command -v crun >/dev/null || why="needs crun" ;;
                tini) command -v tini >/dev/null || why="needs tini" ;;
                cgroup_v2) [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || why="needs a cgroup v2 host" ;;
                cgroup_v1) [ "$(stat -fc %T /sys/fs/cgroup)" = tmpfs ] || why="needs cgroup v1 controllers" ;;
                cgroup_hybrid) [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || why="needs a hybrid cgroup host" ;;
                userns) unshare -U true 2>/dev/null || why="needs user namespaces" ;;
                timens) unshare -T true 2>/dev/null || why="needs time namespaces" ;;
                *) why="unknown feature $f" ;;
                esac
                if [ -n "$why" ]; then
                        if [ -n "${HULL_MUST_WORK:-}" ] && [[ $HULL_MUST_FEATURES == *" $f "* ]]; then
                                echo "feature '$f' must exist on this machine: $why" >&2
                                return 1
                        fi
                        skip "$why"
                fi
        done
}

# A busybox root filesystem, built once per bats run and copied per test.
_rootfs_template() {
        local t=$BATS_RUN_TMPDIR/rootfs-template
        if [ ! -d "$t" ]; then
                local tmp=$t.$$
                mkdir -p "$tmp"/{bin,sbin,usr/bin,usr/sbin,etc,proc,sys,dev,tmp,root,var/run}
                cp "$BUSYBOX" "$tmp/bin/busybox"
                local a
                for a in $("$BUSYBOX" --list); do
                        [ "$a" = busybox ] || ln -sf busybox "$tmp/bin/$a"
                done
                chmod 1777 "$tmp/tmp"
                echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/etc/passwd"
                echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>"$tmp/etc/passwd"
                echo 'root:x:0:' >"$tmp/etc/group"
                echo 'nogroup:x:65534:' >>"$tmp/etc/group"
                mv "$tmp" "$t" 2>/dev/null || rm -rf "$tmp"
        fi
        echo "$t"
}

# setup_bundle [DIR]: a bundle with a busybox rootfs and a default config
# running `true`, terminal off, its own cgroup path.  Sets BUNDLE, ROOT, CID.
setup_bundle() {
        requires root busybox jq
        BUNDLE=${1:-$BATS_TEST_TMPDIR/bundle}
        ROOT=$BATS_TEST_TMPDIR/state
        CID=t$$-$BATS_TEST_NUMBER-$RANDOM
        CGROUP_PARENT=hull-test-$$
        mkdir -p "$BUNDLE" "$ROOT"
        cp -a "$(_rootfs_template)" "$BUNDLE/rootfs"
        (cd "$BUNDLE" && rm -f config.json && "$HULL_RUNTIME" spec) || return 1
        update_config '.process.terminal = false | .process.args = ["true"]
                | .linux.cgroupsPath = "/'"$CGROUP_PARENT"'/'"$CID"'"'
}

# second_bundle DIR ID: a copy of $BUNDLE (rootfs and config) in DIR, for a
# second container ID in its own cgroup.
second_bundle() {
        mkdir "$1"
        cp -a "$BUNDLE/rootfs" "$1/rootfs"
        cp "$BUNDLE/config.json" "$1/config.json"
        update_config '.linux.cgroupsPath = "/'"$CGROUP_PARENT/$2"'"' "$1"
}

# update_config JQ-EXPR [BUNDLE]
update_config() {
        local b=${2:-$BUNDLE}
        jq "$1" "$b/config.json" >"$b/config.json.new" && mv "$b/config.json.new" "$b/config.json"
}

# runtime ARGS...: the runtime under test with this test's state root.
runtime() {
        "$HULL_RUNTIME" --root "$ROOT" "$@"
}

# The state of a container as JSON field: state_field ID FIELD
state_field() {
        runtime state "$1" | jq -r ".$2"
}

# wait_for CMD...: retries a command for up to ~10 s (never a timed assertion:
# it only bounds how long a broken test hangs).
wait_for() {
        local i
        for i in $(seq 1 200); do
                "$@" && return 0
                sleep 0.05
        done
        return 1
}

# cgroup_dirs ID: the cgroup directories a container of this test would use.
cgroup_dirs() {
        local id=$1 d
        for d in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
                [ -d "$d$CGROUP_PARENT/$id" ] && echo "$d$CGROUP_PARENT/$id"
        done
        return 0
}

# assert_no_leftovers ID: no state dir, cgroup, mount or process of this container.
assert_no_leftovers() {
        local id=$1
        if [ -e "$ROOT/$id" ]; then
                echo "state dir $ROOT/$id left behind" >&2
                return 1
        fi
        local dirs
        dirs=$(cgroup_dirs "$id")
        if [ -n "$dirs" ]; then
                echo "cgroups left behind: $dirs" >&2
                return 1
        fi
        if grep -qs "$BUNDLE" /proc/self/mountinfo; then
                echo "mounts left behind under $BUNDLE" >&2
                return 1
        fi
        local procs
        procs=$(_pids_in_cgroup_path "$CGROUP_PARENT/$id")
        if [ -n "$procs" ]; then
                echo "processes left behind in the container's cgroup: $procs" >&2
                return 1
        fi
        return 0
}

# _pids_in_cgroup_path PATH: PIDs whose /proc/PID/cgroup names PATH (or below it)
# in any hierarchy; finds processes even where the cgroup directory is gone.
_pids_in_cgroup_path() {
        local f
        for f in $(grep -lsE ":/$1(/|\$)" /proc/[0-9]*/cgroup 2>/dev/null); do
                f=${f#/proc/}
                echo "${f%/cgroup}"
        done
        return 0
}

# track_pid PID...: processes a test started outside any container (holders of
# namespaces, background runtimes, hooks that outlive a killed runtime);
# cleanup_containers kills them by PID.
track_pid() {
        local p
        for p in "$@"; do
                echo "$p" >>"$BATS_TEST_TMPDIR/.tracked-pids"
        done
}

# hull_only REASON: skips when the runtime under test is runc (hull-specific
# behaviour).  HULL_NO_SKIP=1 runs such tests against runc all the same (to see
# how runc fails them).
hull_only() {
        if [ "$(basename "$HULL_RUNTIME")" = runc ] && [ -z "${HULL_NO_SKIP:-}" ]; then
                skip "hull-specific: $1"
        fi
}

# wait_status ID STATUS: waits (bounded) until `state` reports STATUS.
wait_status() {
        wait_for _has_status "$1" "$2"
}
_has_status() {
        [ "$(runtime state "$1" 2>/dev/null | jq -r .status 2>/dev/null)" = "$2" ]
}

# container_pid ID: the PID of the container's init process, from `state`.
container_pid() {
        runtime state "$1" | jq -r .pid
}

# unmount_under DIR: unmounts every mount at or below DIR, deepest first.
unmount_under() {
        local dir=$1 m
        [ -n "$dir" ] || return 0
        for m in $(awk -v d="$dir" '$5 == d || index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r); do
                umount -l "$m" 2>/dev/null || true
        done
        return 0
}

# Removes whatever a test left: its containers, processes it tracked, then
# the processes still in its cgroups, its cgroups and its mounts.
cleanup_containers() {
        local id p
        if [ -n "${ROOT:-}" ] && [ -d "$ROOT" ]; then
                for id in $(ls "$ROOT" 2>/dev/null); do
                        "$HULL_RUNTIME" --root "$ROOT" delete --force "$id" >/dev/null 2>&1 || true
                done
        fi
        if [ -n "${BATS_TEST_TMPDIR:-}" ] && [ -f "$BATS_TEST_TMPDIR/.tracked-pids" ]; then
                for p in $(cat "$BATS_TEST_TMPDIR/.tracked-pids"); do
                        kill -9 "$p" 2>/dev/null || true
                done
                rm -f "$BATS_TEST_TMPDIR/.tracked-pids"
        fi
        if [ -n "${CGROUP_PARENT:-}" ]; then
                # Whatever is still in this test's cgroups was started by this test.
                local i pids
                for i in 1 2 3 4 5; do
                        pids=$(_pids_in_cgroup_path "$CGROUP_PARENT")
                        [ -n "$pids" ] || break
                        kill -9 $pids 2>/dev/null || true
                        sleep 0.1
                done
                local d
                for d in /sys/fs/cgroup/*/"$CGROUP_PARENT" /sys/fs/cgroup/"$CGROUP_PARENT"; do
                        [ -d "$d" ] || continue
                        find "$d" -mindepth 1 -depth -type d -exec rmdir {} \; 2>/dev/null || true
                        rmdir "$d" 2>/dev/null || true
                done
        fi
        if [ -n "${BATS_TEST_TMPDIR:-}" ]; then
                unmount_under "$BATS_TEST_TMPDIR"
        fi
        return 0
}
