#!/usr/bin/env bats
# cgroups on this hybrid host: the container joins linux.cgroupsPath in every
# v1 controller and in the cgroup2 tree, limits are applied, delete removes them.

load ../lib/helpers
load integration

V1_CONTROLLERS="cpu cpuacct cpuset memory devices freezer blkio pids"

setup() {
        requires cgroup_v1 cgroup_hybrid
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

@test "cgroups: the container joins linux.cgroupsPath in every v1 controller and in the cgroup2 tree" {
        set_args sleep 1000
        start_detached
        pid=$(container_pid "$CID")
        for c in $V1_CONTROLLERS; do
                d=/sys/fs/cgroup/$c/$CGROUP_PARENT/$CID
                [ -d "$d" ] || { echo "no $d" >&2; false; }
                grep -qx "$pid" "$d/cgroup.procs" || { echo "$pid not in $d" >&2; false; }
                grep -Eq "^[0-9]+:([^:]*,)?$c(,[^:]*)?:/$CGROUP_PARENT/$CID\$" "/proc/$pid/cgroup" ||
                        { echo "/proc/$pid/cgroup: not in $c:/$CGROUP_PARENT/$CID" >&2; false; }
        done
        d=/sys/fs/cgroup/unified/$CGROUP_PARENT/$CID
        [ -d "$d" ]
        grep -qx "$pid" "$d/cgroup.procs"
        grep -qx "0::/$CGROUP_PARENT/$CID" "/proc/$pid/cgroup"
}

@test "cgroups: processes the container starts stay in its cgroups, exec'd ones join them" {
        # No cgroup namespace: /proc/self/cgroup shows the paths as the host has them.
        update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
        set_args sh -c 'sleep 1000 & exec sleep 1001'
        start_detached
        run runtime exec "$CID" sh -c 'cat /proc/self/cgroup'
        [ "$status" -eq 0 ]
        echo "$output" | grep -q ":memory:/$CGROUP_PARENT/$CID\$"
        echo "$output" | grep -q "^0::/$CGROUP_PARENT/$CID\$"
        wait_for sh -c "[ \$(wc -l < /sys/fs/cgroup/pids/$CGROUP_PARENT/$CID/cgroup.procs) -ge 2 ]"
}

@test "cgroups: memory limit and reservation are applied" {
        update_config '.linux.resources.memory = {limit: 67108864, reservation: 33554432}'
        set_args sleep 1000
        start_detached
        d=/sys/fs/cgroup/memory/$CGROUP_PARENT/$CID
        [ "$(cat "$d/memory.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$d/memory.soft_limit_in_bytes")" = 33554432 ]
}

@test "cgroups: a program above its memory limit is OOM-killed (exit 137)" {
        update_config '.linux.resources.memory = {limit: 16777216, swap: 16777216}'
        add_mount /fill tmpfs tmpfs size=256m
        # Fills 64 MiB of tmpfs (charged to the container's memory) and reports it.
        set_args sh -c 'head -c 67108864 /dev/zero > /fill/f && echo survived'
        run runtime run --bundle "$BUNDLE" "$CID"
        # The OOM killer's SIGKILL: 128+9.
        [ "$status" -eq 137 ]
        [[ $output != *survived* ]]
        assert_no_leftovers "$CID"
}

@test "cgroups: cpu shares, quota, period and cpuset are applied" {
        update_config '.linux.resources.cpu = {shares: 512, quota: 50000, period: 100000, cpus: "0", mems: "0"}'
        set_args sleep 1000
        start_detached
        [ "$(cat /sys/fs/cgroup/cpu/"$CGROUP_PARENT/$CID"/cpu.shares)" = 512 ]
        [ "$(cat /sys/fs/cgroup/cpu/"$CGROUP_PARENT/$CID"/cpu.cfs_quota_us)" = 50000 ]
        [ "$(cat /sys/fs/cgroup/cpu/"$CGROUP_PARENT/$CID"/cpu.cfs_period_us)" = 100000 ]
        [ "$(cat /sys/fs/cgroup/cpuset/"$CGROUP_PARENT/$CID"/cpuset.cpus)" = 0 ]
        [ "$(cat /sys/fs/cgroup/cpuset/"$CGROUP_PARENT/$CID"/cpuset.mems)" = 0 ]
        pid=$(container_pid "$CID")
        [ "$(awk '/Cpus_allowed_list/ {print $2}' "/proc/$pid/status")" = 0 ]
}

@test "cgroups: the pids limit is applied and enforced" {
        update_config '.linux.resources.pids = {limit: 8}'
        set_args sleep 1000
        start_detached
        [ "$(cat /sys/fs/cgroup/pids/"$CGROUP_PARENT/$CID"/pids.max)" = 8 ]
        # A process exec'd into the container cannot fork past the limit.
        # (The sleeps must not hold this test's output pipe: they outlive the exec.)
        run runtime exec "$CID" sh -c 'i=0; while [ $i -lt 20 ]; do sleep 1000 </dev/null >/dev/null 2>&1 & i=$((i+1)); done; echo spawned-all'
        [ "$status" -ne 0 ]
        [[ $output != *spawned-all* ]]
        [ "$(cat /sys/fs/cgroup/pids/"$CGROUP_PARENT/$CID"/pids.current)" -le 8 ]
}

@test "cgroups: delete removes the container's cgroups from every hierarchy" {
        set_args sleep 1000
        start_detached
        [ -n "$(cgroup_dirs "$CID")" ]
        runtime delete --force "$CID"
        assert_no_leftovers "$CID"
        for c in $V1_CONTROLLERS unified; do
                [ ! -d "/sys/fs/cgroup/$c/$CGROUP_PARENT/$CID" ]
        done
}

@test "cgroups: an attached run removes its cgroups when the program exits" {
        update_config '.linux.namespaces |= map(select(.type != "cgroup"))'
        set_args sh -c 'cat /proc/self/cgroup'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [[ $output == *"/$CGROUP_PARENT/$CID"* ]]
        assert_no_leftovers "$CID"
}

@test "cgroups: delete --force removes the cgroups of a container with many processes" {
        update_config '.linux.namespaces |= map(select(.type != "pid"))'
        set_args sh -c 'for i in 1 2 3 4 5; do sleep 1000 & done; exec sleep 1000'
        start_detached
        wait_for sh -c "[ \$(wc -l < /sys/fs/cgroup/pids/$CGROUP_PARENT/$CID/cgroup.procs) -ge 6 ]"
        runtime delete --force "$CID"
        assert_no_leftovers "$CID"
}

@test "cgroups: cpuset levels that hull creates copy their values to new children; others are left as they are" {
        set_args sleep 1000
        # The parent level does not exist: hull makes it, with clone_children
        # (the kernel then fills a new child's cpus and mems: no cpuset.cpus
        # write, which makes the kernel rebuild its scheduling domains).
        start_detached
        top=/sys/fs/cgroup/cpuset/$CGROUP_PARENT
        [ "$(cat "$top/cgroup.clone_children")" = 1 ]
        [ "$(cat "$top/$CID/cpuset.cpus")" = "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)" ]
        [ "$(cat "$top/$CID/cpuset.mems")" = "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)" ]
        runtime delete --force "$CID"
        # A parent level that somebody else made keeps its setting; the
        # container still gets its values, copied by hull.
        echo 0 >"$top/cgroup.clone_children"
        start_detached
        [ "$(cat "$top/cgroup.clone_children")" = 0 ]
        [ "$(cat "$top/$CID/cpuset.cpus")" = "$(cat /sys/fs/cgroup/cpuset/cpuset.cpus)" ]
        [ "$(cat "$top/$CID/cpuset.mems")" = "$(cat /sys/fs/cgroup/cpuset/cpuset.mems)" ]
}
