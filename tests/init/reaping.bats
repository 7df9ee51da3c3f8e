#!/usr/bin/env bats
# Orphans: re-parented to the init and reaped, however many.

load ../lib/helpers
load lib

setup() {
        init_setup
}

teardown() {
        init_teardown
}

# A grandchild outlives its parent: it must be re-parented to PID 1 and,
# once it exits, disappear completely (reaped, not a zombie).
grandchild_scenario() {
        cat >"$D/main.sh" <<'SH'
sh -c 'sleep 1000 & echo $! > "$D/gc"'
gc=$(cat "$D/gc")
echo "ppid=$(awk '/^PPid:/ {print $2}' /proc/$gc/status)"
kill "$gc"
for i in $(seq 1 200); do
        [ -e "/proc/$gc" ] || { echo reaped; exit 0; }
        sleep 0.05
done
echo "still there: $(grep ^State: /proc/$gc/status)"
exit 1
SH
        run pid1 "$@" sh "$D/main.sh"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"ppid=1"* ]]
        [[ $output == *reaped* ]]
}

# 1,000 orphans, each left by a subshell that exits at once; then no zombie
# may remain in the namespace.
orphans_scenario() {
        cat >"$D/main.sh" <<'SH'
i=0
while [ $i -lt 1000 ]; do
        (sleep 0 &)
        i=$((i + 1))
done
for t in $(seq 1 400); do
        z=$(grep -l '^State:.Z' /proc/[0-9]*/status 2>/dev/null | wc -l)
        [ "$z" -eq 0 ] && { echo "no zombie"; exit 0; }
        sleep 0.05
done
echo "zombies: $z"
exit 1
SH
        run pid1 "$@" sh "$D/main.sh"
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"no zombie"* ]]
}

@test "reaping: a re-parented grandchild is reaped by hull-init as PID 1" {
        grandchild_scenario "$HULL_INIT" --
}

@test "reaping: 1000 orphans leave no zombie" {
        orphans_scenario "$HULL_INIT" --
}

@test "tini: a re-parented grandchild is reaped the same way" {
        requires tini
        grandchild_scenario "$TINI" --
}

@test "tini: 1000 orphans leave no zombie the same way" {
        requires tini
        orphans_scenario "$TINI" --
}
