#!/usr/bin/env bats
# exec of a further process into a running container: args or --process FILE,
# --env, --cwd, --user, --cap, --detach, --pid-file, --preserve-fds.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
        update_config '.process.env += ["FROM_CONFIG=config-value"]'
        set_args sleep 1000
}
teardown() { integration_teardown; }

@test "exec: runs args in the running container, with its stdio and exit status" {
        start_detached
        run --separate-stderr runtime exec "$CID" sh -c 'read l; echo "got:$l"; echo oops >&2; exit 5' <<<"input"
        [ "$status" -eq 5 ]
        [ "$output" = got:input ]
        [[ $stderr == *oops* ]]
        [ "$(state_field "$CID" status)" = running ]
}

@test "exec: the process joins every namespace and the cgroup of the container" {
        update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{type: "cgroup"}])'
        start_detached
        pid=$(container_pid "$CID")
        runtime exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" sleep 999 </dev/null >/dev/null 2>&1
        epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
        for ns in pid mnt net uts ipc cgroup; do
                [ "$(ns_of "$epid" $ns)" = "$(ns_of "$pid" $ns)" ] || { echo "exec'd process not in the container's $ns namespace" >&2; false; }
        done
        [ "$(grep -c "/$CGROUP_PARENT/$CID\$" "/proc/$epid/cgroup")" = "$(grep -c "/$CGROUP_PARENT/$CID\$" "/proc/$pid/cgroup")" ]
        grep -q ":memory:/$CGROUP_PARENT/$CID\$" "/proc/$epid/cgroup"
        # Seen from inside, it is not pid 1 and sees pid 1.
        run runtime exec "$CID" sh -c 'echo $$; cat /proc/1/cmdline | tr "\0" " "'
        [ "${lines[0]}" -gt 1 ]
        [ "${lines[1]}" = "sleep 1000 " ]
}

@test "exec --process FILE: runs the process of a runtime-spec process JSON" {
        start_detached
        cat >"$BATS_TEST_TMPDIR/process.json" <<'EOF'
{
        "terminal": false,
        "user": {"uid": 1000, "gid": 1000},
        "args": ["sh", "-c", "echo \"$(id -u):$(id -g) $(pwd) $ONLY_IN_FILE\""],
        "env": ["PATH=/bin:/usr/bin", "ONLY_IN_FILE=yes"],
        "cwd": "/tmp"
}
EOF
        run runtime exec --process "$BATS_TEST_TMPDIR/process.json" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = "1000:1000 /tmp yes" ]
}

@test "exec --env and --cwd: added to the config's environment, working directory set" {
        start_detached
        run runtime exec --env FOO=bar --env "SPACED=a b" --cwd /proc "$CID" sh -c 'echo "$FOO|$SPACED|$FROM_CONFIG|$(pwd)"'
        [ "$status" -eq 0 ]
        [ "$output" = "bar|a b|config-value|/proc" ]
}

@test "exec --user UID:GID and --additional-gids" {
        start_detached
        run runtime exec --user 1000:1001 --additional-gids 5 --additional-gids 7 "$CID" sh -c 'id -u; id -g; id -G'
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 1000 ]
        [ "${lines[1]}" = 1001 ]
        [ "$(echo "${lines[2]}" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "5 7 1001 " ]
        run runtime exec --user 1234 "$CID" id -u
        [ "$status" -eq 0 ]
        [ "$output" = 1234 ]
}

@test "exec --cap: adds a capability to the exec'd process" {
        update_config '.process.capabilities = {bounding: ["CAP_KILL"], effective: ["CAP_KILL"], permitted: ["CAP_KILL"]}'
        start_detached
        run runtime exec "$CID" sh -c 'grep -E "^Cap(Bnd|Eff):" /proc/self/status'
        [ "$status" -eq 0 ]
        ! has_cap "$(echo "$output" | awk '/^CapEff/ {print $2}')" CAP_SYS_ADMIN || false
        run runtime exec --cap CAP_SYS_ADMIN --cap CAP_NET_ADMIN "$CID" sh -c 'grep -E "^Cap(Bnd|Eff):" /proc/self/status'
        [ "$status" -eq 0 ]
        bnd=$(echo "$output" | awk '/^CapBnd/ {print $2}')
        eff=$(echo "$output" | awk '/^CapEff/ {print $2}')
        has_cap "$bnd" CAP_SYS_ADMIN
        has_cap "$eff" CAP_SYS_ADMIN
        has_cap "$bnd" CAP_NET_ADMIN
        has_cap "$eff" CAP_NET_ADMIN
        has_cap "$eff" CAP_KILL
        # The container's own process is unchanged.
        bnd1=$(awk '/^CapBnd/ {print $2}' "/proc/$(container_pid "$CID")/status")
        ! has_cap "$bnd1" CAP_SYS_ADMIN || false
}

@test "exec --detach --pid-file: returns at once, the pid file names the running process" {
        start_detached
        runtime exec --detach --pid-file "$BATS_TEST_TMPDIR/exec.pid" "$CID" sleep 777 </dev/null >/dev/null 2>&1
        epid=$(cat "$BATS_TEST_TMPDIR/exec.pid")
        [[ $epid =~ ^[0-9]+$ ]]
        kill -0 "$epid"
        [ "$(tr '\0' ' ' <"/proc/$epid/cmdline")" = "sleep 777 " ]
        # delete --force takes the exec'd process along.
        runtime delete --force "$CID"
        wait_for process_gone $epid
        assert_no_leftovers "$CID"
}

@test "exec --preserve-fds: passes N extra file descriptors after stdio" {
        start_detached
        run runtime exec --preserve-fds 2 "$CID" sh -c 'echo three >&3; echo four >&4; ls /proc/$$/fd; true' \
                3>"$BATS_TEST_TMPDIR/fd3" 4>"$BATS_TEST_TMPDIR/fd4" 5>"$BATS_TEST_TMPDIR/fd5"
        [ "$status" -eq 0 ]
        [ "$(cat "$BATS_TEST_TMPDIR/fd3")" = three ]
        [ "$(cat "$BATS_TEST_TMPDIR/fd4")" = four ]
        # fd 5 was not asked for.
        ! printf '%s\n' "${lines[@]}" | grep -qx 5 || false
}

@test "exec: fails on a stopped container" {
        set_args true
        create_container
        runtime start "$CID"
        wait_status "$CID" stopped
        run runtime exec "$CID" true
        [ "$status" -ne 0 ]
}

@test "exec: a failing exec'd program does not stop the container" {
        start_detached
        run runtime exec "$CID" sh -c 'exit 3'
        [ "$status" -eq 3 ]
        run runtime exec "$CID" sh -c 'kill -9 $$'
        [ "$status" -eq 137 ]
        [ "$(state_field "$CID" status)" = running ]
}
