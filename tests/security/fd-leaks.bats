#!/usr/bin/env bats
# CVE-2024-21626: a descriptor of the host (a directory of the runtime, a
# file of its caller) survives into the container, or the process starts in
# one because process.cwd is /proc/self/fd/N: `..` from there walks the host's
# file system.  Only fds 0-2 and those named by --preserve-fds or LISTEN_FDS
# may exist at execve, and the working directory is always inside the root.

load ../lib/helpers
load security

setup() {
        sec_setup
        share_dir
        install_helper fdlist
        make_canary "$HOST/canary"
        SECRET=$(cat "$HOST/canary/sub/secret")
        # Far enough up to reach / from any directory of the host.
        UP=$(printf '../%.0s' $(seq 1 24))
}
teardown() { sec_teardown; }

# fds_of OUTPUT: the descriptor numbers fdlist printed, space-separated.
fds_of() {
        echo "$1" | awk '$1 ~ /^[0-9]+$/ { printf "%s%s", sep, $1; sep = " " } END { print "" }'
}

# escape_script: what a process whose cwd might be outside the root tries.
escape_script() {
        echo "cat ${UP}${HOST#/}/canary/sub/secret 2>/dev/null; echo pwned > ${UP}${HOST#/}/canary/pwned 2>/dev/null; true"
}

assert_host_unchanged() {
        if [[ $output == *"$SECRET"* ]]; then
                echo "the container read the host's secret: $output" >&2
                return 1
        fi
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
}

@test "CVE-2024-21626: only fds 0-2 reach the container's process (run), none of the caller's other descriptors" {
        set_args /fdlist
        # Descriptors of the caller, without close-on-exec: a host directory
        # and a host file.
        exec 5<"$HOST/canary" 7<"$HOST/canary/file"
        run_runtime run --bundle "$BUNDLE" "$CID"
        exec 5<&- 7<&-
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(fds_of "$output")" = "0 1 2" ]
        [[ $output == *"cwd /"* ]]
        [[ $output != *"$HOST"* ]]
        assert_no_leftovers "$CID"
}

@test "CVE-2024-21626: only fds 0-2 reach the container's process (create, start)" {
        set_args sh -c '/fdlist >/shared/fds'
        exec 5<"$HOST/canary" 7<"$HOST/canary/file"
        runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/create.out" 2>&1
        exec 5<&- 7<&-
        runtime start "$CID" </dev/null >/dev/null 2>&1
        wait_for test -s "$SHARED/fds"
        wait_status "$CID" stopped
        output=$(cat "$SHARED/fds")
        echo "$output"
        # The shell's own descriptors: 0-2 and the redirection (fd 1 to /shared/fds).
        [ "$(fds_of "$output")" = "0 1 2" ]
        [[ $output != *"$HOST"* ]]
        runtime delete "$CID"
        assert_no_leftovers "$CID"
}

@test "CVE-2024-21626: --preserve-fds and LISTEN_FDS pass exactly the named descriptors" {
        set_args /fdlist
        exec 5<"$HOST/canary" 7<"$HOST/canary/file"
        # --preserve-fds 1 (fd 3) plus LISTEN_FDS=1 (fd 4): fds 3 and 4, not 5 or 7.
        output=$(export LISTEN_FDS=1 && exec 3<"$SHARED" 4<"$SHARED" &&
                sh -c 'export LISTEN_PID=$$; exec "$@"' sh "$HULL_RUNTIME" --root "$ROOT" run --preserve-fds 1 --bundle "$BUNDLE" "$CID" </dev/null 2>&1)
        exec 5<&- 7<&-
        echo "$output"
        [ "$(fds_of "$output")" = "0 1 2 3 4" ]
        [[ $output != *"$HOST"* ]]
        assert_no_leftovers "$CID"
}

@test "CVE-2024-21626: only fds 0-2 (and --preserve-fds) reach a process started by exec" {
        set_args sleep 1000
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        exec 5<"$HOST/canary" 7<"$HOST/canary/file"
        run_runtime exec "$CID" /fdlist
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(fds_of "$output")" = "0 1 2" ]
        [[ $output == *"cwd /"* ]]
        output=$(exec 3<"$SHARED" && runtime exec --preserve-fds 1 "$CID" /fdlist </dev/null 2>&1)
        exec 5<&- 7<&-
        echo "$output"
        [ "$(fds_of "$output")" = "0 1 2 3" ]
        [[ $output != *"$HOST"* ]]
}

@test "CVE-2024-21626: process.cwd /proc/self/fd/N is refused or stays inside the container (create)" {
        local n
        for n in $(seq 3 20); do
                update_config '.process.cwd = "/proc/self/fd/'"$n"'"'
                set_args sh -c "$(escape_script)"
                run_runtime run --bundle "$BUNDLE" "$CID"
                echo "cwd /proc/self/fd/$n: status $status: $output $stderr"
                assert_host_unchanged
                runtime delete --force "$CID" >/dev/null 2>&1 || true
                assert_no_leftovers "$CID"
        done
}

@test "CVE-2024-21626: exec --cwd /proc/self/fd/N never starts the process outside the container" {
        local n
        set_args sleep 1000
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        for n in $(seq 3 20); do
                run_runtime exec --cwd "/proc/self/fd/$n" "$CID" sh -c "$(escape_script)"
                echo "--cwd /proc/self/fd/$n: status $status: $output $stderr"
                assert_host_unchanged
        done
}

@test "CVE-2024-21626: exec in a container whose process.cwd the container turned into a symlink to /proc/self/fd/N never leaves the container" {
        local n
        update_config '.process.cwd = "/work"'
        set_args sleep 1000
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        for n in $(seq 3 20); do
                # What the container's process can do to its own root (from
                # the host side here, to the same directory).
                rm -rf "$BUNDLE/rootfs/work"
                ln -s "/proc/self/fd/$n" "$BUNDLE/rootfs/work"
                # The administrator's exec, with the container's cwd.
                run_runtime exec "$CID" sh -c "$(escape_script)"
                echo "/work -> /proc/self/fd/$n: status $status: $output $stderr"
                assert_host_unchanged
        done
}
