#!/usr/bin/env bats
# Rootless: a non-root user runs a busybox container with `spec --rootless`.
# The user is nobody (65534), through setpriv; its state root and bundle are
# its own; no cgroup is made (nobody has no delegated cgroup).

load ../lib/helpers

setup() {
        requires root busybox jq userns
        command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
        # bats' own temp dirs are private to root: the user's files live here.
        USERDIR=$(mktemp -d /tmp/hull-rootless.XXXXXX)
        chmod 755 "$USERDIR"
        setup_bundle "$USERDIR/bundle"
        (cd "$BUNDLE" && rm -f config.json && "$HULL_RUNTIME" spec --rootless)
        update_config '.process.terminal = false
                | .linux.uidMappings[0].hostID = 65534 | .linux.gidMappings[0].hostID = 65534'
        chown 65534:65534 "$BUNDLE" "$BUNDLE/config.json"
        ROOT=$USERDIR/state
        mkdir -p "$ROOT" && chown 65534:65534 "$ROOT"
        RUNTIME_BIN=$USERDIR/hull-runtime
        cp "$HULL_RUNTIME" "$RUNTIME_BIN" && chmod 755 "$RUNTIME_BIN"
}

teardown() {
        cleanup_containers
        [ -n "${USERDIR:-}" ] && rm -rf "$USERDIR"
}

as_nobody() {
        setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
}

@test "rootless: nobody runs a busybox container made by spec --rootless" {
        update_config '.process.args = ["sh", "-c", "id -u; cat /proc/self/uid_map; echo hello-rootless"]'
        run as_nobody "$RUNTIME_BIN" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0 ]
        [[ ${lines[1]} =~ ^\ +0\ +65534\ +1$ ]]
        [ "${lines[2]}" = hello-rootless ]
        [ ! -e "$ROOT/$CID" ]
}

@test "rootless: create, start, state, kill and delete as nobody" {
        update_config '.process.args = ["sleep", "1000"]'
        as_nobody "$RUNTIME_BIN" --root "$ROOT" create --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        [ "$(as_nobody "$RUNTIME_BIN" --root "$ROOT" state "$CID" | jq -r .status)" = created ]
        as_nobody "$RUNTIME_BIN" --root "$ROOT" start "$CID"
        pid=$(as_nobody "$RUNTIME_BIN" --root "$ROOT" state "$CID" | jq -r .pid)
        [ "$(stat -c %u /proc/$pid)" = 65534 ]
        as_nobody "$RUNTIME_BIN" --root "$ROOT" kill "$CID" KILL
        wait_for sh -c "[ \"\$(setpriv --reuid=65534 --regid=65534 --clear-groups $RUNTIME_BIN --root $ROOT state $CID | jq -r .status)\" = stopped ]"
        as_nobody "$RUNTIME_BIN" --root "$ROOT" delete "$CID"
        [ ! -e "$ROOT/$CID" ]
}

@test "rootless: a config that asks for cgroup limits fails clearly without a delegated cgroup" {
        update_config '.linux.resources = {pids: {limit: 10}} | .process.args = ["true"]'
        run as_nobody "$RUNTIME_BIN" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
        echo "$output"
        [ "$status" -ne 0 ]
        [[ $output == *"cgroup"* ]]
        [ ! -e "$ROOT/$CID" ]
}
