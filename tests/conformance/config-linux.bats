#!/usr/bin/env bats
# Conformance: config-linux.md of the OCI runtime-spec v1.2.0.  One test per
# MUST / MUST NOT / REQUIRED statement (or definition) of the fields
# hull-runtime implements; see README.md for the table and what is not tested.

load ../lib/helpers
load lib

setup() { setup_bundle; }
teardown() { cleanup_containers; }

# the /proc/PID/ns file of a runtime-spec namespace type
ns_file() {
        case $1 in
        network) echo net ;;
        mount) echo mnt ;;
        *) echo "$1" ;;
        esac
}

# with_ns TYPE: adds a namespace (and what it needs) to the config.
with_ns() {
        update_config ".linux.namespaces = ([.linux.namespaces[] | select(.type != \"$1\")] + [{type: \"$1\"}])"
        if [ "$1" = user ]; then
                userns_bundle
                update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
                        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
        fi
}

# ---------------------------------------------------------------- namespaces

new_ns_test() {
        local type=$1 f
        f=$(ns_file "$type")
        [ "$type" = user ] && requires userns
        [ "$type" = time ] && requires timens
        with_ns "$type"
        set_args sleep 100000
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        echo "container: $(ns_of "$pid" "$f"), runtime: $(ns_of $$ "$f")"
        [ -n "$(ns_of "$pid" "$f")" ]
        [ "$(ns_of "$pid" "$f")" != "$(ns_of $$ "$f")" ]
}

@test "config-linux.md: namespaces — without path the runtime MUST create a new pid namespace" { new_ns_test pid; }
@test "config-linux.md: namespaces — without path the runtime MUST create a new network namespace" { new_ns_test network; }
@test "config-linux.md: namespaces — without path the runtime MUST create a new mount namespace" { new_ns_test mount; }
@test "config-linux.md: namespaces — without path the runtime MUST create a new ipc namespace" { new_ns_test ipc; }
@test "config-linux.md: namespaces — without path the runtime MUST create a new uts namespace" { new_ns_test uts; }
@test "config-linux.md: namespaces — without path the runtime MUST create a new user namespace" { new_ns_test user; }
@test "config-linux.md: namespaces — without path the runtime MUST create a new cgroup namespace" { new_ns_test cgroup; }
@test "config-linux.md: namespaces — without path the runtime MUST create a new time namespace" { new_ns_test time; }

@test "config-linux.md: namespaces — a type not in the array MUST be inherited from the runtime's namespace" {
        update_config '.linux.namespaces = [{type: "mount"}] | del(.hostname) | del(.domainname)'
        set_args sleep 100000
        start_ctr
        local pid t bad=0
        pid=$(container_pid "$CID")
        for t in pid net ipc uts user cgroup time; do
                [ -e /proc/$$/ns/$t ] || continue
                if [ "$(ns_of "$pid" $t)" != "$(ns_of $$ $t)" ]; then
                        echo "$t: container $(ns_of "$pid" $t), runtime $(ns_of $$ $t)" >&2
                        bad=1
                fi
        done
        [ "$bad" -eq 0 ]
}

# by_path_test TYPE UNSHARE-OPTION...: the container joins a holder's namespace.
by_path_test() {
        local type=$1 f
        shift
        f=$(ns_file "$type")
        local h
        h=$(holder "$@")
        [ -n "$h" ]
        # the hostname is the joined namespace's business
        [ "$type" = uts ] && update_config 'del(.hostname) | del(.domainname)'
        if [ "$type" = user ]; then
                userns_bundle
                echo "0 100000 65536" >/proc/$h/uid_map
                echo "0 100000 65536" >/proc/$h/gid_map
                # the same mappings as the joined namespace's
                update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
                        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
        fi
        update_config ".linux.namespaces = ([.linux.namespaces[] | select(.type != \"$type\")] + [{type: \"$type\", path: \"/proc/$h/ns/$f\"}])"
        set_args sleep 100000
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        echo "container: $(ns_of "$pid" "$f"), holder: $(ns_of "$h" "$f")"
        [ "$(ns_of "$pid" "$f")" = "$(ns_of "$h" "$f")" ]
}

