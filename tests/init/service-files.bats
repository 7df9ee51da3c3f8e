#!/usr/bin/env bats
# Service files: a malformed one is refused at start with FILE:LINE and the
# reason, before anything runs; the parser's unit tests and the fuzz corpus.

load ../lib/helpers
load lib

setup() {
        init_setup
}

teardown() {
        init_teardown
}

# refused TEXT EXPECTED: hull-init -c on a file holding TEXT must exit 2
# with exactly "hull-init: FILE:EXPECTED" and start nothing.
refused() {
        printf '%b' "$1" >"$D/bad.conf"
        run pid1 "$HULL_INIT" -c "$D/bad.conf"
        if [ "$status" -ne 2 ] || [ "$output" != "hull-init: $D/bad.conf:$2" ]; then
                echo "for: $1"
                echo "got ($status): $output"
                echo "want: hull-init: $D/bad.conf:$2"
                return 1
        fi
        [ ! -e "$D/ran" ]
}

@test "service files: a malformed file is refused with file:line and the reason" {
        local ok='[a]\ncommand = touch "$D/ran"\n'
        refused "${ok}bogus = 1\n" "3: unknown key 'bogus'"
        refused "${ok}restart\n" "3: expected KEY = VALUE"
        refused "command = x\n" "1: a key before the first [NAME] section"
        refused "[a b]\ncommand = x\n" "1: 'a b' is not a service name (letters, digits, '_', '-', '.')"
        refused "${ok}command = y\n" "3: 'command' is already set on line 2"
        refused "${ok}restart = sometimes\n" "3: restart: expected no, on-failure or always, not 'sometimes'"
        refused "${ok}grace = soon\n" "3: grace: 'soon' is not a duration (10, 1.5, 250ms, 2s, 1m)"
        refused "${ok}stop-signal = SIGNOPE\n" "3: stop-signal: 'SIGNOPE' is not a signal"
        refused "${ok}ready = fd 1\n" "3: ready: fd must be a number from 3 to 1023, not '1'"
        refused "${ok}ready = tcp example.com:80\n" "3: ready: 'example.com:80' is not PORT, IPV4:PORT or [IPV6]:PORT"
        refused "${ok}ready = whenever\n" "3: ready: expected none, exit, fd N, tcp ADDRESS or unix PATH, not 'whenever'"
        refused "[a]\ncommand = sh -c 'echo\n" "2: command: unterminated ' quote"
        refused "${ok}after = db\n" "3: unknown service 'db'"
        refused "${ok}after = a\n" "3: service 'a' depends on itself"
        refused "${ok}after = b\n[b]\ncommand = x\nafter-ready = a\n" "6: dependency cycle: a -> b -> a"
        refused "${ok}main = yes\n[b]\ncommand = x\nmain = yes\n" "6: 'a' and 'b' are both the main service"
        refused "${ok}\n[b]\ndirectory = /\n" "4: service 'b' has no command"
        refused "${ok}[a]\ncommand = x\n" "3: service 'a' is already defined at $D/bad.conf:1"
        refused "${ok}user = no-such-user-here\n" "3: user 'no-such-user-here': no such user in /etc/passwd"
        refused "${ok}user = root:no-such-group\n" "3: user 'root:no-such-group': no such group in /etc/group"
        refused "${ok}env = NOEQUALS\n" "3: env: expected NAME=VALUE, not 'NOEQUALS'"
        refused "${ok}x\0y\n" "3: NUL byte"
        refused "# empty\n" "1: no [NAME] section: the file defines no service"
}

@test "service files: a malformed file of a directory is refused the same way" {
        mkdir "$D/services"
        printf 'command = touch "$D/ran"\n' >"$D/services/good.service"
        printf 'command = x\nafter = good\nrestart = maybe\n' >"$D/services/web.service"
        run pid1 "$HULL_INIT" -c "$D/services"
        [ "$status" -eq 2 ]
        [ "$output" = "hull-init: $D/services/web.service:3: restart: expected no, on-failure or always, not 'maybe'" ]

        printf '[web]\ncommand = x\n' >"$D/services/web.service"
        run pid1 "$HULL_INIT" -c "$D/services"
        [ "$status" -eq 2 ]
        [ "$output" = "hull-init: $D/services/web.service:1: a file of a service directory has no [section]: its name names the service" ]

        rm "$D/services/"*
        run pid1 "$HULL_INIT" -c "$D/services"
        [ "$status" -eq 2 ]
        [ "$output" = "hull-init: $D/services: no NAME.service file" ]

        run pid1 "$HULL_INIT" -c "$D/nowhere"
        [ "$status" -eq 2 ]
        [ "$output" = "hull-init: $D/nowhere: No such file or directory" ]
        [ ! -e "$D/ran" ]
}

@test "service files: --check accepts a good file and starts nothing" {
        printf '[a]\ncommand = touch "$D/ran"\n[b]\ncommand = x\nafter-ready = a\nready = tcp 8080\n' >"$D/good.conf"
        run "$HULL_INIT" --check -c "$D/good.conf"
        [ "$status" -eq 0 ]
        [ "$output" = "$D/good.conf: 2 services, no error" ]
        [ ! -e "$D/ran" ]
}

@test "service files: the parser's unit tests pass" {
        local t=$HULL_BUILD/src/init/test-init-service
        [ -x "$t" ] || skip "needs libcmocka-dev at build time"
        run "$t"
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "service files: the fuzz corpus replays without a crash" {
        local r=$HULL_BUILD/src/init/fuzz-init-service-replay
        run "$r" "$HULL_SRC"/tests/fuzz/init-service/corpus/*
        echo "$output"
        [ "$status" -eq 0 ]
        [[ $output == *"inputs replayed"* ]]
}
