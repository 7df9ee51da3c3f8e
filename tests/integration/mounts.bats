#!/usr/bin/env bats
# The root filesystem: mount types and options in config order, propagation,
# root.readonly, pivot_root and --no-pivot, created destinations.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
        writable_rootfs
        HOSTDIR=$BATS_TEST_TMPDIR/hostdir
        mkdir -p "$HOSTDIR"
        echo from-host >"$HOSTDIR/hostfile"
}
teardown() { integration_teardown; }

# fstypes (reads mountinfo on stdin): "MOUNTPOINT FSTYPE" per line.
fstypes() {
        awk '{ for (i = 7; i <= NF; i++) if ($i == "-") { print $5, $(i + 1); break } }'
}

# mount_opts MOUNTPOINT (reads mountinfo on stdin): per-mount and super options of the topmost mount there.
mount_opts() {
        awk -v m="$1" '$5 == m { for (i = 7; i <= NF; i++) if ($i == "-") { o = $6 "," $(i + 3); break } } END { print o }'
}

@test "mounts: every type (proc, tmpfs, devpts, mqueue, sysfs, cgroup, bind, rbind) at its destination" {
        update_config '.mounts = [
                {destination: "/proc", type: "proc", source: "proc"},
                {destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"]},
                {destination: "/dev/pts", type: "devpts", source: "devpts", options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
                {destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
                {destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"]},
                {destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"]},
                {destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["nosuid", "noexec", "nodev", "relatime", "ro"]},
                {destination: "/data", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
                {destination: "/bound", type: "bind", source: "'"$HOSTDIR"'", options: ["bind"]},
                {destination: "/rbound", type: "bind", source: "'"$HOSTDIR"'", options: ["rbind"]}]'
        set_args sh -c 'cat /proc/self/mountinfo; echo ===; cat /bound/hostfile /rbound/hostfile'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        mi=$(echo "$output" | sed '/^===$/,$d')
        t=$(echo "$mi" | fstypes)
        for want in "/proc proc" "/dev tmpfs" "/dev/pts devpts" "/dev/shm tmpfs" "/dev/mqueue mqueue" "/sys sysfs" "/data tmpfs"; do
                echo "$t" | grep -qx "$want" || { echo "missing mount: $want" >&2; false; }
        done
        # cgroup: a cgroup or cgroup2 file system at /sys/fs/cgroup or below it (v1: one per controller).
        echo "$t" | grep -Eq '^/sys/fs/cgroup(/[^ ]*)? cgroup2?$'
        echo "$t" | grep -Eq '^/bound '
        echo "$t" | grep -Eq '^/rbound '
        [ "$(echo "$output" | sed '1,/^===$/d')" = "from-host
from-host" ]
}

@test "mounts: applied in config order, a later mount stacks on an earlier one" {
        update_config '.mounts += [
                {destination: "/stack", type: "tmpfs", source: "tmpfs", options: ["size=1m"]},
                {destination: "/stack/sub", type: "bind", source: "'"$HOSTDIR"'", options: ["bind"]},
                {destination: "/hidden/sub", type: "bind", source: "'"$HOSTDIR"'", options: ["bind"]},
                {destination: "/hidden", type: "tmpfs", source: "tmpfs", options: ["size=1m"]}]'
        set_args sh -c 'cat /stack/sub/hostfile; ls -A /hidden | wc -l'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = from-host ]
        # The tmpfs mounted after the bind hides it.
        [ "${lines[1]}" = 0 ]
}

@test "mounts: bind options ro, nosuid, nodev, noexec are applied" {
        cp "$BUNDLE/rootfs/bin/busybox" "$HOSTDIR/busybox"
        add_mount /ro bind "$HOSTDIR" bind ro nosuid nodev noexec
        add_mount /rw bind "$HOSTDIR" bind rw
        set_args sh -c 'cat /proc/self/mountinfo; echo ===;
                touch /ro/new 2>/dev/null && echo ro-writable;
                /ro/busybox true 2>/dev/null && echo ro-exec;
                touch /rw/new && echo rw-writable'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        o=$(echo "$output" | sed '/^===$/,$d' | mount_opts /ro)
        for opt in ro nosuid nodev noexec; do
                [[ ,$o, == *,$opt,* ]] || { echo "/ro lacks $opt: $o" >&2; false; }
        done
        rest=$(echo "$output" | sed '1,/^===$/d')
        [ "$rest" = rw-writable ]
        [ -e "$HOSTDIR/new" ]
}

@test "mounts: tmpfs options (size, mode, nosuid, nodev, noexec) are applied" {
        add_mount /scratch tmpfs tmpfs size=1m mode=750 nosuid nodev noexec
        set_args sh -c 'cat /proc/self/mountinfo; echo ===; stat -c %a /scratch; touch /scratch/ok && echo writable'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        o=$(echo "$output" | sed '/^===$/,$d' | mount_opts /scratch)
        for opt in nosuid nodev noexec size=1024k mode=750; do
                [[ ,$o, == *,$opt,* ]] || { echo "/scratch lacks $opt: $o" >&2; false; }
        done
        [ "$(echo "$output" | sed '1,/^===$/d')" = "750
writable" ]
}

@test "mounts: rbind takes the source's submounts along, bind does not" {
        mkdir "$HOSTDIR/sub"
        mount -t tmpfs -o size=1m hull-test-sub "$HOSTDIR/sub"
        echo inner >"$HOSTDIR/sub/inner"
        add_mount /b bind "$HOSTDIR" bind
        add_mount /rb bind "$HOSTDIR" rbind
        set_args sh -c 'cat /rb/sub/inner; ls -A /b/sub | wc -l'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = inner ]
        [ "${lines[1]}" = 0 ]
}

@test "mounts: propagation option rslave receives the host's later mounts, rprivate does not" {
        # A shared mount on the host, bound twice into the container.
        mount -t tmpfs -o size=1m hull-test-shared "$HOSTDIR"
        mount --make-shared "$HOSTDIR"
        mkdir "$HOSTDIR/late"
        add_mount /slave bind "$HOSTDIR" rbind rslave
        add_mount /private bind "$HOSTDIR" rbind rprivate
        set_args sleep 1000
        start_detached
        mount -t tmpfs -o size=1m hull-test-late "$HOSTDIR/late"
        touch "$HOSTDIR/late/marker"
        run runtime exec "$CID" sh -c 'cat /proc/self/mountinfo'
        [ "$status" -eq 0 ]
        echo "$output" | awk '$5 == "/slave"' | grep -q 'master:'
        ! echo "$output" | awk '$5 == "/private"' | grep -Eq 'master:|shared:' || false
        run runtime exec "$CID" sh -c 'ls /slave/late; echo ===; ls /private/late'
        [ "$status" -eq 0 ]
        [ "$output" = "marker
===" ]
}

@test "mounts: rootfsPropagation rslave lets the host's mounts under the rootfs in, rprivate keeps them out" {
        rootfs=$BUNDLE/rootfs
        mount --bind "$rootfs" "$rootfs"
        mount --make-shared "$rootfs"
        mkdir "$rootfs/late"
        for prop in rslave rprivate; do
                update_config ".linux.rootfsPropagation = \"$prop\""
                set_args sleep 1000
                start_detached "$CID-$prop"
                mount -t tmpfs -o size=1m hull-test-late "$rootfs/late"
                touch "$rootfs/late/marker-$prop"
                run runtime exec "$CID-$prop" ls /late
                umount "$rootfs/late"
                [ "$status" -eq 0 ]
                if [ $prop = rslave ]; then
                        [ "$output" = marker-rslave ]
                else
                        [ -z "$output" ]
                fi
                runtime delete --force "$CID-$prop"
        done
}

@test "root.readonly: the root file system is read-only, mounts on it stay writable" {
        update_config '.root.readonly = true'
        add_mount /scratch tmpfs tmpfs size=1m
        set_args sh -c 'touch /newfile 2>/dev/null && echo root-writable; touch /scratch/ok && echo scratch-writable; awk "\$5 == \"/\" {print \$6}" /proc/self/mountinfo'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = scratch-writable ]
        [[ ,${lines[1]}, == *,ro,* ]]
        [ ! -e "$BUNDLE/rootfs/newfile" ]
}

@test "pivot_root: the container's / is its rootfs and the host's root is not reachable" {
        echo in-rootfs >"$BUNDLE/rootfs/marker"
        set_args sh -c 'cat /marker; cat /proc/self/mountinfo'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = in-rootfs ]
        # Every mount the container sees is its rootfs or below it: no mount of the
        # host's root file system at / other than the rootfs.
        root=$(echo "$output" | sed 1d | awk '$5 == "/"')
        [ "$(echo "$root" | wc -l)" -eq 1 ]
        [[ $(echo "$root" | awk '{print $4}') == *"/rootfs" ]]
        ! echo "$output" | sed 1d | awk '{print $5}' | grep -qx "$BATS_TEST_TMPDIR" || false
}

@test "--no-pivot: the container still sees only its rootfs" {
        echo in-rootfs >"$BUNDLE/rootfs/marker"
        set_args sh -c 'cat /marker; ls /'
        run runtime run --no-pivot --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = in-rootfs ]
        # Nothing of the host's / (which has /work, /usr/lib...) around.
        ! echo "$output" | grep -qx work || false
        [ ! -e "$BUNDLE/rootfs/proc/self" ]
        assert_no_leftovers "$CID"
}

@test "mounts: missing destinations are created, a file source gets a file destination" {
        add_mount /new/deep/dir bind "$HOSTDIR" bind
        add_mount /etc/hostfile-here bind "$HOSTDIR/hostfile" bind
        set_args sh -c 'cat /new/deep/dir/hostfile; cat /etc/hostfile-here; test -f /etc/hostfile-here && echo is-file'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = "from-host
from-host
is-file" ]
}

@test "mounts: nothing the container mounts is left on the host, in the rootfs or in the bundle" {
        add_mount /scratch tmpfs tmpfs size=1m
        add_mount /bound bind "$HOSTDIR" rbind
        set_args true
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        ! grep -q "$BUNDLE" /proc/self/mountinfo || false
        ! grep -q "$HOSTDIR" /proc/self/mountinfo || false
        assert_no_leftovers "$CID"
}

@test "mounts: recursive flags (rro, rnosuid, rnoexec) reach the submounts of an rbind" {
        mkdir "$HOSTDIR/sub"
        mount -t tmpfs -o size=1m hull-test-sub "$HOSTDIR/sub"
        add_mount /rec bind "$HOSTDIR" rbind rro rnosuid rnoexec
        add_mount /flat bind "$HOSTDIR" rbind ro
        set_args sh -c 'cat /proc/self/mountinfo; echo ===;
                touch /rec/sub/x 2>/dev/null && echo rec-sub-writable;
                touch /flat/sub/x 2>/dev/null && echo flat-sub-writable;
                touch /rec/x 2>/dev/null && echo rec-writable; true'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        mi=$(echo "$output" | sed '/^===$/,$d')
        for m in /rec /rec/sub; do
                o=$(echo "$mi" | mount_opts $m)
                for opt in ro nosuid noexec; do
                        [[ ,$o, == *,$opt,* ]] || { echo "$m lacks $opt: $o" >&2; false; }
                done
        done
        # Without the recursive flag only the top mount is read-only.
        [ "$(echo "$output" | sed '1,/^===$/d')" = flat-sub-writable ]
}

# sysfs_line RUNTIME...: runs the bundle with the given runtime command, prints
# /sys's mount options, file system type, source and super options.
sysfs_line() {
        "$@" run --bundle "$BUNDLE" "$CID-s" </dev/null | awk '$5 == "/sys" { for (i = 7; i <= NF; i++) if ($i == "-") { print $6, $(i + 1), $(i + 2), $(i + 3); break } }'
}

@test "mounts: sysfs of a new network namespace is the one mount(2) would make (hull makes it ahead), as runc's" {
        requires runc
        # create makes the network namespace, and its sysfs, on a thread (fsmount)
        # and attaches it where the config mounts sysfs: what the container sees
        # must not tell the two apart.
        update_config '.linux.namespaces |= (map(select(.type != "network" and .type != "user")) + [{type: "network"}])'
        set_args cat /proc/self/mountinfo
        for opts in '["nosuid", "noexec", "nodev", "ro"]' '["rw", "nosuid"]' '["noatime", "ro"]' '["strictatime"]'; do
                for src in sysfs mysys; do
                        update_config '.mounts |= map(if .type == "sysfs" then .options = '"$opts"' | .source = "'$src'" else . end)'
                        hull=$(sysfs_line "$HULL_RUNTIME" --root "$ROOT")
                        peer=$(sysfs_line runc --root "$ROOT/runc")
                        echo "$opts $src: hull [$hull] runc [$peer]"
                        [ -n "$hull" ]
                        [ "$hull" = "$peer" ]
                done
        done
        # ... and shows the container's interfaces: only lo.
        set_args ls /sys/class/net
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = lo ]
}
