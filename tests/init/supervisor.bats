#!/usr/bin/env bats
# The supervisor: services from a file or a directory, started in
# dependency order, restarted by policy, ready by fd, port or exit, stopped
# in reverse order; the main service's status is hull-init's.

load ../lib/helpers
load lib

setup() {
        init_setup
}

teardown() {
        init_teardown
}

# order_of FILE TEXT...: true when the first lines of FILE holding each TEXT
# come in that order.
order_of() {
        local file=$1 prev=0 w n
        shift
        for w in "$@"; do
                n=$(grep -n -m1 -F -- "$w" "$file" | cut -d: -f1)
                if [ -z "$n" ] || [ "$n" -le "$prev" ]; then
                        echo "'$w' is not after line $prev of $file" >&2
                        return 1
                fi
                prev=$n
        done
}

@test "supervisor: services start in dependency order; the main service's exit stops the rest in reverse order" {
        cat >"$D/all.conf" <<'CONF'
# one file, three services
[db]
command = sleep 1000

[cache]
command = sleep 1000
after = db

[app]
command = sh -c 'exit 7'
after = cache
main = yes
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 7 ]
        order_of "$D/err" "db: started" "cache: started" "app: started" "app: exited with status 7" \
                "stopping: the main service ended" "cache: stopping with TERM" "cache: killed by signal 15" \
                "db: stopping with TERM"
}

@test "supervisor: after-ready waits for a newline on the notification fd" {
        cat >"$D/all.conf" <<'CONF'
[db]
command = sh -c 'sleep 0.3; echo db-ready >> "$D/order"; echo >&3; exec sleep 1000'
ready = fd 3

[web]
command = sh -c 'echo web >> "$D/order"'
after-ready = db
main = yes
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(lines "$D/order")" = "db-ready web" ]
        order_of "$D/err" "db: started" "db: ready" "web: started"
}

# port_scenario READY-VALUE PYTHON-SOCKET-SETUP: a service that waits a
# moment, notes "listening" and only then listens; its dependent must start
# once the socket accepts, so after that note.  In a network namespace of
# its own, so that the port is free.
port_scenario() {
        cat >"$D/listen.py" <<PY
import os, socket, time
time.sleep(0.3)
$2
with open(os.environ["D"] + "/order", "a") as f:
    f.write("listening\n")
s.listen()
time.sleep(1000)
PY
        cat >"$D/all.conf" <<CONF
[server]
command = python3 $D/listen.py
ready = $1

[client]
command = sh -c 'echo client >> "\$D/order"'
after-ready = server
main = yes
CONF
        pid1_start unshare --net sh -c 'ip link set lo up && exec "$HULL_INIT" -c "$D/all.conf"'
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 0 ]
        [ "$(lines "$D/order")" = "listening client" ]
        order_of "$D/err" "server: started" "server: ready" "client: started"
}

@test "supervisor: readiness by a TCP port that accepts" {
        port_scenario "tcp 127.0.0.1:8080" \
                's = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", 8080))'
}

@test "supervisor: readiness by a UNIX socket that accepts" {
        port_scenario "unix $D/server.sock" \
                's = socket.socket(socket.AF_UNIX); s.bind(os.environ["D"] + "/server.sock")'
}

@test "supervisor: ready = exit runs a one-shot task to completion before its dependents" {
        cat >"$D/all.conf" <<'CONF'
[migrate]
command = sh -c 'sleep 0.2; echo migrated >> "$D/order"'
ready = exit

[app]
command = sh -c 'echo app >> "$D/order"; exit 3'
after-ready = migrate
main = yes
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        pid1_wait
        [ "$NS_STATUS" -eq 3 ]
        [ "$(lines "$D/order")" = "migrated app" ]
}

@test "supervisor: a dependency that ends before it is ready fails its dependents" {
        cat >"$D/all.conf" <<'CONF'
[migrate]
command = sh -c 'exit 1'
ready = exit

[app]
command = sh -c 'echo app >> "$D/order"'
after-ready = migrate
main = yes
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 1 ]
        [ ! -e "$D/order" ]
        grep -qF "hull-init: app: not started: migrate ended before it was ready" "$D/err"
}

