#!/usr/bin/env bats
# seccomp: the default profile of `hull-runtime spec` (it blocks mount,
# kexec_load, keyctl, bpf, ptrace of other processes, unshare and clone of
# user namespaces), ERRNO rules with errnoRet, KILL_PROCESS, argument
# conditions; for the container's process and for exec'd ones.  Each blocked
# call is also made without the filter (same capabilities): the control that
# the filter, not a missing capability, blocks it.

load ../lib/helpers
load security

setup() {
        sec_setup
        install_helper sysprobe
}
teardown() { sec_teardown; }

# The capabilities that would let the calls through.
POWERFUL='["CAP_SYS_ADMIN","CAP_SYS_BOOT","CAP_SYS_PTRACE","CAP_BPF","CAP_PERFMON","CAP_SETUID","CAP_SETGID","CAP_KILL"]'

probe_script() {
        echo 'sleep 100 & t=$!
for p in mount kexec_load keyctl bpf unshare-user clone-user clone3 ptrace-traceme; do /sysprobe $p; done
/sysprobe ptrace $t
kill $t'
}

# probe_result OUTPUT NAME: what the probe printed (ok or errno=N).
probe_result() {
        echo "$1" | awk -v n="$2" '$1 == n { print $2 }'
}

@test "seccomp: the default profile of hull-runtime spec blocks mount, kexec_load, keyctl, bpf, ptrace of other processes, unshare and clone of user namespaces" {
        jq -e '.linux.seccomp.syscalls | length > 0' "$BUNDLE/config.json"
        update_config ".process.capabilities = {bounding: $POWERFUL, effective: $POWERFUL, permitted: $POWERFUL}"
        set_args sh -c "$(probe_script)"
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "with the default profile: $output $stderr"
        [ "$status" -eq 0 ]
        local p
        for p in mount kexec_load keyctl bpf unshare-user clone-user ptrace; do
                [ "$(probe_result "$output" $p)" = errno=1 ] || { echo "$p is not blocked with EPERM" >&2; false; }
        done
        # clone3 is ENOSYS (libc falls back to clone, whose flags the filter
        # can see); PTRACE_TRACEME stays allowed.
        [ "$(probe_result "$output" clone3)" = errno=38 ]
        [ "$(probe_result "$output" ptrace-traceme)" = ok ]

        # The control: without linux.seccomp the same calls get past EPERM.
        update_config 'del(.linux.seccomp)'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "without seccomp: $output $stderr"
        [ "$status" -eq 0 ]
        for p in mount keyctl unshare-user clone-user clone3 ptrace; do
                [ "$(probe_result "$output" $p)" = ok ] || { echo "control: $p fails without the filter" >&2; false; }
        done
        for p in kexec_load bpf; do
                [ "$(probe_result "$output" $p)" != errno=1 ] || { echo "control: $p is EPERM without the filter" >&2; false; }
        done
        assert_no_new_host_mounts
}

@test "seccomp: a process started by exec gets the container's filter" {
        update_config ".process.capabilities = {bounding: $POWERFUL, effective: $POWERFUL, permitted: $POWERFUL}"
        set_args sleep 1000
        runtime run --detach --bundle "$BUNDLE" "$CID" </dev/null >/dev/null 2>&1
        run_runtime exec "$CID" sh -c '/sysprobe mount; /sysprobe unshare-user; grep Seccomp: /proc/self/status'
        echo "$output $stderr"
        [ "$(probe_result "$output" mount)" = errno=1 ]
        [ "$(probe_result "$output" unshare-user)" = errno=1 ]
        [[ $output == *"Seccomp:	2"* ]]
        assert_no_new_host_mounts
}

@test "seccomp: an SCMP_ACT_ERRNO rule returns its errnoRet" {
        update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                syscalls: [{names: ["getpriority"], action: "SCMP_ACT_ERRNO", errnoRet: 42},
                        {names: ["setdomainname"], action: "SCMP_ACT_ERRNO"}]}'
        set_args sh -c '/sysprobe getpriority 0 0; /sysprobe setdomainname x'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$output $stderr"
        [ "$status" -eq 0 ]
        [ "$(probe_result "$output" getpriority)" = errno=42 ]
        # Without errnoRet: EPERM.
        [ "$(probe_result "$output" setdomainname)" = errno=1 ]
}

@test "seccomp: SCMP_ACT_KILL_PROCESS kills the process with SIGSYS" {
        update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                syscalls: [{names: ["setdomainname"], action: "SCMP_ACT_KILL_PROCESS"}]}'
        set_args sh -c '/sysprobe setdomainname x; echo "status=$?"'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$output $stderr"
        [ "$status" -eq 0 ]
        [[ $output != *"setdomainname"* ]]
        # 128 + SIGSYS (31)
        [[ $output == *"status=159"* ]]
}

@test "seccomp: argument conditions (SCMP_CMP_EQ, SCMP_CMP_MASKED_EQ) select the calls the rule applies to" {
        update_config '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
                syscalls: [{names: ["getpriority"], action: "SCMP_ACT_ERRNO", errnoRet: 13, args: [{index: 0, value: 1, op: "SCMP_CMP_EQ"}]},
                        {names: ["getpriority"], action: "SCMP_ACT_ERRNO", errnoRet: 22, args: [{index: 1, value: 240, valueTwo: 16, op: "SCMP_CMP_MASKED_EQ"}]}]}'
        set_args sh -c '/sysprobe getpriority 0 0; /sysprobe getpriority 1 0; /sysprobe getpriority 0 17; /sysprobe getpriority 0 33'
        run_runtime run --bundle "$BUNDLE" "$CID"
        echo "$output $stderr"
        [ "$status" -eq 0 ]
        mapfile -t r < <(echo "$output" | awk '$1 == "getpriority" { print $2 }')
        # which 0 who 0: no rule; which 1: EQ rule; who 17 (17 & 240 == 16): MASKED_EQ; who 33: no rule.
        [ "${r[0]}" = ok ]
        [ "${r[1]}" = errno=13 ]
        [ "${r[2]}" = errno=22 ]
        [ "${r[3]}" != errno=22 ]
        [ "${r[3]}" != errno=13 ]
}