@test "config-linux.md: namespaces — with path the runtime MUST place the process in that pid namespace" { by_path_test pid --pid --fork; }
@test "config-linux.md: namespaces — with path the runtime MUST place the process in that network namespace" { by_path_test network --net; }
@test "config-linux.md: namespaces — with path the runtime MUST place the process in that mount namespace" { by_path_test mount --mount; }
@test "config-linux.md: namespaces — with path the runtime MUST place the process in that ipc namespace" { by_path_test ipc --ipc; }
@test "config-linux.md: namespaces — with path the runtime MUST place the process in that uts namespace" { by_path_test uts --uts; }
@test "config-linux.md: namespaces — with path the runtime MUST place the process in that user namespace" {
        requires userns
        by_path_test user --user
}
@test "config-linux.md: namespaces — with path the runtime MUST place the process in that cgroup namespace" { by_path_test cgroup --cgroup; }
@test "config-linux.md: namespaces — with path the runtime MUST place the process in that time namespace" {
        requires timens
        by_path_test time --time --fork
}

@test "config-linux.md: namespaces — the runtime MUST generate an error if path is not associated with a namespace of type type" {
        local h
        h=$(holder --ipc)
        update_config ".linux.namespaces = ([.linux.namespaces[] | select(.type != \"network\")] + [{type: \"network\", path: \"/proc/$h/ns/ipc\"}])"
        expect_refused
        touch "$BATS_TEST_TMPDIR/not-a-namespace"
        update_config ".linux.namespaces = ([.linux.namespaces[] | select(.type != \"network\")] + [{type: \"network\", path: \"$BATS_TEST_TMPDIR/not-a-namespace\"}])"
        expect_refused
}

@test "config-linux.md: namespaces — path MUST be an absolute path (a relative path is refused)" {
        local h
        h=$(holder --net)
        cd /
        update_config ".linux.namespaces = ([.linux.namespaces[] | select(.type != \"network\")] + [{type: \"network\", path: \"proc/$h/ns/net\"}])"
        expect_refused
}

@test "config-linux.md: namespaces — duplicated namespaces with the same type MUST generate an error" {
        update_config '.linux.namespaces += [{type: "ipc"}, {type: "ipc"}]'
        expect_refused
}

# ---------------------------------------------------------------- user namespace mappings

@test "config-linux.md: uidMappings and gidMappings are the mappings of the container's user namespace (runtime.md: create MUST apply every property)" {
        requires userns
        with_ns user
        update_config '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 1000}, {containerID: 1000, hostID: 201000, size: 10}]
                | .linux.gidMappings = [{containerID: 0, hostID: 300000, size: 2000}]'
        set_args sleep 100000
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        cat /proc/$pid/uid_map /proc/$pid/gid_map
        [ "$(awk '{ print $1, $2, $3 }' /proc/$pid/uid_map | tr '\n' ';')" = "0 100000 1000;1000 201000 10;" ]
        [ "$(awk '{ print $1, $2, $3 }' /proc/$pid/gid_map | tr '\n' ';')" = "0 300000 2000;" ]
        # the process (uid/gid 0 in the container) is 100000/300000 on the host
        status_field "$pid" Uid | grep -Eqx '100000[[:space:]]+100000[[:space:]]+100000[[:space:]]+100000'
        status_field "$pid" Gid | grep -Eqx '300000[[:space:]]+300000[[:space:]]+300000[[:space:]]+300000'
}

# ---------------------------------------------------------------- time offsets

@test "config-linux.md: timeOffsets are the clock offsets of the container's time namespace (runtime.md: create MUST apply every property)" {
        requires timens
        with_ns time
        update_config '.linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 500}, boottime: {secs: 172800, nanosecs: 0}}'
        sh_args 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | grep -Eqx 'monotonic[[:space:]]+86400[[:space:]]+500'
        echo "$output" | grep -Eqx 'boottime[[:space:]]+172800[[:space:]]+0'
        # the container's uptime (boottime) is at least the offset
        [ "$(echo "$output" | tail -1)" -ge 172800 ]
}

# ---------------------------------------------------------------- devices

