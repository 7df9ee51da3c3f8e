#!/usr/bin/env bats
# CVE-2019-5736: a container process opens the runtime's binary through
# /proc/PID/exe (of a runtime process in its pid namespace, or of a process
# that executed #!/proc/self/exe) and writes to it once nothing executes it:
# the next container the host starts runs the attacker's code as root.
#
# The runtime under test is a copy of hull-runtime in the test's directory;
# the attacker (helpers/attacker.c, `exe` mode) only ever writes to a file
# with that copy's device and inode, and only appends a marker.

load ../lib/helpers
load security

setup() {
        sec_setup
        runtime_copy
        share_dir
        install_helper attacker
        REPORT=$SHARED/report
}
teardown() { sec_teardown; }

# attacker_cmd ARGS...: the attacker's command line (exe mode, this test's target).
attacker_cmd() {
        echo "/attacker exe /shared/report $RUNTIME_DEVINO $*"
}

@test "CVE-2019-5736: a process in the container cannot open the runtime binary through /proc/1/exe while the container is created (create, start)" {
        set_args sleep 1000
        runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1
        # The container's first process is the runtime's code until `start`:
        # an attacker joins the created container and goes for its exe.
        runtime exec --detach "$CID" $(attacker_cmd --scan-secs 2 --write-secs 4) </dev/null >/dev/null 2>&1
        wait_report "$REPORT" '^scan-end'
        # It did see the runtime's process and tried it.
        grep -qE '^(denied 1 |opened-runtime 1$)' "$REPORT"
        runtime start "$CID"
        wait_report "$REPORT" '^done'
        assert_runtime_unchanged
        assert_report_clean "$REPORT" '^(opened-runtime|wrote)'
        runtime delete --force "$CID"
        assert_no_leftovers "$CID"
}

@test "CVE-2019-5736: create's container process moves onto the read-only clone of the binary without a second execve (its data copied, its code mapped from the clone)" {
        set_args sleep 1000
        runtime --debug --log "$BATS_TEST_TMPDIR/debug.log" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        grep -q 'the container process moves onto a read-only clone of the binary, without an execve' "$BATS_TEST_TMPDIR/debug.log"
        ! grep -q 're-executing' "$BATS_TEST_TMPDIR/debug.log" || false
        # The container process, waiting for start, is the runtime's code:
        # its exe is the binary's inode, its code is mapped from it, and no
        # writable mapping of it is left (a re-exec would map .data from it).
        pid=$(container_pid "$CID")
        [ "$(stat -L -c %i "/proc/$pid/exe")" = "$(stat -c %i "$HULL_RUNTIME")" ]
        ino=$(stat -c %i "$HULL_RUNTIME")
        awk -v ino="$ino" '$5 == ino && $2 ~ /x/ { found = 1 } END { exit !found }' "/proc/$pid/maps"
        ! awk -v ino="$ino" '$5 == ino && $2 ~ /w/ { found = 1 } END { exit !found }' "/proc/$pid/maps" || false
        # ... through the clone, a detached mount (its root, "/", is the file),
        # not through the binary's own path, neither its exe nor any mapping.
        [ "$(readlink "/proc/$pid/exe")" = / ]
        ! grep -qF "$(readlink -f "$HULL_RUNTIME")" "/proc/$pid/maps" || false
        runtime start "$CID"
        runtime delete --force "$CID"
        assert_no_leftovers "$CID"
}

@test "CVE-2019-5736: a container process forked into a joined pid namespace runs from the clone from its first instant (the runtime moves before it forks, as exec does)" {
        set_args sleep 1000
        runtime create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        pid1=$(container_pid "$CID")
        b=$BATS_TEST_TMPDIR/bundle-b
        second_bundle "$b" "$CID-b"
        update_config '.linux.namespaces |= map(if .type == "pid" then {type: "pid", path: "/proc/'"$pid1"'/ns/pid"} else . end)' "$b"
        runtime --debug --log "$BATS_TEST_TMPDIR/debug.log" create --bundle "$b" "$CID-b" </dev/null >/dev/null 2>&1
        grep -q "moved onto the binary's read-only clone before forking into a joined pid namespace" "$BATS_TEST_TMPDIR/debug.log"
        pid2=$(container_pid "$CID-b")
        [ "$(readlink "/proc/$pid2/exe")" = / ]
        ! grep -qF "$(readlink -f "$HULL_RUNTIME")" "/proc/$pid2/maps" || false
        runtime delete --force "$CID-b"
        runtime delete --force "$CID"
        assert_no_leftovers "$CID-b"
        assert_no_leftovers "$CID"
}

