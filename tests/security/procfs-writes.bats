#!/usr/bin/env bats
# CVE-2025-52881 (and CVE-2019-19921): the runtime's own writes to procfs -
# linux.sysctl (through /proc/sys) and process.oomScoreAdj (through
# /proc/self/oom_score_adj) - are redirected into another file: by the image's
# /proc symlink and the order of the config's mounts, or by a container that
# shares a volume and swaps the directory procfs is mounted on.  The writes
# must reach the container's procfs or fail; a host file never receives them.

load ../lib/helpers
load security

setup() {
        sec_setup
        HOST_IP_FORWARD=$(cat /proc/sys/net/ipv4/ip_forward)
        HOST_OOM=$(cat /proc/self/oom_score_adj)
}
teardown() { sec_teardown; }

# fake_proc DIR: what the attacker puts where the runtime's writes may land.
fake_proc() {
        mkdir -p "$1/self" "$1/sys/net/ipv4"
        echo "fake oom_score_adj" >"$1/self/oom_score_adj"
        echo "fake ip_forward" >"$1/sys/net/ipv4/ip_forward"
        chmod 666 "$1/self/oom_score_adj" "$1/sys/net/ipv4/ip_forward"
        make_canary_files "$1"
}
make_canary_files() {
        touch -d '2001-02-03 04:05:06' "$1/self/oom_score_adj" "$1/sys/net/ipv4/ip_forward"
        canary_snapshot "$1" >"$1.snapshot"
}

assert_host_procfs_unchanged() {
        [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$HOST_IP_FORWARD" ]
        [ "$(cat /proc/self/oom_score_adj)" = "$HOST_OOM" ]
}

# hostile_proc_after_volume: the image's /proc is a symlink into /vol, and
# the host volume is mounted on /vol after /proc (config order): procfs ends
# up under the volume, /proc leads to the volume's fake files.
hostile_proc_after_volume() {
        fake_proc "$HOST/vol/fp"
        mkdir -p "$BUNDLE/rootfs/vol/fp"
        rmdir "$BUNDLE/rootfs/proc"
        ln -s /vol/fp "$BUNDLE/rootfs/proc"
        add_mount /vol bind "$HOST/vol" rbind rw
}

@test "CVE-2025-52881: a linux.sysctl write is not redirected into a host file by the image's /proc symlink and the mount order" {
        hostile_proc_after_volume
        update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
        set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        assert_canary_unchanged "$HOST/vol/fp"
        assert_host_procfs_unchanged
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2025-52881: a process.oomScoreAdj write is not redirected into a host file by the image's /proc symlink and the mount order" {
        hostile_proc_after_volume
        update_config '.process.oomScoreAdj = 123'
        set_args sh -c 'cat /proc/self/oom_score_adj'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$status $output $stderr"
        assert_canary_unchanged "$HOST/vol/fp"
        assert_host_procfs_unchanged
        assert_no_new_host_mounts
        assert_no_leftovers "$CID"
}

@test "CVE-2025-52881: sysctl and oomScoreAdj writes raced by a container swapping the procfs directory on a shared volume reach procfs or fail (60 creates)" {
        local i
        mkdir -p "$HOST/vol/p" "$HOST/keep"
        fake_proc "$HOST/vol/fake"
        # Hard links of the fake files out of the racing directories: the
        # test reads them there while the race goes on.
        ln "$HOST/vol/fake/self/oom_score_adj" "$HOST/keep/oom_score_adj"
        ln "$HOST/vol/fake/sys/net/ipv4/ip_forward" "$HOST/keep/ip_forward"
        canary_snapshot "$HOST/keep" >"$HOST/keep.snapshot"
        # Container A swaps /vol/p (where the victim's procfs gets mounted)
        # with /vol/fake, a bounded number of times.
        A=$BATS_TEST_TMPDIR/bundle-a
        make_bundle "$A" "$CID-racer"
        install_helper racer "$A/rootfs"
        update_config '.process.args = ["sh", "-c", "exec /racer exchange /vol/p /vol/fake 30000000 >/vol/racer.log"]
                | .mounts += [{destination: "/vol", type: "bind", source: "'"$HOST/vol"'", options: ["rbind", "rw"]}]' "$A"
        runtime run --detach --bundle "$A" "$CID-racer" </dev/null >/dev/null 2>&1
        wait_report "$HOST/vol/racer.log" '^racing'
        # The victim: its image's /proc is a symlink to /vol/p, the volume is
        # mounted first, procfs on it.
        rmdir "$BUNDLE/rootfs/proc"
        ln -s /vol/p "$BUNDLE/rootfs/proc"
        update_config '.mounts = [{destination: "/vol", type: "bind", source: "'"$HOST/vol"'", options: ["rbind", "rw"]}] + .mounts
                | .linux.sysctl = {"net.ipv4.ip_forward": "1"} | .process.oomScoreAdj = 123'
        ok=0
        for i in $(seq 1 60); do
                run_runtime run --bundle "$BUNDLE" "$CID"
                [ "$status" -eq 0 ] && ok=$((ok + 1))
                # The fake files, through links that do not race.
                assert_canary_unchanged "$HOST/keep"
                assert_host_procfs_unchanged
                assert_no_new_host_mounts
                assert_no_leftovers "$CID"
        done
        echo "$ok of 60 creates succeeded"
        ! report_has "$HOST/vol/racer.log" '^raced'
        runtime delete --force "$CID-racer"
        assert_no_leftovers "$CID-racer"
}
