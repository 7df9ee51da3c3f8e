#!/usr/bin/env bats
# Every store write is atomic: a writer killed with SIGKILL at any point, a
# failing rename/fsync/write (fault injection), or a full disk leave the
# store as it was -- the same index.json, the same blobs -- and the next
# writer removes what the dead one left in .hull/tmp.

load ../lib/helpers
load image

setup() {
        image_setup
        import_busybox existing >/dev/null
        BEFORE=$(store_state)
        IMAGES_BEFORE=$(hull images)
}

teardown() {
        if [ -n "${WRITER:-}" ]; then
                kill -9 "$WRITER" 2>/dev/null || true
        fi
        image_teardown
}

@test "kill -9 in the middle of an import leaves the store as it was" {
        mkdir -p "$BATS_TEST_TMPDIR/big"
        head -c 96000000 /dev/urandom >"$BATS_TEST_TMPDIR/big/random"
        # The binary itself (not the hull function): $! must be its PID.
        "$HULL" import "$BATS_TEST_TMPDIR/big" -t big --level 9 >/dev/null 2>&1 &
        WRITER=$!
        # Wait until the layer is being written (bounded; never a timing assertion).
        local i blob=
        for i in $(seq 1 2000); do
                blob=$(find "$HULL_STORE/.hull/tmp" -name 'blob-*' -size +1k 2>/dev/null | head -n1)
                [ -n "$blob" ] && break
                kill -0 "$WRITER" 2>/dev/null || break
                sleep 0.01
        done
        [ -n "$blob" ] || skip "the import ended before it could be interrupted"
        kill -9 "$WRITER"
        wait "$WRITER" || true
        WRITER=
        # What readers see has not changed.
        [ "$(hull images)" = "$IMAGES_BEFORE" ]
        [ "$(cat "$HULL_STORE/index.json")" = "$(sed -n 1p <<<"$BEFORE")" ]
        [ -n "$(ls -A "$HULL_STORE/.hull/tmp")" ] # the dead writer's leftovers
        # The next writer cleans them up.
        hull tag existing again
        [ -z "$(ls -A "$HULL_STORE/.hull/tmp")" ]
        hull rmi again
        [ "$(store_state)" = "$BEFORE" ]
}

@test "a failing rename, fsync or write (HULL_FAULT) leaves the store as it was" {
        local asan=${HULL_BUILD_ASAN:-$HULL_SRC/build-asan}
        local faulty=$asan/src/hull
        [ -x "$faulty" ] || skip "needs the -Dfault_injection=true build: $faulty"
        "$asan/src/hull-runtime" --version | grep -q fault-injection || skip "$asan is not built with fault injection"
        mkdir -p "$BATS_TEST_TMPDIR/new"
        head -c 3000000 /dev/urandom >"$BATS_TEST_TMPDIR/new/data"
        local kind n ok failed
        for kind in rename fsync write_file; do
                ok=0 failed=0
                for n in $(seq 1 200); do
                        if HULL_FAULT=$kind:$n:ENOSPC "$faulty" import "$BATS_TEST_TMPDIR/new" -t new >/dev/null 2>"$BATS_TEST_TMPDIR/err"; then
                                # The fault came after the commit point, or never.
                                ok=$((ok + 1))
                                hull unpack new "$BATS_TEST_TMPDIR/check-$kind-$n" >/dev/null
                                cmp "$BATS_TEST_TMPDIR/new/data" "$BATS_TEST_TMPDIR/check-$kind-$n/rootfs/data"
                                hull rmi new >/dev/null
                                [ "$ok" -ge 2 ] && break
                        else
                                failed=$((failed + 1))
                                ok=0
                                grep -q "No space left on device" "$BATS_TEST_TMPDIR/err"
                                if [ "$(store_state)" != "$BEFORE" ]; then
                                        echo "HULL_FAULT=$kind:$n:ENOSPC changed the store" >&2
                                        diff <(echo "$BEFORE") <(store_state) >&2
                                        return 1
                                fi
                        fi
                done
                echo "# $kind: $failed injected failures, the store unchanged each time" >&3
                [ "$failed" -gt 0 ]
                [ "$(store_state)" = "$BEFORE" ]
        done
}

@test "a full disk leaves the store as it was" {
        requires root
        local small=$BATS_TEST_TMPDIR/small
        mkdir -p "$small"
        mount -t tmpfs -o size=6m tmpfs "$small"
        export HULL_STORE=$small/store
        import_busybox existing >/dev/null
        local before images
        before=$(store_state)
        images=$(hull images)
        mkdir -p "$BATS_TEST_TMPDIR/huge"
        head -c 12000000 /dev/urandom >"$BATS_TEST_TMPDIR/huge/data"
        run hull import "$BATS_TEST_TMPDIR/huge" -t huge
        [ "$status" -eq 1 ]
        [[ $output == *"No space left on device"* ]]
        [ "$(store_state)" = "$before" ]
        [ "$(hull images)" = "$images" ]
        # And the store still works.
        hull tag existing fine
        hull unpack fine "$BATS_TEST_TMPDIR/bundle" >/dev/null
        umount "$small"
}

@test "concurrent writers and a collector share the store" {
        local i pids=()
        for i in 1 2 3 4; do
                mkdir -p "$BATS_TEST_TMPDIR/c$i"
                head -c 2000000 /dev/urandom >"$BATS_TEST_TMPDIR/c$i/data"
        done
        for i in 1 2 3 4; do
                "$HULL" import "$BATS_TEST_TMPDIR/c$i" -t "c$i" >/dev/null &
                pids+=($!)
        done
        # Collections and removals run while the imports write blobs that no
        # name reaches yet: they must wait, not collect those.
        for i in 1 2 3; do
                "$HULL" tag existing "tmp$i" >/dev/null
                "$HULL" rmi "tmp$i" >/dev/null
        done
        for i in "${pids[@]}"; do
                wait "$i"
        done
        for i in 1 2 3 4; do
                hull unpack "c$i" "$BATS_TEST_TMPDIR/u$i" >/dev/null
                cmp "$BATS_TEST_TMPDIR/c$i/data" "$BATS_TEST_TMPDIR/u$i/rootfs/data"
        done
        [ -z "$(ls -A "$HULL_STORE/.hull/tmp")" ]
        hull rmi c1 c2 c3 c4 >/dev/null
        [ "$(store_state)" = "$BEFORE" ]
}
