#!/usr/bin/env bats
# hull-init exits with its program's status: 0-255 as they are, 128+N for a
# program killed by signal N, 127/126 when it cannot be executed.

bats_require_minimum_version 1.5.0

load ../lib/helpers
load lib

setup() {
        init_setup
}

teardown() {
        init_teardown
}

# Every status from 0 to 255, with the init as PID 1.
codes_scenario() {
        local i bad=""
        for i in $(seq 0 255); do
                pid1 "$@" sh -c "exit $i" && rc=0 || rc=$?
                [ "$rc" -eq "$i" ] || bad+=" $i->$rc"
        done
        [ -z "$bad" ] || { echo "wrong statuses:$bad"; return 1; }
}

# The program kills itself with each signal whose default action ends it.
signal_scenario() {
        local s bad=""
        for s in HUP INT QUIT ILL TRAP ABRT BUS FPE KILL USR1 SEGV USR2 PIPE ALRM TERM XCPU XFSZ VTALRM PROF SYS; do
                local n
                n=$(kill -l "$s")
                pid1 "$@" sh -c "ulimit -c 0; kill -s $s \$\$" && rc=0 || rc=$?
                [ "$rc" -eq $((128 + n)) ] || bad+=" $s:$rc"
        done
        [ -z "$bad" ] || { echo "wrong statuses:$bad"; return 1; }
}

@test "exit codes: 0-255 are passed through" {
        codes_scenario "$HULL_INIT" --
}

@test "exit codes: 128+N when the program is killed by signal N" {
        signal_scenario "$HULL_INIT" --
}

@test "exec failure: 127 and the reason when the program does not exist" {
        run -127 pid1 "$HULL_INIT" -- "$D/no-such-program"
        [ "$output" = "hull-init: cannot execute $D/no-such-program: No such file or directory" ]

        run -127 pid1 env PATH=/usr/bin:/bin "$HULL_INIT" -- no-such-command-here
        [ "$output" = "hull-init: cannot execute no-such-command-here: No such file or directory" ]
}

@test "exec failure: 126 and the reason when the program cannot be executed" {
        printf '#!/bin/sh\nexit 0\n' >"$D/not-executable"
        chmod 644 "$D/not-executable"
        run pid1 "$HULL_INIT" -- "$D/not-executable"
        [ "$status" -eq 126 ]
        [ "$output" = "hull-init: cannot execute $D/not-executable: Permission denied" ]

        run pid1 "$HULL_INIT" -- "$D"
        [ "$status" -eq 126 ]
        [ "$output" = "hull-init: cannot execute $D: Permission denied" ]

        # executable but no valid format: no fallback to /bin/sh, as with runc
        printf 'echo hi\n' >"$D/no-format"
        chmod 755 "$D/no-format"
        run pid1 "$HULL_INIT" -- "$D/no-format"
        [ "$status" -eq 126 ]
        [ "$output" = "hull-init: cannot execute $D/no-format: Exec format error" ]

        # found in PATH but not executable: 126, as a shell says
        mkdir "$D/bin"
        cp "$D/not-executable" "$D/bin/tool"
        run pid1 env PATH="$D/bin:/usr/bin:/bin" "$HULL_INIT" -- tool
        [ "$status" -eq 126 ]
        [[ $output == *"cannot execute tool: Permission denied" ]]
}

@test "tini: 0-255 are passed through the same way" {
        requires tini
        codes_scenario "$TINI" --
}

@test "tini: 128+N for a killed program the same way" {
        requires tini
        signal_scenario "$TINI" --
}

@test "tini: 127 for a missing program, 126 for a non-executable one, the same way" {
        requires tini
        printf '#!/bin/sh\nexit 0\n' >"$D/not-executable"
        chmod 644 "$D/not-executable"
        for init in "$HULL_INIT" "$TINI"; do
                run -127 pid1 "$init" -- "$D/no-such-program"
                [[ $output == *"No such file or directory"* ]]
                run pid1 "$init" -- "$D/not-executable"
                [ "$status" -eq 126 ]
                [[ $output == *"Permission denied"* ]]
        done
}
