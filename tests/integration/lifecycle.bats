#!/usr/bin/env bats
# The container lifecycle of the runtime-spec: creating -> created -> running -> stopped -> deleted.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

@test "create: leaves the container created, its process waiting before the user program" {
        share_dir
        set_args sh -c "echo ran > $SHARED/ran"
        create_container
        [ "$(state_field "$CID" status)" = created ]
        pid=$(container_pid "$CID")
        [ "$pid" -gt 0 ]
        kill -0 "$pid"
        [ ! -e "$SHARED/ran" ]
        # The waiting process is already in the container's namespaces.
        [ "$(ns_of "$pid" mnt)" != "$(ns_of $$ mnt)" ]
        [ "$(ns_of "$pid" pid)" != "$(ns_of $$ pid)" ]
}

@test "start: runs the user program; state goes created -> running -> stopped; delete removes it" {
        share_dir
        set_args sh -c "echo ran > $SHARED/ran; while [ ! -e $SHARED/go ]; do sleep 0.05; done"
        create_container
        [ "$(state_field "$CID" status)" = created ]
        runtime start "$CID"
        wait_for test -e "$SHARED/ran"
        [ "$(state_field "$CID" status)" = running ]
        touch "$SHARED/go"
        wait_status "$CID" stopped
        [ -d "$ROOT/$CID" ]
        runtime delete "$CID"
        run runtime state "$CID"
        [ "$status" -ne 0 ]
        assert_no_leftovers "$CID"
}

@test "run: attached, passes stdio through and returns the program's exit status" {
        set_args sh -c 'read line; echo "out:$line"; echo err >&2; exit 7'
        run --separate-stderr runtime run --bundle "$BUNDLE" "$CID" <<<"hello"
        [ "$status" -eq 7 ]
        [ "$output" = "out:hello" ]
        [[ $stderr == *err* ]]
        # run deletes the container after it exits.
        assert_no_leftovers "$CID"
}

@test "run: attached, exit status 0 of a successful program" {
        set_args true
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        assert_no_leftovers "$CID"
}

@test "run: the bundle defaults to the current directory" {
        set_args sh -c 'echo from-cwd'
        cd "$BUNDLE"
        run runtime run "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = from-cwd ]
}

@test "run --detach: returns while the container runs" {
        set_args sleep 1000
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
        [ "$(state_field "$CID" status)" = running ]
        pid=$(container_pid "$CID")
        kill -0 "$pid"
        [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        runtime delete "$CID"
        assert_no_leftovers "$CID"
}

@test "run: exits 128+N when the program is killed by signal N" {
        set_args sleep 1000
        "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
        rpid=$!
        track_pid "$rpid"
        wait_status "$CID" running
        runtime kill "$CID" KILL
        rc=0
        wait "$rpid" || rc=$?
        [ "$rc" -eq 137 ]
        assert_no_leftovers "$CID"
}

@test "run: attached, forwards signals it receives to the container's process" {
        share_dir
        set_args sh -c "trap 'exit 42' TERM; echo up > $SHARED/up; while :; do sleep 0.05; done"
        "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
        rpid=$!
        track_pid "$rpid"
        wait_for test -e "$SHARED/up"
        kill -TERM "$rpid"
        rc=0
        wait "$rpid" || rc=$?
        [ "$rc" -eq 42 ]
        assert_no_leftovers "$CID"
}

@test "start: fails on a container that is not created (running or stopped)" {
        set_args sleep 1000
        start_detached
        run runtime start "$CID"
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = running ]
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        run runtime start "$CID"
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = stopped ]
}

@test "start: without start hooks, returns before the execve; an execve that fails then says why on the container's stderr" {
        # Executable, but neither ELF nor script: create's lookup accepts it,
        # execve says ENOEXEC.
        printf 'not a program\n' >"$BUNDLE/rootfs/garbage"
        chmod 755 "$BUNDLE/rootfs/garbage"
        set_args /garbage
        create_container
        run runtime start "$CID"
        echo "$output"
        hull_only "runc's start reports nothing either, but words the error its own way"
        [ "$status" -eq 0 ]
        wait_status "$CID" stopped
        wait_for grep -q 'exec format error' "$BATS_TEST_TMPDIR/$CID.out"
        grep 'exec: "/garbage"' "$BATS_TEST_TMPDIR/$CID.out"
}

@test "start: with a poststart hook, waits for the execve and fails with its reason" {
        share_dir
        printf 'not a program\n' >"$BUNDLE/rootfs/garbage"
        chmod 755 "$BUNDLE/rootfs/garbage"
        update_config ".hooks = {poststart: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"touch $SHARED/poststart\"]}]}"
        set_args /garbage
        create_container
        run runtime start "$CID"
        echo "$output"
        [ "$status" -ne 0 ]
        hull_only "runc 1.1 runs poststart hooks at create"
        [[ $output == *'exec format error'* ]]
        [ ! -e "$SHARED/poststart" ]
        # and the reason is not told twice
        ! grep -q 'exec format error' "$BATS_TEST_TMPDIR/$CID.out"
}

@test "create: fails for an id that already exists and leaves the first container alone" {
        set_args sleep 1000
        create_container
        pid=$(container_pid "$CID")
        run_runtime create --bundle "$BUNDLE" "$CID"
        [ "$status" -ne 0 ]
        [[ $merged_output == *exist* ]]
        [ "$(state_field "$CID" status)" = created ]
        [ "$(container_pid "$CID")" = "$pid" ]
        kill -0 "$pid"
}

@test "create: rejects ids that are not a plain name (path separators, ..)" {
        for id in "a/b" ".." "../escape" ""; do
                run_runtime create --bundle "$BUNDLE" "$id"
                [ "$status" -ne 0 ]
        done
        [ ! -e "$ROOT/../escape" ]
        [ ! -e "$ROOT/a" ]
        [ ! -e "$BATS_TEST_TMPDIR/escape" ]
}

@test "state: a container whose process died outside the runtime is stopped" {
        set_args sleep 1000
        start_detached
        kill -9 "$(container_pid "$CID")"
        wait_status "$CID" stopped
        runtime delete "$CID"
        assert_no_leftovers "$CID"
}

@test "operations on an unknown id fail: state, start, kill, delete, exec" {
        for verb in state start kill delete; do
                run runtime "$verb" nosuch-container
                [ "$status" -ne 0 ]
        done
        run runtime exec nosuch-container true
        [ "$status" -ne 0 ]
}
