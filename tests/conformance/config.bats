#!/usr/bin/env bats
# Conformance: config.md of the OCI runtime-spec v1.2.0.  One test per MUST /
# MUST NOT / REQUIRED statement (or definition) of the fields hull-runtime
# implements; see README.md for the table and for what is not tested.

load ../lib/helpers
load lib

setup() { setup_bundle; }
teardown() { cleanup_containers; }

# ---------------------------------------------------------------- root

@test "config.md: root.path — a directory MUST exist at the path declared by the field (a missing one is an error)" {
        update_config '.root.path = "no-such-rootfs"'
        expect_refused
        touch "$BUNDLE/rootfs-file"
        update_config '.root.path = "rootfs-file"'
        expect_refused
}

@test "config.md: root.path is either an absolute path or a path relative to the bundle" {
        echo from-rootfs >"$BUNDLE/rootfs/marker"
        set_args cat /marker
        cd /
        run_ctr
        [ "$status" -eq 0 ]
        [ "$output" = from-rootfs ]
        update_config ".root.path = \"$BUNDLE/rootfs\""
        run_ctr "$CID-abs"
        [ "$status" -eq 0 ]
        [ "$output" = from-rootfs ]
}

@test "config.md: root.readonly true — the root filesystem MUST be read-only inside the container" {
        update_config '.root.readonly = true'
        sh_args 'touch /newfile 2>&1 || echo refused-root; touch /tmp/newfile 2>&1 || echo refused-tmp; awk "\$5 == \"/\" { print \$6 }" /proc/self/mountinfo'
        run_ctr
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx refused-root
        echo "$output" | grep -qx refused-tmp
        echo "$output" | tail -1 | grep -Eq '(^|,)ro(,|$)'
        [ ! -e "$BUNDLE/rootfs/newfile" ]
        [ ! -e "$BUNDLE/rootfs/tmp/newfile" ]
}

@test "config.md: root.readonly defaults to false (the root filesystem is writable)" {
        update_config 'del(.root.readonly)'
        sh_args 'echo hi > /newfile && echo wrote'
        run_ctr
        [ "$status" -eq 0 ]
        [ "$output" = wrote ]
        [ "$(cat "$BUNDLE/rootfs/newfile")" = hi ]
}

# ---------------------------------------------------------------- mounts

@test "config.md: mounts — the runtime MUST mount entries in the listed order" {
        local a=$BATS_TEST_TMPDIR/a b=$BATS_TEST_TMPDIR/b
        mkdir -p "$a" "$b"
        echo A >"$a/id"
        echo B >"$b/id"
        # /m: a bind, a tmpfs over it, a bind on a mount point made in the tmpfs;
        # /n: a tmpfs, then a bind over it (the last one listed is on top).
        add_mount /m bind "$a" rbind
        add_mount /m tmpfs tmpfs size=1m
        add_mount /m/sub bind "$b" rbind
        add_mount /n tmpfs tmpfs size=1m
        add_mount /n bind "$a" rbind
        sh_args 'cat /n/id; cat /m/sub/id; ls /m | tr "\n" " "; echo; awk "\$5 ~ /^\/[mn](\/sub)?\$/ { print \$5, \$(NF-2) }" /proc/self/mountinfo | tr "\n" ";"'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = A ]
        [ "${lines[1]}" = B ]
        [ "${lines[2]}" = "sub " ]
        local fs
        fs=$(df --output=fstype "$a" | tail -1)
        [ "${lines[3]}" = "/m $fs;/m tmpfs;/m/sub $fs;/n tmpfs;/n $fs;" ]
}

@test "config.md: mounts — a relative destination MUST be interpreted as relative to \"/\"" {
        update_config '.process.cwd = "/tmp"'
        add_mount relmnt tmpfs tmpfs size=1m
        sh_args 'awk "\$5 == \"/relmnt\" { print \$5, \$(NF-2) }" /proc/self/mountinfo; [ -e /tmp/relmnt ] && echo under-cwd; true'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx "/relmnt tmpfs"
        ! echo "$output" | grep -q under-cwd || false
}

@test "config.md: mounts — a destination missing from the rootfs is created and mounted (runtime.md: every property MUST be applied)" {
        local d=$BATS_TEST_TMPDIR/src
        mkdir -p "$d"
        echo dir-content >"$d/f"
        echo file-content >"$BATS_TEST_TMPDIR/file"
        add_mount /new/deep/dir bind "$d" rbind
        add_mount /etc/newfile bind "$BATS_TEST_TMPDIR/file" rbind
        add_mount /new/tmpfs tmpfs tmpfs size=1m
        sh_args 'cat /new/deep/dir/f /etc/newfile; [ -f /etc/newfile ] && echo is-file; awk "\$5 == \"/new/tmpfs\" { print \$(NF-2) }" /proc/self/mountinfo'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "$(printf 'dir-content\nfile-content\nis-file\ntmpfs')" ]
}

@test "config.md: mounts — bind mount sources are either absolute or relative to the bundle" {
        mkdir -p "$BUNDLE/data" "$BATS_TEST_TMPDIR/abs"
        echo relative >"$BUNDLE/data/f"
        echo absolute >"$BATS_TEST_TMPDIR/abs/f"
        add_mount /rel bind data rbind
        add_mount /abs bind "$BATS_TEST_TMPDIR/abs" rbind
        sh_args 'cat /rel/f /abs/f'
        cd /
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "$(printf 'relative\nabsolute')" ]
}

