#!/usr/bin/env bats
# linux.maskedPaths (files covered by the host's /dev/null, directories by an
# empty read-only tmpfs) and linux.readonlyPaths: the container can neither
# read what is masked nor write what is read-only, including a host volume.

load ../lib/helpers
load security

setup() {
        sec_setup
        make_canary "$HOST/canary"
        SECRET=$(cat "$HOST/canary/sub/secret")
        add_mount /vol bind "$HOST/canary" rbind rw
}
teardown() { sec_teardown; }

@test "maskedPaths: files are the host's /dev/null (char 1:3, empty, writes discarded), directories an empty read-only tmpfs (rootfs, /proc, a host volume)" {
        mkdir -p "$BUNDLE/rootfs/secret-dir"
        echo "image secret" >"$BUNDLE/rootfs/secret-file"
        echo "image secret" >"$BUNDLE/rootfs/secret-dir/f"
        # Masked files and directories of /proc that this kernel has.
        local files="" dirs="" f
        for f in /proc/kcore /proc/keys /proc/timer_list; do [ -f "$f" ] && files="$files $f"; done
        for f in /proc/acpi /proc/bus /proc/scsi; do [ -d "$f" ] && dirs="$dirs $f"; done
        files="$files /secret-file /vol/file"
        dirs="$dirs /secret-dir /vol/sub"
        update_config ".linux.maskedPaths = $(json_array $files $dirs /does/not/exist)"
        set_args sh -c 'for f in '"$files"'; do
                        echo "$f: $(stat -c "%F %t:%T" $f) [$(head -c 100 $f)]"; echo pwned >$f && echo "$f written"; done
                for d in '"$dirs"'; do
                        echo "$d: [$(ls -A $d)] $(stat -f -c %T $d)"; touch $d/x 2>/dev/null && echo "$d writable"; done; true'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [ "$status" -eq 0 ]
        for f in $files; do
                [[ $output == *"$f: character special file 1:3 []"* ]] || { echo "$f is not masked by /dev/null" >&2; false; }
        done
        for f in $dirs; do
                [[ $output == *"$f: [] tmpfs"* ]] || { echo "$f is not masked by an empty tmpfs" >&2; false; }
        done
        [[ $output != *writable* ]]
        [[ $output != *"image secret"* ]]
        [[ $output != *"$SECRET"* ]]
        assert_canary_unchanged "$HOST/canary"
        [ "$(cat "$BUNDLE/rootfs/secret-file")" = "image secret" ]
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "readonlyPaths: the paths are read-only (a host volume, /proc/sys, /proc/irq), their contents still readable" {
        update_config '.linux.readonlyPaths = ["/vol", "/proc/sys", "/proc/irq", "/does/not/exist"]'
        # Host-wide procfs files are only opened for writing, never written:
        # harmless even if the protection failed.
        set_args sh -c 'cat /vol/file >/dev/null && echo vol-readable
                echo pwned >>/vol/file && echo vol-file-writable
                touch /vol/new 2>/dev/null && echo vol-dir-writable
                mkdir /vol/sub/new 2>/dev/null && echo vol-subdir-writable
                echo pwned >/proc/sys/kernel/hostname 2>/dev/null && echo proc-sys-writable
                (: >>/proc/irq/default_smp_affinity) 2>/dev/null && echo proc-irq-writable
                true'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [ "$status" -eq 0 ]
        [[ $output == *vol-readable* ]]
        [[ $output != *writable* ]]
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}
