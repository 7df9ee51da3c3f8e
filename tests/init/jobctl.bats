#!/usr/bin/env bats
# Job control on a terminal (a pseudo-terminal driven by ptydrive.py): the
# program is the terminal's foreground process group; a shell under
# hull-init manages its own jobs; ^Z and fg work through hull-init.

load ../lib/helpers
load lib

setup() {
        init_setup
        command -v python3 >/dev/null || skip "needs python3"
}

teardown() {
        init_teardown
}

# $D/echo.py: says "go", then "continued" on each SIGCONT, and echoes each
# line it reads as "got LINE".
write_echo_py() {
        cat >"$D/echo.py" <<'PY'
import signal, sys
signal.signal(signal.SIGCONT, lambda *a: print("continued", flush=True))
print("go", flush=True)
for line in sys.stdin:
        print("got", line.strip(), flush=True)
PY
}

# foreground_scenario INIT...: the program, on the terminal, must be in the
# foreground process group (its pgrp equals the terminal's).
foreground_scenario() {
        run python3 "$PTY" -- unshare --pid --fork --mount-proc --kill-child "$@" \
                sh -c 'set -- $(cat /proc/$$/stat); echo "pgrp=$5 tpgid=$8"' <<'STEPS'
expect pgrp=(\d+) tpgid=\1\b
wait
STEPS
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"exit=0"* ]]
}

@test "job control: the program is the terminal's foreground process group" {
        foreground_scenario "$HULL_INIT" --
}

@test "job control: an interactive shell under hull-init (PID 1) has job control" {
        # A background job that reads the terminal is stopped (SIGTTIN);
        # fg gives it the terminal: the shell must own the terminal's
        # foreground group for any of it.  Nothing is typed before the
        # shell has shown the job it brings to the foreground.
        write_echo_py
        run python3 "$PTY" -- unshare --pid --fork --mount-proc --kill-child "$HULL_INIT" -- \
                bash --norc --noprofile -i <<STEPS
expect [#\$] \$
send echo "monitor=\$(set -o | grep -c 'monitor.*on')"\n
expect monitor=1
send python3 $D/echo.py &\n
expect \[1\] \d+
send fg\n
expect echo\.py\r\n
send hello\n
expect got hello
send \x04
expect [#\$] \$
send echo "rc=\$?"\n
expect rc=0
send exit\n
wait
absent no job control
STEPS
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"exit=0"* ]]
}

@test "job control: ^Z stops hull-init with its program and fg resumes both" {
        # A shell with job control runs hull-init as one of its jobs.  The
        # program says when it starts and when it is continued, so that
        # nothing is typed while the shell still reads the terminal.
        write_echo_py
        run pid1 python3 "$PTY" -- bash --norc --noprofile -i <<STEPS
expect [#\$] \$
send $HULL_INIT -s -- python3 $D/echo.py\n
expect go
send hello\n
expect got hello
send \x1a
expect Stopped
expect [#\$] \$
send fg\n
expect continued
send again\n
expect got again
send \x04
expect [#\$] \$
send echo "rc=\$?"\n
expect rc=0
send exit\n
wait
STEPS
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"exit=0"* ]]
}

@test "tini: the program is the terminal's foreground process group the same way" {
        requires tini
        foreground_scenario "$TINI" --
}