@test "CVE-2019-5736: the container cannot write the runtime binary through /proc/PID/exe during start (entrypoint #!/proc/self/exe, shared pid namespace)" {
        # Container A: the attacker, with its own pid namespace.
        set_args $(attacker_cmd --fifo /shared/fifo --scan-secs 8 --write-secs 8)
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/a.out" 2>&1
        wait_report "$REPORT" '^start'
        apid=$(container_pid "$CID")
        # Container B joins A's pid namespace (a pod); its image's entrypoint
        # is a script whose interpreter is /proc/self/exe, which names the
        # runtime's binary while the runtime executes it.  The script blocks
        # the binary on a fifo until the attacker has its exe.
        B=$BATS_TEST_TMPDIR/bundle-b
        BID=$CID-b
        make_bundle "$B" "$BID"
        add_libs "$B/rootfs" "$HULL_RUNTIME"
        printf '#!/proc/self/exe --log=/shared/fifo\n' >"$B/rootfs/entrypoint"
        chmod 755 "$B/rootfs/entrypoint"
        mkfifo "$SHARED/fifo"
        update_config '.process.args = ["/entrypoint"]
                | .linux.namespaces |= map(if .type == "pid" then .path = "/proc/'"$apid"'/ns/pid" else . end)
                | .mounts += [{destination: "/shared", type: "bind", source: "'"$SHARED"'", options: ["rbind", "rw"]}]' "$B"
        runtime create --bundle "$B" "$BID" </dev/null >"$BATS_TEST_TMPDIR/b.out" 2>&1
        runtime start "$BID" </dev/null >>"$BATS_TEST_TMPDIR/b.out" 2>&1 || true
        wait_report "$REPORT" '^done'
        assert_runtime_unchanged
        # The runtime runs from a read-only clone of its binary (as runc 1.2
        # does): the container may open it read-only through /proc/PID/exe,
        # never for writing.
        assert_report_clean "$REPORT" '^wrote'
        if grep -q '^opened-runtime' "$REPORT"; then
                grep -qE '^write-failed (30|1|26)$' "$REPORT"
        fi
}

@test "CVE-2019-5736: the container cannot write the runtime binary through /proc/PID/exe during exec (the image's /bin/sh is #!/proc/self/exe)" {
        # The container's process is the attacker; the image replaced /bin/sh
        # with a script whose interpreter is /proc/self/exe (blocked on a fifo
        # until the attacker has opened its exe), and has a libc.
        set_args $(attacker_cmd --fifo /fifo --scan-secs 8 --write-secs 8)
        add_libs "$BUNDLE/rootfs" "$HULL_RUNTIME"
        rm "$BUNDLE/rootfs/bin/sh"
        printf '#!/proc/self/exe --log=/fifo\n' >"$BUNDLE/rootfs/bin/sh"
        chmod 755 "$BUNDLE/rootfs/bin/sh"
        mkfifo "$BUNDLE/rootfs/fifo"
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1
        wait_report "$REPORT" '^start'
        # The administrator runs a shell in the container.
        runtime exec "$CID" /bin/sh -c true </dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1 || true
        wait_report "$REPORT" '^done'
        assert_runtime_unchanged
        # The runtime runs from a read-only clone of its binary (as runc 1.2
        # does): the container may open it read-only through /proc/PID/exe,
        # never for writing.
        assert_report_clean "$REPORT" '^wrote'
        if grep -q '^opened-runtime' "$REPORT"; then
                grep -qE '^write-failed (30|1|26)$' "$REPORT"
        fi
}

@test "CVE-2019-5736: no process in the container can open the runtime binary through /proc/PID/exe while exec sets up (40 execs)" {
        set_args $(attacker_cmd --scan-secs 60 --write-secs 8)
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1
        wait_report "$REPORT" '^start'
        for i in $(seq 1 40); do
                runtime exec "$CID" true </dev/null >"$BATS_TEST_TMPDIR/exec.out" 2>&1 || true
                report_has "$REPORT" '^opened-runtime' && break
        done
        if report_has "$REPORT" '^opened-runtime'; then
                wait_report "$REPORT" '^done'
        fi
        assert_runtime_unchanged
        assert_report_clean "$REPORT" '^(opened-runtime|wrote)'
}
