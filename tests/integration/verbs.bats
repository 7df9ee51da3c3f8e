#!/usr/bin/env bats
# The verbs other than create/start/run/exec: spec, state, kill, delete, list, features.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

@test "spec: writes a default config.json of the runtime-spec" {
        d=$BATS_TEST_TMPDIR/spec
        mkdir "$d"
        cd "$d"
        "$HULL_RUNTIME" spec
        jq -e . config.json >/dev/null
        [[ $(jq -r .ociVersion config.json) == 1.* ]]
        [ "$(jq -r .root.path config.json)" = rootfs ]
        [ "$(jq -r '.process.args | length' config.json)" -ge 1 ]
        [ "$(jq -r .process.cwd config.json)" = / ]
        [ "$(jq -r '.process.env | map(select(startswith("PATH="))) | length' config.json)" -eq 1 ]
        for ns in pid mount ipc uts network; do
                jq -e --arg ns "$ns" '.linux.namespaces | map(.type) | index($ns)' config.json >/dev/null
        done
        [ "$(jq -r '.mounts[] | select(.destination == "/proc") | .type' config.json)" = proc ]
}

@test "spec: the default config runs a container from the bundle as it is (but for terminal and args)" {
        # setup_bundle made the config with `spec` and changed only terminal, args and cgroupsPath.
        set_args sh -c 'echo hello from $(hostname)'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [[ $output == "hello from "* ]]
}

@test "spec: refuses to overwrite an existing config.json" {
        d=$BATS_TEST_TMPDIR/spec
        mkdir "$d"
        echo '{"mine": true}' >"$d/config.json"
        cd "$d"
        run "$HULL_RUNTIME" spec
        [ "$status" -ne 0 ]
        [ "$(jq -r .mine config.json)" = true ]
}

@test "spec --bundle: writes config.json into the given directory" {
        d=$BATS_TEST_TMPDIR/spec
        mkdir "$d"
        "$HULL_RUNTIME" spec --bundle "$d"
        jq -e .ociVersion "$d/config.json" >/dev/null
        [ ! -e "$PWD/config.json" ] || [ "$PWD" = "$d" ]
}

@test "spec --rootless: a user namespace that maps the caller's ids, and the config runs" {
        d=$BATS_TEST_TMPDIR/rootless
        mkdir "$d"
        "$HULL_RUNTIME" spec --rootless --bundle "$d"
        c=$d/config.json
        jq -e '.linux.namespaces | map(.type) | index("user")' "$c" >/dev/null
        [ "$(jq -r '.linux.uidMappings[0].hostID' "$c")" = "$(id -u)" ]
        [ "$(jq -r '.linux.gidMappings[0].hostID' "$c")" = "$(id -g)" ]
        [ "$(jq -r '.linux.uidMappings[0].size' "$c")" -ge 1 ]
        # It runs (here as root, mapping root to root).
        cp -a "$BUNDLE/rootfs" "$d/rootfs"
        update_config '.process.terminal = false | .process.args = ["sh", "-c", "cat /proc/self/uid_map; id -u"]
                | .linux.cgroupsPath = "/'"$CGROUP_PARENT/$CID"'"' "$d"
        run runtime run --bundle "$d" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[-1]}" = 0 ]
        [ "$(echo "${lines[0]}" | awk '{print $1, $2}')" = "0 $(id -u)" ]
}

@test "state: the runtime-spec state JSON (ociVersion, id, status, pid, bundle)" {
        set_args sleep 1000
        create_container
        run runtime state "$CID"
        [ "$status" -eq 0 ]
        echo "$output" | jq -e . >/dev/null
        [[ $(echo "$output" | jq -r .ociVersion) == 1.* ]]
        [ "$(echo "$output" | jq -r .id)" = "$CID" ]
        [ "$(echo "$output" | jq -r .status)" = created ]
        [ "$(echo "$output" | jq -r .bundle)" = "$BUNDLE" ]
        pid=$(echo "$output" | jq -r .pid)
        [ "$pid" -gt 1 ]
        kill -0 "$pid"
        runtime start "$CID"
        [ "$(state_field "$CID" status)" = running ]
        [ "$(state_field "$CID" pid)" = "$pid" ]
}

@test "state: carries the config's annotations" {
        update_config '.annotations = {"org.example.hull-test": "yes", "org.example.other": "v"}'
        set_args sleep 1000
        create_container
        [ "$(state_field "$CID" 'annotations["org.example.hull-test"]')" = yes ]
}

