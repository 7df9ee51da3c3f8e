#!/usr/bin/env bats
# The container's process: cwd, env, user, umask, PATH lookup, rlimits,
# oomScoreAdj, sysctl, capabilities.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

@test "process: cwd is the working directory" {
        mkdir -p "$BUNDLE/rootfs/srv/work"
        update_config '.process.cwd = "/srv/work"'
        set_args pwd
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = /srv/work ]
}

@test "process: env is exactly the configured environment" {
        update_config '.process.env = ["PATH=/usr/sbin:/usr/bin:/sbin:/bin", "FOO=bar baz", "EMPTY=", "HOME=/root"]'
        set_args env
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        printf '%s\n' "${lines[@]}" | grep -qx 'FOO=bar baz'
        printf '%s\n' "${lines[@]}" | grep -qx 'EMPTY='
        printf '%s\n' "${lines[@]}" | grep -qx 'PATH=/usr/sbin:/usr/bin:/sbin:/bin'
        # Nothing of the runtime's environment leaks in.
        ! printf '%s\n' "${lines[@]}" | grep -q '^BATS_' || false
        ! printf '%s\n' "${lines[@]}" | grep -q '^HULL_' || false
}

@test "process: user uid, gid and additionalGids" {
        update_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 1002]}'
        set_args sh -c 'id -u; id -g; id -G'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 1000 ]
        [ "${lines[1]}" = 1001 ]
        [ "$(echo "${lines[2]}" | tr ' ' '\n' | sort -n | tr '\n' ' ')" = "5 1001 1002 " ]
}

@test "process: user.umask is the program's umask" {
        update_config '.process.user.umask = 63'
        writable_rootfs
        set_args sh -c 'umask; touch /tmp/f; stat -c %a /tmp/f'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0077 ]
        [ "${lines[1]}" = 600 ]
}

@test "process: args[0] is looked up in the container's PATH, not the host's" {
        mkdir -p "$BUNDLE/rootfs/opt/tools"
        printf '#!/bin/sh\necho found-in-container-path\n' >"$BUNDLE/rootfs/opt/tools/only-here"
        chmod 755 "$BUNDLE/rootfs/opt/tools/only-here"
        update_config '.process.env = ["PATH=/opt/tools:/bin"]'
        set_args only-here
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = found-in-container-path ]
        # A program the host has but the container does not is not found.
        [ -x /usr/bin/jq ]
        update_config '.process.env = ["PATH=/usr/bin:/bin"]'
        set_args jq --version
        run runtime run --bundle "$BUNDLE" "$CID-2"
        [ "$status" -ne 0 ]
}

@test "process: rlimits are applied (soft and hard)" {
        update_config '.process.rlimits = [{type: "RLIMIT_NOFILE", soft: 123, hard: 456}, {type: "RLIMIT_NPROC", soft: 1000, hard: 2000}]'
        set_args sh -c 'ulimit -Sn; ulimit -Hn; grep "Max processes" /proc/self/limits'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 123 ]
        [ "${lines[1]}" = 456 ]
        [ "$(echo "${lines[2]}" | awk '{print $3, $4}')" = "1000 2000" ]
}

@test "process: oomScoreAdj is applied" {
        update_config '.process.oomScoreAdj = 345'
        set_args cat /proc/self/oom_score_adj
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = 345 ]
}

@test "process: linux.sysctl sets namespaced sysctls (net, ipc) without touching the host" {
        update_config '.linux.namespaces |= (map(select(.type != "network" and .type != "ipc")) + [{type: "network"}, {type: "ipc"}])
                | .linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1", "net.ipv4.ping_group_range": "0 0"}'
        host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
        host_shm=$(cat /proc/sys/kernel/shm_rmid_forced)
        set_args sh -c 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced; cat /proc/sys/net/ipv4/ping_group_range'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 1 ]
        [ "${lines[1]}" = 1 ]
        [ "$(echo ${lines[2]})" = "0 0" ]
        [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
        [ "$(cat /proc/sys/kernel/shm_rmid_forced)" = "$host_shm" ]
}

@test "process: capabilities sets are applied (bounding, effective, permitted)" {
        update_config '.process.capabilities = {bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_NET_ADMIN"],
                effective: ["CAP_CHOWN", "CAP_NET_ADMIN"], permitted: ["CAP_CHOWN", "CAP_NET_ADMIN"]}'
        set_args sh -c 'grep -E "^Cap(Bnd|Eff|Prm):" /proc/self/status'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        bnd=$(echo "$output" | awk '/^CapBnd/ {print $2}')
        eff=$(echo "$output" | awk '/^CapEff/ {print $2}')
        has_cap "$bnd" CAP_CHOWN
        has_cap "$bnd" CAP_KILL
        has_cap "$bnd" CAP_NET_ADMIN
        ! has_cap "$bnd" CAP_SYS_ADMIN || false
        has_cap "$eff" CAP_CHOWN
        has_cap "$eff" CAP_NET_ADMIN
        ! has_cap "$eff" CAP_KILL || false
}

@test "process: noNewPrivileges sets no_new_privs" {
        update_config '.process.noNewPrivileges = true'
        set_args sh -c 'grep NoNewPrivs /proc/self/status'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | awk '{print $2}')" = 1 ]
}
