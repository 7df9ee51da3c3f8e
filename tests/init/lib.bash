# Helpers of the hull-init suites (tests/init/*.bats), loaded after
# ../lib/helpers:
#   load ../lib/helpers
#   load lib
#
# Every test runs its init as PID 1 of a PID namespace of its own
# (unshare --pid --fork --mount-proc --kill-child), so that killing that init
# ends every process the test started, and so that a broken test cannot
# leave processes behind.

SIGREC=${SIGREC:-$HULL_BUILD/src/init/init-sigrec}
PTY=$HULL_SRC/tests/init/ptydrive.py
TINI=$(command -v tini || true)

# Per-test set-up: D is the test's scratch directory, exported with the
# helper paths for the scripts the tests run.
init_setup() {
        requires root
        [ -x "$HULL_INIT" ] || skip "hull-init is not built ($HULL_INIT)"
        D=$BATS_TEST_TMPDIR
        NS_PID=
        INIT_PID=
        export D SIGREC HULL_INIT
        ulimit -c 0
}

# Per-test tear-down: SIGKILL to the init of the test's namespace ends
# everything in it.
init_teardown() {
        if [ -n "${NS_PID:-}" ]; then
                [ -n "${INIT_PID:-}" ] && kill -KILL "$INIT_PID" 2>/dev/null
                kill -KILL "$NS_PID" 2>/dev/null
                wait "$NS_PID" 2>/dev/null
                NS_PID=
        fi
        return 0
}

# pid1 CMD...: runs CMD as PID 1 of a new PID namespace, in the foreground,
# with a timeout that only stops a hung test.
pid1() {
        timeout -k 5 120 unshare --pid --fork --mount-proc --kill-child "$@"
}

# pid1_start CMD...: the same in the background, stdout in $D/out and stderr
# in $D/err.  Sets NS_PID (unshare) and INIT_PID (CMD, as seen from here).
pid1_start() {
        unshare --pid --fork --mount-proc --kill-child "$@" >"$D/out" 2>"$D/err" </dev/null 3>&- &
        NS_PID=$!
        wait_for _init_pid_known
}

# True once the init's pid is known, or once it is already over.
_init_pid_known() {
        INIT_PID=$(child_of "$NS_PID")
        [ -n "$INIT_PID" ] || _gone "$NS_PID"
}

# child_of PID: the (first) child of PID, as seen from here.
child_of() {
        local c
        c=$(cat "/proc/$1/task/$1/children" 2>/dev/null)
        echo "${c%% *}"
}

# _gone PID: the process has exited (a zombie or no more).
_gone() {
        local state
        state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)
        [ -z "$state" ] || [ "$state" = Z ]
}

# pid1_wait: waits (60 s at most) for the background init to end; sets
# NS_STATUS to its exit status.
pid1_wait() {
        local i
        for i in $(seq 1 600); do
                _gone "$NS_PID" && break
                sleep 0.1
        done
        if ! _gone "$NS_PID"; then
                echo "the init did not exit within 60 s" >&2
                kill -KILL "$INIT_PID" 2>/dev/null
        fi
        NS_STATUS=0
        wait "$NS_PID" || NS_STATUS=$?
        NS_PID=
}

# wait_file FILE: waits (10 s at most) until FILE exists.
wait_file() {
        wait_for test -e "$1"
}

# wait_grep PATTERN FILE: waits (10 s at most) until a line of FILE matches
# the extended regular expression PATTERN.
wait_grep() {
        wait_for grep -qE -- "$1" "$2"
}

# lines FILE: the lines of FILE joined by spaces.
lines() {
        tr '\n' ' ' <"$1" | sed 's/ $//'
}

# catchable_signals: 1..64 but KILL and STOP, space-separated.
catchable_signals() {
        local s out=""
        for s in $(seq 1 64); do
                [ "$s" -eq 9 ] || [ "$s" -eq 19 ] || out+="$s "
        done
        echo "${out% }"
}

# send_each INIT_PID LOG SIGNAL...: sends each signal to the init and waits
# until the recorder's LOG shows it, so that no two are pending at once.
send_each() {
        local pid=$1 log=$2 s
        shift 2
        for s in "$@"; do
                kill -s "$s" "$pid" || return 1
                if ! wait_grep "^$s\$" "$log"; then
                        echo "signal $s was not forwarded; log: $(lines "$log")" >&2
                        return 1
                fi
        done
}
