#!/usr/bin/env bats
# Conformance: runtime-linux.md of the OCI runtime-spec v1.2.0 (file
# descriptors, dev symbolic links); see README.md.

load ../lib/helpers
load lib

setup() { setup_bundle; }
teardown() { cleanup_containers; }

@test "runtime-linux.md: file descriptors — by default only stdin, stdout and stderr are kept open for the application" {
        set_args sleep 100000
        # the caller has more files open: none of them may reach the container
        exec 5>"$BATS_TEST_TMPDIR/fd5" 6<"$BUNDLE/config.json" 7<>"$BATS_TEST_TMPDIR/fd7"
        start_ctr
        exec 5>&- 6<&- 7>&-
        local pid
        pid=$(container_pid "$CID")
        ls -l /proc/$pid/fd
        [ "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
}

@test "runtime-linux.md: file descriptors — the program run in the foreground has only stdin, stdout and stderr open" {
        # The caller has fds 5 and 6 open; the program (sleep, which opens
        # nothing) is listed from the host, so no shell or ls adds its own fds.
        set_args sleep 100000
        exec 5>"$BATS_TEST_TMPDIR/fd5" 6<"$BUNDLE/config.json"
        runtime run --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1 &
        local runner=$!
        exec 5>&- 6<&-
        wait_for sh -c "[ \"\$($HULL_RUNTIME --root $ROOT state $CID 2>/dev/null | jq -r .status)\" = running ]"
        local pid
        pid=$(container_pid "$CID")
        local fds
        fds=$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')
        runtime kill "$CID" KILL
        wait "$runner" || true
        echo "fds: $fds"
        [ "$fds" = "0 1 2 " ]
}

@test "runtime-linux.md: dev symbolic links — while creating the container the runtime MUST create /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr" {
        set_args sleep 100000
        create_ctr
        local pid l bad=0
        pid=$(container_pid "$CID")
        # step 2 of the lifecycle: they exist once create has returned
        for l in "fd /proc/self/fd" "stdin /proc/self/fd/0" "stdout /proc/self/fd/1" "stderr /proc/self/fd/2"; do
                if [ "$(readlink "/proc/$pid/root/dev/${l% *}")" != "${l#* }" ]; then
                        echo "/dev/${l% *} -> '$(readlink "/proc/$pid/root/dev/${l% *}")', want ${l#* }" >&2
                        bad=1
                fi
        done
        [ "$bad" -eq 0 ]
}

@test "runtime-linux.md: dev symbolic links — the links work for the program (/dev/stdout is its standard output)" {
        sh_args 'echo via-dev-stdout > /dev/stdout; echo via-dev-fd > /dev/fd/1; ls /dev/fd/ | sort -n | head -3 | tr "\n" " "'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = via-dev-stdout ]
        [ "${lines[1]}" = via-dev-fd ]
}
