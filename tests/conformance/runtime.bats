#!/usr/bin/env bats
# Conformance: runtime.md of the OCI runtime-spec v1.2.0 (state, lifecycle,
# errors, operations).  One test per MUST / MUST NOT / REQUIRED statement; see
# README.md for the table and for what is not tested.

load ../lib/helpers
load lib

setup() { setup_bundle; }
teardown() { cleanup_containers; }

# ---------------------------------------------------------------- scope

@test "runtime.md: scope — the entity that created a container MUST be able to use the operations on it" {
        set_args sleep 100000
        create_ctr
        runtime state "$CID" >/dev/null
        runtime start "$CID"
        wait_status "$CID" running
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        runtime delete "$CID"
        expect_no_container "$CID"
}

# ---------------------------------------------------------------- state

@test "runtime.md: state — query state MUST return ociVersion, id, status, pid and bundle (REQUIRED properties)" {
        create_ctr
        local s
        s=$(runtime state "$CID")
        echo "$s"
        echo "$s" | jq -e '.ociVersion | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+")' >/dev/null
        echo "$s" | jq -e --arg id "$CID" '.id == $id' >/dev/null
        echo "$s" | jq -e '.status == "created"' >/dev/null
        echo "$s" | jq -e '.pid | type == "number" and . > 0' >/dev/null
        echo "$s" | jq -e --arg b "$(realpath "$BUNDLE")" '.bundle == $b' >/dev/null
}

@test "runtime.md: state.bundle is the absolute path to the bundle (create given a relative path)" {
        cd "$(dirname "$BUNDLE")"
        runtime create --bundle "$(basename "$BUNDLE")" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
        [ "$(state_field "$CID" bundle)" = "$(realpath "$BUNDLE")" ]
}

