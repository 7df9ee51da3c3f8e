#!/usr/bin/env bats
# The privileges of the container's processes: the five capability sets as
# configured (CapBnd, CapEff, CapPrm, CapInh, CapAmb of /proc/self/status
# inside), `exec --cap` never adding inheritable or ambient capabilities
# (CVE-2022-29162), and noNewPrivileges.

load ../lib/helpers
load security

setup() {
        sec_setup
        install_helper sysprobe
}
teardown() { sec_teardown; }

# cap_bit NAME: the capability's number.
cap_bit() {
        case $1 in
        CAP_CHOWN) echo 0 ;;
        CAP_KILL) echo 5 ;;
        CAP_NET_BIND_SERVICE) echo 10 ;;
        CAP_NET_ADMIN) echo 12 ;;
        CAP_SYS_CHROOT) echo 18 ;;
        CAP_SYS_ADMIN) echo 21 ;;
        CAP_AUDIT_WRITE) echo 29 ;;
        *) return 1 ;;
        esac
}

# capmask NAME...: the mask of /proc/PID/status (16 hex digits).
capmask() {
        local m=0 c
        for c in "$@"; do
                m=$((m | (1 << $(cap_bit "$c"))))
        done
        printf '%016x\n' "$m"
}

# status_field OUTPUT FIELD: a field of /proc/self/status in OUTPUT.
status_field() {
        echo "$1" | awk -v f="$2:" '$1 == f { print $2 }'
}

# set_caps BND EFF PRM INH AMB: each a JSON array.
set_caps() {
        update_config ".process.capabilities = {bounding: $1, effective: $2, permitted: $3, inheritable: $4, ambient: $5}"
}

@test "capabilities: bounding, effective, permitted, inheritable and ambient are as configured (root)" {
        set_caps '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT"]' \
                '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT"]' \
                '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT"]' \
                '["CAP_KILL"]' '[]'
        set_args cat /proc/self/status
        run_runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        all=$(capmask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SYS_CHROOT)
        [ "$(status_field "$output" CapBnd)" = "$all" ]
        [ "$(status_field "$output" CapEff)" = "$all" ]
        [ "$(status_field "$output" CapPrm)" = "$all" ]
        [ "$(status_field "$output" CapInh)" = "$(capmask CAP_KILL)" ]
        [ "$(status_field "$output" CapAmb)" = 0000000000000000 ]
}

@test "capabilities: bounding, inheritable and ambient as configured, and only the ambient ones effective and permitted after execve (uid 1000)" {
        update_config '.process.user = {uid: 1000, gid: 1000}'
        set_caps '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE","CAP_SYS_CHROOT"]' \
                '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"]' \
                '["CAP_CHOWN","CAP_KILL","CAP_NET_BIND_SERVICE"]' \
                '["CAP_KILL","CAP_NET_BIND_SERVICE"]' '["CAP_NET_BIND_SERVICE"]'
        set_args cat /proc/self/status
        run_runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$(status_field "$output" CapBnd)" = "$(capmask CAP_CHOWN CAP_KILL CAP_NET_BIND_SERVICE CAP_SYS_CHROOT)" ]
        [ "$(status_field "$output" CapInh)" = "$(capmask CAP_KILL CAP_NET_BIND_SERVICE)" ]
        [ "$(status_field "$output" CapAmb)" = "$(capmask CAP_NET_BIND_SERVICE)" ]
        # A non-root execve keeps exactly the ambient set (the kernel's rule).
        [ "$(status_field "$output" CapPrm)" = "$(capmask CAP_NET_BIND_SERVICE)" ]
        [ "$(status_field "$output" CapEff)" = "$(capmask CAP_NET_BIND_SERVICE)" ]
        [ "$(status_field "$output" Uid)" = 1000 ]
}

@test "CVE-2022-29162: exec --cap adds to bounding, effective and permitted, never to inheritable or ambient (root, uid 1000, a file with inheritable file capabilities)" {
        command -v setcap >/dev/null || skip "needs setcap"
        set_caps '["CAP_KILL"]' '["CAP_KILL"]' '["CAP_KILL"]' '[]' '[]'
        set_args sleep 1000
        # A binary of the image with inheritable (and effective) file
        # capabilities: a leaked inheritable CAP_NET_ADMIN would make it
        # privileged for a non-root user.
        mkdir -p "$BUNDLE/rootfs/fcap"
        cp "$BUNDLE/rootfs/bin/busybox" "$BUNDLE/rootfs/fcap/cat"
        setcap cap_net_admin+ei "$BUNDLE/rootfs/fcap/cat"
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        run_runtime exec --cap CAP_NET_ADMIN "$CID" cat /proc/self/status
        echo "root: $(echo "$output" | grep ^Cap | tr '\n\t' '  ')"
        [ "$status" -eq 0 ]
        [ "$(status_field "$output" CapInh)" = 0000000000000000 ]
        [ "$(status_field "$output" CapAmb)" = 0000000000000000 ]
        [ "$(status_field "$output" CapBnd)" = "$(capmask CAP_KILL CAP_NET_ADMIN)" ]
        [ "$(status_field "$output" CapEff)" = "$(capmask CAP_KILL CAP_NET_ADMIN)" ]
        run_runtime exec --cap CAP_NET_ADMIN --user 1000:1000 "$CID" /fcap/cat /proc/self/status
        echo "uid 1000, /fcap/cat: $(echo "$output" | grep ^Cap | tr '\n\t' '  ')"
        [ "$status" -eq 0 ]
        [ "$(status_field "$output" CapInh)" = 0000000000000000 ]
        [ "$(status_field "$output" CapAmb)" = 0000000000000000 ]
        [ "$(status_field "$output" CapPrm)" = 0000000000000000 ]
        [ "$(status_field "$output" CapEff)" = 0000000000000000 ]
}

@test "noNewPrivileges: NoNewPrivs is 1 and a setuid-root binary does not raise a non-root process (run and exec --no-new-privs)" {
        cp "$BUNDLE/rootfs/sysprobe" "$BUNDLE/rootfs/suid-probe"
        chmod 4755 "$BUNDLE/rootfs/suid-probe"
        # Without seccomp: its filter needs no_new_privs (or CAP_SYS_ADMIN) to
        # load, this tests the flag itself.
        update_config 'del(.linux.seccomp) | .process.user = {uid: 1000, gid: 1000} | .process.noNewPrivileges = true'
        set_args sh -c 'grep NoNewPrivs /proc/self/status; /suid-probe ids'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$output $stderr"
        [ "$status" -eq 0 ]
        [ "$(status_field "$output" NoNewPrivs)" = 1 ]
        [[ $output == *"uid=1000 euid=1000"* ]]
        # Without it (the control: the setuid binary does raise), and exec
        # --no-new-privs into such a container.
        update_config '.process.noNewPrivileges = false'
        set_args sleep 1000
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        run_runtime exec "$CID" sh -c 'grep NoNewPrivs /proc/self/status; /suid-probe ids'
        echo "$output $stderr"
        [ "$(status_field "$output" NoNewPrivs)" = 0 ]
        [[ $output == *"uid=1000 euid=0"* ]]
        run_runtime exec --no-new-privs "$CID" sh -c 'grep NoNewPrivs /proc/self/status; /suid-probe ids'
        echo "$output $stderr"
        [ "$(status_field "$output" NoNewPrivs)" = 1 ]
        [[ $output == *"uid=1000 euid=1000"* ]]
}
