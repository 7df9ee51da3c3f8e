# Helpers of the security suite only (load after ../lib/helpers):
#   load ../lib/helpers
#   load security
#
# Every test builds a hostile bundle, runs the runtime against it and asserts
# that the host is unchanged: canary files and directories the test made
# outside the rootfs (content, mode, mtime, no new entries), the runtime
# binary (a copy the test owns, for the CVE-2019-5736 tests), the mounts of
# the host under the test's directory, the procfs values the test names.

# A broken runtime must not hang the suite (never a timing assertion).
: "${BATS_TEST_TIMEOUT:=120}"

bats_require_minimum_version 1.5.0

# ---------------------------------------------------------------- lifecycle

# sec_setup: the usual start of a test: a bundle (BUNDLE, ROOT, CID), a
# watchdog, a writable rootfs, and HOST, a directory outside the bundle for
# the test's canaries and volumes.
sec_setup() {
        setup_bundle
        start_watchdog
        update_config '.root.readonly = false'
        HOST=$BATS_TEST_TMPDIR/host
        mkdir -p "$HOST"
        # What the host's mounts were before the test ran anything.
        host_mounts >"$BATS_TEST_TMPDIR/.mounts-before"
}

# sec_teardown: removes the test's containers, processes, cgroups and mounts;
# fails the test if the watchdog had to act.
sec_teardown() {
        cleanup_containers
        if [ -e "$BATS_TEST_TMPDIR/watchdog.log" ]; then
                cat "$BATS_TEST_TMPDIR/watchdog.log" >&2
                return 1
        fi
}

# The watchdog: after HULL_TEST_WATCHDOG seconds (default 90) it kills, by
# PID, the test's processes (in its cgroups, runtimes naming its --root, the
# processes it tracked); the test then fails instead of hanging the suite.
start_watchdog() {
        local limit=${HULL_TEST_WATCHDOG:-90}
        (
                sleep "$limit" &
                echo $! >"$BATS_TEST_TMPDIR/.watchdog-sleep"
                wait $! || exit 0
                echo "watchdog: the test ran for ${limit}s; killing its processes" >"$BATS_TEST_TMPDIR/watchdog.log"
                _watchdog_kill
        ) </dev/null >/dev/null 2>&1 3>&- 4>&- &
        track_pid $!
        disown $!
        wait_for test -s "$BATS_TEST_TMPDIR/.watchdog-sleep"
        track_pid "$(cat "$BATS_TEST_TMPDIR/.watchdog-sleep")"
}

