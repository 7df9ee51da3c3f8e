#!/usr/bin/env bats
# The command line: --help, --version, and usage errors (status 2).

load ../lib/helpers
load lib

setup() {
        init_setup
}

@test "cli: --help prints the usage and exits 0" {
        run "$HULL_INIT" --help
        [ "$status" -eq 0 ]
        [[ ${lines[0]} == "Usage: hull-init [OPTIONS] [--] PROGRAM [ARGS...]" ]]
        for opt in --config --check --subreaper --group --rewrite --stop-signal --grace --prefix --quiet --verbose --version; do
                [[ $output == *"$opt"* ]] || { echo "--help does not mention $opt"; return 1; }
        done
        run "$HULL_INIT" -h
        [ "$status" -eq 0 ]
}

@test "cli: --version prints the version" {
        run "$HULL_INIT" --version
        [ "$status" -eq 0 ]
        [[ $output =~ ^hull-init\ [0-9]+\.[0-9]+\.[0-9]+ ]]
}

@test "cli: usage errors exit 2 with the reason" {
        local args want
        while IFS='|' read -r args want; do
                # shellcheck disable=SC2086
                run "$HULL_INIT" $args
                if [ "$status" -ne 2 ] || [ "${lines[0]}" != "hull-init: $want" ]; then
                        echo "hull-init $args: ($status) $output; want: $want"
                        return 1
                fi
                [ "${lines[1]}" = "Try 'hull-init --help'." ]
        done <<'CASES'
|no program given
--bogus true|unknown option --bogus
-x true|unknown option -x
--grace|option -t needs an argument
--grace soon true|--grace: 'soon' is not a duration (10, 1.5, 250ms)
--rewrite TERM true|--rewrite: expected FROM:TO signals, not 'TERM'
--rewrite NOPE:TERM true|--rewrite: expected FROM:TO signals, not 'NOPE:TERM'
--stop-signal 99 true|--stop-signal: '99' is not a signal
-c /etc true|-c and a program exclude each other (true)
--check true|--check needs -c PATH
CASES
}

@test "cli: options stop at the program; its own options pass through" {
        run pid1 "$HULL_INIT" sh -c 'echo "$0 $1"' -g --grace
        [ "$status" -eq 0 ]
        [ "$output" = "-g --grace" ]
}