@test "config.md: mounts — a mount is a bind mount if its options include bind or rbind (whatever its type)" {
        local d=$BATS_TEST_TMPDIR/src
        mkdir -p "$d"
        echo bound >"$d/f"
        add_mount /b-none none "$d" bind
        add_mount /b-bind bind "$d" rbind
        update_config ".mounts += [{destination: \"/b-notype\", source: \"$d\", options: [\"rbind\"]}]"
        sh_args 'cat /b-none/f /b-bind/f /b-notype/f'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "$(printf 'bound\nbound\nbound')" ]
}

# Linux mount options: "Runtimes MUST implement the following option strings".
# mnt_opts OUTPUT MOUNTPOINT: the per-mount options (field 6) of a mount point
# in a mountinfo dump; super_opts: its super options (last field).
mnt_opts() { echo "$1" | awk -v m="$2" '$5 == m { print $6 }' | tail -1; }
super_opts() { echo "$1" | awk -v m="$2" '$5 == m { print $NF }' | tail -1; }
has_opt() { [[ ",$1," == *",$2,"* ]]; }

@test "config.md: Linux mount options MUST be implemented: ro, rw, nosuid, suid, nodev, dev, noexec, exec" {
        add_mount /o1 tmpfs tmpfs ro nosuid nodev noexec
        add_mount /o2 tmpfs tmpfs rw suid dev exec
        add_mount /o3 tmpfs tmpfs nosuid suid nodev dev noexec exec ro rw
        sh_args 'cat /proc/self/mountinfo'
        run_ctr
        [ "$status" -eq 0 ]
        local o
        o=$(mnt_opts "$output" /o1)
        echo "o1: $o"
        has_opt "$o" ro && has_opt "$o" nosuid && has_opt "$o" nodev && has_opt "$o" noexec || false
        for m in /o2 /o3; do
                o=$(mnt_opts "$output" $m)
                echo "$m: $o"
                has_opt "$o" rw && ! has_opt "$o" nosuid && ! has_opt "$o" nodev && ! has_opt "$o" noexec || false
        done
}

@test "config.md: Linux mount options MUST be implemented: atime, noatime, strictatime, nostrictatime, relatime, norelatime, diratime, nodiratime" {
        add_mount /a1 tmpfs tmpfs noatime
        add_mount /a2 tmpfs tmpfs strictatime
        add_mount /a3 tmpfs tmpfs noatime atime
        add_mount /a4 tmpfs tmpfs strictatime nostrictatime
        add_mount /a5 tmpfs tmpfs nodiratime
        add_mount /a6 tmpfs tmpfs nodiratime diratime
        add_mount /a7 tmpfs tmpfs relatime
        add_mount /a8 tmpfs tmpfs norelatime
        sh_args 'cat /proc/self/mountinfo'
        run_ctr
        [ "$status" -eq 0 ]
        local o
        o=$(mnt_opts "$output" /a1); echo "a1 $o"; has_opt "$o" noatime
        o=$(mnt_opts "$output" /a2); echo "a2 $o"; ! has_opt "$o" noatime && ! has_opt "$o" relatime || false
        o=$(mnt_opts "$output" /a3); echo "a3 $o"; ! has_opt "$o" noatime && has_opt "$o" relatime || false
        o=$(mnt_opts "$output" /a4); echo "a4 $o"; has_opt "$o" relatime
        o=$(mnt_opts "$output" /a5); echo "a5 $o"; has_opt "$o" nodiratime
        o=$(mnt_opts "$output" /a6); echo "a6 $o"; ! has_opt "$o" nodiratime || false
        o=$(mnt_opts "$output" /a7); echo "a7 $o"; has_opt "$o" relatime
        # norelatime only clears relatime: the kernel's default (relatime) stays
        o=$(mnt_opts "$output" /a8); echo "a8 $o"; [ -n "$o" ]
}

@test "config.md: Linux mount options MUST be implemented: sync, async, dirsync, lazytime, nolazytime, iversion, noiversion, silent, loud, defaults" {
        add_mount /s1 tmpfs tmpfs sync
        add_mount /s2 tmpfs tmpfs sync async
        add_mount /s3 tmpfs tmpfs dirsync
        add_mount /s4 tmpfs tmpfs lazytime
        add_mount /s5 tmpfs tmpfs lazytime nolazytime
        add_mount /s6 tmpfs tmpfs defaults silent loud iversion noiversion
        sh_args 'cat /proc/self/mountinfo'
        run_ctr
        [ "$status" -eq 0 ]
        local o
        o=$(super_opts "$output" /s1); echo "s1 $o"; has_opt "$o" sync
        o=$(super_opts "$output" /s2); echo "s2 $o"; ! has_opt "$o" sync || false
        o=$(super_opts "$output" /s3); echo "s3 $o"; has_opt "$o" dirsync
        o=$(super_opts "$output" /s4); echo "s4 $o"; has_opt "$o" lazytime
        o=$(super_opts "$output" /s5); echo "s5 $o"; ! has_opt "$o" lazytime || false
        o=$(mnt_opts "$output" /s6); echo "s6 $o"; has_opt "$o" rw
}