@test "runtime.md: state.pid is the ID of the container process as seen by the host" {
        set_args sleep 100000
        create_ctr
        local pid
        pid=$(container_pid "$CID")
        [ -d "/proc/$pid" ]
        grep -qx "$pid" "/sys/fs/cgroup/pids/$CGROUP_PARENT/$CID/cgroup.procs"
        [ "$(ns_of "$pid" pid)" != "$(ns_of $$ pid)" ]
        runtime start "$CID"
        wait_status "$CID" running
        [ "$(container_pid "$CID")" = "$pid" ]
        [ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 100000 " ]
}

@test "runtime.md: state.annotations contains the annotations associated with the container" {
        update_config '.annotations = {"com.example.a": "1", "com.example.empty": ""}'
        create_ctr
        runtime state "$CID" | jq -e '.annotations == {"com.example.a": "1", "com.example.empty": ""}'
}

@test "runtime.md: state.status — created after create, running once the program is executed, stopped once it has exited" {
        set_args sleep 100000
        create_ctr
        [ "$(state_field "$CID" status)" = created ]
        runtime start "$CID"
        wait_status "$CID" running
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        # and when the program exits by itself
        set_args true
        create_ctr "$CID-2"
        runtime start "$CID-2"
        wait_status "$CID-2" stopped
}

# ---------------------------------------------------------------- operations: state

@test "runtime.md: state MUST generate an error if it is not provided the ID of a container" {
        run runtime state
        [ "$status" -ne 0 ]
}

@test "runtime.md: state — querying a container that does not exist MUST generate an error" {
        run runtime state "$CID-no-such"
        [ "$status" -ne 0 ]
}

# ---------------------------------------------------------------- operations: create

@test "runtime.md: create MUST generate an error if it is not provided the bundle path and the container ID" {
        run try_create --bundle "$BUNDLE"
        [ "$status" -ne 0 ]
        run try_create --bundle "$BATS_TEST_TMPDIR/no-such-bundle" "$CID"
        [ "$status" -ne 0 ]
        expect_no_container "$CID"
        [ -z "$(ls "$ROOT")" ]
}

@test "runtime.md: create — an ID that is not unique MUST generate an error and a new container MUST NOT be created" {
        set_args sleep 100000
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        # a second bundle, whose createRuntime hook would tell that it was created
        local b2=$BATS_TEST_TMPDIR/bundle2 p
        cp -a "$BUNDLE" "$b2"
        p=$(hook_script created2 "touch $BATS_TEST_TMPDIR/second-created")
        update_config ".hooks.createRuntime = [{path: \"$p\"}] | .linux.cgroupsPath = \"/$CGROUP_PARENT/second\"" "$b2"
        run try_create --bundle "$b2" "$CID"
        [ "$status" -ne 0 ]
        [ ! -e "$BATS_TEST_TMPDIR/second-created" ]
        [ ! -d "/sys/fs/cgroup/pids/$CGROUP_PARENT/second" ]
        # the first container is untouched
        [ "$(state_field "$CID" status)" = running ]
        [ "$(state_field "$CID" pid)" = "$pid" ]
        [ "$(state_field "$CID" bundle)" = "$(realpath "$BUNDLE")" ]
}

@test "runtime.md: create — an ID that is not valid MUST generate an error and a new container MUST NOT be created" {
        local id
        for id in "../escape-$CID" "a/b-$CID" ".." "."; do
                echo "# id '$id'"
                run try_create --bundle "$BUNDLE" "$id"
                [ "$status" -ne 0 ]
        done
        [ ! -e "$(dirname "$ROOT")/escape-$CID" ]
        [ -z "$(ls -A "$ROOT")" ]
        [ -z "$(_pids_in_cgroup_path "$CGROUP_PARENT")" ]
}

@test "runtime.md: create MUST apply all properties of config.json except process (namespaces, cgroups, mounts, hostname exist before start)" {
        update_config '.hostname = "created-host" | .linux.resources.memory = {limit: 67108864}'
        add_mount /conf-tmpfs tmpfs tmpfs size=1m
        set_args sleep 100000
        create_ctr
        local pid
        pid=$(container_pid "$CID")
        [ "$(ns_of "$pid" net)" != "$(ns_of $$ net)" ]
        [ "$(ns_of "$pid" mnt)" != "$(ns_of $$ mnt)" ]
        [ "$(nsenter -t "$pid" -u hostname)" = created-host ]
        grep -qx "$pid" "/sys/fs/cgroup/memory/$CGROUP_PARENT/$CID/cgroup.procs"
        [ "$(cg_file "$CID" memory memory.limit_in_bytes)" = 67108864 ]
        awk '{ print $5, $(NF-2) }' /proc/$pid/mountinfo | grep -qx '/conf-tmpfs tmpfs'
        [ "$(state_field "$CID" status)" = created ]
}

@test "runtime.md: create — process.args MUST NOT be applied until start (the user-specified program is not run by create)" {
        share_dir
        sh_args "echo ran >> $SHARED/program-ran; exec sleep 100000"
        create_ctr
        local pid
        pid=$(container_pid "$CID")
        [ ! -e "$SHARED/program-ran" ]
        [ "$(tr '\0' ' ' </proc/$pid/cmdline)" != "sleep 100000 " ]
        [ "$(state_field "$CID" status)" = created ]
        runtime start "$CID"
        wait_for test -e "$SHARED/program-ran"
        [ "$(cat "$SHARED/program-ran")" = ran ]
}

@test "runtime.md: create — a property that cannot be applied MUST generate an error and a new container MUST NOT be created" {
        add_mount /data bind "$BATS_TEST_TMPDIR/no-such-source" rbind
        expect_refused
        update_config 'del(.mounts[-1]) | .linux.resources.cpu = {cpus: "4095"}'
        expect_refused
}

@test "runtime.md: lifecycle — updates to config.json after create MUST NOT affect the container" {
        share_dir
        update_config '.process.env = ["PATH=/bin", "WHICH=original"] | .hostname = "original-host"'
        sh_args "echo \$WHICH \$(hostname) >> $SHARED/program"
        create_ctr
        # everything changes after create: program, env, hostname, hooks
        local p
        p=$(hook_script late "touch $SHARED/late-hook")
        update_config ".process.env = [\"PATH=/bin\", \"WHICH=changed\"] | .hostname = \"changed-host\"
                | .process.args = [\"sh\", \"-c\", \"echo changed-program >> $SHARED/program\"]
                | .hooks.startContainer = [{path: \"/bin/touch\", args: [\"touch\", \"$SHARED/late-hook\"]}]
                | .hooks.poststart = [{path: \"$p\"}] | .hooks.poststop = [{path: \"$p\"}]"
        runtime start "$CID"
        wait_status "$CID" stopped
        runtime delete "$CID"
        [ "$(cat "$SHARED/program")" = "original original-host" ]
        [ ! -e "$SHARED/late-hook" ]
}

# ---------------------------------------------------------------- operations: start

@test "runtime.md: start MUST generate an error if it is not provided the container ID" {
        run runtime start
        [ "$status" -ne 0 ]
}

@test "runtime.md: start MUST run the user-specified program as specified by process" {
        update_config '.process.env = ["PATH=/bin", "GREETING=hello"] | .process.cwd = "/tmp" | .process.user = {uid: 1000, gid: 1000}'
        sh_args 'echo "$GREETING $(pwd) $(id -u):$(id -g)"'
        create_ctr
        runtime start "$CID"
        wait_status "$CID" stopped
        ctr_out
        [ "$(ctr_out)" = "hello /tmp 1000:1000" ]
}

@test "runtime.md: start on a running container MUST generate an error and MUST have no effect on the container" {
        share_dir
        sh_args "echo ran >> $SHARED/runs; exec sleep 100000"
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        wait_for test -s "$SHARED/runs"
        run runtime start "$CID"
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = running ]
        [ "$(container_pid "$CID")" = "$pid" ]
        [ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 100000 " ]
        [ "$(wc -l <"$SHARED/runs")" -eq 1 ]
}

@test "runtime.md: start on a stopped container MUST generate an error and MUST have no effect on the container" {
        share_dir
        sh_args "echo ran >> $SHARED/runs"
        create_ctr
        runtime start "$CID"
        wait_status "$CID" stopped
        run runtime start "$CID"
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = stopped ]
        [ "$(wc -l <"$SHARED/runs")" -eq 1 ]
        runtime delete "$CID"
}

@test "runtime.md: start on a container that does not exist MUST generate an error" {
        run runtime start "$CID-no-such"
        [ "$status" -ne 0 ]
}

@test "runtime.md: start MUST generate an error if process was not set" {
        update_config 'del(.process)'
        if runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1; then
                run runtime start "$CID"
                [ "$status" -ne 0 ]
        else
                expect_no_container "$CID"
        fi
}

# ---------------------------------------------------------------- operations: kill

@test "runtime.md: kill MUST generate an error if it is not provided the container ID" {
        run runtime kill
        [ "$status" -ne 0 ]
}

@test "runtime.md: kill MUST send the specified signal to the container process" {
        share_dir
        sh_args "trap 'echo got-usr1 >> $SHARED/signals' USR1; echo ready > $SHARED/ready; while :; do sleep 0.1; done"
        start_ctr
        wait_for test -s "$SHARED/ready"
        runtime kill "$CID" USR1
        wait_for grep -q got-usr1 "$SHARED/signals"
        [ "$(state_field "$CID" status)" = running ]
        # a created container's process gets the signal too
        set_args sleep 100000
        create_ctr "$CID-created"
        runtime kill "$CID-created" KILL
        wait_status "$CID-created" stopped
}

@test "runtime.md: kill on a container that is neither created nor running MUST generate an error and MUST have no effect" {
        set_args true
        create_ctr
        runtime start "$CID"
        wait_status "$CID" stopped
        run runtime kill "$CID" KILL
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = stopped ]
        runtime delete "$CID"
        run runtime kill "$CID" KILL
        [ "$status" -ne 0 ]
}

# ---------------------------------------------------------------- operations: delete

@test "runtime.md: delete MUST generate an error if it is not provided the container ID" {
        run runtime delete
        [ "$status" -ne 0 ]
}

@test "runtime.md: delete of a running container MUST generate an error and MUST have no effect on the container" {
        set_args sleep 100000
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        run runtime delete "$CID"
        [ "$status" -ne 0 ]
        [ "$(state_field "$CID" status)" = running ]
        [ "$(container_pid "$CID")" = "$pid" ]
        grep -qx "$pid" "/sys/fs/cgroup/pids/$CGROUP_PARENT/$CID/cgroup.procs"
        [ -e "$ROOT/$CID" ]
}

@test "runtime.md (deliberate deviation, runc compatibility): delete of a created container kills it and removes it" {
        # The spec says delete of a container that is not stopped MUST fail.  runc
        # deletes a created (never started) container, and containerd's shim relies
        # on it (createdState.Delete calls delete without --force), so hull does the
        # same; a running container is refused (next tests).  See docs/hull-runtime.md.
        set_args sleep 100000
        create_ctr
        local pid
        pid=$(container_pid "$CID")
        runtime delete "$CID"
        run runtime state "$CID"
        [ "$status" -ne 0 ]
        wait_for sh -c "! kill -0 $pid 2>/dev/null"
        assert_no_leftovers "$CID"
}

@test "runtime.md: delete of a container that does not exist MUST generate an error" {
        run runtime delete "$CID-no-such"
        [ "$status" -ne 0 ]
}

@test "runtime.md: delete MUST delete the resources that were created during create" {
        share_dir
        add_mount /conf-tmpfs tmpfs tmpfs size=1m
        update_config '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 100}'
        set_args sleep 100000
        start_ctr
        local pid net
        pid=$(container_pid "$CID")
        net=$(ns_of "$pid" net)
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        runtime delete "$CID"
        expect_no_container "$CID"
        # no process is left in the container's network namespace
        local p
        for p in /proc/[0-9]*; do
                [ "$(readlink "$p/ns/net" 2>/dev/null)" != "$net" ] || { echo "$p still in $net" >&2; return 1; }
        done
}

@test "runtime.md: delete — resources associated with the container but not created by it MUST NOT be deleted" {
        # a persistent network namespace (a bind mount), joined by path
        touch "$BATS_TEST_TMPDIR/netns"
        unshare --net="$BATS_TEST_TMPDIR/netns" true
        update_config ".linux.namespaces = ([.linux.namespaces[] | select(.type != \"network\")] + [{type: \"network\", path: \"$BATS_TEST_TMPDIR/netns\"}])"
        # pre-existing parent cgroups
        local c
        for c in memory pids; do
                mkdir -p "/sys/fs/cgroup/$c/$CGROUP_PARENT"
        done
        # a host directory bind mounted into the container
        mkdir -p "$BATS_TEST_TMPDIR/volume"
        echo keep >"$BATS_TEST_TMPDIR/volume/f"
        add_mount /volume bind "$BATS_TEST_TMPDIR/volume" rbind
        set_args sleep 100000
        start_ctr
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        runtime delete "$CID"
        nsenter --net="$BATS_TEST_TMPDIR/netns" true
        for c in memory pids; do
                [ -d "/sys/fs/cgroup/$c/$CGROUP_PARENT" ]
        done
        [ "$(cat "$BATS_TEST_TMPDIR/volume/f")" = keep ]
}

# ---------------------------------------------------------------- lifecycle: hooks

# hook_log KIND NAME [exit-status]: a hook that appends NAME to $SHARED/hooks.log.
hook_log() {
        local rc=${3:-0}
        if [ "$1" = startContainer ]; then
                update_config ".hooks.startContainer += [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo $2 >> $SHARED/hooks.log; exit $rc\"]}]"
        else
                local p
                p=$(hook_script "log-$2" "echo $2 >> $SHARED/hooks.log; exit $rc")
                update_config ".hooks.$1 += [{path: \"$p\"}]"
        fi
}

hooks_log() { cat "$SHARED/hooks.log" 2>/dev/null | tr '\n' ' '; }

@test "runtime.md: lifecycle — hooks are invoked at their steps: prestart, createRuntime, createContainer in create; startContainer, poststart in start; poststop in delete" {
        share_dir
        set_args sleep 100000
        local k
        for k in poststop poststart startContainer createContainer createRuntime prestart; do
                hook_log "$k" "$k"
        done
        create_ctr
        [ "$(hooks_log)" = "prestart createRuntime createContainer " ]
        runtime start "$CID"
        [ "$(hooks_log)" = "prestart createRuntime createContainer startContainer poststart " ]
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        [ "$(hooks_log)" = "prestart createRuntime createContainer startContainer poststart " ]
        runtime delete "$CID"
        [ "$(hooks_log)" = "prestart createRuntime createContainer startContainer poststart poststop " ]
}

# failing_create_hook KIND: a failing hook of a create step: create MUST
# generate an error, stop the container, destroy it (step 12) and run the
# poststop hooks (step 13); the program never runs.
failing_create_hook() {
        share_dir
        sh_args "echo ran >> $SHARED/program-ran"
        hook_log "$1" "$1-fails" 1
        hook_log poststop poststop
        run try_create --bundle "$BUNDLE" "$CID"
        echo "$output"
        [ "$status" -ne 0 ]
        expect_no_container "$CID"
        [ ! -e "$SHARED/program-ran" ]
        echo "hooks: $(hooks_log)"
        [ "$(hooks_log)" = "$1-fails poststop " ]
}

@test "runtime.md: lifecycle — if a prestart hook fails the runtime MUST generate an error, stop and destroy the container, and run the poststop hooks" {
        failing_create_hook prestart
}

@test "runtime.md: lifecycle — if a createRuntime hook fails the runtime MUST generate an error, stop and destroy the container, and run the poststop hooks" {
        failing_create_hook createRuntime
}

@test "runtime.md: lifecycle — if a createContainer hook fails the runtime MUST generate an error, stop and destroy the container, and run the poststop hooks" {
        failing_create_hook createContainer
}

@test "runtime.md: lifecycle — if a startContainer hook fails the runtime MUST generate an error, stop and destroy the container, and run the poststop hooks" {
        share_dir
        sh_args "echo ran >> $SHARED/program-ran; exec sleep 100000"
        hook_log startContainer startContainer-fails 1
        hook_log poststop poststop
        create_ctr
        run runtime start "$CID"
        echo "$output"
        [ "$status" -ne 0 ]
        # stopped: no process of the container is left
        local p
        wait_for no_procs "$CID" || {
                for p in $(_pids_in_cgroup_path "$CGROUP_PARENT/$CID"); do
                        echo "left: $p $(tr '\0' ' ' </proc/$p/cmdline) $(status_field "$p" State) ppid $(status_field "$p" PPid)"
                done
                false
        }
        [ ! -e "$SHARED/program-ran" ]
        echo "hooks: $(hooks_log)"
        [ "$(hooks_log)" = "startContainer-fails poststop " ]
        # destroyed: what create made is gone (the state may remain, stopped)
        [ -z "$(cgroup_dirs "$CID")" ]
        if runtime state "$CID" >/dev/null 2>&1; then
                [ "$(state_field "$CID" status)" = stopped ]
        fi
}

@test "runtime.md: lifecycle — if a poststart hook fails the runtime MUST log a warning and the remaining hooks and lifecycle continue" {
        share_dir
        set_args sleep 100000
        hook_log poststart poststart-1-fails 1
        hook_log poststart poststart-2
        create_ctr
        run runtime --log "$BATS_TEST_TMPDIR/runtime.log" start "$CID"
        echo "$output"
        cat "$BATS_TEST_TMPDIR/runtime.log" 2>/dev/null || true
        echo "hooks: $(hooks_log)"
        [ "$status" -eq 0 ]
        [ "$(hooks_log)" = "poststart-1-fails poststart-2 " ]
        [ "$(state_field "$CID" status)" = running ]
        # the warning
        { echo "$output"; cat "$BATS_TEST_TMPDIR/runtime.log" 2>/dev/null; } | grep -qi 'poststart'
}

@test "runtime.md: lifecycle — if a poststop hook fails the runtime MUST log a warning and the remaining hooks and lifecycle continue" {
        share_dir
        hook_log poststop poststop-1-fails 1
        hook_log poststop poststop-2
        create_ctr
        runtime start "$CID"
        wait_status "$CID" stopped
        run runtime --log "$BATS_TEST_TMPDIR/runtime.log" delete "$CID"
        echo "$output"
        cat "$BATS_TEST_TMPDIR/runtime.log" 2>/dev/null || true
        echo "hooks: $(hooks_log)"
        [ "$status" -eq 0 ]
        [ "$(hooks_log)" = "poststop-1-fails poststop-2 " ]
        expect_no_container "$CID"
        { echo "$output"; cat "$BATS_TEST_TMPDIR/runtime.log" 2>/dev/null; } | grep -qi 'poststop'
}

# ---------------------------------------------------------------- errors

@test "runtime.md: errors — a failed operation MUST leave the environment as if it were never attempted (create failing late)" {
        add_mount /conf-tmpfs tmpfs tmpfs size=1m
        update_config '.linux.resources.memory = {limit: 67108864}'
        # fails at the last step of create, after mounts, cgroups and namespaces
        local p
        p=$(hook_script fail 'exit 1')
        update_config ".hooks.createContainer = [{path: \"$p\"}]"
        expect_refused
        [ -z "$(ls -A "$ROOT")" ]
}
