#!/usr/bin/env bats
# CVE-2021-30465, CVE-2025-52881: a mount destination in a hostile rootfs is a
# symlink out of it, or is swapped for one (by a container sharing a volume)
# between the runtime's check and its mount.  Every target must be opened
# inside the rootfs (openat2 RESOLVE_IN_ROOT, or an O_NOFOLLOW walk) and
# mounted through /proc/self/fd/N: nothing is created, copied or mounted
# outside the rootfs.

load ../lib/helpers
load security

setup() {
        sec_setup
        make_canary "$HOST/canary"
        SECRET=$(cat "$HOST/canary/sub/secret")
        mkdir -p "$HOST/src"
        echo from-src >"$HOST/src/file"
}
teardown() { sec_teardown; }

@test "CVE-2021-30465: mount destinations that are symlinks out of the rootfs (absolute, relative, ..) are resolved inside it" {
        local r=$BUNDLE/rootfs
        ln -s "$HOST/canary" "$r/abs"
        ln -s "$HOST/canary/sub" "$r/abs2"
        ln -s "$(printf '../%.0s' $(seq 1 20))${HOST#/}/canary" "$r/rel"
        # Where the links lead when resolved inside the rootfs.
        mkdir -p "$r$HOST/canary/sub"
        update_config '.mounts += [
                {destination: "/abs/sub/new", type: "tmpfs", source: "tmpfs", options: ["size=64k"]},
                {destination: "/rel/sub", type: "bind", source: "'"$HOST/src"'", options: ["bind"]},
                {destination: "/abs2", type: "tmpfs", source: "tmpfs", options: ["size=64k"]},
                {destination: "/../../../../../../../..'"$HOST"'/canary/dotdot", type: "tmpfs", source: "tmpfs", options: ["size=64k"]}]'
        set_args cat /proc/self/mountinfo
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $stderr"
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        # Mounted inside the rootfs, where the links lead when resolved there.
        [ "$status" -eq 0 ]
        for m in "$HOST/canary/sub/new" "$HOST/canary/sub" "$HOST/canary/dotdot"; do
                echo "$output" | awk -v m="$m" '$5 == m { f = 1 } END { exit !f }' ||
                        { echo "no mount at $m inside the container" >&2; false; }
        done
        [ -d "$r$HOST/canary/sub/new" ]
        [ -d "$r$HOST/canary/dotdot" ]
        assert_no_leftovers "$CID"
}

@test "CVE-2021-30465: a tmpcopyup mount on a symlink out of the rootfs copies nothing of the host into the container" {
        # The canary is a shared mount of the host and the container rshared:
        # a tmpfs that landed on the host's directory would show there.
        mount --bind "$HOST/canary" "$HOST/canary"
        mount --make-shared "$HOST/canary"
        record_host_mounts
        update_config '.linux.rootfsPropagation = "rshared"'
        ln -s "$HOST/canary/sub" "$BUNDLE/rootfs/copyup"
        mkdir -p "$BUNDLE/rootfs$HOST/canary/sub"
        add_mount /copyup tmpfs tmpfs tmpcopyup size=64k
        set_args sh -c 'cat /copyup/secret; ls -la /copyup/'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        [[ $output != *"$SECRET"* ]]
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2021-30465: a mount destination whose target does not exist inside the rootfs is not created on the host" {
        local r=$BUNDLE/rootfs
        ln -s "$HOST/canary/sub" "$r/data"
        ln -s "$HOST/canary" "$r/file-target"
        update_config '.mounts += [
                {destination: "/data/deep/er", type: "tmpfs", source: "tmpfs", options: ["size=64k"]},
                {destination: "/file-target/newfile", type: "bind", source: "'"$HOST/src/file"'", options: ["bind"]}]'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        assert_canary_unchanged "$HOST/canary"
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2021-30465, CVE-2025-52881: a mount destination swapped for a symlink between check and mount (racing container on a shared volume) stays inside the rootfs (60 creates)" {
        local i
        # The canary is a shared mount of the host: with rshared containers, a
        # mount that escaped onto it would show on the host.
        mount --bind "$HOST/canary" "$HOST/canary"
        mount --make-shared "$HOST/canary"
        record_host_mounts
        mkdir -p "$HOST/vol"
        # Container A: swaps /vol/x between a directory and a symlink to the
        # canary (renameat2 RENAME_EXCHANGE, a bounded number of times).
        A=$BATS_TEST_TMPDIR/bundle-a
        make_bundle "$A" "$CID-racer"
        install_helper racer "$A/rootfs"
        update_config '.process.args = ["sh", "-c", "mkdir -p /vol/x/sub; ln -sfn '"$HOST"'/canary /vol/l; exec /racer exchange /vol/x /vol/l 30000000 >/vol/racer.log"]
                | .mounts += [{destination: "/vol", type: "bind", source: "'"$HOST/vol"'", options: ["rbind", "rw"]}]' "$A"
        runtime run --detach --bundle "$A" "$CID-racer" </dev/null >/dev/null 2>&1
        wait_report "$HOST/vol/racer.log" '^racing'
        # Container B (the victim, run again and again): the shared volume,
        # then mounts below the racing component.
        update_config '.linux.rootfsPropagation = "rshared"
                | .mounts += [{destination: "/vol", type: "bind", source: "'"$HOST/vol"'", options: ["rbind", "rw"]},
                        {destination: "/vol/x/sub", type: "tmpfs", source: "tmpfs", options: ["size=64k"]},
                        {destination: "/vol/x/sub/file", type: "bind", source: "'"$HOST/src/file"'", options: ["bind"]}]'
        ok=0
        for i in $(seq 1 60); do
                run_runtime run --bundle "$BUNDLE" "$CID"
                [ "$status" -eq 0 ] && ok=$((ok + 1))
                assert_canary_unchanged "$HOST/canary"
                assert_no_new_host_mounts
                assert_no_leftovers "$CID"
        done
        echo "$ok of 60 creates succeeded"
        # The race ran all along.
        ! report_has "$HOST/vol/racer.log" '^raced'
        [ "$(state_field "$CID-racer" status)" = running ]
        runtime delete --force "$CID-racer"
        assert_no_leftovers "$CID-racer"
}