@test "config.md: Linux mount options MUST be implemented: bind (the tree alone) and rbind (with its submounts)" {
        local d=$BATS_TEST_TMPDIR/tree
        mkdir -p "$d/sub"
        echo top >"$d/f"
        mount -t tmpfs tmpfs "$d/sub"
        echo submount >"$d/sub/f"
        add_mount /b1 bind "$d" bind
        add_mount /b2 bind "$d" rbind
        sh_args 'cat /b1/f; cat /b1/sub/f 2>/dev/null || echo no-submount; cat /b2/f /b2/sub/f'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = "$(printf 'top\nno-submount\ntop\nsubmount')" ]
}

@test "config.md: Linux mount options MUST be implemented: private, rprivate, shared, rshared, slave, rslave, unbindable, runbindable" {
        # A host tree that is shared (with a submount), so that slave has a master.
        local d=$BATS_TEST_TMPDIR/prop
        mkdir -p "$d"
        mount --bind "$d" "$d"
        mount --make-shared "$d"
        mkdir -p "$d/sub"
        mount -t tmpfs tmpfs "$d/sub"
        local m
        for m in private rprivate shared rshared slave rslave unbindable runbindable; do
                add_mount "/p-$m" bind "$d" rbind "$m"
        done
        sh_args 'cat /proc/self/mountinfo'
        run_ctr
        [ "$status" -eq 0 ]
        # optional fields of a mount point: between field 7 and the "-"
        tags() { echo "$output" | awk -v m="$1" '$5 == m { t = ""; for (i = 7; $i != "-"; i++) t = t " " $i; print t }' | tail -1; }
        local t
        for m in private rprivate; do
                t=$(tags /p-$m); echo "$m: $t"; [[ $t != *shared:* && $t != *master:* && $t != *unbindable* ]]
        done
        t=$(tags /p-rprivate/sub); echo "rprivate sub: $t"; [[ $t != *shared:* && $t != *master:* ]]
        for m in shared rshared; do
                t=$(tags /p-$m); echo "$m: $t"; [[ $t == *shared:* ]]
        done
        t=$(tags /p-rshared/sub); echo "rshared sub: $t"; [[ $t == *shared:* ]]
        for m in slave rslave; do
                t=$(tags /p-$m); echo "$m: $t"; [[ $t == *master:* && $t != *shared:* ]]
        done
        t=$(tags /p-rslave/sub); echo "rslave sub: $t"; [[ $t == *master:* && $t != *shared:* ]]
        for m in unbindable runbindable; do
                t=$(tags /p-$m); echo "$m: $t"; [[ $t == *unbindable* ]]
        done
        t=$(tags /p-runbindable/sub); echo "runbindable sub: $t"; [[ $t == *unbindable* ]]
}

@test "config.md: Linux mount options MUST be implemented: remount (changes the flags of the mount at the destination)" {
        add_mount /r tmpfs tmpfs rw size=1m
        add_mount /r tmpfs tmpfs remount ro
        sh_args 'touch /r/x 2>/dev/null && echo writable; awk "\$5 == \"/r\"" /proc/self/mountinfo | wc -l; awk "\$5 == \"/r\" { print \$6 }" /proc/self/mountinfo'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 1 ]
        has_opt "${lines[1]}" ro
}

@test "config.md: Linux mount options — unknown options MUST be passed to mount(2) as filesystem-specific data" {
        add_mount /data tmpfs tmpfs nosuid size=1m mode=0710 nr_inodes=1234
        sh_args 'cat /proc/self/mountinfo'
        run_ctr
        [ "$status" -eq 0 ]
        local o
        o=$(super_opts "$output" /data)
        echo "$o"
        has_opt "$o" size=1024k
        has_opt "$o" mode=710
        has_opt "$o" nr_inodes=1234
        has_opt "$(mnt_opts "$output" /data)" nosuid
}

# ---------------------------------------------------------------- process

@test "config.md: process.terminal true — a pseudoterminal is allocated and its slave is on the process's standard streams" {
        command -v script >/dev/null || skip "needs script(1) for a terminal"
        update_config '.process.terminal = true'
        sh_args '[ -t 0 ] && [ -t 1 ] && [ -t 2 ] && echo all-ttys; s0=$(stat -L -c %t:%T /proc/$$/fd/0); s1=$(stat -L -c %t:%T /proc/$$/fd/1); s2=$(stat -L -c %t:%T /proc/$$/fd/2); [ "$s0" = "$s1" ] && [ "$s1" = "$s2" ] && echo same-pty'
        run script -qec "$HULL_RUNTIME --root $ROOT run --bundle $BUNDLE $CID" /dev/null </dev/null
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | tr -d '\r\0' | grep -q all-ttys
        echo "$output" | tr -d '\r\0' | grep -q same-pty
}

@test "config.md: process.consoleSize — runtimes MUST ignore consoleSize if terminal is false or unset" {
        update_config '.process.terminal = false | .process.consoleSize = {height: 11, width: 33}'
        sh_args '[ -t 0 ] || [ -t 1 ] || [ -t 2 ] || echo no-tty'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = no-tty ]
        update_config 'del(.process.terminal)'
        run_ctr "$CID-unset"
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$output" = no-tty ]
}

@test "config.md: process.cwd MUST be an absolute path (a relative cwd is refused)" {
        update_config '.process.cwd = "tmp"'
        expect_refused
}

@test "config.md: process.cwd is the working directory set for the executable" {
        update_config '.process.cwd = "/tmp"'
        set_args pwd
        run_ctr
        [ "$status" -eq 0 ]
        [ "$output" = /tmp ]
}

