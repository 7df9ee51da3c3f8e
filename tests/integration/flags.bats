#!/usr/bin/env bats
# Flags of create and run: --bundle/-b, --pid-file, --preserve-fds, LISTEN_FDS,
# --no-new-keyring (--no-pivot: mounts.bats; --root: state.bats).

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

@test "create --pid-file: the file holds the pid of the container's process" {
        set_args sleep 1000
        runtime create --pid-file "$BATS_TEST_TMPDIR/ctr.pid" --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        pid=$(cat "$BATS_TEST_TMPDIR/ctr.pid")
        [[ $pid =~ ^[0-9]+$ ]]
        [ "$pid" = "$(container_pid "$CID")" ]
        kill -0 "$pid"
}

@test "run --detach --pid-file: the file holds the pid of the running program" {
        set_args sleep 1000
        runtime run --detach --pid-file "$BATS_TEST_TMPDIR/ctr.pid" --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        pid=$(cat "$BATS_TEST_TMPDIR/ctr.pid")
        [ "$pid" = "$(container_pid "$CID")" ]
        [ "$(tr '\0' ' ' <"/proc/$pid/cmdline")" = "sleep 1000 " ]
}

@test "run -b: the short form of --bundle" {
        set_args sh -c 'echo short-b'
        run runtime run -b "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = short-b ]
}

@test "create --preserve-fds: the container's process gets fds 3..3+N-1, kept until start" {
        share_dir
        set_args sh -c "echo three >&3; echo four >&4; ls /proc/\$\$/fd > $SHARED/fds; true"
        runtime create --preserve-fds 2 --bundle "$BUNDLE" "$CID" \
                3>"$BATS_TEST_TMPDIR/fd3" 4>"$BATS_TEST_TMPDIR/fd4" 5>"$BATS_TEST_TMPDIR/fd5" </dev/null >/dev/null 2>&1
        runtime start "$CID"
        wait_status "$CID" stopped
        [ "$(cat "$BATS_TEST_TMPDIR/fd3")" = three ]
        [ "$(cat "$BATS_TEST_TMPDIR/fd4")" = four ]
        # Only what was asked for.
        ! grep -qx 5 "$SHARED/fds" || false
}

@test "run --preserve-fds: passes extra fds to an attached container" {
        set_args sh -c 'echo via-fd3 >&3'
        run runtime run --preserve-fds 1 --bundle "$BUNDLE" "$CID" 3>"$BATS_TEST_TMPDIR/fd3"
        [ "$status" -eq 0 ]
        [ "$(cat "$BATS_TEST_TMPDIR/fd3")" = via-fd3 ]
}

@test "without --preserve-fds no descriptor beyond stdio reaches the container" {
        set_args sh -c 'ls /proc/$$/fd; true'
        run runtime run --bundle "$BUNDLE" "$CID" 3>"$BATS_TEST_TMPDIR/fd3" 7>"$BATS_TEST_TMPDIR/fd7"
        [ "$status" -eq 0 ]
        [ "$(printf '%s\n' "${lines[@]}" | sort -n | tr '\n' ' ')" = "0 1 2 " ]
}

@test "LISTEN_FDS: socket-activation fds pass through, with LISTEN_FDS and LISTEN_PID=1 set for the program" {
        set_args sh -c 'echo activated >&3; echo preserved >&4; echo "$LISTEN_FDS $LISTEN_PID"'
        # LISTEN_PID must name the runtime itself: sh execs it, keeping its pid.
        run sh -c 'export LISTEN_FDS=1 LISTEN_PID=$$; exec "$@"' sh \
                "$HULL_RUNTIME" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$CID" \
                3>"$BATS_TEST_TMPDIR/fd3" 4>"$BATS_TEST_TMPDIR/fd4"
        [ "$status" -eq 0 ]
        [ "$(cat "$BATS_TEST_TMPDIR/fd3")" = activated ]
        [ "$(cat "$BATS_TEST_TMPDIR/fd4")" = preserved ]
        [ "$output" = "1 1" ]
}

@test "--no-new-keyring: the container keeps the caller's session keyring; by default it gets a new one" {
        kr=$(static_helper session-keyring)
        cp "$kr" "$BUNDLE/rootfs/bin/session-keyring"
        mine=$("$kr")
        set_args /bin/session-keyring
        # keyctl is one of the syscalls the default seccomp profile blocks.
        update_config 'del(.linux.seccomp)'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [[ $output =~ ^[0-9]+$ ]]
        [ "$output" != "$mine" ]
        run runtime run --no-new-keyring --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = "$mine" ]
}
