# Helpers of the conformance suite only (load after ../lib/helpers):
#   load ../lib/helpers
#   load lib
#
# Every test of this suite checks one MUST statement of the OCI runtime-spec
# (v1.2.0, see README.md) against real behaviour of a real container.

# A broken runtime must not hang the suite: bats fails a test that runs longer
# (teardown still runs).  Never a timing assertion: generous on purpose.
: "${BATS_TEST_TIMEOUT:=120}"

bats_require_minimum_version 1.5.0

# is_runc: the runtime under test is runc.
is_runc() {
        [ "$(basename "$HULL_RUNTIME")" = runc ]
}

# json_array ARG...: the arguments as a JSON array of strings.
json_array() {
        jq -nc '$ARGS.positional' --args -- "$@"
}

# set_args ARG...: process.args of the bundle.
set_args() {
        update_config ".process.args = $(json_array "$@")"
}

# sh_args SCRIPT: process.args = ["sh", "-c", SCRIPT].
sh_args() {
        set_args sh -c "$1"
}

# writable_rootfs: root.readonly = false (the defaults of `spec` differ between runtimes).
writable_rootfs() {
        update_config '.root.readonly = false'
}

# add_mount DEST TYPE SOURCE OPTION...: appends a mount to the config.
add_mount() {
        local dest=$1 type=$2 src=$3
        shift 3
        update_config ".mounts += [{destination: $(jq -n --arg s "$dest" '$s'), type: \"$type\", source: $(jq -n --arg s "$src" '$s'), options: $(json_array "$@")}]"
}

# share_dir: a host directory bind-mounted read-write into the container at the
# same absolute path, so that hooks (in either namespace) and the container's
# processes see it by one name.  Sets SHARED.
share_dir() {
        SHARED=$BATS_TEST_TMPDIR/shared
        mkdir -p "$SHARED"
        chmod 777 "$SHARED"
        add_mount "$SHARED" bind "$SHARED" rbind rw
}

# run_ctr [ID]: `run` of the bundle in the foreground (stdin from /dev/null);
# sets bats' $status, $output (the container's stdout) and $stderr (the
# runtime's messages and the container's stderr, kept apart: a runtime may log
# warnings).
run_ctr() {
        run --separate-stderr runtime run --bundle "$BUNDLE" "${1:-$CID}" </dev/null
        [ -z "$stderr" ] || echo "stderr: $stderr"
}

# create_ctr [ID]: `create` of the bundle, the container's stdout and stderr
# to files $BATS_TEST_TMPDIR/ID.out and ID.err (so that the container's process
# does not hold bats' pipes).
create_ctr() {
        local id=${1:-$CID}
        runtime create --bundle "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/$id.out" 2>"$BATS_TEST_TMPDIR/$id.err" || {
                cat "$BATS_TEST_TMPDIR/$id.out" "$BATS_TEST_TMPDIR/$id.err" >&2
                return 1
        }
}

# start_ctr [ID]: create + start; waits until the container runs.
start_ctr() {
        local id=${1:-$CID}
        create_ctr "$id" || return 1
        runtime start "$id" || return 1
        wait_status "$id" running
}

# ctr_out [ID], ctr_err [ID]: what the container's program wrote to its stdout,
# to its stderr (with the runtime's messages of create).
ctr_out() {
        cat "$BATS_TEST_TMPDIR/${1:-$CID}.out"
}
ctr_err() {
        cat "$BATS_TEST_TMPDIR/${1:-$CID}.err"
}

# hook_script NAME BODY: a host shell script $BATS_TEST_TMPDIR/hooks/NAME
# (a hook); prints its path.
hook_script() {
        local d=$BATS_TEST_TMPDIR/hooks
        mkdir -p "$d"
        printf '#!/bin/sh\n%s\n' "$2" >"$d/$1"
        chmod 755 "$d/$1"
        echo "$d/$1"
}