@test "config-linux.md: devices — the listed devices MUST be available in the container (type, major, minor, fileMode, uid, gid)" {
        update_config '.linux.devices = [
                {path: "/dev/conf-null", type: "c", major: 1, minor: 3, fileMode: 438, uid: 1000, gid: 1001},
                {path: "/dev/conf-blk", type: "b", major: 7, minor: 200, fileMode: 416, uid: 0, gid: 6},
                {path: "/dev/conf-u", type: "u", major: 1, minor: 5, fileMode: 420, uid: 0, gid: 0},
                {path: "/dev/conf-fifo", type: "p", fileMode: 384, uid: 2, gid: 3}]'
        sh_args 'for d in conf-null conf-blk conf-u conf-fifo; do stat -c "%n %F %t:%T %a %u %g" /dev/$d; done; echo data > /dev/conf-null && head -c 0 /dev/conf-null && echo conf-null-usable'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx '/dev/conf-null character special file 1:3 666 1000 1001'
        echo "$output" | grep -qx '/dev/conf-blk block special file 7:c8 640 0 6'
        echo "$output" | grep -qx '/dev/conf-u character special file 1:5 644 0 0'
        echo "$output" | grep -Eqx '/dev/conf-fifo fifo [0-9a-f]+:[0-9a-f]+ 600 2 3'
        echo "$output" | grep -qx conf-null-usable
}

@test "config-linux.md: devices — a file already at path that does not match the requested device MUST generate an error" {
        mkdir -p "$BUNDLE/rootfs/extra"
        echo not-a-device >"$BUNDLE/rootfs/extra/regular"
        mknod "$BUNDLE/rootfs/extra/other-dev" c 1 5
        update_config '.linux.devices = [{path: "/extra/regular", type: "c", major: 1, minor: 3, fileMode: 438}]'
        expect_refused
        [ "$(cat "$BUNDLE/rootfs/extra/regular")" = not-a-device ]
        update_config '.linux.devices = [{path: "/extra/other-dev", type: "c", major: 1, minor: 3, fileMode: 438}]'
        expect_refused
}

@test "config-linux.md: default devices — the runtime MUST supply /dev/null, /dev/zero, /dev/full, /dev/random, /dev/urandom, /dev/tty" {
        update_config 'del(.linux.devices)'
        sh_args 'for d in null zero full random urandom tty; do stat -c "%n %F %t:%T" /dev/$d; done
                echo x > /dev/null && echo null-ok
                [ "$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")" = 00000000 ] && echo zero-ok
                { echo x > /dev/full; } 2>&1 | grep -q "No space left" && echo full-ok
                [ "$(head -c 8 /dev/urandom | wc -c)" = 8 ] && echo urandom-ok
                [ "$(head -c 8 /dev/random | wc -c)" = 8 ] && echo random-ok'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        local d
        for d in "null 1:3" "zero 1:5" "full 1:7" "random 1:8" "urandom 1:9" "tty 5:0"; do
                echo "$output" | grep -qx "/dev/${d% *} character special file ${d#* }"
        done
        for d in null zero full urandom random; do
                echo "$output" | grep -qx "$d-ok"
        done
}

@test "config-linux.md: default devices — the runtime MUST supply /dev/ptmx, a bind mount or symlink of the container's /dev/pts/ptmx" {
        sh_args 'if [ -L /dev/ptmx ]; then readlink /dev/ptmx; fi; stat -L -c "%d:%i %t:%T" /dev/ptmx; stat -c "%d:%i %t:%T" /dev/pts/ptmx'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        if [ "${#lines[@]}" -eq 3 ]; then
                [[ ${lines[0]} == pts/ptmx || ${lines[0]} == /dev/pts/ptmx ]]
                unset 'lines[0]'
                lines=("${lines[@]}")
        fi
        [ "${lines[0]}" = "${lines[1]}" ]
}

