#!/usr/bin/env bats
# /dev: the default devices and links of the runtime-spec, and linux.devices.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

@test "devices: the default /dev has null, zero, full, random, urandom, tty as the right character devices" {
        set_args sh -c 'for d in null zero full random urandom tty; do echo "$d $(stat -c "%F %t:%T %a %u:%g" /dev/$d)"; done'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        for want in "null 1:3" "zero 1:5" "full 1:7" "random 1:8" "urandom 1:9" "tty 5:0"; do
                set -- $want
                line=$(printf '%s\n' "${lines[@]}" | grep "^$1 ")
                [[ $line == "$1 character special file $2 666 0:0" ]] || { echo "bad /dev/$1: $line" >&2; false; }
        done
}

@test "devices: /dev/ptmx, /dev/pts (devpts) and /dev/shm are there" {
        set_args sh -c 'stat -c "%F %t:%T" /dev/ptmx; readlink /dev/ptmx; stat -c %F /dev/pts/ptmx; cat /proc/self/mountinfo'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        # /dev/ptmx: the pts instance's ptmx, as a symlink or a 5:2 device.
        [[ ${lines[0]} == "symbolic link"* && ${lines[1]} == pts/ptmx || ${lines[0]} == "character special file 5:2" ]]
        echo "$output" | awk '$5 == "/dev/pts"' | grep -q ' - devpts '
        echo "$output" | awk '$5 == "/dev/shm"' | grep -q ' - tmpfs '
}

@test "devices: /dev/fd, /dev/stdin, /dev/stdout, /dev/stderr are links into /proc/self/fd" {
        set_args sh -c 'for l in fd stdin stdout stderr; do echo "$l $(readlink /dev/$l)"; done; echo via-stdout > /dev/stdout; echo via-stderr > /dev/stderr'
        run --separate-stderr runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "fd /proc/self/fd" ]
        [ "${lines[1]}" = "stdin /proc/self/fd/0" ]
        [ "${lines[2]}" = "stdout /proc/self/fd/1" ]
        [ "${lines[3]}" = "stderr /proc/self/fd/2" ]
        [ "${lines[4]}" = via-stdout ]
        [[ $stderr == *via-stderr* ]]
}

@test "devices: the default devices work (null, zero, full, urandom) inside the device cgroup" {
        set_args sh -c 'echo x > /dev/null && echo null-ok
                [ "$(head -c 4 /dev/zero | od -An -tx1 | tr -d " ")" = 00000000 ] && echo zero-ok
                echo x 2>/dev/null > /dev/full || echo full-refuses
                [ "$(head -c 16 /dev/urandom | wc -c)" = 16 ] && echo urandom-ok'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = "null-ok
zero-ok
full-refuses
urandom-ok" ]
}

@test "devices: linux.devices are created with type, numbers, mode, owner and are usable" {
        update_config '.linux.devices = [
                {path: "/dev/hull-null", type: "c", major: 1, minor: 3, fileMode: 416, uid: 0, gid: 0},
                {path: "/dev/sub/hull-zero", type: "c", major: 1, minor: 5, fileMode: 438, uid: 1000, gid: 1001}]
                | .linux.resources.devices += [{allow: true, type: "c", major: 1, minor: 3, access: "rwm"},
                                               {allow: true, type: "c", major: 1, minor: 5, access: "rwm"}]'
        set_args sh -c 'stat -c "%F %t:%T %a %u:%g" /dev/hull-null /dev/sub/hull-zero; echo x > /dev/hull-null && echo write-ok; head -c 2 /dev/sub/hull-zero | wc -c'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = "character special file 1:3 640 0:0" ]
        [ "${lines[1]}" = "character special file 1:5 666 1000:1001" ]
        [ "${lines[2]}" = write-ok ]
        [ "${lines[3]}" = 2 ]
}

@test "devices: the device cgroup denies a device the config does not allow" {
        # /dev/mem (1:1) is neither a default device nor allowed; mknod it with CAP_MKNOD.
        update_config '.process.capabilities.bounding += ["CAP_MKNOD"] | .process.capabilities.effective += ["CAP_MKNOD"] | .process.capabilities.permitted += ["CAP_MKNOD"]'
        writable_rootfs
        update_config '.mounts += [{destination: "/scratch", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
        set_args sh -c 'mknod /scratch/mem c 1 1 2>/dev/null; head -c 1 /scratch/mem >/dev/null 2>&1 && echo readable || echo denied'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = denied ]
}

@test "devices: /dev is a fresh tmpfs, not the host's /dev" {
        set_args sh -c 'ls /dev | sort'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        ! echo "$output" | grep -qx vda || false
        ! echo "$output" | grep -qx kmsg || false
        ! echo "$output" | grep -qx mem || false
}
