#!/usr/bin/env bats
# CVE-2024-45310: the directories (and files) the runtime creates for mount
# points race through a volume shared with another container, which swaps a
# component for a symlink to a host directory: the runtime creates them on
# the host.  Every component must be created and opened inside the rootfs
# (mkdirat/openat O_NOFOLLOW on the parent's fd): nothing is created outside.

load ../lib/helpers
load security

setup() {
        sec_setup
        make_canary "$HOST/canary"
        mkdir -p "$HOST/vol" "$HOST/src"
        echo from-src >"$HOST/src/file"
}
teardown() { sec_teardown; }

# mount_points_config: the victim's mounts below the volume, through x.
mount_points_config() {
        update_config '.mounts += [{destination: "/vol", type: "bind", source: "'"$HOST/vol"'", options: ["rbind", "rw"]},
                {destination: "/vol/x/a/b/c", type: "tmpfs", source: "tmpfs", options: ["size=64k"]},
                {destination: "/vol/x/d/e/file", type: "bind", source: "'"$HOST/src/file"'", options: ["bind"]},
                {destination: "/vol/x/f/g", type: "bind", source: "'"$HOST/src"'", options: ["bind"]}]'
}

@test "CVE-2024-45310: mount points below a symlink to a host directory are not created on the host" {
        ln -s "$HOST/canary" "$HOST/vol/x"
        mount_points_config
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2024-45310: directories created for mounts race through a shared volume (racing container): nothing is created outside the rootfs (60 creates)" {
        local i
        # Container A swaps /vol/x between a directory and a symlink to the
        # canary (renameat2 RENAME_EXCHANGE, a bounded number of times),
        # emptying the directory between creates.
        A=$BATS_TEST_TMPDIR/bundle-a
        make_bundle "$A" "$CID-racer"
        install_helper racer "$A/rootfs"
        update_config '.process.args = ["sh", "-c", "mkdir -p /vol/x; ln -sfn '"$HOST"'/canary /vol/l; exec /racer exchange /vol/x /vol/l 30000000 >/vol/racer.log"]
                | .mounts += [{destination: "/vol", type: "bind", source: "'"$HOST/vol"'", options: ["rbind", "rw"]}]' "$A"
        runtime run --detach --bundle "$A" "$CID-racer" </dev/null >/dev/null 2>&1
        wait_report "$HOST/vol/racer.log" '^racing'
        mount_points_config
        ok=0
        for i in $(seq 1 60); do
                run_runtime run --bundle "$BUNDLE" "$CID"
                [ "$status" -eq 0 ] && ok=$((ok + 1))
                assert_canary_unchanged "$HOST/canary"
                assert_no_new_host_mounts
                assert_no_leftovers "$CID"
        done
        echo "$ok of 60 creates succeeded"
        ! report_has "$HOST/vol/racer.log" '^raced'
        runtime delete --force "$CID-racer"
        assert_no_leftovers "$CID-racer"
}