@test "supervisor: restart=on-failure restarts with exponential backoff up to the limit" {
        cat >"$D/flaky.service" <<'CONF'
command = sh -c 'echo run >> "$D/runs"; exit 3'
restart = on-failure
restart-delay = 50ms
restart-delay-max = 200ms
restart-limit = 4
CONF
        pid1_start "$HULL_INIT" -c "$D"
        pid1_wait
        cat "$D/err"
        # without a main service hull-init ends once every service has; one
        # failed, so 1
        [ "$NS_STATUS" -eq 1 ]
        [ "$(wc -l <"$D/runs")" -eq 5 ]
        order_of "$D/err" "flaky: restarting in 50ms (restart 1 of 4)" "flaky: restarting in 100ms (restart 2 of 4)" \
                "flaky: restarting in 200ms (restart 3 of 4)" "flaky: restarting in 200ms (restart 4 of 4)" \
                "flaky: giving up after 4 restarts" "stopping: every service ended"
}

@test "supervisor: restart=always restarts after success; on-failure and no do not" {
        cat >"$D/all.conf" <<'CONF'
[always]
command = sh -c 'echo always >> "$D/runs"; exit 0'
restart = always
restart-delay = 10ms
restart-limit = 2

[onfailure]
command = sh -c 'echo onfailure >> "$D/runs"; exit 0'
restart = on-failure
restart-delay = 10ms

[never]
command = sh -c 'echo never >> "$D/runs"; exit 1'
restart = no
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 1 ]
        [ "$(grep -c always "$D/runs")" -eq 3 ]
        [ "$(grep -c onfailure "$D/runs")" -eq 1 ]
        [ "$(grep -c never "$D/runs")" -eq 1 ]
}

runs_at_least() {
        [ "$(cat "$D/runs" 2>/dev/null | wc -l)" -ge "$1" ]
}

@test "supervisor: a run that lasts restart-reset starts the backoff and the count afresh" {
        cat >"$D/all.conf" <<'CONF'
[worker]
command = sh -c 'echo run >> "$D/runs"; sleep 0.1; exit 1'
restart = on-failure
restart-delay = 20ms
restart-limit = 2
restart-reset = 50ms

[main]
command = sh -c 'while [ ! -e "$D/go" ]; do sleep 0.02; done'
main = yes
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        wait_for runs_at_least 5
        touch "$D/go"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 0 ]
        ! grep -q "giving up" "$D/err"
        ! grep -q "restart 2 of 2" "$D/err"
        grep -q "worker: restarting in 20ms (restart 1 of 2)" "$D/err"
}

@test "supervisor: SIGTERM stops services in reverse dependency order, each with its stop signal" {
        # each service traps its stop signal, logs it and exits
        cat >"$D/svc.sh" <<'SH'
trap "echo $1:$2 >> \"\$D/log\"; exit 0" "$2"
echo >&3
exec 3>&-
while :; do sleep 0.05; done
SH
        cat >"$D/all.conf" <<CONF
[a]
command = sh $D/svc.sh a INT
stop-signal = INT
ready = fd 3

[b]
command = sh $D/svc.sh b USR1
stop-signal = SIGUSR1
ready = fd 3
after-ready = a

[c]
command = sh $D/svc.sh c TERM
ready = fd 3
after-ready = b
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        wait_grep "c: ready" "$D/err"
        kill -TERM "$INIT_PID"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 0 ]
        [ "$(lines "$D/log")" = "c:TERM b:USR1 a:INT" ]
}

@test "supervisor: a service that ignores its stop signal is killed after its grace" {
        cat >"$D/stubborn.service" <<'CONF'
command = sh -c 'trap "" TERM; echo >&3; exec sleep 1000'
ready = fd 3
grace = 300ms
CONF
        pid1_start "$HULL_INIT" -c "$D"
        wait_grep "stubborn: ready" "$D/err"
        kill -TERM "$INIT_PID"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 0 ]
        order_of "$D/err" "stubborn: stopping with TERM (grace 300ms)" \
                "stubborn: still running after 300ms, sending KILL" "stubborn: killed by signal 9 (KILL)"
}

