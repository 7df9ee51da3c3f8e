#!/bin/bash
# Runs every test suite, each reporting TAP, and tallies them.
# The last line printed is "N passed, N failed".
#
#   tests/run-all.sh [suite...]     suites: lint unit unit-asan fuzz integration conformance robustness init security
#
# HULL_MUST_WORK=1 turns skips of features that must exist into failures (the
# helpers in tests/lib/helpers.bash do that); CI sets it.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD:-build}
BUILD_ASAN=${BUILD_ASAN:-build-asan}
export HULL_BUILD=$ROOT/$BUILD HULL_BUILD_ASAN=$ROOT/$BUILD_ASAN HULL_SRC=$ROOT

suites=("$@")
if [ ${#suites[@]} -eq 0 ]; then
        suites=(lint unit unit-asan fuzz integration conformance robustness init security image build)
fi

passed=0 failed=0 skipped=0
failures=() skips=()
outdir=$(mktemp -d /tmp/hull-tests.XXXXXX)
trap 'rm -rf "$outdir"' EXIT

# tally SUITE FILE EXIT_CODE
tally() {
        local suite=$1 file=$2 rc=$3 p=0 f=0 s=0 line
        while IFS= read -r line; do
                case "$line" in
                "not ok "*)
                        f=$((f + 1)); failures+=("$suite: ${line#not ok }") ;;
                "ok "*"# skip"* | "ok "*"# SKIP"*)
                        s=$((s + 1)); skips+=("$suite: ${line#ok }") ;;
                "ok "*)
                        p=$((p + 1)) ;;
                esac
        done <"$file"
        if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
                f=1; failures+=("$suite: exited with status $rc without reporting a failing test")
        fi
        passed=$((passed + p)); failed=$((failed + f)); skipped=$((skipped + s))
        printf '%-12s %4d passed, %3d failed, %3d skipped\n' "$suite" "$p" "$f" "$s"
}

run_unit() {
        local suite=$1 dir=$2 out=$outdir/$1.tap rc=0 t
        : >"$out"
        if [ ! -d "$dir/tests/unit" ]; then
                echo "not ok 1 - $suite: $dir/tests/unit is not built" >"$out"
                tally "$suite" "$out" 1
                return
        fi
        # Every C unit test the build made: tests/unit and each part's tests/*/unit.
        for t in $(find "$dir/tests" -type f -executable -name 'test-*' ! -path '*.p/*' | sort); do
                if ! CMOCKA_MESSAGE_OUTPUT=TAP ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
                        timeout 300 "$t" >>"$out" 2>"$outdir/$suite.$(basename "$t").err"; then
                        rc=1
                        echo "# $(basename "$t") failed:" >>"$out"
                        sed 's/^/#   /' "$outdir/$suite.$(basename "$t").err" | tail -n 30 >>"$out"
                        grep -q '^not ok' "$out" || echo "not ok - $(basename "$t") exited non-zero" >>"$out"
                fi
        done
        tally "$suite" "$out" "$rc"
}

run_bats() {
        local suite=$1 dir=tests/$1 out=$outdir/$1.tap rc=0
        if ! ls "$dir"/*.bats >/dev/null 2>&1; then
                return
        fi
        timeout 2400 bats --tap "$dir" >"$out" 2>&1 || rc=$?
        tally "$suite" "$out" "$rc"
}

for s in "${suites[@]}"; do
        case $s in
        lint)
                out=$outdir/lint.tap; rc=0
                if scripts/check-cleanup-jumps.sh "$BUILD/hull-config.h" >"$outdir/lint.out" 2>&1; then
                        echo "ok 1 - no goto skips a _cleanup_ variable's initialisation" >"$out"
                else
                        { echo "not ok 1 - a goto skips a _cleanup_ variable's initialisation"; sed 's/^/# /' "$outdir/lint.out"; } >"$out"
                fi
                tally lint "$out" 0 ;;
        unit) run_unit unit "$ROOT/$BUILD" ;;
        unit-asan) run_unit unit-asan "$ROOT/$BUILD_ASAN" ;;
        fuzz)
                if [ -x tests/fuzz/replay.sh ]; then
                        out=$outdir/fuzz.tap; rc=0
                        HULL_BUILD=$ROOT/$BUILD HULL_BUILD_ASAN=$ROOT/$BUILD_ASAN tests/fuzz/replay.sh >"$out" 2>&1 || rc=$?
                        tally fuzz "$out" "$rc"
                fi ;;
        *) run_bats "$s" ;;
        esac
done

if [ ${#skips[@]} -gt 0 ]; then
        echo "skipped:"
        printf '  %s\n' "${skips[@]}"
fi
if [ ${#failures[@]} -gt 0 ]; then
        echo "failed:"
        printf '  %s\n' "${failures[@]}"
        for f in "$outdir"/*.tap; do
                if grep -q '^not ok' "$f"; then
                        echo "---- $(basename "$f" .tap): details"
                        awk '/^not ok/{p=1; print; next} /^(ok|not ok) /{p=0} p' "$f" | head -n 200
                fi
        done
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