@test "config-linux.md: default devices — /dev/console is set up if terminal is enabled, by bind mounting the pseudoterminal slave" {
        command -v script >/dev/null || skip "needs script(1) for a terminal"
        update_config '.process.terminal = true'
        sh_args 'c=$(stat -c %t:%T /dev/console); t=$(stat -L -c %t:%T /proc/$$/fd/0); echo "console=$c stdin=$t"; [ "$c" = "$t" ] && echo console-is-pty'
        run script -qec "$HULL_RUNTIME --root $ROOT run --bundle $BUNDLE $CID" /dev/null </dev/null
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | tr -d '\r\0' | grep -qx console-is-pty
}

# ---------------------------------------------------------------- cgroups

CTRLS="memory pids cpu cpuset devices"

@test "config-linux.md: cgroupsPath — an absolute path MUST be taken relative to the cgroups mount point" {
        requires cgroup_v1
        update_config '.linux.resources.memory = {limit: 67108864} | .linux.resources.pids = {limit: 100}
                | .linux.resources.cpu = {shares: 512}'
        set_args sleep 100000
        start_ctr
        local pid c bad=0
        pid=$(container_pid "$CID")
        cat /proc/$pid/cgroup
        for c in $CTRLS; do
                if ! grep -qx "$pid" "/sys/fs/cgroup/$c/$CGROUP_PARENT/$CID/cgroup.procs"; then
                        echo "$c: $pid not in /sys/fs/cgroup/$c/$CGROUP_PARENT/$CID" >&2
                        bad=1
                fi
                if ! grep -Eq "^[0-9]+:([^:]*,)?$c(,[^:]*)?:/$CGROUP_PARENT/$CID\$" /proc/$pid/cgroup; then
                        echo "$c: /proc/$pid/cgroup does not name /$CGROUP_PARENT/$CID" >&2
                        bad=1
                fi
        done
        [ "$bad" -eq 0 ]
}

@test "config-linux.md: cgroupsPath — given the same value the runtime MUST consistently attach to the same place in the hierarchy" {
        requires cgroup_v1
        set_args sleep 100000
        local first second c
        start_ctr "$CID"
        first=$(for c in $CTRLS; do grep -E "^[0-9]+:([^:]*,)?$c(,[^:]*)?:" /proc/$(container_pid "$CID")/cgroup; done)
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        runtime delete "$CID"
        start_ctr "$CID-again"
        second=$(for c in $CTRLS; do grep -E "^[0-9]+:([^:]*,)?$c(,[^:]*)?:" /proc/$(container_pid "$CID-again")/cgroup; done)
        echo "first: $first"
        echo "second: $second"
        [ -n "$first" ]
        [ "$first" = "$second" ]
        echo "$first" | grep -q ":/$CGROUP_PARENT/$CID\$"
}

# dev_rules_test: opens a device node (c 10:229, as /dev/fuse) that is not a
# default device of runtimes and not in linux.devices (it is made in the
# rootfs), so that only the allowlist decides its access.
dev_rules_test() { # RULES-JSON EXPECT-WRITE(yes|no)
        [ -e "$BUNDLE/rootfs/conf-fuse" ] || mknod -m 666 "$BUNDLE/rootfs/conf-fuse" c 10 229
        update_config ".linux.resources.devices = $1"
        sh_args 'if (exec 3</conf-fuse) 2>/dev/null; then echo read-open; fi
                 if (exec 3>/conf-fuse) 2>/dev/null; then echo write-open; fi; true'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx read-open
        if [ "$2" = yes ]; then
                echo "$output" | grep -qx write-open
        else
                ! echo "$output" | grep -qx write-open || false
        fi
}

@test "config-linux.md: device allowlist — the runtime MUST apply entries in the listed order" {
        requires cgroup_v1
        [ -c /dev/fuse ] || skip "needs /dev/fuse (c 10:229)"
        # allow, then deny write: write is denied
        dev_rules_test '[{allow: false, access: "rwm"}, {allow: true, type: "c", major: 10, minor: 229, access: "rwm"},
                {allow: false, type: "c", major: 10, minor: 229, access: "w"}]' no
        # deny write, then allow: write is allowed
        CID=$CID-2 dev_rules_test '[{allow: false, access: "rwm"}, {allow: false, type: "c", major: 10, minor: 229, access: "w"},
                {allow: true, type: "c", major: 10, minor: 229, access: "rwm"}]' yes
}