@test "supervisor: a service that cannot be executed is reported and restarted by its policy; hull-init carries on" {
        printf 'not a program\n' >"$D/not-executable"
        cat >"$D/all.conf" <<CONF
[missing]
command = $D/no-such-program
restart = on-failure
restart-delay = 10ms
restart-limit = 2

[denied]
command = $D/not-executable
restart = no

[main]
command = sh -c 'while [ ! -e "\$D/go" ]; do sleep 0.02; done; exit 5'
main = yes
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        wait_grep "missing: giving up after 2 restarts" "$D/err"
        wait_grep "denied: exited with status 126" "$D/err"
        touch "$D/go"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 5 ]
        [ "$(grep -c "hull-init: missing: cannot execute $D/no-such-program: No such file or directory" "$D/err")" -eq 3 ]
        [ "$(grep -c "missing: exited with status 127" "$D/err")" -eq 3 ]
        grep -qF "hull-init: denied: cannot execute $D/not-executable: Permission denied" "$D/err"
}

@test "supervisor: output is prefixed with the service name" {
        cat >"$D/all.conf" <<'CONF'
[web]
command = sh -c 'echo out-line; echo err-line >&2; printf partial'
prefix = yes
main = yes
after-ready = plain

[plain]
command = sh -c 'echo plain-line'
prefix = no
ready = exit
CONF
        pid1_start "$HULL_INIT" -q -c "$D/all.conf"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        grep -qx "web | out-line" "$D/out"
        grep -qx "web | partial" "$D/out"
        grep -qx "plain-line" "$D/out"
        [ "$(cat "$D/err")" = "web | err-line" ]

        # --prefix: every service unless it says no
        cat >"$D/all.conf" <<'CONF'
[one]
command = echo hello
CONF
        pid1_start "$HULL_INIT" -q --prefix -c "$D/all.conf"
        pid1_wait
        [ "$(cat "$D/out")" = "one | hello" ]
}

@test "supervisor: user, working directory and environment are applied" {
        cat >"$D/all.conf" <<'CONF'
[who]
command = sh -c 'echo "$(id -u):$(id -g):$(id -G) $(pwd) $FOO/$KEEP"'
user = nobody
directory = /tmp
env = FOO=bar baz
main = yes
CONF
        KEEP=kept pid1_start "$HULL_INIT" -q -c "$D/all.conf"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        local g
        g=$(id -g nobody)
        [ "$(cat "$D/out")" = "65534:$g:$g /tmp bar baz/kept" ]
}

@test "supervisor: a directory of NAME.service files; other files are ignored with a warning" {
        mkdir "$D/services"
        printf 'command = sleep 1000\n' >"$D/services/db.service"
        printf 'command = sh -c "exit 9"\nafter = db\nmain = yes\n' >"$D/services/app.service"
        printf 'not a service\n' >"$D/services/README"
        pid1_start "$HULL_INIT" -c "$D/services"
        pid1_wait
        cat "$D/err"
        [ "$NS_STATUS" -eq 9 ]
        grep -qF "hull-init: warning: $D/services/README: ignored (not a NAME.service file)" "$D/err"
        order_of "$D/err" "db: started" "app: started" "app: exited with status 9" "db: stopping"
}

@test "supervisor: signals other than the stop signals go to every running service" {
        cat >"$D/all.conf" <<'CONF'
[one]
command = sh -c 'exec "$SIGREC" -r "$D/ready1" -x 15 > "$D/one.log"'

[two]
command = sh -c 'exec "$SIGREC" -r "$D/ready2" -x 15 > "$D/two.log"'
CONF
        pid1_start "$HULL_INIT" -c "$D/all.conf"
        wait_file "$D/ready1"
        wait_file "$D/ready2"
        kill -USR1 "$INIT_PID"
        wait_grep '^10$' "$D/one.log"
        wait_grep '^10$' "$D/two.log"
        kill -TERM "$INIT_PID"
        pid1_wait
        [ "$NS_STATUS" -eq 0 ]
        [ "$(lines "$D/one.log")" = "10 15" ]
        [ "$(lines "$D/two.log")" = "10 15" ]
}
