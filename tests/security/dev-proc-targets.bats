#!/usr/bin/env bats
# The special files and directories of a hostile rootfs: /dev/null is a
# symlink when maskedPaths are applied (CVE-2025-31133), /dev/console is a
# symlink (CVE-2025-52565), the /proc mount target is a symlink or a file
# (CVE-2019-19921, CVE-2023-27561), /dev itself is a symlink.  The runtime
# refuses them or keeps everything inside the rootfs: no host file is written,
# created or mounted on.

load ../lib/helpers
load security

setup() {
        sec_setup
        make_canary "$HOST/canary"
        SECRET=$(cat "$HOST/canary/sub/secret")
}
teardown() { sec_teardown; }

# shared_canary: the canary becomes a shared mount of the host; with
# rootfsPropagation rshared, a mount that escaped onto it shows on the host.
shared_canary() {
        mount --bind "$HOST/canary" "$HOST/canary"
        mount --make-shared "$HOST/canary"
        record_host_mounts
        update_config '.linux.rootfsPropagation = "rshared"'
}

# no_dev_mounts: the rootfs's own /dev (no tmpfs, devpts, shm, mqueue there).
no_dev_mounts() {
        update_config '.mounts |= map(select(.destination | startswith("/dev") | not))'
}

# masked_script: what the container does with its masked paths.
masked_script() {
        echo 'stat -L -c "%F %t:%T" /masked-file; cat /masked-file; echo pwned >/masked-file; echo pwned >/dev/null; ls -A /masked-dir; touch /masked-dir/x 2>/dev/null && echo masked-dir-writable; true'
}

assert_masked_ok() {
        [[ $output == *"character special file 1:3"* ]]
        [[ $output != *"$SECRET"* ]]
        [[ $output != *"image content"* ]]
        [[ $output != *masked-dir-writable* ]]
}

