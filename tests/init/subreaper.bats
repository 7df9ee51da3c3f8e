#!/usr/bin/env bats
# Not PID 1: with -s hull-init is a child subreaper and reaps what its
# program orphans; without it, it says that orphans will escape.

load ../lib/helpers
load lib

setup() {
        init_setup
}

teardown() {
        init_teardown
}

# In a namespace whose PID 1 is a shell, hull-init (not PID 1) runs a
# program that orphans a grandchild.  Prints the grandchild's parent as
# hull-init's program sees it and whether it was reaped.
subreaper_scenario() {
        cat >"$D/main.sh" <<'SH'
sh -c 'sleep 1000 & echo $! > "$D/gc"'
gc=$(cat "$D/gc")
[ "$(awk '/^PPid:/ {print $2}' /proc/$gc/status)" = "$PPID" ] && echo "adopted by the init"
kill "$gc"
for i in $(seq 1 200); do
        [ -e "/proc/$gc" ] || { echo reaped; exit 0; }
        sleep 0.05
done
grep ^State: /proc/$gc/status
exit 1
SH
        run pid1 sh -c '"$@"; echo "status=$?"' sh "$@" -- sh "$D/main.sh"
        echo "$output"
}

@test "subreaper: with -s, hull-init adopts and reaps orphans when it is not PID 1" {
        subreaper_scenario "$HULL_INIT" -s
        [ "$status" -eq 0 ]
        [[ $output == *"adopted by the init"* ]]
        [[ $output == *reaped* ]]
        [[ $output == *"status=0"* ]]
        [[ $output != *warning* ]]
}

@test "subreaper: a warning when hull-init is neither PID 1 nor a subreaper" {
        subreaper_scenario "$HULL_INIT"
        [[ $output == *"hull-init: warning: not PID 1 and not a subreaper (-s): orphaned processes will not be reaped"* ]]
        # the orphan went to the namespace's PID 1 instead
        [[ $output != *"adopted by the init"* ]]

        run pid1 "$HULL_INIT" -- true
        [ "$status" -eq 0 ]
        [ "$output" = "" ]
}

@test "tini: -s adopts and reaps orphans the same way" {
        requires tini
        subreaper_scenario "$TINI" -s
        [ "$status" -eq 0 ]
        [[ $output == *"adopted by the init"* ]]
        [[ $output == *reaped* ]]
        [[ $output == *"status=0"* ]]
}