@test "config.md: process.env has the semantics of environ (the program gets the configured variables, not the runtime's)" {
        update_config '.process.env = ["PATH=/bin:/usr/bin", "FOO=bar baz", "EMPTY=", "EQ=a=b"]'
        set_args env
        LEAK_FROM_RUNTIME=1 run --separate-stderr runtime run --bundle "$BUNDLE" "$CID" </dev/null
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx 'PATH=/bin:/usr/bin'
        echo "$output" | grep -qx 'FOO=bar baz'
        echo "$output" | grep -qx 'EMPTY='
        echo "$output" | grep -qx 'EQ=a=b'
        ! echo "$output" | grep -q LEAK_FROM_RUNTIME || false
}

@test "config.md: process.args — at least one entry is REQUIRED (empty args are refused)" {
        update_config '.process.args = []'
        run runtime run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -ne 0 ]
        expect_no_container "$CID"
        update_config 'del(.process.args)'
        run runtime run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -ne 0 ]
        expect_no_container "$CID"
}

@test "config.md: process.args is the argv of the program; args[0] is used as execvp's file (searched in PATH)" {
        update_config '.process.env = ["PATH=/usr/local/bin:/bin"]'
        set_args cat /proc/self/cmdline
        local argv
        argv=$(runtime run --bundle "$BUNDLE" "$CID" </dev/null | tr '\0' '|')
        [ "$argv" = "cat|/proc/self/cmdline|" ]
        set_args sh -c 'printf "<%s>" "$@"' zero "a b" "" c
        run_ctr "$CID-2"
        [ "$status" -eq 0 ]
        [ "$output" = "<a b><><c>" ]
}

@test "config.md: process.args — a program that cannot be found generates an error (at create or at start)" {
        set_args no-such-program
        if runtime create --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1; then
                run runtime start "$CID"
                [ "$status" -ne 0 ]
        fi
        run runtime state "$CID"
        if [ "$status" -eq 0 ]; then
                [ "$(echo "$output" | jq -r .status)" != running ]
        fi
}

# /proc/self/limits: "Max open files  SOFT  HARD  units" (name in 25 columns)
limit_of() { # LIMITS-TEXT NAME soft|hard
        echo "$1" | awk -v n="$2" -v w="$3" 'substr($0, 1, length(n)) == n { split(substr($0, 27), f, " "); print (w == "soft" ? f[1] : f[2]) }'
}

all_rlimits='[
  {"type": "RLIMIT_CPU", "soft": 1000, "hard": 2000},
  {"type": "RLIMIT_FSIZE", "soft": 1073741824, "hard": 2147483648},
  {"type": "RLIMIT_DATA", "soft": 17179869184, "hard": 17179869185},
  {"type": "RLIMIT_STACK", "soft": 8388608, "hard": 16777216},
  {"type": "RLIMIT_CORE", "soft": 0, "hard": 1024},
  {"type": "RLIMIT_RSS", "soft": 1073741824, "hard": 2147483648},
  {"type": "RLIMIT_NPROC", "soft": 50000, "hard": 60000},
  {"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024},
  {"type": "RLIMIT_MEMLOCK", "soft": 65536, "hard": 131072},
  {"type": "RLIMIT_AS", "soft": 1099511627776, "hard": 1099511627777},
  {"type": "RLIMIT_LOCKS", "soft": 1000, "hard": 2000},
  {"type": "RLIMIT_SIGPENDING", "soft": 1000, "hard": 2000},
  {"type": "RLIMIT_MSGQUEUE", "soft": 8192, "hard": 16384},
  {"type": "RLIMIT_NICE", "soft": 0, "hard": 0},
  {"type": "RLIMIT_RTPRIO", "soft": 0, "hard": 0},
  {"type": "RLIMIT_RTTIME", "soft": 1000000, "hard": 2000000}]'
limit_names=("Max cpu time" "Max file size" "Max data size" "Max stack size" "Max core file size"
        "Max resident set" "Max processes" "Max open files" "Max locked memory" "Max address space"
        "Max file locks" "Max pending signals" "Max msgqueue size" "Max nice priority"
        "Max realtime priority" "Max realtime timeout")

check_rlimits() { # soft|hard
        update_config ".process.rlimits = $all_rlimits"
        set_args cat /proc/self/limits
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        local i want got bad=0
        for i in "${!limit_names[@]}"; do
                want=$(echo "$all_rlimits" | jq -r ".[$i].$1")
                got=$(limit_of "$output" "${limit_names[$i]}" "$1")
                if [ "$got" != "$want" ]; then
                        echo "$(echo "$all_rlimits" | jq -r ".[$i].type") $1: want $want, got '$got'" >&2
                        bad=1
                fi
        done
        [ "$bad" -eq 0 ]
}

@test "config.md: rlimits — for each entry getrlimit(3) on type MUST succeed and rlim.rlim_cur MUST match the configured soft value" {
        check_rlimits soft
}

@test "config.md: rlimits — rlim.rlim_max MUST match the configured hard value" {
        check_rlimits hard
}

@test "config.md: rlimits — the runtime MUST generate an error for a type that cannot be mapped to a kernel interface" {
        update_config '.process.rlimits = [{"type": "RLIMIT_BOGUS", "soft": 1, "hard": 1}]'
        expect_refused
}

