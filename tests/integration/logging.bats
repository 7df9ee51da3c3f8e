#!/usr/bin/env bats
# Global logging flags: --log FILE, --log-format text|json, --debug.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

@test "--log FILE: the runtime's errors are written to the file" {
        log=$BATS_TEST_TMPDIR/runtime.log
        run "$HULL_RUNTIME" --root "$ROOT" --log "$log" run --bundle "$BATS_TEST_TMPDIR/no-such-bundle" "$CID"
        [ "$status" -ne 0 ]
        [ -s "$log" ]
        grep -q no-such-bundle "$log"
}

@test "--log-format text: plain lines, not JSON" {
        log=$BATS_TEST_TMPDIR/runtime.log
        run "$HULL_RUNTIME" --root "$ROOT" --log "$log" --log-format text run --bundle "$BATS_TEST_TMPDIR/no-such-bundle" "$CID"
        [ "$status" -ne 0 ]
        grep -q no-such-bundle "$log"
        ! head -n 1 "$log" | jq -e 'type == "object"' >/dev/null 2>&1 || false
}

@test "--log-format json: every line is a JSON object with level, msg and time" {
        log=$BATS_TEST_TMPDIR/runtime.log
        run "$HULL_RUNTIME" --root "$ROOT" --log "$log" --log-format json run --bundle "$BATS_TEST_TMPDIR/no-such-bundle" "$CID"
        [ "$status" -ne 0 ]
        [ -s "$log" ]
        while IFS= read -r line; do
                echo "$line" | jq -e 'type == "object" and (.level | type == "string") and (.msg | type == "string") and has("time")' >/dev/null ||
                        { echo "not a JSON log line: $line" >&2; false; }
        done <"$log"
        jq -r 'select(.level == "error") | .msg' "$log" | grep -q no-such-bundle
}

@test "--log-format: an unknown format is refused" {
        run "$HULL_RUNTIME" --root "$ROOT" --log-format xml list
        [ "$status" -ne 0 ]
}

@test "--debug: debug messages go to the log; the container's output stays on stdout" {
        log=$BATS_TEST_TMPDIR/runtime.log
        set_args sh -c 'echo program-output'
        run --separate-stderr "$HULL_RUNTIME" --root "$ROOT" --debug --log "$log" --log-format json run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = program-output ]
        [ "$(jq -r 'select(.level == "debug") | .msg' "$log" | wc -l)" -ge 1 ]
        ! grep -q program-output "$log" || false
}

@test "without --debug a successful run logs no debug messages" {
        log=$BATS_TEST_TMPDIR/runtime.log
        set_args true
        run "$HULL_RUNTIME" --root "$ROOT" --log "$log" --log-format json run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ ! -s "$log" ] || [ "$(jq -r 'select(.level == "debug")' "$log" | wc -l)" -eq 0 ]
}