_watchdog_kill() {
        local i p pids
        for i in 1 2 3; do
                pids=$(_pids_in_cgroup_path "$CGROUP_PARENT")
                for p in $(grep -laF -- "$ROOT" /proc/[0-9]*/cmdline 2>/dev/null); do
                        p=${p#/proc/}
                        pids="$pids ${p%/cmdline}"
                done
                [ -f "$BATS_TEST_TMPDIR/.tracked-pids" ] && pids="$pids $(cat "$BATS_TEST_TMPDIR/.tracked-pids")"
                for p in $pids; do
                        [ "$p" = "$BASHPID" ] || kill -9 "$p" 2>/dev/null
                done
                sleep 1
        done
}

# run_runtime ARGS...: the runtime with stdio in files (sets status, output,
# stderr): a container left running cannot hold the test's pipes.
run_runtime() {
        local o=$BATS_TEST_TMPDIR/.run-runtime.out e=$BATS_TEST_TMPDIR/.run-runtime.err
        status=0
        runtime "$@" </dev/null >"$o" 2>"$e" || status=$?
        output=$(cat "$o")
        stderr=$(cat "$e")
        return 0
}

# ------------------------------------------------------------------ bundles

# json_array ARG...: the arguments as a JSON array of strings.
json_array() {
        jq -nc '$ARGS.positional' --args -- "$@"
}

# set_args ARG...: process.args of the bundle.
set_args() {
        update_config ".process.args = $(json_array "$@")"
}

# add_mount DEST TYPE SOURCE OPTION...: appends a mount to the config.
add_mount() {
        local dest=$1 type=$2 src=$3
        shift 3
        update_config ".mounts += [{destination: \"$dest\", type: \"$type\", source: \"$src\", options: $(json_array "$@")}]"
}

# make_bundle DIR ID: a second bundle (busybox rootfs, the default config
# with `true`, writable root, its own cgroup path under this test's parent).
make_bundle() {
        local dir=$1 id=$2
        mkdir -p "$dir"
        cp -a "$(_rootfs_template)" "$dir/rootfs"
        (cd "$dir" && "$HULL_RUNTIME" spec) || return 1
        update_config '.process.terminal = false | .process.args = ["true"] | .root.readonly = false
                | .linux.cgroupsPath = "/'"$CGROUP_PARENT"'/'"$id"'"' "$dir"
}

# share_dir: a host directory bind-mounted read-write at /shared, where the
# container's hostile processes leave their reports.  Sets SHARED.
share_dir() {
        SHARED=$BATS_TEST_TMPDIR/shared
        mkdir -p "$SHARED"
        chmod 777 "$SHARED"
        add_mount /shared bind "$SHARED" rbind rw
}

# sec_helper NAME: builds helpers/NAME.c static (once per run), prints its path.
sec_helper() {
        local name=$1 out=$BATS_RUN_TMPDIR/sec-helper-$1
        if [ ! -x "$out" ]; then
                command -v cc >/dev/null || skip "needs a C compiler for helpers/$name.c"
                cc -static -O2 -o "$out.$$" "$BATS_TEST_DIRNAME/helpers/$name.c" 2>"$BATS_RUN_TMPDIR/sec-helper-$name.log" ||
                        skip "cannot build a static helpers/$name.c: $(head -n 3 "$BATS_RUN_TMPDIR/sec-helper-$name.log")"
                mv "$out.$$" "$out"
        fi
        echo "$out"
}

# install_helper NAME [ROOTFS]: the helper at /NAME in the rootfs.
install_helper() {
        local rootfs=${2:-$BUNDLE/rootfs} bin
        bin=$(sec_helper "$1") || return 1
        cp "$bin" "$rootfs/$1"
        chmod 755 "$rootfs/$1"
}

# add_libs ROOTFS BINARY: the dynamic loader and libraries BINARY needs, at
# the same paths in ROOTFS (a real image has them: the hostile one keeps them).
add_libs() {
        local rootfs=$1 bin=$2 lib
        for lib in $(ldd "$bin" | grep -oE '/[^ ]+'); do
                mkdir -p "$rootfs$(dirname "$lib")"
                cp -L "$lib" "$rootfs$lib"
        done
}

# --------------------------------------------------------- the host's state

# runtime_copy: the runtime under test becomes a copy in this test's
# directory (the CVE-2019-5736 tests try to overwrite it; the shared build's
# binary is never at risk).  Sets RUNTIME_SUM and RUNTIME_DEVINO
# (MAJOR:MINOR:INODE, what the attacker looks for).
runtime_copy() {
        local d=$BATS_TEST_TMPDIR/runtime
        mkdir -p "$d"
        cp "$HULL_RUNTIME" "$d/hull-runtime"
        chmod 755 "$d/hull-runtime"
        HULL_RUNTIME=$d/hull-runtime
        RUNTIME_SUM=$(sha256sum <"$HULL_RUNTIME")
        RUNTIME_DEVINO=$(stat -c '%Hd:%Ld:%i' "$HULL_RUNTIME")
}

assert_runtime_unchanged() {
        local now
        now=$(sha256sum <"$HULL_RUNTIME")
        if [ "$now" != "$RUNTIME_SUM" ]; then
                echo "the runtime binary $HULL_RUNTIME was modified from inside the container:" >&2
                tail -c 64 "$HULL_RUNTIME" | od -c | tail -n 5 >&2
                return 1
        fi
}

# make_canary DIR: a host directory with a file, a subdirectory and a fixed
# mtime, then its snapshot (content, mode, owner, size, mtime of every entry).
make_canary() {
        local d=$1
        mkdir -p "$d/sub"
        echo "canary $RANDOM$RANDOM" >"$d/file"
        echo "secret of the host $RANDOM" >"$d/sub/secret"
        chmod 640 "$d/file"
        chmod 750 "$d/sub"
        touch -h -d '2001-02-03 04:05:06' "$d/file" "$d/sub/secret" "$d/sub" "$d"
        canary_snapshot "$d" >"$d.snapshot"
}

# canary_snapshot DIR: every entry (type, mode, owner, size, mtime, link
# target) and the checksum of every file, on DIR's file system only (a mount
# that escaped onto the canary shows as a changed entry, its content is not
# walked); the device of DIR first.
canary_snapshot() {
        stat -c 'device %d' "$1"
        (cd "$1" && find . -xdev -printf '%p %y %m %U:%G %s %T@ %l\n' | sort && find . -xdev -type f -exec sha256sum {} + | sort)
}

# assert_canary_unchanged DIR
assert_canary_unchanged() {
        local d=$1
        if [ "$(stat -c 'device %d' "$d")" != "$(head -n 1 "$d.snapshot")" ]; then
                echo "something is mounted on the host canary $d:" >&2
                awk -v d="$d" '$5 == d' /proc/self/mountinfo >&2
                return 1
        fi
        if ! diff -u "$d.snapshot" <(canary_snapshot "$d") >"$BATS_TEST_TMPDIR/.canary.diff" 2>&1; then
                echo "the host canary $d changed:" >&2
                cat "$BATS_TEST_TMPDIR/.canary.diff" >&2
                return 1
        fi
}

# host_mounts: the host's mounts at "/" or under this test's directory
# (mount point and mount root); other suites may mount elsewhere meanwhile.
host_mounts() {
        awk -v d="$BATS_TEST_TMPDIR" '$5 == "/" || $5 == d || index($5, d "/") == 1 { print $5, $4 }' /proc/self/mountinfo | sort
}

# assert_no_new_host_mounts: the host has no mount the test did not make.
assert_no_new_host_mounts() {
        if ! diff -u "$BATS_TEST_TMPDIR/.mounts-before" <(host_mounts) >"$BATS_TEST_TMPDIR/.mounts.diff"; then
                echo "new mounts on the host:" >&2
                cat "$BATS_TEST_TMPDIR/.mounts.diff" >&2
                return 1
        fi
}

# record_host_mounts: the current mounts become the reference (after the
# test made mounts of its own on purpose).
record_host_mounts() {
        host_mounts >"$BATS_TEST_TMPDIR/.mounts-before"
}

# report_has FILE PATTERN: the attacker's report has a line matching PATTERN.
report_has() {
        grep -qE "$2" "$1" 2>/dev/null
}

# assert_report_clean FILE PATTERN: no line of the report matches PATTERN.
assert_report_clean() {
        if grep -E "$2" "$1" >/dev/null 2>&1; then
                echo "the container's attacker succeeded:" >&2
                grep -E "$2" "$1" >&2
                return 1
        fi
}

# wait_report FILE PATTERN [SECONDS]: waits (bounded, default 30 s) for a
# line of the attacker's report; never a timing assertion, only a bound.
wait_report() {
        local i n=$(( ${3:-30} * 20 ))
        for ((i = 0; i < n; i++)); do
                grep -qE "$2" "$1" 2>/dev/null && return 0
                sleep 0.05
        done
        echo "no '$2' in the report $1 after ${3:-30}s:" >&2
        cat "$1" >&2 2>/dev/null
        return 1
}