@test "config.md: rlimits — duplicated entries with the same type MUST generate an error" {
        update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 1024},
                {"type": "RLIMIT_NOFILE", "soft": 256, "hard": 1024}]'
        expect_refused
}

# CAP_CHOWN 0, CAP_KILL 5, CAP_SETUID 7, CAP_NET_BIND_SERVICE 10, CAP_NET_RAW 13
@test "config.md: capabilities — the process keeps the configured bounding, permitted and effective sets (root)" {
        update_config '.process.capabilities = {
                bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_NET_RAW"],
                permitted: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_NET_RAW"],
                effective: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_NET_RAW"],
                inheritable: [], ambient: []}'
        set_args grep Cap /proc/self/status
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        local m
        m=$(mask_of 0 5 7 13)
        echo "$output" | grep -qx "CapBnd:[[:space:]]*$m"
        echo "$output" | grep -qx "CapPrm:[[:space:]]*$m"
        echo "$output" | grep -qx "CapEff:[[:space:]]*$m"
        echo "$output" | grep -qx "CapInh:[[:space:]]*0*"
        echo "$output" | grep -qx "CapAmb:[[:space:]]*0*"
}

@test "config.md: capabilities — a non-root process keeps the configured inheritable and ambient sets (and so permitted/effective)" {
        update_config '.process.user = {uid: 1000, gid: 1000} | .process.capabilities = {
                bounding: ["CAP_CHOWN", "CAP_KILL", "CAP_SETUID", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
                permitted: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
                effective: ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
                inheritable: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"],
                ambient: ["CAP_NET_BIND_SERVICE", "CAP_NET_RAW"]}'
        set_args grep Cap /proc/self/status
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        local amb
        amb=$(mask_of 10 13)
        echo "$output" | grep -qx "CapBnd:[[:space:]]*$(mask_of 0 5 7 10 13)"
        echo "$output" | grep -qx "CapInh:[[:space:]]*$amb"
        echo "$output" | grep -qx "CapAmb:[[:space:]]*$amb"
        # execve(2) of a non-root process without file capabilities: P' = ambient
        echo "$output" | grep -qx "CapPrm:[[:space:]]*$amb"
        echo "$output" | grep -qx "CapEff:[[:space:]]*$amb"
}

@test "config.md: capabilities — a value that cannot be mapped to a kernel capability MUST be logged as a warning" {
        update_config '.process.capabilities.bounding += ["CAP_BOGUS_CONFORMANCE"]'
        run runtime --log "$BATS_TEST_TMPDIR/runtime.log" run --bundle "$BUNDLE" "$CID" </dev/null
        echo "$output"
        cat "$BATS_TEST_TMPDIR/runtime.log" 2>/dev/null || true
        { echo "$output"; cat "$BATS_TEST_TMPDIR/runtime.log" 2>/dev/null; } | grep -q CAP_BOGUS_CONFORMANCE
}

@test "config.md: noNewPrivileges — true sets no_new_privs on the process, false does not" {
        update_config '.process.noNewPrivileges = true'
        set_args grep NoNewPrivs /proc/self/status
        run_ctr
        [ "$status" -eq 0 ]
        echo "$output" | grep -Eqx 'NoNewPrivs:[[:space:]]*1'
        update_config '.process.noNewPrivileges = false'
        run_ctr "$CID-false"
        [ "$status" -eq 0 ]
        echo "$output" | grep -Eqx 'NoNewPrivs:[[:space:]]*0'
}

@test "config.md: oomScoreAdj — if set, the runtime MUST set oom_score_adj to the given value" {
        update_config '.process.oomScoreAdj = 123'
        set_args cat /proc/self/oom_score_adj
        run_ctr
        [ "$status" -eq 0 ]
        [ "$output" = 123 ]
}

@test "config.md: oomScoreAdj — if not set, the runtime MUST NOT change oom_score_adj" {
        update_config 'del(.process.oomScoreAdj)'
        set_args cat /proc/self/oom_score_adj
        run --separate-stderr bash -c 'echo 77 >/proc/self/oom_score_adj && exec "$@"' _ "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -eq 0 ]
        [ "$output" = 77 ]
}

@test "config.md: user.uid and user.gid — the process runs with the configured user and group ids" {
        update_config '.process.user = {uid: 1000, gid: 1001}'
        sh_args 'grep -E "^(Uid|Gid):" /proc/self/status'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | grep -Eqx 'Uid:[[:space:]]+1000[[:space:]]+1000[[:space:]]+1000[[:space:]]+1000'
        echo "$output" | grep -Eqx 'Gid:[[:space:]]+1001[[:space:]]+1001[[:space:]]+1001[[:space:]]+1001'
}

@test "config.md: user.additionalGids — the additional group ids are added to the process" {
        update_config '.process.user = {uid: 1000, gid: 1001, additionalGids: [5, 6, 2000]}'
        sh_args 'grep "^Groups:" /proc/self/status'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | cut -d: -f2 | tr ' \t' '\n\n' | grep . | sort -n | tr '\n' ' ')" = "5 6 2000 " ]
}

@test "config.md: user.umask — the process's umask is the configured one" {
        update_config '.process.user.umask = 63'
        sh_args 'umask; touch /tmp/f; stat -c %a /tmp/f'
        writable_rootfs
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 0077 ]
        [ "${lines[1]}" = 600 ]
}

# ---------------------------------------------------------------- hostname