@test "kill: accepts signal names with and without SIG and numbers" {
        writable_rootfs
        set_args sh -c '
                trap "echo USR1 >> /log" USR1
                trap "echo USR2 >> /log" USR2
                trap "echo HUP >> /log" HUP
                trap "echo INT >> /log" INT
                echo ready > /log
                while :; do sleep 0.05; done'
        start_detached
        log=$BUNDLE/rootfs/log
        wait_for grep -q ready "$log"
        runtime kill "$CID" SIGUSR1
        wait_for grep -q USR1 "$log"
        runtime kill "$CID" USR2
        wait_for grep -q USR2 "$log"
        runtime kill "$CID" 1
        wait_for grep -q HUP "$log"
        runtime kill "$CID" sigint
        wait_for grep -q INT "$log"
        [ "$(state_field "$CID" status)" = running ]
}

@test "kill: without a signal sends SIGTERM" {
        writable_rootfs
        set_args sh -c 'trap "echo TERM > /log; exit 0" TERM; echo ready > /log; while :; do sleep 0.05; done'
        start_detached
        wait_for grep -q ready "$BUNDLE/rootfs/log"
        runtime kill "$CID"
        wait_status "$CID" stopped
        grep -q TERM "$BUNDLE/rootfs/log"
}

@test "kill: fails for an unknown signal and for a stopped container" {
        set_args sleep 1000
        start_detached
        run runtime kill "$CID" NOSUCHSIGNAL
        [ "$status" -ne 0 ]
        run runtime kill "$CID" 99999
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = running ]
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        run runtime kill "$CID" KILL
        [ "$status" -ne 0 ]
}

@test "kill --all: signals every process of the container, not only its init" {
        # Without a PID namespace, killing the init would not take its children along.
        update_config '.linux.namespaces |= map(select(.type != "pid"))'
        share_dir
        set_args sh -c "sleep 1000 & sleep 1000 & echo up > $SHARED/up; wait"
        start_detached
        wait_for test -e "$SHARED/up"
        pids=$(cat /sys/fs/cgroup/pids/"$CGROUP_PARENT/$CID"/cgroup.procs)
        [ "$(echo "$pids" | wc -l)" -ge 3 ]
        runtime kill --all "$CID" KILL
        wait_status "$CID" stopped
        for p in $pids; do
                wait_for process_gone $p
        done
        runtime delete "$CID"
        assert_no_leftovers "$CID"
}

@test "delete: refuses a running container without --force and leaves it running" {
        set_args sleep 1000
        start_detached
        run runtime delete "$CID"
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = running ]
        kill -0 "$(container_pid "$CID")"
}

@test "delete --force: kills a running container first and removes everything" {
        set_args sh -c 'sleep 1000 & sleep 1000'
        start_detached
        pid=$(container_pid "$CID")
        runtime delete --force "$CID"
        wait_for process_gone "$pid"
        run runtime state "$CID"
        [ "$status" -ne 0 ]
        assert_no_leftovers "$CID"
}

@test "delete --force: removes a created container that never started" {
        set_args sleep 1000
        create_container
        pid=$(container_pid "$CID")
        runtime delete --force "$CID"
        wait_for process_gone $pid
        assert_no_leftovers "$CID"
}

@test "delete --force: kills a container that an attached run is running; run exits with its status" {
        set_args sleep 1000
        # Counts the deletes: run must not delete again what delete did.
        update_config ".hooks = {poststop: [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo x >> $BATS_TEST_TMPDIR/poststop\"]}]}"
        runtime run --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 &
        local runner=$!
        track_pid "$runner"
        wait_status "$CID" running
        pid=$(container_pid "$CID")
        # Bounded: before the fix, delete waited for run's lock until the
        # program ended by itself.
        timeout 30 "$HULL_RUNTIME" --root "$ROOT" delete --force "$CID"
        wait_for process_gone "$pid"
        local rc=0
        wait "$runner" || rc=$?
        [ "$rc" -eq 137 ] # run exits with the program's status: 128 + SIGKILL
        [ ! -s "$BATS_TEST_TMPDIR/run.out" ] || { cat "$BATS_TEST_TMPDIR/run.out" >&2; false; }
        # Once (runc 1.1 runs the poststop hooks again from run's own clean-up).
        is_runc || [ "$(wc -l <"$BATS_TEST_TMPDIR/poststop")" -eq 1 ]
        run runtime state "$CID"
        [ "$status" -ne 0 ]
        assert_no_leftovers "$CID"
}

