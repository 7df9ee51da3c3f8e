#!/usr/bin/env bats
# A container process goes after the runtime's processes while they set the
# container up: it ptraces them (or opens their /proc/PID/mem), which would
# hand it the runtime's memory and descriptors (host fds, the state dir's
# socket), or it signals them.  The runtime's processes in the container are
# not dumpable until they execute the container's program; signals may make
# a create or exec fail, never leave anything of it on the host.
#
# linux.seccomp is left out of the configs of the ptrace tests: the default
# profile blocks ptrace too (seccomp.bats), these test the runtime's own
# protection.

load ../lib/helpers
load security

setup() {
        sec_setup
        runtime_copy
        share_dir
        install_helper attacker
        REPORT=$SHARED/report
        update_config 'del(.linux.seccomp)'
}
teardown() {
        [ -d "$ROOT-attacker" ] && "$HULL_RUNTIME" --root "$ROOT-attacker" delete --force "$CID-attacker" >/dev/null 2>&1
        sec_teardown
}

@test "a process in the container cannot ptrace or open /proc/1/mem of the runtime's process while the container is created" {
        set_args sleep 1000
        runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1
        runtime exec --detach "$CID" /attacker ptrace /shared/report "$RUNTIME_DEVINO" --scan-secs 2 </dev/null >/dev/null 2>&1
        wait_report "$REPORT" '^scan-end'
        assert_report_clean "$REPORT" '^(attached|mem)-runtime'
        # It did go for the runtime's process.
        grep -q '^denied 1 ' "$REPORT"
        runtime start "$CID"
        [ "$(state_field "$CID" status)" = running ]
        runtime delete --force "$CID"
        assert_no_leftovers "$CID"
        assert_runtime_unchanged
}

@test "no process in the container can ptrace the runtime's process while exec sets up (40 execs)" {
        set_args /attacker ptrace /shared/report "$RUNTIME_DEVINO" --scan-secs 60
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        wait_report "$REPORT" '^start'
        for i in $(seq 1 40); do
                runtime exec "$CID" true </dev/null >/dev/null 2>&1 || true
                report_has "$REPORT" '^(attached|mem)-runtime' && break
        done
        assert_report_clean "$REPORT" '^(attached|mem)-runtime'
        assert_runtime_unchanged
}

# signal_round: create, start, 20 execs, delete, while the attacker signals
# every process of this test's runtime it can see; then the host checks.
signal_round() {
        local i
        runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1 || true
        runtime start "$CID" </dev/null >>"$BATS_TEST_TMPDIR/create.out" 2>&1 || true
        for i in $(seq 1 20); do
                runtime exec "$CID" true </dev/null >/dev/null 2>&1 || true
        done
        runtime delete --force "$CID" >/dev/null 2>&1 || true
}

# After the attack: what the killed runtime processes left (a container in the
# host's pid namespace with CAP_KILL can SIGKILL any of them, delete too) must
# be something that delete --force cleans, and the host must be unchanged.
after_signal_rounds() {
        wait_report "$REPORT" '^scan-end'
        runtime delete --force "$CID" >/dev/null 2>&1 || true
        assert_no_leftovers "$CID"
        assert_no_new_host_mounts
        assert_runtime_unchanged
}

@test "signals from a container process to the runtime's processes during create, start and exec leave nothing behind (own pid namespace)" {
        # The attacker is exec'd into the created container (the runtime's
        # process waits there for start) and signals whatever of the runtime
        # it sees: the waiting process, then each exec's.
        set_args sleep 1000
        runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1
        runtime exec --detach "$CID" /attacker signal /shared/report "$ROOT" --scan-secs 30 </dev/null >/dev/null 2>&1
        wait_report "$REPORT" '^start'
        runtime start "$CID"
        # The first process of a pid namespace gets no signal from inside it.
        [ "$(state_field "$CID" status)" = running ]
        for i in $(seq 1 20); do
                runtime exec "$CID" true </dev/null >/dev/null 2>&1 || true
        done
        grep -q '^signalled ' "$REPORT"
        runtime delete --force "$CID"
        assert_no_leftovers "$CID"
        assert_no_new_host_mounts
        assert_runtime_unchanged
}

@test "signals from a container process to the runtime's processes during create, start and exec leave nothing behind (host pid namespace)" {
        # Without a pid namespace the container sees the runtime's own
        # processes on the host: a container of this test that signals them.
        A=$BATS_TEST_TMPDIR/bundle-a
        make_bundle "$A" "$CID-attacker"
        install_helper attacker "$A/rootfs"
        update_config '.process.args = ["/attacker", "signal", "/shared/report", "'"$ROOT"' ", "--scan-secs", "30"]
                | del(.linux.seccomp)
                | .linux.namespaces |= map(select(.type != "pid"))
                | .mounts |= map(select(.destination != "/proc"))
                | .mounts += [{destination: "/proc", type: "bind", source: "/proc", options: ["rbind"]},
                        {destination: "/shared", type: "bind", source: "'"$SHARED"'", options: ["rbind", "rw"]}]
                | .linux.maskedPaths = [] | .linux.readonlyPaths = []' "$A"
        # (Its own runtime has another --root: the attacker spares it.)
        "$HULL_RUNTIME" --root "$ROOT-attacker" run --detach --bundle "$A" "$CID-attacker" </dev/null >/dev/null 2>&1
        wait_report "$REPORT" '^start'
        update_config '.linux.namespaces |= map(select(.type != "pid"))'
        set_args sleep 1000
        local round
        for round in 1 2 3; do
                signal_round
        done
        after_signal_rounds
        grep -q '^signalled ' "$REPORT"
        "$HULL_RUNTIME" --root "$ROOT-attacker" delete --force "$CID-attacker"
        ROOT=$ROOT-attacker assert_no_leftovers "$CID-attacker"
}