@test "config.md: hostname — the container's hostname is the configured one (runtime.md: create MUST apply every property)" {
        local before
        before=$(hostname)
        update_config '.hostname = "conformance-host"'
        set_args hostname
        run_ctr
        [ "$status" -eq 0 ]
        [ "$output" = conformance-host ]
        [ "$(hostname)" = "$before" ]
}

@test "config.md: domainname — the container's domainname is the configured one (runtime.md: create MUST apply every property)" {
        local before
        before=$(cat /proc/sys/kernel/domainname)
        update_config '.domainname = "conformance.example"'
        set_args cat /proc/sys/kernel/domainname
        run_ctr
        [ "$status" -eq 0 ]
        [ "$output" = conformance.example ]
        [ "$(cat /proc/sys/kernel/domainname)" = "$before" ]
}

# ---------------------------------------------------------------- hooks

# log_hook KIND NAME: a hook of KIND that appends NAME to $SHARED/hooks.log;
# startContainer hooks run the container's /bin/sh (their path resolves in
# the container), the others a host script.
log_hook() {
        if [ "$1" = startContainer ]; then
                update_config ".hooks.startContainer += [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"echo $2 >> $SHARED/hooks.log\"]}]"
        else
                local p
                p=$(hook_script "log-$2" "echo $2 >> $SHARED/hooks.log")
                update_config ".hooks.$1 += [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        fi
}

# full_lifecycle: create, start, wait until the program ends, delete.
full_lifecycle() {
        create_ctr
        runtime start "$CID"
        wait_status "$CID" stopped
        runtime delete "$CID"
}

@test "config.md: hooks — path MUST be absolute (a relative hook path is refused)" {
        hook_script rel-hook 'exit 0' >/dev/null
        update_config '.hooks.createRuntime = [{path: "hooks/rel-hook"}]'
        cd "$BATS_TEST_TMPDIR"
        expect_refused
}

@test "config.md: hooks — timeout, if set, MUST be greater than zero (0 or negative is refused)" {
        local p
        p=$(hook_script ok 'exit 0')
        update_config ".hooks.createRuntime = [{path: \"$p\", timeout: 0}]"
        expect_refused
        update_config ".hooks.createRuntime = [{path: \"$p\", timeout: -1}]"
        expect_refused
}

@test "config.md: hooks — a hook still running at its timeout is aborted (timeout is the number of seconds before aborting the hook)" {
        local p
        p=$(hook_script slow "echo \$\$ > $BATS_TEST_TMPDIR/slow.pid; exec sleep 100000")
        update_config ".hooks.createRuntime = [{path: \"$p\", timeout: 1}]"
        run try_create --bundle "$BUNDLE" "$CID"
        [ "$status" -ne 0 ]
        local hp
        hp=$(cat "$BATS_TEST_TMPDIR/slow.pid")
        track_pid "$hp"
        ! kill -0 "$hp" 2>/dev/null || false
        expect_no_container "$CID"
}

@test "config.md: hooks MUST be called in the listed order" {
        share_dir
        local k i
        for k in prestart createRuntime createContainer startContainer poststart poststop; do
                for i in 1 2 3; do
                        log_hook "$k" "$k-$i"
                done
        done
        full_lifecycle
        cat "$SHARED/hooks.log"
        for k in prestart createRuntime createContainer startContainer poststart poststop; do
                [ "$(grep "^$k-" "$SHARED/hooks.log" | tr '\n' ' ')" = "$k-1 $k-2 $k-3 " ]
        done
}

@test "config.md: hooks — the state of the container MUST be passed to hooks over stdin" {
        share_dir
        update_config '.annotations = {"com.example.conformance": "yes"}'
        set_args sleep 100000
        local k p
        for k in prestart createRuntime createContainer poststart poststop; do
                p=$(hook_script "state-$k" "cat > $SHARED/state.$k")
                update_config ".hooks.$k += [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        done
        update_config ".hooks.startContainer = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"cat > $SHARED/state.startContainer\"]}]"
        create_ctr
        runtime start "$CID"
        local pid
        pid=$(container_pid "$CID")
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        runtime delete "$CID"
        local bad=0 want
        for k in prestart createRuntime createContainer startContainer poststart poststop; do
                echo "$k: $(cat "$SHARED/state.$k" 2>/dev/null)"
                case $k in
                prestart | createRuntime | createContainer) want=creating ;;
                startContainer) want=created ;;
                poststart) want=running ;;
                poststop) want=stopped ;;
                esac
                jq -e --arg id "$CID" --arg b "$BUNDLE" --arg st "$want" \
                        '.id == $id and .bundle == $b and .status == $st and (.ociVersion | type == "string" and length > 0)
                         and .annotations["com.example.conformance"] == "yes"' "$SHARED/state.$k" >/dev/null || bad=1
                if [ "$k" != poststop ]; then
                        jq -e --argjson p "$pid" '.pid == $p' "$SHARED/state.$k" >/dev/null || bad=1
                fi
        done
        [ "$bad" -eq 0 ]
}