# add_hook KIND PATH [ARG...]: appends a hook (env: a PATH and LOG) of KIND.
add_hook() {
        local kind=$1 path=$2
        shift 2
        local args
        args=$(json_array "$path" "$@")
        update_config ".hooks.$kind += [{path: \"$path\", args: $args,
                env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\", \"LOG=$BATS_TEST_TMPDIR/hooks.log\"]}]"
}

# ns_of PID TYPE: the namespace identity (e.g. net:[4026531840]) of a process.
ns_of() {
        readlink "/proc/$1/ns/$2"
}

# expect_no_container ID: `state` of ID fails and nothing of it is left.
expect_no_container() {
        if runtime state "$1" >/dev/null 2>&1; then
                echo "container $1 exists" >&2
                return 1
        fi
        assert_no_leftovers "$1"
}

# mask_of CAP...: the hex mask (as in /proc/PID/status) of capability numbers.
mask_of() {
        local m=0 c
        for c in "$@"; do
                m=$((m | (1 << c)))
        done
        printf '%016x\n' "$m"
}

# status_field PID FIELD: a field of /proc/PID/status.
status_field() {
        awk -v f="$2:" '$1 == f { $1 = ""; sub(/^[ \t]+/, ""); print }' "/proc/$1/status"
}

_has_children() {
        [ -n "$(cat "/proc/$1/task/$1/children" 2>/dev/null)" ]
}

# holder TYPE...: a process (tracked) in new namespaces of the given unshare(1)
# types (e.g. --net --uts); prints its pid once it runs in them.
holder() {
        local out=$BATS_TEST_TMPDIR/holder.$RANDOM
        unshare "$@" sh -c "echo \$\$ > $out.pid; exec sleep 100000" </dev/null >/dev/null 2>&1 &
        track_pid $!
        local upid=$!
        wait_for test -s "$out.pid" || return 1
        # with --fork the sleeper is a child of unshare
        if [[ " $* " == *" --fork "* ]]; then
                local child
                wait_for _has_children "$upid" || return 1
                child=$(cat /proc/$upid/task/$upid/children | awk '{print $1}')
                track_pid "$child"
                wait_for grep -q sleep "/proc/$child/cmdline" || return 1
                echo "$child"
        else
                wait_for grep -q sleep "/proc/$upid/cmdline" || return 1
                echo "$upid"
        fi
}

# in_cgroup_files ID CONTROLLER FILE: the value of a cgroup v1 file of the
# container's cgroup (at <mountpoint>/<cgroupsPath>).
cg_file() {
        cat "/sys/fs/cgroup/$2/$CGROUP_PARENT/$1/$3"
}

# mountinfo_line MOUNTINFO-FILE MOUNTPOINT: the last line of a mountinfo for a mount point.
mountinfo_line() {
        awk -v m="$2" '$5 == m' "$1" | tail -1
}

# expect_refused: `create` of the bundle fails and leaves nothing.
expect_refused() {
        # output to a file: a container that is created after all holds its stdio
        local rc=0
        runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || rc=$?
        cat "$BATS_TEST_TMPDIR/create.out"
        [ "$rc" -ne 0 ]
        expect_no_container "$CID"
}

# userns_bundle: makes the path to the bundle traversable by other users (a
# container whose root is mapped to another host uid has to reach its rootfs);
# only the directories of this bats run are changed.
userns_bundle() {
        local d=$BUNDLE stop
        stop=$(dirname "$BATS_RUN_TMPDIR")
        while [ "$d" != "$stop" ] && [ "$d" != / ] && [ -n "$d" ]; do
                chmod o+x "$d"
                d=$(dirname "$d")
        done
}

# try_create ARG...: `create` with its output (and so the container's stdio,
# should it be created after all) in $BATS_TEST_TMPDIR/create.out; returns
# create's exit status.
try_create() {
        local rc=0
        runtime create "$@" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || rc=$?
        cat "$BATS_TEST_TMPDIR/create.out"
        return "$rc"
}

# no_procs ID: no process of the container ID is left (its cgroup path named in
# no /proc/PID/cgroup); for wait_for.
no_procs() {
        [ -z "$(_pids_in_cgroup_path "$CGROUP_PARENT/$1")" ]
}
