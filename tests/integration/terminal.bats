#!/usr/bin/env bats
# process.terminal: `run` attached gives a working interactive terminal (a pty
# proxied to the caller's), as `runc run` does; --console-socket for engines.

load ../lib/helpers
load integration

PTYRUN="python3 $BATS_TEST_DIRNAME/helpers/ptyrun.py"

setup() {
        setup_bundle
        start_watchdog
        command -v python3 >/dev/null || skip "needs python3 for a pty"
        update_config '.process.terminal = true | .process.env += ["PS1=PROMPT> "]'
        set_args sh
}
teardown() { integration_teardown; }

@test "terminal: run attached is an interactive shell on a pty of the caller's size; the exit status comes back" {
        run $PTYRUN 37 111 --expect 'PROMPT> ' --send 'tty; stty size; echo hello-$((6*7)); exit 3\n' \
                -- "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 3 ]
        out=$(echo "$output" | tr -d '\r')
        echo "$out" | grep -Eqx '/dev/(pts/[0-9]+|console)'
        echo "$out" | grep -qx '37 111'
        echo "$out" | grep -qx 'hello-42'
        assert_no_leftovers "$CID"
}

@test "terminal: the program's stdio is the pty and it is its controlling terminal" {
        set_args sh -c '[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo stdio-tty; echo via-ctty > /dev/tty && echo ctty-ok; exit 0'
        run $PTYRUN 24 80 -- "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        out=$(echo "$output" | tr -d '\r')
        echo "$out" | grep -qx stdio-tty
        echo "$out" | grep -qx via-ctty
        echo "$out" | grep -qx ctty-ok
}

@test "terminal: ^C typed at the caller's terminal reaches the program as SIGINT" {
        set_args sh -c 'trap "echo got-sigint; exit 0" INT; echo READY; while :; do sleep 0.1; done'
        run $PTYRUN 24 80 --expect READY --send '\x03' -- "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        echo "$output" | grep -q got-sigint
}

@test "terminal: /dev/console is the container's pty" {
        set_args sh -c 'stat -c "%t:%T" /dev/console; stat -L -c "%t:%T" /proc/self/fd/0'
        run $PTYRUN 24 80 -- "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        out=$(echo "$output" | tr -d '\r')
        # Both lines: the same pts device (major 136..143 in hex 88..8f).
        [ "$(echo "$out" | sed -n 1p)" = "$(echo "$out" | sed -n 2p)" ]
}

@test "terminal: create and run --detach refuse process.terminal without --console-socket" {
        run_runtime create --bundle "$BUNDLE" "$CID"
        [ "$status" -ne 0 ]
        assert_no_leftovers "$CID"
        run_runtime run --detach --bundle "$BUNDLE" "$CID"
        [ "$status" -ne 0 ]
        assert_no_leftovers "$CID"
}

@test "terminal: --console-socket sends the pty master to the socket (engines' way)" {
        sock=$BATS_TEST_TMPDIR/console.sock
        python3 "$BATS_TEST_DIRNAME/helpers/console-socket.py" "$sock" "$BATS_TEST_TMPDIR/console.out" \
                'echo hi-from-$((6*7))\nexit\n' >"$BATS_TEST_TMPDIR/receiver.out" 2>&1 &
        receiver=$!
        track_pid "$receiver"
        wait_for test -e "$sock.ready"
        runtime create --console-socket "$sock" --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        runtime start "$CID"
        wait_for grep -q received "$BATS_TEST_TMPDIR/receiver.out"
        wait_for grep -q hi-from-42 "$BATS_TEST_TMPDIR/console.out"
        wait_status "$CID" stopped
        wait "$receiver"
}
