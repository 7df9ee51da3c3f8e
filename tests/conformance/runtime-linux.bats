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
        # the program's own shell: /proc/$$ is the shell, not ls
        sh_args 'ls /proc/$$/fd | sort -n | tr "\n" " "'
        exec 5>"$BATS_TEST_TMPDIR/fd5" 6<"$BUNDLE/config.json"
        run --separate-stderr runtime run --bundle "$BUNDLE" "$CID" </dev/null
        exec 5>&- 6<&-
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "0 1 2 " ]
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
