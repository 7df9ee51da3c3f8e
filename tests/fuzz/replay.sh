#!/bin/bash
# Replays every fuzz target's corpus (tests/fuzz/NAME/corpus) through the
# fuzz-NAME binaries of the plain and the ASan build; TAP on stdout.
set -uo pipefail
cd "$(dirname "$0")"
n=0 status=0
for dir in */; do
        name=${dir%/}
        [ -d "$name/corpus" ] || continue
        for build in "${HULL_BUILD:-../../build}" "${HULL_BUILD_ASAN:-../../build-asan}"; do
                bin=$build/tests/fuzz/fuzz-$name
                # hull-init's parser is outside libhull: its replay binary is built by src/init.
                [ -f "$name/fuzz.c" ] || bin=$build/src/init/fuzz-$name-replay
                [ -d "$build" ] || continue
                n=$((n + 1))
                if [ ! -x "$bin" ]; then
                        echo "not ok $n - fuzz-$name: not built in $build"
                        status=1
                        continue
                fi
                if [ -f "$name/fuzz.c" ]; then
                        out=$(ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 timeout 600 "$bin" "$name/corpus" 2>&1)
                else
                        out=$(ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1 timeout 600 "$bin" "$name"/corpus/* 2>&1)
                fi
                rc=$?
                files=$(grep -c '^ok ' <<<"$out")
                [ -f "$name/fuzz.c" ] || files=$(ls "$name/corpus" | wc -l)
                if [ $rc -eq 0 ] && ! grep -q '^not ok' <<<"$out"; then
                        echo "ok $n - fuzz-$name replays $files inputs ($(basename "$build"))"
                else
                        echo "not ok $n - fuzz-$name ($(basename "$build")), exit $rc"
                        grep -v '^ok ' <<<"$out" | tail -n 30 | sed 's/^/#   /'
                        status=1
                fi
        done
done
echo "1..$n"
exit $status
