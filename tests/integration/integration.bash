# Helpers of the integration suite only (load after ../lib/helpers):
#   load ../lib/helpers
#   load integration

# A broken runtime must not hang the suite.  bats fails a test that runs
# longer than this (but not one blocked in `run`: see the watchdog below).
# Never a timing assertion: generous on purpose.
: "${BATS_TEST_TIMEOUT:=120}"

bats_require_minimum_version 1.5.0

# bats' own timeout cannot end a test blocked in `run` on a pipe that a
# container's process still holds.  The watchdog can: after HULL_TEST_WATCHDOG
# seconds (default 60; a test takes a few) it kills, by PID, this test's
# processes: those in its cgroups, the runtime invocations naming its --root,
# and the processes it tracked.  Then `run` returns, the test fails, teardown
# cleans up.  Call start_watchdog after setup_bundle; cleanup_containers ends it.
start_watchdog() {
        local limit=${HULL_TEST_WATCHDOG:-60}
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

# integration_teardown: cleanup_containers, and fails the test if the watchdog had to act.
integration_teardown() {
        cleanup_containers
        # (after the cleanup: the watchdog may have had to end a hanging delete --force)
        if [ -e "$BATS_TEST_TMPDIR/watchdog.log" ]; then
                cat "$BATS_TEST_TMPDIR/watchdog.log" >&2
                return 1
        fi
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

# is_runc: the runtime under test is runc (some tests guard hull-specific parts).
is_runc() {
        [ "$(basename "$HULL_RUNTIME")" = runc ] && [ -z "${HULL_NO_SKIP:-}" ]
}

# json_array ARG...: the arguments as a JSON array of strings.
json_array() {
        jq -nc '$ARGS.positional' --args -- "$@"
}

# set_args ARG...: process.args of the bundle.
set_args() {
        update_config ".process.args = $(json_array "$@")"
}

# writable_rootfs: root.readonly = false (the defaults of `spec` differ between runtimes).
writable_rootfs() {
        update_config '.root.readonly = false'
}

# add_mount DEST TYPE SOURCE OPTION...: appends a mount to the config.
add_mount() {
        local dest=$1 type=$2 src=$3
        shift 3
        update_config ".mounts += [{destination: \"$dest\", type: \"$type\", source: \"$src\", options: $(json_array "$@")}]"
}

# share_dir: a host directory bind-mounted read-write into the container at the
# same absolute path, so that hooks (before or after pivot_root) and the
# container's processes see it by one name.  Sets SHARED.
share_dir() {
        SHARED=$BATS_TEST_TMPDIR/shared
        mkdir -p "$SHARED"
        chmod 777 "$SHARED"
        add_mount "$SHARED" bind "$SHARED" rbind rw
}

# run_runtime ARGS...: like `run --separate-stderr runtime ARGS` (sets status,
# output, lines, stderr), but through files: a container that a wrong
# `create` or `run --detach` leaves running cannot hold the test's pipe.
run_runtime() {
        local o=$BATS_TEST_TMPDIR/.run-runtime.out e=$BATS_TEST_TMPDIR/.run-runtime.err
        status=0
        runtime "$@" </dev/null >"$o" 2>"$e" || status=$?
        output=$(cat "$o")
        stderr=$(cat "$e")
        mapfile -t lines <"$o"
        # With the stderr in $output too, as `run` without --separate-stderr has it.
        merged_output=$(cat "$o" "$e")
}

# start_detached [ID]: `run --detach` of the bundle, waits until it runs.
start_detached() {
        local id=${1:-$CID}
        runtime run --detach --bundle "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" 2>&1 || {
                cat "$BATS_TEST_TMPDIR/$id.out" >&2
                return 1
        }
        wait_status "$id" running
}

# create_container [ID]: `create` of the bundle (stdio to a file, so that the
# container's process does not hold bats' pipes).
create_container() {
        local id=${1:-$CID}
        runtime create --bundle "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" 2>&1 || {
                cat "$BATS_TEST_TMPDIR/$id.out" >&2
                return 1
        }
}

# bundle_traversable: lets other uids (a user namespace's mapped root) reach
# the bundle: bats makes its temp dirs 0700.
bundle_traversable() {
        local d=$BUNDLE
        while [ -n "$d" ] && [ "$d" != / ]; do
                case $d in "$BATS_RUN_TMPDIR"*) chmod a+x "$d" ;; esac
                d=$(dirname "$d")
        done
}

# process_gone PID: the process has exited (a zombie that nobody reaped yet counts as gone).
process_gone() {
        local st
        st=$(awk '{ sub(/^.*\) /, ""); print $1 }' "/proc/$1/stat" 2>/dev/null) || return 0
        [ -z "$st" ] || [ "$st" = Z ] || [ "$st" = X ]
}

# ns_of PID TYPE: the namespace identity (e.g. net:[4026531992]).
ns_of() {
        readlink "/proc/$1/ns/$2"
}

# mountinfo_line MOUNTPOINT (reads mountinfo on stdin): the line of that mount point.
mountinfo_line() {
        awk -v m="$1" '$5 == m' | tail -n 1
}

# static_helper NAME: builds tests/integration/helpers/NAME.c as a static binary
# (once per run) and prints its path; skips when no C compiler can link statically.
static_helper() {
        local name=$1 out=$BATS_RUN_TMPDIR/helper-$1
        if [ ! -x "$out" ]; then
                command -v cc >/dev/null || skip "needs a C compiler for helpers/$name.c"
                cc -static -O2 -o "$out.$$" "$BATS_TEST_DIRNAME/helpers/$name.c" 2>"$BATS_RUN_TMPDIR/helper-$name.log" ||
                        skip "cannot build a static helpers/$name.c: $(head -n 3 "$BATS_RUN_TMPDIR/helper-$name.log")"
                mv "$out.$$" "$out"
        fi
        echo "$out"
}

# cap_bit NAME: the bit number of a capability (the ones the tests use).
cap_bit() {
        case $1 in
        CAP_CHOWN) echo 0 ;;
        CAP_KILL) echo 5 ;;
        CAP_NET_BIND_SERVICE) echo 10 ;;
        CAP_NET_ADMIN) echo 12 ;;
        CAP_SYS_CHROOT) echo 18 ;;
        CAP_SYS_ADMIN) echo 21 ;;
        CAP_SYS_NICE) echo 23 ;;
        CAP_AUDIT_WRITE) echo 29 ;;
        *) return 1 ;;
        esac
}

# has_cap HEXMASK NAME: whether the mask (from /proc/PID/status) holds the capability.
has_cap() {
        local mask=$((16#$1)) bit
        bit=$(cap_bit "$2") || return 2
        [ $(((mask >> bit) & 1)) -eq 1 ]
}