@test "config-linux.md: resources.memory — limit, reservation and swap are set in the container's memory cgroup (create MUST apply them)" {
        requires cgroup_v1
        [ -e /sys/fs/cgroup/memory/memory.memsw.limit_in_bytes ] || skip "needs swap accounting (memory.memsw)"
        update_config '.linux.resources.memory = {limit: 67108864, reservation: 33554432, swap: 134217728}'
        create_ctr
        [ "$(cg_file "$CID" memory memory.limit_in_bytes)" = 67108864 ]
        [ "$(cg_file "$CID" memory memory.soft_limit_in_bytes)" = 33554432 ]
        [ "$(cg_file "$CID" memory memory.memsw.limit_in_bytes)" = 134217728 ]
}

@test "config-linux.md: resources.memory — -1 means unlimited memory" {
        requires cgroup_v1
        update_config '.linux.resources.memory = {limit: -1}'
        create_ctr
        local v
        v=$(cg_file "$CID" memory memory.limit_in_bytes)
        echo "$v"
        [ "$v" = "$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" ]
}

@test "config-linux.md: resources.cpu — shares, quota, period, cpus and mems are set in the container's cgroups (create MUST apply them)" {
        requires cgroup_v1
        update_config '.linux.resources.cpu = {shares: 512, quota: 50000, period: 100000, cpus: "0", mems: "0"}'
        create_ctr
        [ "$(cg_file "$CID" cpu cpu.shares)" = 512 ]
        [ "$(cg_file "$CID" cpu cpu.cfs_quota_us)" = 50000 ]
        [ "$(cg_file "$CID" cpu cpu.cfs_period_us)" = 100000 ]
        [ "$(cg_file "$CID" cpuset cpuset.cpus)" = 0 ]
        [ "$(cg_file "$CID" cpuset cpuset.mems)" = 0 ]
}

@test "config-linux.md: resources.pids — limit is the maximum number of tasks in the cgroup (create MUST apply it)" {
        requires cgroup_v1
        update_config '.linux.resources.pids = {limit: 5}'
        # (the sleeps end with the pid namespace when the shell, its init, exits)
        sh_args 'for i in 1 2 3 4 5 6 7 8; do sleep 100 & done; echo done'
        create_ctr
        [ "$(cg_file "$CID" pids pids.max)" = 5 ]
        runtime start "$CID"
        wait_status "$CID" stopped
        # at most 5 tasks: the shell and 4 sleeps
        local n
        n=$(ctr_err | grep -c "can't fork\|Resource temporarily unavailable" || true)
        ctr_err
        [ "$n" -ge 1 ]
}

# ---------------------------------------------------------------- sysctl

