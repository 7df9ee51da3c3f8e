#!/usr/bin/env bats
# `hull unpack --init`: the bundle's process runs under hull-init, bound
# read-only from the host at /dev/init, as `docker run --init` does with tini.

load ../lib/helpers

setup() {
        requires root busybox jq
        HULL=${HULL_BUILD}/src/hull
        [ -x "$HULL" ] || skip "no $HULL (build hull first)"
        [ -x "$HULL_INIT" ] || skip "no hull-init at $HULL_INIT"
        export HULL_STORE=$BATS_TEST_TMPDIR/store HULL_INIT
        ROOT=$BATS_TEST_TMPDIR/state
        CID=init-$$-$BATS_TEST_NUMBER
        "$HULL" import "$(_rootfs_template)" -t busybox:test >/dev/null
}

teardown() {
        cleanup_containers
}

# unpack SCRIPT: an image whose CMD is sh -c SCRIPT (no double quotes in it),
# unpacked with --init into $BUNDLE.
unpack() {
        "$HULL" import "$(_rootfs_template)" -t app:test --change "CMD [\"sh\", \"-c\", \"$1\"]" >/dev/null
        BUNDLE=$BATS_TEST_TMPDIR/bundle
        "$HULL" unpack --init app:test "$BUNDLE"
        CGROUP_PARENT=hull-test-$$ # removed by cleanup_containers
        update_config '.linux.cgroupsPath = "/'"$CGROUP_PARENT"'/'"$CID"'"'
}

@test "unpack --init: hull-init is PID 1, bound read-only, and the image's command its child" {
        unpack 'ps -o pid,comm,args; touch /dev/init 2>&1; echo status=$?'
        [ "$(jq -r '.process.args[0]' "$BUNDLE/config.json")" = /dev/init ]
        [ "$(jq -r '.process.args[1]' "$BUNDLE/config.json")" = -- ]
        run runtime run --bundle "$BUNDLE" "$CID"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ "$output" =~ 1\ +init\ +/dev/init\ --\ sh ]]
        [[ "$output" == *"Read-only file system"* ]]
        [ ! -e "$BUNDLE/rootfs/dev/init" ]
}

@test "unpack --init: orphans of the program are reaped, and its exit status comes back" {
        unpack '(sleep 0.1 &); (sleep 0.1 &); sleep 0.6; ps -o stat,comm | grep -c Z; exit 7'
        run runtime run --bundle "$BUNDLE" "$CID"
        echo "$output"
        [ "$status" -eq 7 ]
        [ "${lines[0]}" = 0 ]
}

@test "unpack --init: SIGTERM from kill reaches the program through hull-init" {
        unpack "trap 'echo got-term; exit 3' TERM; echo ready; while :; do sleep 0.1; done"
        runtime run --detach --bundle "$BUNDLE" "$CID" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
        wait_for grep -q ready "$BATS_TEST_TMPDIR/out"
        runtime kill "$CID" TERM
        wait_for sh -c "[ \"\$($HULL_RUNTIME --root $ROOT state $CID | jq -r .status)\" = stopped ]"
        grep -q got-term "$BATS_TEST_TMPDIR/out"
}

@test "unpack --init: a missing hull-init is an error and writes nothing" {
        HULL_INIT=/nonexistent/hull-init run "$HULL" unpack --init busybox:test "$BATS_TEST_TMPDIR/b2"
        [ "$status" -ne 0 ]
        [[ "$output" == *"hull-init"* ]]
        [ ! -e "$BATS_TEST_TMPDIR/b2/config.json" ]
}
