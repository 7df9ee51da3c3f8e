#!/usr/bin/env bats
# Signal forwarding: every catchable signal reaches the program (or its
# process group with -g), optionally rewritten.

load ../lib/helpers
load lib

setup() {
        init_setup
}

teardown() {
        init_teardown
}

# forward_scenario "SIGNALS" INIT...: the program records every signal it
# gets; each of SIGNALS sent to the init must reach it, in turn; TERM last
# ends it.
forward_scenario() {
        local signals=$1
        shift
        pid1_start "$@" "$SIGREC" -r "$D/ready" -x 15
        wait_file "$D/ready"
        send_each "$INIT_PID" "$D/out" $signals
        kill -TERM "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(lines "$D/out")" = "$signals 15" ]
}

@test "signals: every catchable signal is forwarded to the program" {
        # 1-64 but KILL and STOP: the synchronous ones (ILL, TRAP, BUS, FPE,
        # SEGV, SYS) sent with kill(), CHLD sent by a process, the terminal
        # ones, and the real-time ones a libc keeps for itself (32-34).
        local all
        all=$(catchable_signals | sed 's/\b15 //')
        forward_scenario "$all" "$HULL_INIT" --
}

@test "signals: forwarding works when hull-init is a subreaper, not PID 1" {
        cat >"$D/main.sh" <<'SH'
"$HULL_INIT" -s -- "$SIGREC" -r "$D/ready" -x 15 >"$D/rec.log" &
wait
SH
        pid1_start sh "$D/main.sh"
        wait_file "$D/ready"
        local init
        init=$(child_of "$INIT_PID")
        send_each "$init" "$D/rec.log" 1 10 12 34 64
        kill -TERM "$init"
        wait_grep '^15$' "$D/rec.log"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
}

@test "signals: -g reaches a grandchild whose parent ignores the signal" {
        # sh ignores USR1 and passes USR2 on by itself; the recorder is its
        # child, in the same process group.
        cat >"$D/main.sh" <<'SH'
trap '' USR1
trap 'kill -USR2 $(cat "$D/gc.pid")' USR2
"$SIGREC" -p "$D/gc.pid" -r "$D/ready" -x 12 >"$D/gc.log" &
wait
wait
SH
        pid1_start "$HULL_INIT" -g -- sh "$D/main.sh"
        wait_file "$D/ready"
        kill -USR1 "$INIT_PID"
        wait_grep '^10$' "$D/gc.log"
        kill -USR2 "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(head -n 2 "$D/gc.log" | lines /dev/stdin)" = "10 12" ]
}

@test "signals: without -g the grandchild gets nothing from the init" {
        cat >"$D/main.sh" <<'SH'
trap '' USR1
trap 'kill -USR2 $(cat "$D/gc.pid")' USR2
"$SIGREC" -p "$D/gc.pid" -r "$D/ready" -x 12 >"$D/gc.log" &
wait
wait
SH
        pid1_start "$HULL_INIT" -- sh "$D/main.sh"
        wait_file "$D/ready"
        # USR1 is forwarded (to sh, which ignores it) before USR2, which sh
        # passes on: had USR1 reached the recorder, it would come first.
        kill -USR1 "$INIT_PID"
        kill -USR2 "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(lines "$D/gc.log")" = "12" ]
}

@test "signals: --rewrite forwards a signal as another, or drops it with 0" {
        pid1_start "$HULL_INIT" --rewrite TERM:QUIT -r USR1:0 -r SIGUSR2:HUP -- "$SIGREC" -r "$D/ready" -x 3
        wait_file "$D/ready"
        kill -USR1 "$INIT_PID"
        kill -USR2 "$INIT_PID"
        wait_grep '^1$' "$D/out"
        kill -TERM "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(lines "$D/out")" = "1 3" ]
}

@test "signals: the program starts with an empty mask and default dispositions" {
        # hull-init's own parent ignores HUP and INT; the program must not
        # inherit that, nor hull-init's blocked set.
        run pid1 sh -c 'trap "" HUP INT; exec "$HULL_INIT" -- grep -E "^Sig(Blk|Ign):" /proc/self/status'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "SigBlk:	0000000000000000" ]
        [ "${lines[1]}" = "SigIgn:	0000000000000000" ]
}

@test "signals: signals that come while descendants linger do not end hull-init" {
        # the program exits; a descendant that ignores TERM lingers for the
        # grace: HUP, INT and 33 sent meanwhile must not end hull-init
        cat >"$D/main.sh" <<'SH'
"$SIGREC" -r "$D/ready" >"$D/rec.log" &
while [ ! -e "$D/ready" ]; do sleep 0.01; done
exit 4
SH
        pid1_start "$HULL_INIT" -t 60 -- sh "$D/main.sh"
        wait_file "$D/ready"
        # TERM, then CONT so that a stopped descendant could act on it
        wait_grep '^18$' "$D/rec.log"
        kill -HUP "$INIT_PID"
        kill -INT "$INIT_PID"
        kill -s 33 "$INIT_PID"
        kill -s SEGV "$INIT_PID"
        sleep 0.2
        ! _gone "$INIT_PID"
        # nothing more is forwarded once the program is gone
        [ "$(lines "$D/rec.log")" = "15 18" ]
}

@test "tini: forwards the signals it forwards the same way" {
        requires tini
        # tini does not forward the synchronous signals, ABRT, CHLD, TTIN,
        # TTOU and 32-33 (docs/hull-init.md, differences); the rest must
        # reach the program as with hull-init.
        local s sigs=""
        for s in $(catchable_signals); do
                case $s in 4 | 5 | 6 | 7 | 8 | 11 | 15 | 17 | 21 | 22 | 31 | 32 | 33) ;; *) sigs+="$s " ;; esac
        done
        forward_scenario "${sigs% }" "$TINI" --
        init_teardown
        rm -f "$D/ready" "$D/out"
        forward_scenario "${sigs% }" "$HULL_INIT" --
}

@test "tini: -g reaches the grandchild the same way" {
        requires tini
        cat >"$D/main.sh" <<'SH'
trap '' USR1
trap 'kill -USR2 $(cat "$D/gc.pid")' USR2
"$SIGREC" -p "$D/gc.pid" -r "$D/ready" -x 12 >"$D/gc.log" &
wait
wait
SH
        pid1_start "$TINI" -g -- sh "$D/main.sh"
        wait_file "$D/ready"
        kill -USR1 "$INIT_PID"
        wait_grep '^10$' "$D/gc.log"
        kill -USR2 "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(head -n 2 "$D/gc.log" | lines /dev/stdin)" = "10 12" ]
}