@test "config.md: prestart hooks MUST be called as part of create, after the runtime environment is created, before pivot_root" {
        local rootfs
        rootfs=$(realpath "$BUNDLE/rootfs")
        share_dir
        sh_args "echo program >> $SHARED/hooks.log"
        local p
        p=$(hook_script pre "pid=\$(jq -r .pid); echo prestart >> $SHARED/hooks.log; cat /proc/\$pid/mountinfo > $SHARED/prestart.mountinfo")
        update_config ".hooks.prestart = [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        create_ctr
        # called during create, the program not yet run
        [ "$(cat "$SHARED/hooks.log")" = prestart ]
        # the mounts are done, the root is not pivoted yet (mount points are host paths)
        awk '{ print $5 }' "$SHARED/prestart.mountinfo" | grep -qx "$rootfs/proc"
        runtime start "$CID"
        wait_status "$CID" stopped
        [ "$(cat "$SHARED/hooks.log" | tr '\n' ' ')" = "prestart program " ]
}

@test "config.md: createRuntime hooks MUST be called as part of create, after the runtime environment is created, before pivot_root (and after prestart)" {
        local rootfs
        rootfs=$(realpath "$BUNDLE/rootfs")
        share_dir
        sh_args "echo program >> $SHARED/hooks.log"
        log_hook prestart prestart
        local p
        p=$(hook_script cr "pid=\$(jq -r .pid); echo createRuntime >> $SHARED/hooks.log; cat /proc/\$pid/mountinfo > $SHARED/cr.mountinfo")
        update_config ".hooks.createRuntime = [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        create_ctr
        [ "$(cat "$SHARED/hooks.log" | tr '\n' ' ')" = "prestart createRuntime " ]
        awk '{ print $5 }' "$SHARED/cr.mountinfo" | grep -qx "$rootfs/proc"
        runtime start "$CID"
        wait_status "$CID" stopped
        [ "$(cat "$SHARED/hooks.log" | tr '\n' ' ')" = "prestart createRuntime program " ]
}

@test "config.md: createContainer hooks MUST be called as part of create, before pivot_root, after the createRuntime hooks" {
        local rootfs
        rootfs=$(realpath "$BUNDLE/rootfs")
        share_dir
        sh_args "echo program >> $SHARED/hooks.log"
        log_hook createRuntime createRuntime
        local p
        p=$(hook_script cc "echo createContainer >> $SHARED/hooks.log; cat /proc/self/mountinfo > $SHARED/cc.mountinfo")
        update_config ".hooks.createContainer = [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        create_ctr
        [ "$(cat "$SHARED/hooks.log" | tr '\n' ' ')" = "createRuntime createContainer " ]
        # in the container's mount namespace with its mounts, the root not pivoted yet
        awk '{ print $5 }' "$SHARED/cc.mountinfo" | grep -qx "$rootfs/proc"
        runtime start "$CID"
        wait_status "$CID" stopped
        [ "$(cat "$SHARED/hooks.log" | tr '\n' ' ')" = "createRuntime createContainer program " ]
}

@test "config.md: startContainer hooks MUST be called as part of start, before the user-specified program is executed" {
        share_dir
        sh_args "echo program >> $SHARED/hooks.log"
        log_hook startContainer startContainer
        create_ctr
        [ ! -s "$SHARED/hooks.log" ]
        runtime start "$CID"
        wait_status "$CID" stopped
        [ "$(cat "$SHARED/hooks.log" | tr '\n' ' ')" = "startContainer program " ]
}

@test "config.md: poststart hooks MUST be called after the user-specified process is executed, before start returns" {
        share_dir
        set_args sleep 100000
        local p
        p=$(hook_script ps "pid=\$(jq -r .pid); tr '\\0' ' ' < /proc/\$pid/cmdline > $SHARED/poststart.cmdline")
        update_config ".hooks.poststart = [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        create_ctr
        [ ! -e "$SHARED/poststart.cmdline" ]
        runtime start "$CID"
        # no waiting: start has returned, so the hook has run, after the exec of the program
        cat "$SHARED/poststart.cmdline"
        [ "$(cat "$SHARED/poststart.cmdline")" = "sleep 100000 " ]
}

