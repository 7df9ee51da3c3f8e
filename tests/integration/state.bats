#!/usr/bin/env bats
# State and locking: the state dir under --root (or /run/hull), atomic state
# writes, one container per id under concurrent creates, a runtime killed mid-create.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() {
        if [ -n "${DEFAULT_ROOT_ID:-}" ]; then
                "$HULL_RUNTIME" delete --force "$DEFAULT_ROOT_ID" >/dev/null 2>&1 || true
        fi
        integration_teardown
}

@test "state: the state dir is ROOT/ID under --root while the container exists, and is gone after delete" {
        set_args sleep 1000
        [ -z "$(ls -A "$ROOT")" ]
        create_container
        [ -d "$ROOT/$CID" ]
        runtime start "$CID"
        [ -d "$ROOT/$CID" ]
        runtime delete --force "$CID"
        [ ! -e "$ROOT/$CID" ]
}

@test "state: --root keeps separate worlds; another root does not see the container" {
        set_args sleep 1000
        create_container
        other=$BATS_TEST_TMPDIR/other-root
        mkdir "$other"
        run "$HULL_RUNTIME" --root "$other" state "$CID"
        [ "$status" -ne 0 ]
        run "$HULL_RUNTIME" --root "$other" list -q
        [ "$status" -eq 0 ]
        [ -z "$output" ]
}

@test "state: the default root is /run/hull/ID" {
        hull_only "runc's default root is /run/runc"
        set_args sleep 1000
        DEFAULT_ROOT_ID=$CID-default
        "$HULL_RUNTIME" create --bundle "$BUNDLE" "$DEFAULT_ROOT_ID" </dev/null >/dev/null 2>&1
        [ -d "/run/hull/$DEFAULT_ROOT_ID" ]
        [ "$("$HULL_RUNTIME" state "$DEFAULT_ROOT_ID" | jq -r .status)" = created ]
        "$HULL_RUNTIME" delete --force "$DEFAULT_ROOT_ID"
        [ ! -e "/run/hull/$DEFAULT_ROOT_ID" ]
}

@test "state: readers never see a partial state while the container changes (atomic writes)" {
        share_dir
        set_args sh -c "while [ ! -e $SHARED/go ]; do sleep 0.02; done"
        create_container
        # Readers in a loop, while the container is started and stops.
        (
                for i in $(seq 1 300); do
                        out=$("$HULL_RUNTIME" --root "$ROOT" state "$CID" 2>/dev/null) || continue
                        echo "$out" | jq -e '.id and .status' >/dev/null 2>&1 || { echo "torn: $out" >"$SHARED/torn"; break; }
                        [ -e "$SHARED/stop-readers" ] && break
                done
                echo done >"$SHARED/readers-done"
        ) &
        readers=$!
        track_pid "$readers"
        runtime start "$CID"
        touch "$SHARED/go"
        wait_status "$CID" stopped
        touch "$SHARED/stop-readers"
        wait "$readers"
        [ ! -e "$SHARED/torn" ] || { cat "$SHARED/torn" >&2; false; }
        # No temporary files are left next to the state.
        ! ls -A "$ROOT/$CID" | grep -i tmp || false
}

@test "lock: two creates of the same id at the same moment give one container and one clear error" {
        hull_only "runc 1.1 races here (both creates can fail: 'exec fifo already exists')"
        set_args sleep 1000
        for round in 1 2 3 4 5; do
                id=$CID-r$round
                update_config '.linux.cgroupsPath = "/'"$CGROUP_PARENT/$id"'"'
                "$HULL_RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/a.out" 2>&1 &
                a=$!
                "$HULL_RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$id" </dev/null >"$BATS_TEST_TMPDIR/b.out" 2>&1 &
                b=$!
                ra=0 rb=0
                wait "$a" || ra=$?
                wait "$b" || rb=$?
                if [ "$ra" -eq 0 ]; then ok=a; err=b; else ok=b; err=a; fi
                # Exactly one succeeded.
                [ $(((ra == 0) + (rb == 0))) -eq 1 ] || { echo "round $round: exit statuses $ra $rb" >&2; cat "$BATS_TEST_TMPDIR"/?.out >&2; false; }
                # The other one says why, on one line, naming the id.
                [ "$(wc -l <"$BATS_TEST_TMPDIR/$err.out")" -ge 1 ]
                grep -qiE 'exist|in use|locked|busy' "$BATS_TEST_TMPDIR/$err.out"
                # One container, created, one process in its cgroup.
                [ "$(state_field "$id" status)" = created ]
                [ "$(wc -l </sys/fs/cgroup/pids/"$CGROUP_PARENT/$id"/cgroup.procs)" -eq 1 ]
                [ "$(runtime list -q | grep -cx "$id")" -eq 1 ]
                runtime delete --force "$id"
                assert_no_leftovers "$id"
        done
}

@test "state: reports creating while the createRuntime hooks run" {
        hull_only "runc 1.1 has no state before create has finished"
        share_dir
        update_config ".hooks = {createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"'$HULL_RUNTIME' --root '$ROOT' state '$CID' > $SHARED/during 2>&1\"]}]}"
        set_args true
        create_container
        [ "$(jq -r .status "$SHARED/during")" = creating ]
        [ "$(jq -r .id "$SHARED/during")" = "$CID" ]
}

@test "state: a runtime SIGKILLed mid-create leaves nothing that delete --force cannot clean" {
        hull_only "runc 1.1 writes no state until create has finished: delete --force does not know the id"
        share_dir
        update_config ".hooks = {createRuntime: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo \$\$ > $SHARED/hook.pid; exec sleep 1000\"]}]}"
        set_args true
        "$HULL_RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 &
        rt=$!
        track_pid "$rt"
        wait_for test -s "$SHARED/hook.pid"
        hook=$(cat "$SHARED/hook.pid")
        track_pid "$hook"
        kill -9 "$rt"
        wait "$rt" || true
        # The hook is the runtime's child, not the container's: it is ours to end.
        kill -9 "$hook"
        # state answers (whatever it says) and does not hang.
        run runtime state "$CID"
        run runtime delete --force "$CID"
        [ "$status" -eq 0 ]
        assert_no_leftovers "$CID"
        run runtime state "$CID"
        [ "$status" -ne 0 ]
        # The id is free again.
        update_config '.hooks = {}'
        create_container
        [ "$(state_field "$CID" status)" = created ]
}
