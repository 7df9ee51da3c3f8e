#!/usr/bin/env bats
# The graceful stop: the stop signal is forwarded; after --grace whatever is
# left gets SIGKILL; hull-init exits only once every descendant is gone.

load ../lib/helpers
load lib

setup() {
        init_setup
}

teardown() {
        init_teardown
}

@test "stop: SIGTERM is forwarded and the program's status returned" {
        cat >"$D/main.sh" <<'SH'
trap 'exit 42' TERM
sleep 1000 &
touch "$D/ready"
wait
SH
        pid1_start "$HULL_INIT" -- sh "$D/main.sh"
        wait_file "$D/ready"
        kill -TERM "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 42 ]
}

@test "stop: a program that ignores SIGTERM is killed after --grace" {
        cat >"$D/main.sh" <<'SH'
trap '' TERM
touch "$D/ready"
while :; do sleep 0.05; done
SH
        pid1_start "$HULL_INIT" --grace 0.3 -- sh "$D/main.sh"
        wait_file "$D/ready"
        kill -TERM "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 137 ]
}

@test "stop: --stop-signal makes another signal start the graceful stop" {
        cat >"$D/main.sh" <<'SH'
trap '' QUIT
trap 'echo term >> "$D/log"' TERM
touch "$D/ready"
while :; do sleep 0.05; done
SH
        pid1_start "$HULL_INIT" -S QUIT -t 0.3 -- sh "$D/main.sh"
        wait_file "$D/ready"
        # TERM is only forwarded: no grace starts, the program lives on
        kill -TERM "$INIT_PID"
        wait_grep '^term$' "$D/log"
        sleep 0.6
        ! _gone "$INIT_PID"
        # QUIT starts the stop: ignored, so SIGKILL after the grace
        kill -QUIT "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 137 ]
}

@test "stop: when the program exits first, its descendants get TERM and the time to finish before hull-init exits" {
        # two descendants clean up on TERM, one taking a moment; the program
        # exits 3 without waiting for them.  (SIGKILL at the end of the grace:
        # the next test.)
        cat >"$D/main.sh" <<'SH'
sh -c 'trap "sleep 0.2; echo cleaned > \"$D/cleaned\"; exit 0" TERM; touch "$D/ready1"; while :; do sleep 0.05; done' &
"$SIGREC" -r "$D/ready2" -x 15 >"$D/rec.log" &
while [ ! -e "$D/ready1" ] || [ ! -e "$D/ready2" ]; do sleep 0.01; done
exit 3
SH
        pid1_start "$HULL_INIT" -t 60 -- sh "$D/main.sh"
        pid1_wait
        [ "$NS_STATUS" -eq 3 ]
        [ "$(cat "$D/cleaned")" = cleaned ]
        [ "$(lines "$D/rec.log")" = "15" ]
}

@test "stop: the grace covers the program and every remaining descendant" {
        # the program exits on TERM at once; its child ignores TERM and must
        # be SIGKILLed when the grace started by the stop runs out
        cat >"$D/main.sh" <<'SH'
"$SIGREC" -r "$D/ready" >"$D/rec.log" &
trap 'exit 0' TERM
while :; do sleep 0.05; done
SH
        pid1_start "$HULL_INIT" -t 3 -- sh "$D/main.sh"
        wait_file "$D/ready"
        kill -TERM "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(head -n 1 "$D/rec.log")" = 15 ]
}

@test "stop (subreaper): leftovers are SIGKILLed before hull-init exits; other processes are untouched" {
        # sh is PID 1 here; hull-init -s its child.  An outsider (a sibling
        # of hull-init) must survive; the program's descendant, which
        # ignores TERM, must be gone by the time hull-init has exited.
        cat >"$D/outer.sh" <<'SH'
sleep 1000 &
outsider=$!
"$HULL_INIT" -s -t 0.3 -- sh -c 'sh -c "trap \"\" TERM; exec sleep 1000" & echo $! > "$D/left"; exit 5'
echo "status=$?"
left=$(cat "$D/left")
if [ -e "/proc/$left" ] && ! grep -q '^State:.Z' "/proc/$left/status"; then echo "leftover alive"; else echo "leftover gone"; fi
kill -0 "$outsider" && echo "outsider alive"
SH
        run pid1 sh "$D/outer.sh"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"status=5"* ]]
        [[ $output == *"leftover gone"* ]]
        [[ $output == *"outsider alive"* ]]
}

@test "tini: SIGTERM is forwarded and the program's status returned the same way" {
        requires tini
        cat >"$D/main.sh" <<'SH'
trap 'exit 42' TERM
sleep 1000 &
touch "$D/ready"
wait
SH
        pid1_start "$TINI" -- sh "$D/main.sh"
        wait_file "$D/ready"
        kill -TERM "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 42 ]
}
