#!/usr/bin/env bats
# Fault injection: the Nth mount (mkdir, mknod, symlink, rename, clone, setns,
# pivot_root, write) of a run fails.  Whatever N, the runtime must report an
# error naming what failed, exit non-zero, and leave no state dir, cgroup,
# mount or process -- and the sanitizers must stay quiet.  Runs the ASan+UBSan
# build, which has the syscall table's fault injection compiled in.

load ../lib/helpers

setup() {
        HULL_RUNTIME=${HULL_BUILD_ASAN:-$HULL_SRC/build-asan}/src/hull-runtime
        [ -x "$HULL_RUNTIME" ] || skip "no ASan build at $HULL_RUNTIME (make asan)"
        "$HULL_RUNTIME" --version | grep -q fault-injection || skip "$HULL_RUNTIME has no fault injection"
        setup_bundle
        export ASAN_OPTIONS=exitcode=99:detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:exitcode=98
}

teardown() {
        cleanup_containers
}

# Processes whose root is this test's rootfs: leftovers of a container.
container_processes() {
        local p root
        for p in /proc/[0-9]*; do
                root=$(readlink "$p/root" 2>/dev/null) || continue
                [ "$root" = "$BUNDLE/rootfs" ] && echo "${p#/proc/}"
        done
        return 0
}

# inject KIND ERRNO: fails the 1st, 2nd, ... KIND call until a run succeeds.
inject() {
        local kind=$1 errno=$2 n id out status ok_streak=0 failures=0
        for n in $(seq 1 80); do
                id=$CID-$kind-$n
                set +e
                out=$(HULL_FAULT=$kind:$n:$errno "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$id" 2>&1)
                status=$?
                set -e
                if [ $status -eq 99 ] || [ $status -eq 98 ] || [[ $out == *Sanitizer* ]]; then
                        echo "fault $kind:$n: sanitizer report:"; echo "$out"; return 1
                fi
                if [ $status -ne 0 ] && [ -z "$out" ]; then
                        echo "fault $kind:$n: failed (status $status) without saying why"; return 1
                fi
                assert_no_leftovers "$id" || { echo "fault $kind:$n: leftovers after: $out"; return 1; }
                local procs
                procs=$(container_processes)
                if [ -n "$procs" ]; then
                        echo "fault $kind:$n: container processes left: $procs"; return 1
                fi
                if [ $status -eq 0 ]; then
                        # Past the last call of this kind every run succeeds; a
                        # success in between is a tolerated failure (a retry).
                        ok_streak=$((ok_streak + 1))
                        if [ $ok_streak -ge 3 ]; then
                                echo "# $kind: $failures injected failures, all reported and clean" >&3
                                [ $failures -gt 0 ]
                                return
                        fi
                else
                        ok_streak=0
                        failures=$((failures + 1))
                fi
        done
        echo "fault $kind: still failing after 80 injections"
        return 1
}

@test "robustness: every failing mount leaves nothing behind" {
        inject mount EIO
}

@test "robustness: every failing mkdir leaves nothing behind" {
        inject mkdir ENOSPC
}

@test "robustness: every failing mknod leaves nothing behind" {
        inject mknod EPERM
}

@test "robustness: every failing symlink leaves nothing behind" {
        inject symlink EIO
}

@test "robustness: a failing clone leaves nothing behind" {
        inject clone ENOMEM
}

@test "robustness: a failing pivot_root leaves nothing behind" {
        inject pivot_root EINVAL
}

@test "robustness: every failing umount leaves nothing behind" {
        inject umount EBUSY
}

@test "robustness: every failing cgroup or proc write leaves nothing behind" {
        inject write_file ENOSPC
}

@test "robustness: every failing state rename leaves nothing behind" {
        inject rename EIO
}

@test "robustness: a failing setns (namespaces joined by path) leaves nothing behind" {
        requires root
        # a network namespace of our own to join by path
        local ns=hull-fault-$$-$RANDOM
        ip netns add "$ns"
        update_config '.linux.namespaces |= map(if .type == "network" then .path = "/run/netns/'"$ns"'" else . end)'
        run inject setns EPERM
        ip netns delete "$ns"
        echo "$output"
        [ "$status" -eq 0 ]
}
