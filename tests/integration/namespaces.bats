#!/usr/bin/env bats
# Namespaces: new ones of every type, joined ones by path, inherited ones, the network namespace's lo.

load ../lib/helpers
load integration

setup() {
        setup_bundle
        start_watchdog
}
teardown() { integration_teardown; }

# A process holding namespaces of its own, for the tests that join by path.
# holder UNSHARE-FLAGS...: starts it, sets HOLDER to its PID.
holder() {
        unshare "$@" sh -c 'hostname holder-host 2>/dev/null; exec sleep 1000' </dev/null >/dev/null 2>&1 &
        HOLDER=$!
        track_pid "$HOLDER"
        # Wait until sleep runs in the new namespaces (unshare has exec'd).
        wait_for sh -c "[ \"\$(readlink /proc/$HOLDER/exe)\" != \"\$(readlink /proc/$$/exe)\" ] && grep -q sleep /proc/$HOLDER/comm"
}

@test "namespaces: new pid, mount, network, uts, ipc and cgroup namespaces differ from the host's" {
        update_config '.linux.namespaces = [{type: "pid"}, {type: "mount"}, {type: "network"}, {type: "uts"}, {type: "ipc"}, {type: "cgroup"}]'
        set_args sleep 1000
        start_detached
        pid=$(container_pid "$CID")
        for ns in pid mnt net uts ipc cgroup; do
                [ "$(ns_of "$pid" $ns)" != "$(ns_of $$ $ns)" ] || { echo "$ns namespace is the host's" >&2; false; }
        done
        # Not asked for: the user namespace is the host's.
        [ "$(ns_of "$pid" user)" = "$(ns_of $$ user)" ]
}

@test "namespaces: in a new pid namespace the program is pid 1 and sees only the container's processes" {
        set_args sh -c 'echo $$; ls -d /proc/[0-9]* | wc -l'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = 1 ]
        # sh, and the ls and wc of the pipe, at most.
        [ "${lines[1]}" -le 3 ]
}

@test "namespaces: a type left out of the config is inherited from the runtime" {
        update_config '.linux.namespaces = [{type: "pid"}, {type: "mount"}]'
        update_config 'del(.hostname)'
        set_args sleep 1000
        start_detached
        pid=$(container_pid "$CID")
        for ns in net uts ipc; do
                [ "$(ns_of "$pid" $ns)" = "$(ns_of $$ $ns)" ] || { echo "$ns namespace is not the host's" >&2; false; }
        done
        [ "$(ns_of "$pid" mnt)" != "$(ns_of $$ mnt)" ]
}

@test "namespaces: a new network namespace has only lo, and it is up" {
        update_config '.linux.namespaces |= (map(select(.type != "network")) + [{type: "network"}])'
        set_args sh -c 'ls /sys/class/net; echo ---; ip -o link show; echo ---; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$(echo "$output" | sed -n '1p')" = lo ]
        [ "$(echo "$output" | sed -n '2p')" = --- ]
        links=$(echo "$output" | sed -n '/^---$/,/^---$/p' | grep -v '^---$')
        [ "$(echo "$links" | wc -l)" -eq 1 ]
        [[ $links == *" lo: "* ]]
        [[ $links == *"<LOOPBACK,UP"* ]]
        [ "$(echo "$output" | sed -n '$p')" = lo ]
}

@test "namespaces: lo in a new network namespace carries traffic (127.0.0.1)" {
        update_config '.linux.namespaces |= (map(select(.type != "network")) + [{type: "network"}])'
        # A server and a client inside the container, on 127.0.0.1 only.
        set_args sh -c 'echo pong | nc -l -p 7777 127.0.0.1 & for i in $(seq 1 100); do r=$(nc 127.0.0.1 7777 </dev/null 2>/dev/null) && [ -n "$r" ] && echo "$r" && exit 0; sleep 0.05; done; exit 1'
        run timeout 60 "$HULL_RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "$output" = pong ]
}

@test "namespaces: uts, hostname and domainname in a new uts namespace" {
        update_config '.hostname = "hull-host" | .domainname = "hull.example"'
        set_args sh -c 'hostname; cat /proc/sys/kernel/domainname'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        [ "${lines[0]}" = hull-host ]
        [ "$(hostname)" != hull-host ]
        is_runc && skip "hull-specific: runc 1.1 ignores domainname"
        [ "${lines[1]}" = hull.example ]
}

@test "namespaces: ipc, a new ipc namespace does not see the host's message queues" {
        update_config '.linux.namespaces |= (map(select(.type != "ipc")) + [{type: "ipc"}])'
        set_args sleep 1000
        start_detached
        pid=$(container_pid "$CID")
        [ "$(ns_of "$pid" ipc)" != "$(ns_of $$ ipc)" ]
        run runtime exec "$CID" cat /proc/sysvipc/msg
        [ "$status" -eq 0 ]
        [ "${#lines[@]}" -le 1 ]
}