@test "config.md: poststop hooks MUST be called after the container is deleted, before delete returns" {
        set_args true
        local p
        p=$(hook_script stop "pid=\$(cat $BATS_TEST_TMPDIR/ctr.pid)
awk '\$1 == \"State:\" && \$2 != \"Z\" { found = 1 } END { exit !found }' /proc/\$pid/status 2>/dev/null && echo process-alive >> $BATS_TEST_TMPDIR/poststop.out
ls -d /sys/fs/cgroup/*/$CGROUP_PARENT/$CID >> $BATS_TEST_TMPDIR/poststop.out 2>/dev/null
$HULL_RUNTIME --root $ROOT state $CID >/dev/null 2>&1 && echo state-exists >> $BATS_TEST_TMPDIR/poststop.out
echo ran >> $BATS_TEST_TMPDIR/poststop.out")
        update_config ".hooks.poststop = [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        create_ctr
        container_pid "$CID" >"$BATS_TEST_TMPDIR/ctr.pid"
        runtime start "$CID"
        wait_status "$CID" stopped
        [ ! -e "$BATS_TEST_TMPDIR/poststop.out" ]
        runtime delete "$CID"
        cat "$BATS_TEST_TMPDIR/poststop.out"
        [ "$(cat "$BATS_TEST_TMPDIR/poststop.out")" = ran ]
}

@test "config.md: prestart, createRuntime, poststart and poststop hooks MUST be executed in the runtime namespace" {
        share_dir
        set_args sleep 100000
        local k p t
        for k in prestart createRuntime poststart poststop; do
                p=$(hook_script "ns-$k" "for t in mnt net uts ipc pid cgroup; do echo \$t \$(readlink /proc/self/ns/\$t); done > $SHARED/ns.$k")
                update_config ".hooks.$k += [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        done
        start_ctr
        runtime kill "$CID" KILL
        wait_status "$CID" stopped
        runtime delete "$CID"
        local bad=0
        for k in prestart createRuntime poststart poststop; do
                for t in mnt net uts ipc pid cgroup; do
                        if ! grep -Fqx "$t $(ns_of $$ $t)" "$SHARED/ns.$k"; then
                                echo "$k hook: $t namespace $(grep "^$t " "$SHARED/ns.$k"), runtime's $(ns_of $$ $t)" >&2
                                bad=1
                        fi
                done
        done
        [ "$bad" -eq 0 ]
}

@test "config.md: createContainer and startContainer hooks MUST be executed in the container namespace" {
        share_dir
        set_args sleep 100000
        local p
        p=$(hook_script ns-cc "for t in mnt net uts ipc pid cgroup; do echo \$t \$(readlink /proc/self/ns/\$t); done > $SHARED/ns.createContainer")
        update_config ".hooks.createContainer = [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        update_config ".hooks.startContainer = [{path: \"/bin/sh\", args: [\"sh\", \"-c\", \"for t in mnt net uts ipc pid cgroup; do echo \$t \$(readlink /proc/self/ns/\$t); done > $SHARED/ns.startContainer\"]}]"
        start_ctr
        local pid bad=0 k t
        pid=$(container_pid "$CID")
        for k in createContainer startContainer; do
                for t in mnt net uts ipc pid cgroup; do
                        if ! grep -Fqx "$t $(ns_of "$pid" $t)" "$SHARED/ns.$k"; then
                                echo "$k hook: $t namespace $(grep "^$t " "$SHARED/ns.$k"), container's $(ns_of "$pid" $t)" >&2
                                bad=1
                        fi
                done
        done
        [ "$bad" -eq 0 ]
}

@test "config.md: hook paths MUST resolve in the runtime namespace (createContainer) and in the container namespace (startContainer)" {
        share_dir
        # createContainer: a script that exists on the host only
        local p
        p=$(hook_script host-only "echo createContainer >> $SHARED/hooks.log")
        [ ! -e "$BUNDLE/rootfs$p" ]
        update_config ".hooks.createContainer = [{path: \"$p\", env: [\"PATH=/usr/sbin:/usr/bin:/sbin:/bin\"]}]"
        # startContainer: a script that exists in the container's rootfs only
        printf '#!/bin/sh\necho startContainer >> %s/hooks.log\n' "$SHARED" >"$BUNDLE/rootfs/conformance-start-hook"
        chmod 755 "$BUNDLE/rootfs/conformance-start-hook"
        [ ! -e /conformance-start-hook ]
        update_config '.hooks.startContainer = [{path: "/conformance-start-hook", env: ["PATH=/bin"]}]'
        full_lifecycle
        [ "$(cat "$SHARED/hooks.log" | tr '\n' ' ')" = "createContainer startContainer " ]
}

# ---------------------------------------------------------------- annotations

@test "config.md: annotations — runtimes MUST handle unknown annotation keys like any other unknown property (no error)" {
        update_config '.annotations = {"com.example.unknown": "x", "org.opencontainers.conformance.unknown": "y", "empty.value": ""}'
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
}

@test "config.md: annotations MUST be a key-value map (anything else is an invalid value: error)" {
        update_config '.annotations = ["com.example.k=v"]'
        expect_refused
}

@test "config.md: annotations — keys MUST NOT be an empty string (an empty key is an invalid value: error)" {
        update_config '.annotations = {"": "v"}'
        expect_refused
}

@test "config.md: annotations — values MUST be strings (a non-string value is an invalid value: error)" {
        update_config '.annotations = {"com.example.n": 42}'
        expect_refused
}

# ---------------------------------------------------------------- extensibility, valid values

@test "config.md: extensibility — runtimes MUST ignore unknown properties (no error)" {
        update_config '.conformanceUnknown = {a: 1} | .process.conformanceUnknown = true
                | .linux.conformanceUnknown = [1, 2] | .root.conformanceUnknown = "x"
                | .mounts[0].conformanceUnknown = 1'
        set_args echo ok
        run_ctr
        echo "$output"
        [ "$status" -eq 0 ]
        echo "$output" | grep -qx ok
}

@test "config.md: valid values — runtimes MUST generate an error for invalid or unsupported values" {
        local bad
        cp "$BUNDLE/config.json" "$BATS_TEST_TMPDIR/config.orig"
        for bad in '.linux.namespaces += [{type: "conformance-bogus"}]' \
                '.linux.rootfsPropagation = "conformance-bogus"' \
                '.linux.devices = [{path: "/dev/bogus", type: "x", major: 1, minor: 3}]' \
                '.process.user.uid = "root"' \
                '.root = "rootfs"' \
                '.mounts[0].options = "ro"'; do
                cp "$BATS_TEST_TMPDIR/config.orig" "$BUNDLE/config.json"
                update_config "$bad"
                echo "# $bad"
                expect_refused
        done
}

@test "config.md: ociVersion MUST be in SemVer v2.0.0 format (a non-SemVer version is an invalid value: error)" {
        update_config '.ociVersion = "not-a-version"'
        expect_refused
}
