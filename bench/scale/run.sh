#!/bin/bash
# bench/scale: start N (default 1000) detached containers -- create + start of
# a sleeping busybox -- with hull-runtime, then with crun, in one run; print
# the start rate and the memory each container costs (MemAvailable before and
# after, divided by N: the kernel's namespaces and cgroups included).
# Results: printed and written to bench/scale/README.md.  Never asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bench_require jq crun
N=${N:-1000}

work=$(mktemp -d /tmp/hull-bench-scale.XXXXXX)
trap 'rm -rf "$work"' EXIT
make_bundle "$work/bundle" '["sleep", "1000000"]'
# Shares the host's cgroup namespace so that nothing but the runtimes differs.

STATE_ROOT=$work/state in_crun_namespace bash -c '
        set -euo pipefail
        cd "$1"
        hull=$2 n=$3 out=$4
        # If anything fails, the containers started so far go too (their
        # state is on the tmpfs of this namespace, which dies with it).
        cleanup() {
                local b id
                for b in "$hull" crun; do
                        r=$out/state/$([ "$b" = crun ] && echo crun || echo hull)
                        for id in $($b --root "$r" list -q 2>/dev/null); do
                                $b --root "$r" delete --force "$id" >/dev/null 2>&1 || true
                        done
                done
        }
        trap cleanup EXIT
        avail() { awk "/MemAvailable/ {print \$2}" /proc/meminfo; }
        now() { date +%s%N; }
        for rt in hull crun; do
                if [ $rt = hull ]; then bin=$hull; else bin=crun; fi
                root=$out/state/$rt
                sync; echo 1 >/proc/sys/vm/drop_caches 2>/dev/null || true
                before=$(avail)
                t0=$(now)
                for i in $(seq 1 "$n"); do
                        $bin --root "$root" create "s-$rt-$i" >/dev/null
                        $bin --root "$root" start "s-$rt-$i"
                done
                t1=$(now)
                after=$(avail)
                running=$($bin --root "$root" list -q | wc -l)
                echo "$rt $n $(( t1 - t0 )) $(( before - after )) $running" >>"$out/results.txt"
                t2=$(now)
                for i in $(seq 1 "$n"); do
                        $bin --root "$root" delete --force "s-$rt-$i" >/dev/null 2>&1 || true
                done
                t3=$(now)
                echo "$rt-delete $n $(( t3 - t2 ))" >>"$out/results.txt"
        done' bash "$work/bundle" "$HULL_RUNTIME" "$N" "$work"

row() {
        awk -v r="$1" '$1 == r {
                rate = $2 / ($3 / 1e9); per = $4 / $2;
                printf "| %s | %d | %.1f s | %.0f containers/s | %.0f KiB | %d |\n", r, $2, $3 / 1e9, rate, per, $5 }' "$work/results.txt"
}
rate() { awk -v r="$1" '$1 == r { printf "%.2f", $2 / ($3 / 1e9) }' "$work/results.txt"; }
del() { awk -v r="$1-delete" '$1 == r { printf "%.1f s", $3 / 1e9 }' "$work/results.txt"; }

table=$(
        printf '| runtime | containers | time to start all | start rate | memory per container | running at the end |\n|---|---|---|---|---|---|\n'
        row hull
        row crun
)
ratio=$(echo "$(rate hull) $(rate crun)" | awk '{printf "%.2f", $1 / $2}')
summary="start rate hull/crun: ${ratio}x (target >= 3x); delete --force of all: hull $(del hull), crun $(del crun)"
echo "$table"
echo
echo "$summary"

cat >"$here/README.md" <<MD
# bench/scale

$N detached containers, each \`create\` + \`start\` of \`sleep\` in a busybox bundle (the
config of \`hull-runtime spec\`), started one after the other with hull-runtime, then
with crun, in one run.  Memory per container is the drop of MemAvailable while they
run, divided by $N (it includes the kernel's namespaces and cgroups).  Both runtimes
run in one private mount namespace where the host's cgroup2 tree is hidden (crun 1.8
refuses this hybrid host) and their state directories (\`--root\`) are on a tmpfs, as
/run is on a normal host (on this VM /run is on the disk).

Run it: \`make bench\` or \`bench/scale/run.sh\` (\`N=...\` to change the count).

## Latest result ($(date -u +%Y-%m-%d), $(machine_line))

$table

$summary

Versions: $("$HULL_RUNTIME" --version | head -n1); $(crun --version | head -n1).
MD