@test "CVE-2025-31133: the rootfs's /dev/null is a symlink to a host file: refused, or masks are the host's /dev/null" {
        no_dev_mounts
        mkdir -p "$BUNDLE/rootfs/masked-dir"
        echo "image content" >"$BUNDLE/rootfs/masked-file"
        echo "image content" >"$BUNDLE/rootfs/masked-dir/f"
        ln -s "$HOST/canary/file" "$BUNDLE/rootfs/dev/null"
        update_config '.linux.maskedPaths += ["/masked-file", "/masked-dir"]'
        set_args sh -c "$(masked_script)"
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [ "$status" -eq 0 ] && assert_masked_ok
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2025-31133: /dev bound from a volume whose null is a symlink to a host file: masks are the host's /dev/null, writes are discarded" {
        # A /dev volume the container (or a sibling) controls: its null is a
        # symlink to a host file when the next container starts.
        mkdir -p "$HOST/devvol"
        ln -s "$HOST/canary/file" "$HOST/devvol/null"
        update_config '.mounts |= map(select(.destination | startswith("/dev") | not))
                | .mounts += [{destination: "/dev", type: "bind", source: "'"$HOST/devvol"'", options: ["rbind", "rw"]}]
                | .linux.maskedPaths += ["/masked-file", "/masked-dir"]'
        mkdir -p "$BUNDLE/rootfs/masked-dir"
        echo "image content" >"$BUNDLE/rootfs/masked-file"
        echo "image content" >"$BUNDLE/rootfs/masked-dir/f"
        set_args sh -c "$(masked_script)"
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [ "$status" -eq 0 ]
        assert_masked_ok
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2025-52565: /dev/console is a symlink (to a host path, to a file of a host volume): the terminal is bound inside, the host is unchanged" {
        command -v script >/dev/null || skip "needs script(1) for a terminal"
        local target
        no_dev_mounts
        update_config '.process.terminal = true
                | .mounts += [{destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
                        {destination: "/vol", type: "bind", source: "'"$HOST/canary"'", options: ["rbind", "rw"]}]'
        set_args sh -c 'stat -L -c "console %F %t" /dev/console; echo pwned >/dev/console; tty'
        for target in "$HOST/canary/file" /vol/file; do
                ln -sfn "$target" "$BUNDLE/rootfs/dev/console"
                output=$(script -qec "$(printf '%q ' "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID")" /dev/null </dev/null 2>&1) || true
                echo "/dev/console -> $target: $output"
                # The container's /dev/console is the terminal (a pty, major 136 = 0x88).
                [[ $output == *"console character special file 88"* ]]
                assert_canary_unchanged "$HOST/canary"
                assert_no_new_host_mounts
                assert_no_leftovers "$CID"
        done
}

@test "CVE-2025-52565: /dev/pts is a symlink out of the rootfs: no devpts and no terminal ends up on the host" {
        command -v script >/dev/null || skip "needs script(1) for a terminal"
        shared_canary
        no_dev_mounts
        update_config '.process.terminal = true
                | .mounts += [{destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]}]'
        rmdir "$BUNDLE/rootfs/dev/pts" 2>/dev/null || rm -rf "$BUNDLE/rootfs/dev/pts"
        ln -s "$HOST/canary" "$BUNDLE/rootfs/dev/pts"
        set_args sh -c 'tty; echo pwned >/dev/console; echo pwned >"$(tty)"'
        output=$(script -qec "$(printf '%q ' "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID")" /dev/null </dev/null 2>&1) || true
        echo "$output"
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2019-19921, CVE-2023-27561: the /proc mount target is a symlink out of the rootfs: refused or mounted inside" {
        shared_canary
        rmdir "$BUNDLE/rootfs/proc"
        ln -s "$HOST/canary" "$BUNDLE/rootfs/proc"
        set_args sh -c 'stat -f -c "proc-fs %T" /proc/'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [ "$status" -ne 0 ] || [[ $output == *"proc-fs proc"* ]]
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2019-19921, CVE-2023-27561: /proc is a symlink into a volume mounted after it: the container's /proc is procfs or the runtime refuses" {
        # The image's /proc leads into /vol, where the host volume is mounted
        # after /proc (config order): a runtime that follows the link mounts
        # procfs under the volume, and the container's /proc is then the
        # volume's fake procfs.
        mkdir -p "$HOST/vol/fp/self" "$BUNDLE/rootfs/vol/fp"
        echo "fake status" >"$HOST/vol/fp/self/status"
        rmdir "$BUNDLE/rootfs/proc"
        ln -s /vol/fp "$BUNDLE/rootfs/proc"
        add_mount /vol bind "$HOST/vol" rbind rw
        set_args sh -c 'stat -f -c "proc-fs %T" /proc/'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [ "$status" -ne 0 ] || [[ $output == *"proc-fs proc"* ]]
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2019-19921, CVE-2023-27561: the /proc mount target is a file: refused or mounted inside" {
        shared_canary
        rmdir "$BUNDLE/rootfs/proc"
        echo "not a directory" >"$BUNDLE/rootfs/proc"
        set_args sh -c 'stat -f -c "proc-fs %T" /proc/'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [ "$status" -ne 0 ] || [[ $output == *"proc-fs proc"* ]]
        [ "$(cat "$BUNDLE/rootfs/proc")" = "not a directory" ]
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "/dev is a symlink out of the rootfs: no device, directory or mount is made on the host" {
        shared_canary
        rmdir "$BUNDLE/rootfs/dev"
        ln -s "$HOST/canary" "$BUNDLE/rootfs/dev"
        # With the usual /dev mounts (tmpfs, devpts, shm, mqueue), then with
        # the rootfs's own /dev (devices made in place).
        local cfg
        cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.usual"
        for cfg in usual own; do
                cp "$BATS_TEST_TMPDIR/config.usual" "$BUNDLE/config.json"
                [ "$cfg" = own ] && no_dev_mounts
                set_args sh -c 'ls -la /dev/'
                run_runtime run --bundle "$BUNDLE" "$CID"
                echo "$cfg: $status $output $stderr"
                assert_canary_unchanged "$HOST/canary"
                assert_no_new_host_mounts
                assert_no_leftovers "$CID"
        done
}
