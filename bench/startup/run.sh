#!/bin/bash
# bench/startup: `run` of /bin/true in the same bundle with hull-runtime, crun
# and runc, side by side in one hyperfine run (RUNS each, default 100), plus
# each runtime's max RSS.  Compared by median: this machine is noisy.
# Results: printed, and written to bench/startup/README.md.  Never asserted.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib.sh"
bench_require hyperfine jq crun runc /usr/bin/time
RUNS=${RUNS:-100}

work=$(mktemp -d /tmp/hull-bench-startup.XXXXXX)
trap 'rm -rf "$work"' EXIT
make_bundle "$work/bundle" '["/bin/true"]'

# Inside the namespace: hyperfine, then max RSS of 20 runs each.
STATE_ROOT=$work/state in_crun_namespace bash -c '
        set -euo pipefail
        cd "$1"
        hull=$2 runs=$3 out=$4
        hyperfine -N --warmup 10 --runs "$runs" --export-json "$out/hyperfine.json" \
                --prepare true --prepare true --prepare true --prepare "rm -rf ${HULL_CACHE_DIR:-/var/cache/hull}/seccomp" \
                -n hull-runtime "$hull --root $out/state/hull run bench-hull" \
                -n crun "crun --root $out/state/crun run bench-crun" \
                -n runc "runc --root $out/state/runc run bench-runc" \
                -n hull-runtime-cold-seccomp "$hull --root $out/state/hull-cold run bench-hull" >"$out/hyperfine.txt" 2>&1
        for rt in hull crun runc; do
                case $rt in
                hull) cmd="$hull --root $out/state/hull run bench-hull" ;;
                *) cmd="$rt --root $out/state/$rt run bench-$rt" ;;
                esac
                max=0
                for i in $(seq 20); do
                        /usr/bin/time -o "$out/time.txt" -f "%M" $cmd >/dev/null 2>&1
                        kb=$(tail -n1 "$out/time.txt")
                        [ "$kb" -gt "$max" ] && max=$kb
                done
                echo "$rt $max" >>"$out/rss.txt"
        done' bash "$work/bundle" "$HULL_RUNTIME" "$RUNS" "$work"

median() { jq -r ".results[] | select(.command == \"$1\") | .median * 1000" "$work/hyperfine.json"; }
mean() { jq -r ".results[] | select(.command == \"$1\") | .mean * 1000" "$work/hyperfine.json"; }
stddev() { jq -r ".results[] | select(.command == \"$1\") | .stddev * 1000" "$work/hyperfine.json"; }
rss() { awk -v r="$1" '$1 == r {print $2}' "$work/rss.txt"; }

hm=$(median hull-runtime) cm=$(median crun) rm_=$(median runc)
table=$(
        printf '| runtime | median | mean ± σ | max RSS |\n|---|---|---|---|\n'
        for rt in hull-runtime hull-runtime-cold-seccomp crun runc; do
                key=${rt%-runtime}
                [ "$rt" = hull-runtime-cold-seccomp ] && key=hull
                printf '| %s | %.2f ms | %.2f ± %.2f ms | %s KiB |\n' "$rt" "$(median $rt)" "$(mean $rt)" "$(stddev $rt)" "$(rss $key)"
        done
)
ratio=$(echo "$hm $cm" | awk '{printf "%.2f", $1 / $2}')
rss_h=$(rss hull) rss_c=$(rss crun)
summary="hull/crun (median): $ratio (target <= 0.60); max RSS hull $rss_h KiB vs crun $rss_c KiB (target: below crun)"

echo "$table"
echo
echo "$summary"

cat >"$here/README.md" <<MD
# bench/startup

\`hull-runtime run\` vs \`crun run\` vs \`runc run\` of \`/bin/true\` in the same busybox
bundle (the config of \`hull-runtime spec\`: pid, network, ipc, uts, mount and cgroup
namespaces, masked and read-only paths, the default mounts, and hull's default seccomp
profile, which all three load), $RUNS runs each after 10
warm-ups, side by side in one \`hyperfine -N\` run; max RSS is the largest of 20
\`/usr/bin/time -f %M\` runs of each.  All three run in one private mount namespace where
the host's cgroup2 tree is hidden, because crun 1.8 refuses this hybrid host, and
where their state directories (\`--root\`) are on a tmpfs, as /run is on a normal host
(on this VM /run is on the disk, where creating a file costs 0.3-1 ms).

\`hull-runtime-cold-seccomp\` is hull with its seccomp cache (/var/cache/hull/seccomp) removed before every run:
the cost of compiling the profile with libseccomp, which every other start skips.

Run it: \`make bench\` or \`bench/startup/run.sh\` (\`RUNS=N\` to change the count).

## Latest result ($(date -u +%Y-%m-%d), $(machine_line))

$table

$summary

Versions: $("$HULL_RUNTIME" --version | head -n1); $(crun --version | head -n1); $(runc --version | head -n1).
MD

# The latest table also goes into bench/README.md, between its markers.
top=$here/../README.md
if [ -f "$top" ] && grep -q '<!-- startup:begin -->' "$top"; then
        block=$(printf '%s\n\n%s\n\n(%s, %s)' "$table" "$summary" "$(date -u +%Y-%m-%d)" "$(machine_line)")
        awk -v block="$block" '
                /<!-- startup:begin -->/ { print; print block; skip = 1; next }
                /<!-- startup:end -->/ { skip = 0 }
                !skip' "$top" >"$top.new" && mv "$top.new" "$top"
fi