@test "list: a table with ID PID STATUS BUNDLE CREATED columns; -q prints the ids" {
        set_args sleep 1000
        start_detached "$CID"
        update_config '.linux.cgroupsPath = "/'"$CGROUP_PARENT/$CID"'-b"'
        create_container "$CID-b"
        run runtime list
        [ "$status" -eq 0 ]
        read -r -a header <<<"${lines[0]}"
        [ "${header[*]:0:5}" = "ID PID STATUS BUNDLE CREATED" ]
        row=$(printf '%s\n' "${lines[@]}" | awk -v id="$CID" '$1 == id')
        [ "$(echo "$row" | awk '{print $2}')" = "$(container_pid "$CID")" ]
        [ "$(echo "$row" | awk '{print $3}')" = running ]
        [ "$(echo "$row" | awk '{print $4}')" = "$BUNDLE" ]
        rowb=$(printf '%s\n' "${lines[@]}" | awk -v id="$CID-b" '$1 == id')
        [ "$(echo "$rowb" | awk '{print $3}')" = created ]
        run runtime list -q
        [ "$status" -eq 0 ]
        [ "$(printf '%s\n' "${lines[@]}" | sort)" = "$(printf '%s\n' "$CID" "$CID-b" | sort)" ]
}

@test "list --format json: an array of the containers' states" {
        set_args sleep 1000
        start_detached
        run runtime list --format json
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | jq -r 'length')" -eq 1 ]
        [ "$(echo "$output" | jq -r '.[0].id')" = "$CID" ]
        [ "$(echo "$output" | jq -r '.[0].status')" = running ]
        [ "$(echo "$output" | jq -r '.[0].pid')" = "$(container_pid "$CID")" ]
        [ "$(echo "$output" | jq -r '.[0].bundle')" = "$BUNDLE" ]
}

@test "list: with no containers prints only the header (and no error)" {
        run runtime list
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ ${lines[0]} == ID* ]]
}

@test "features: runtime-spec features JSON with versions, hooks, mount options, capabilities, cgroup v1 and v2" {
        run --separate-stderr "$HULL_RUNTIME" features
        [ "$status" -eq 0 ]
        f=$output
        echo "$f" | jq -e . >/dev/null
        [[ $(echo "$f" | jq -r .ociVersionMin) == 1.* ]]
        [[ $(echo "$f" | jq -r .ociVersionMax) == 1.* ]]
        for h in prestart createRuntime createContainer startContainer poststart poststop; do
                echo "$f" | jq -e --arg h "$h" '.hooks | index($h)' >/dev/null
        done
        for o in bind rbind ro rw nosuid nodev noexec private rprivate shared rshared slave rslave; do
                echo "$f" | jq -e --arg o "$o" '.mountOptions | index($o)' >/dev/null
        done
        for c in CAP_CHOWN CAP_KILL CAP_SYS_ADMIN CAP_NET_ADMIN; do
                echo "$f" | jq -e --arg c "$c" '.linux.capabilities | index($c)' >/dev/null
        done
        [ "$(echo "$f" | jq -r .linux.cgroup.v1)" = true ]
        [ "$(echo "$f" | jq -r .linux.cgroup.v2)" = true ]
}

@test "features: lists all eight namespaces (pid network mount ipc uts user cgroup time)" {
        hull_only "runc 1.1 has no time namespace"
        f=$("$HULL_RUNTIME" features)
        for ns in pid network mount ipc uts user cgroup time; do
                echo "$f" | jq -e --arg ns "$ns" '.linux.namespaces | index($ns)' >/dev/null
        done
        [ "$(echo "$f" | jq -r '.linux.namespaces | length')" -eq 8 ]
}

@test "hull runtime: the hull front end drives the same runtime (spec, run, state, delete)" {
        hull_only "the hull front end"
        hull=${HULL_CLI:-}
        if [ -z "$hull" ]; then
                for c in "$HULL_BUILD/src/hull" "$HULL_BUILD/src/cli/hull"; do
                        [ -x "$c" ] && hull=$c && break
                done
        fi
        [ -n "$hull" ] || { echo "no hull binary in $HULL_BUILD/src (set HULL_CLI)" >&2; false; }
        d=$BATS_TEST_TMPDIR/front
        mkdir "$d"
        "$hull" runtime spec --bundle "$d"
        jq -e .ociVersion "$d/config.json" >/dev/null
        set_args sleep 1000
        "$hull" runtime --root "$ROOT" run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        [ "$("$hull" runtime --root "$ROOT" state "$CID" | jq -r .status)" = running ]
        [ "$(state_field "$CID" status)" = running ]
        "$hull" runtime --root "$ROOT" delete --force "$CID"
        assert_no_leftovers "$CID"
}