@test "namespaces: new network and ipc namespaces made together (hull makes them ahead): /dev/mqueue is the container's own" {
        # Both new (the default config): hull makes them on a thread while it
        # parses the config.  The mqueue mount must show the container's ipc
        # namespace: a queue made in one container is not in the next.
        set_args sh -c 'touch /dev/mqueue/q-$$ && ls /dev/mqueue; exec sleep 1000'
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
        wait_status "$CID" running
        pid=$(container_pid "$CID")
        [ "$(ns_of "$pid" ipc)" != "$(ns_of $$ ipc)" ]
        [ "$(ns_of "$pid" net)" != "$(ns_of $$ net)" ]
        wait_for grep -q '^q-1$' "$BATS_TEST_TMPDIR/out"
        [ ! -e /dev/mqueue/q-1 ]
        set_args ls -A /dev/mqueue
        run runtime run --bundle "$BUNDLE" "$CID-2"
        [ "$status" -eq 0 ]
        [ -z "$output" ]
        # A new network namespace with the ipc namespace joined by path: the
        # one it names, not one made ahead.
        holder --ipc
        update_config '.linux.namespaces |= (map(select(.type != "ipc")) + [{type: "ipc", path: "/proc/'"$HOLDER"'/ns/ipc"}])'
        set_args sleep 1000
        runtime run --detach --bundle "$BUNDLE" "$CID-3" </dev/null >/dev/null 2>&1
        wait_status "$CID-3" running
        pid=$(container_pid "$CID-3")
        [ "$(ns_of "$pid" ipc)" = "$(ns_of "$HOLDER" ipc)" ]
        [ "$(ns_of "$pid" net)" != "$(ns_of $$ net)" ]
}

@test "namespaces: cgroup, a new cgroup namespace roots the container at its own cgroup" {
        update_config '.linux.namespaces |= (map(select(.type != "cgroup")) + [{type: "cgroup"}])'
        set_args cat /proc/self/cgroup
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        echo "$output" | grep -q '^0::/$'
        ! echo "$output" | grep -q "$CGROUP_PARENT" || false
}

@test "namespaces: user, with uid and gid mappings the program is root inside and unprivileged outside" {
        requires userns
        bundle_traversable
        update_config '.linux.namespaces |= (map(select(.type != "user")) + [{type: "user"}])
                | .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
                | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
        set_args sh -c 'id -u; id -g; cat /proc/self/uid_map; cat /proc/self/gid_map; stat -c %u /bin/busybox; exec sleep 1000'
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
        wait_status "$CID" running
        pid=$(container_pid "$CID")
        wait_for grep -q sleep "/proc/$pid/comm"
        mapfile -t out <"$BATS_TEST_TMPDIR/out"
        [ "${out[0]}" = 0 ]
        [ "${out[1]}" = 0 ]
        [ "$(echo ${out[2]})" = "0 100000 65536" ]
        [ "$(echo ${out[3]})" = "0 100000 65536" ]
        # Files of the host's root are not root's inside (the overflow id).
        [ "${out[4]}" != 0 ]
        # Seen from the host, the program runs as uid 100000.
        [ "$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")" = 100000 ]
        [ "$(ns_of "$pid" user)" != "$(ns_of $$ user)" ]
}

@test "namespaces: time, a new time namespace with the configured offsets" {
        requires timens
        hull_only "runc 1.1 has no time namespace"
        update_config '.linux.namespaces += [{type: "time"}]
                | .linux.timeOffsets = {monotonic: {secs: 86400, nanosecs: 0}, boottime: {secs: 172800, nanosecs: 0}}'
        set_args sh -c 'cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime'
        run runtime run --bundle "$BUNDLE" "$CID"
        [ "$status" -eq 0 ]
        echo "$output" | grep -Eq '^monotonic +86400 +0$'
        echo "$output" | grep -Eq '^boottime +172800 +0$'
        # uptime counts boottime: at least the offset.
        [ "$(echo "$output" | tail -n 1)" -ge 172800 ]
}

@test "namespaces: joins network, uts and ipc namespaces by path" {
        holder --net --uts --ipc
        update_config '.linux.namespaces |= map(select(.type != "network" and .type != "uts" and .type != "ipc"))
                | .linux.namespaces += [{type: "network", path: "/proc/'"$HOLDER"'/ns/net"},
                                        {type: "uts", path: "/proc/'"$HOLDER"'/ns/uts"},
                                        {type: "ipc", path: "/proc/'"$HOLDER"'/ns/ipc"}]
                | del(.hostname)'
        set_args sh -c 'hostname; exec sleep 1000'
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >"$BATS_TEST_TMPDIR/out" 2>&1
        wait_status "$CID" running
        pid=$(container_pid "$CID")
        for ns in net uts ipc; do
                [ "$(ns_of "$pid" $ns)" = "$(ns_of "$HOLDER" $ns)" ] || { echo "$ns namespace not joined" >&2; false; }
        done
        wait_for grep -q holder-host "$BATS_TEST_TMPDIR/out"
        # The pid and mount namespaces asked for are still new ones.
        [ "$(ns_of "$pid" pid)" != "$(ns_of $$ pid)" ]
        [ "$(ns_of "$pid" mnt)" != "$(ns_of $$ mnt)" ]
}

@test "namespaces: a second container joins the first one's pid and network namespaces (a pod)" {
        set_args sleep 1000
        start_detached
        pid1=$(container_pid "$CID")
        b=$BATS_TEST_TMPDIR/bundle-b
        second_bundle "$b" "$CID-b"
        update_config '.linux.namespaces |= map(if .type == "pid" then {type: "pid", path: "/proc/'"$pid1"'/ns/pid"}
                                           elif .type == "network" then {type: "network", path: "/proc/'"$pid1"'/ns/net"}
                                           else . end)
                | .process.args = ["sh", "-c", "cat /proc/1/cmdline | tr \"\\\\0\" \" \""]' "$b"
        run runtime run --bundle "$b" "$CID-b"
        [ "$status" -eq 0 ]
        [ "$output" = "sleep 1000 " ]
}

@test "namespaces: a namespace path that is not a namespace of that type is refused, leaving nothing" {
        update_config '.linux.namespaces |= map(if .type == "network" then {type: "network", path: "/proc/self/ns/uts"} else . end)'
        set_args true
        run runtime run --bundle "$BUNDLE" "$CID" </dev/null
        [ "$status" -ne 0 ]
        assert_no_leftovers "$CID"
}