@test "config-linux.md: sysctl — the kernel parameters are set for the container (create MUST apply every property)" {
        local fwd shm
        fwd=$(cat /proc/sys/net/ipv4/ip_forward)
        shm=$(cat /proc/sys/kernel/shm_rmid_forced)
        update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shm_rmid_forced": "1"}'
        sh_args 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shm_rmid_forced'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "$(printf '1\n1')" ]
        [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$fwd" ]
        [ "$(cat /proc/sys/kernel/shm_rmid_forced)" = "$shm" ]
}

@test "config-linux.md: sysctl — one that cannot be applied MUST generate an error and no container is created (runtime.md create)" {
        update_config '.linux.sysctl = {"net.conformance.no_such_key": "1"}'
        expect_refused
}

# ---------------------------------------------------------------- rootfsPropagation

# shared_rootfs: the bundle's rootfs becomes a shared mount on the host, so
# that propagation between the host and the container can be seen.
shared_rootfs() {
        mount --bind "$BUNDLE/rootfs" "$BUNDLE/rootfs"
        mount --make-shared "$BUNDLE/rootfs"
        mkdir -p "$BUNDLE/rootfs/late"
}

root_tags() { # PID: the optional fields of the container's "/" mount
        awk '$5 == "/" { t = ""; for (i = 7; $i != "-"; i++) t = t " " $i; print t }' /proc/$1/mountinfo | tail -1
}

@test "config-linux.md: rootfsPropagation slave — the rootfs receives mount events from the host, not the other way around" {
        shared_rootfs
        update_config '.linux.rootfsPropagation = "slave"'
        set_args sleep 100000
        start_ctr
        local pid rootfs
        pid=$(container_pid "$CID")
        rootfs=$(realpath "$BUNDLE/rootfs")
        mount -t tmpfs -o size=1m late-tmpfs "$rootfs/late"
        echo from-host >"$rootfs/late/f"
        echo "tags: $(root_tags "$pid")"
        [ "$(cat /proc/$pid/root/late/f)" = from-host ]
        # the container's own mounts (its /proc) do not show up on the host
        ! awk '{ print $5 }' /proc/self/mountinfo | grep -qx "$rootfs/proc" || false
}

@test "config-linux.md: rootfsPropagation private — the rootfs does not receive mount events from the host" {
        shared_rootfs
        update_config '.linux.rootfsPropagation = "private"'
        set_args sleep 100000
        start_ctr
        local pid rootfs
        pid=$(container_pid "$CID")
        rootfs=$(realpath "$BUNDLE/rootfs")
        mount -t tmpfs -o size=1m late-tmpfs "$rootfs/late"
        echo from-host >"$rootfs/late/f"
        echo "tags: $(root_tags "$pid")"
        [ ! -e /proc/$pid/root/late/f ]
        [[ $(root_tags "$pid") != *shared:* && $(root_tags "$pid") != *master:* ]]
        ! awk '{ print $5 }' /proc/self/mountinfo | grep -qx "$rootfs/proc" || false
}

@test "config-linux.md: rootfsPropagation shared — the rootfs mount belongs to a peer group" {
        update_config '.linux.rootfsPropagation = "shared"'
        set_args sleep 100000
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        echo "tags: $(root_tags "$pid")"
        [[ $(root_tags "$pid") == *shared:* ]]
}

@test "config-linux.md: rootfsPropagation unbindable — the rootfs mount cannot be bind-mounted" {
        update_config '.linux.rootfsPropagation = "unbindable"'
        set_args sleep 100000
        start_ctr
        local pid
        pid=$(container_pid "$CID")
        echo "tags: $(root_tags "$pid")"
        [[ $(root_tags "$pid") == *unbindable* ]]
}

# ---------------------------------------------------------------- maskedPaths, readonlyPaths

@test "config-linux.md: maskedPaths — the paths are masked so that they cannot be read" {
        mkdir -p "$BUNDLE/rootfs/etc/secret-dir"
        echo secret-file-content >"$BUNDLE/rootfs/etc/secret-file"
        echo secret-dir-content >"$BUNDLE/rootfs/etc/secret-dir/f"
        update_config '.linux.maskedPaths = ["/etc/secret-file", "/etc/secret-dir", "/proc/kcore"]'
        sh_args 'cat /etc/secret-file 2>&1; ls -A /etc/secret-dir 2>&1; cat /etc/secret-dir/f 2>&1; head -c 16 /proc/kcore 2>/dev/null | wc -c; echo done'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        ! echo "$output" | grep -q secret-file-content || false
        ! echo "$output" | grep -q secret-dir-content || false
        ! echo "$output" | grep -qx f || false
        echo "$output" | grep -qx 0
        echo "$output" | grep -qx done
}

@test "config-linux.md: maskedPaths — the values MUST be absolute paths (a relative one is an invalid value: error)" {
        update_config '.linux.maskedPaths = ["etc/passwd"]'
        expect_refused
}

@test "config-linux.md: readonlyPaths — the paths are read-only inside the container" {
        writable_rootfs
        update_config '.linux.readonlyPaths = ["/etc", "/proc/sys"]'
        sh_args 'touch /etc/new 2>/dev/null && echo etc-writable; { echo x > /proc/sys/kernel/hostname; } 2>/dev/null && echo procsys-writable; touch /tmp/new && echo tmp-writable'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = tmp-writable ]
        [ ! -e "$BUNDLE/rootfs/etc/new" ]
}

@test "config-linux.md: readonlyPaths — the values MUST be absolute paths (a relative one is an invalid value: error)" {
        update_config '.linux.readonlyPaths = ["etc"]'
        expect_refused
}
