#!/usr/bin/env bats
# Bad input: a config.json that is not JSON, lacks a required field, has a
# wrong type or names an unknown namespace; programs that cannot be executed.
# Every case: non-zero exit, nothing left behind (state dir, mount, cgroup,
# process).  hull also words config errors as one line naming the JSON path
# (runc's wording differs: that part is guarded), and exec failures as runc
# does, with the shell's exit statuses 127 and 126 (runc exits 1: guarded).

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

# create_fails: `create` of the bundle fails and leaves nothing, twice in a
# row (a failed create must not leave anything that changes the next one);
# $status, $output and $stderr are those of the second.
create_fails() {
        local i
        for i in 1 2; do
                run_runtime create --bundle "$BUNDLE" "$CID"
                echo "create $i: status $status; stdout: $output; stderr: $stderr" >&2
                [ "$status" -ne 0 ]
                assert_no_leftovers "$CID"
        done
        local st=$status out=$output err=$stderr
        run runtime state "$CID"
        [ "$status" -ne 0 ]
        status=$st output=$out stderr=$err
}

# error_is PATH WORD...: (hull) stderr is one line that names the JSON path and every word.
error_is() {
        local path=$1 w n
        shift
        n=$(printf '%s\n' "$stderr" | grep -c .)
        [ "$n" -eq 1 ] || { echo "expected one line on stderr, got $n: $stderr" >&2; return 1; }
        [[ $stderr == *"$path"* ]] || { echo "error does not name $path: $stderr" >&2; return 1; }
        for w in "$@"; do
                [[ $stderr == *"$w"* ]] || { echo "error does not say '$w': $stderr" >&2; return 1; }
        done
}

@test "bad input: config.json that is not JSON" {
        echo '{"ociVersion": "1.0.2", "process": ' >"$BUNDLE/config.json"
        create_fails
        hull_only "runc words its errors differently"
        error_is config.json JSON
}

@test "bad input: a bundle without config.json" {
        rm "$BUNDLE/config.json"
        create_fails
        hull_only "runc words its errors differently"
        error_is config.json
}

@test "bad input: config.json whose top level is not an object" {
        echo '["not", "an", "object"]' >"$BUNDLE/config.json"
        create_fails
        hull_only "runc words its errors differently"
        error_is config.json object
}

@test "bad input: missing required process.args" {
        update_config 'del(.process.args)'
        create_fails
        hull_only "runc words its errors differently"
        error_is process.args expected
}

@test "bad input: empty process.args" {
        update_config '.process.args = []'
        create_fails
        hull_only "runc words its errors differently"
        error_is process.args non-empty
}

@test "bad input: process.args of the wrong type (a string)" {
        update_config '.process.args = "true"'
        create_fails
        hull_only "runc words its errors differently"
        error_is process.args array
}

@test "bad input: process.args with an element of the wrong type" {
        update_config '.process.args = ["sh", 1]'
        create_fails
        hull_only "runc words its errors differently"
        error_is 'process.args' expected
}

@test "bad input: process.user.uid of the wrong type" {
        update_config '.process.user.uid = "0"'
        create_fails
        hull_only "runc words its errors differently"
        error_is process.user.uid integer
}

@test "bad input: an unknown namespace type" {
        update_config '.linux.namespaces = [{type: "foo"}] + .linux.namespaces'
        create_fails
        hull_only "runc words its errors differently"
        error_is 'linux.namespaces[0].type' '"foo"'
}

@test "bad input: a namespace listed twice" {
        update_config '.linux.namespaces += [{type: "pid"}]'
        create_fails
        hull_only "runc words its errors differently"
        error_is 'linux.namespaces[' pid
}

@test "bad input: missing required ociVersion" {
        hull_only "runc 1.1 accepts a config without ociVersion"
        update_config 'del(.ociVersion)'
        create_fails
        error_is ociVersion
}

@test "bad input: missing required root" {
        update_config 'del(.root)'
        create_fails
        hull_only "runc words its errors differently"
        error_is root missing
}

@test "bad input: missing process (required by create)" {
        update_config 'del(.process)'
        create_fails
        hull_only "runc words its errors differently"
        error_is process
}

@test "bad input: a mount without destination" {
        update_config '.mounts += [{type: "tmpfs", source: "tmpfs"}]'
        n=$(($(jq '.mounts | length' "$BUNDLE/config.json") - 1))
        create_fails
        hull_only "runc words its errors differently"
        error_is "mounts[$n].destination"
}

@test "bad input: an unknown rlimit" {
        update_config '.process.rlimits = [{type: "RLIMIT_FOO", soft: 1, hard: 1}]'
        create_fails
        hull_only "runc words its errors differently"
        error_is 'process.rlimits[0].type' RLIMIT_FOO
}

@test "bad input: a relative process.cwd" {
        update_config '.process.cwd = "relative/dir"'
        create_fails
        hull_only "runc words its errors differently"
        error_is process.cwd absolute
}

@test "bad input: an env entry without '='" {
        update_config '.process.env += ["NOEQUALS"]'
        n=$(($(jq '.process.env | length' "$BUNDLE/config.json") - 1))
        create_fails
        hull_only "runc words its errors differently"
        error_is "process.env[$n]" NOEQUALS
}

@test "bad input: an unknown capability" {
        hull_only "runc 1.1 ignores unknown capabilities with a warning"
        update_config '.process.capabilities.bounding += ["CAP_NOPE"]'
        create_fails
        error_is 'process.capabilities.bounding[' CAP_NOPE
}

@test "bad exec: a program not in PATH: 'executable file not found in \$PATH', run exits 127" {
        set_args no-such-program
        run runtime run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -ne 0 ]
        [[ $output == *'executable file not found in $PATH'* ]]
        [[ $output == *no-such-program* ]]
        assert_no_leftovers "$CID"
        hull_only "runc 1.1 exits 1"
        [ "$status" -eq 127 ]
}

@test "bad exec: a missing absolute path: 'no such file or directory', run exits 127" {
        set_args /no/such/program
        run runtime run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -ne 0 ]
        [[ $output == *'no such file or directory'* ]]
        [[ $output == */no/such/program* ]]
        assert_no_leftovers "$CID"
        hull_only "runc 1.1 exits 1"
        [ "$status" -eq 127 ]
}

@test "bad exec: a file without execute permission: 'permission denied', run exits 126" {
        printf '#!/bin/sh\necho ran\n' >"$BUNDLE/rootfs/not-executable"
        chmod 644 "$BUNDLE/rootfs/not-executable"
        set_args /not-executable
        run runtime run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -ne 0 ]
        [[ $output == *'permission denied'* ]]
        [[ $output != *ran* ]]
        assert_no_leftovers "$CID"
        hull_only "runc 1.1 exits 1"
        [ "$status" -eq 126 ]
}

@test "bad exec: a directory as the program: 'permission denied', run exits 126" {
        set_args /tmp
        run runtime run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -ne 0 ]
        [[ $output == *'permission denied'* ]]
        assert_no_leftovers "$CID"
        hull_only "runc 1.1 exits 1"
        [ "$status" -eq 126 ]
}

@test "bad exec: exec of a program not in the container's PATH fails with runc's wording" {
        set_args sleep 1000
        start_detached
        run runtime exec "$CID" no-such-program
        [ "$status" -ne 0 ]
        [[ $output == *'executable file not found in $PATH'* ]]
        # The container is not harmed.
        [ "$(state_field "$CID" status)" = running ]
}
