/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Name tables of the runtime-spec: namespaces, hooks, capabilities, rlimits,
 * mount options. */
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include "spec.h"
#include "util/cleanup.h"
#include "util/sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

static const struct {
        const char *name, *proc;
        int flag;
} ns_table[_HULL_NS_MAX] = {
        [HULL_NS_PID] = { "pid", "pid", CLONE_NEWPID },
        [HULL_NS_NETWORK] = { "network", "net", CLONE_NEWNET },
        [HULL_NS_MOUNT] = { "mount", "mnt", CLONE_NEWNS },
        [HULL_NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
        [HULL_NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
        [HULL_NS_USER] = { "user", "user", CLONE_NEWUSER },
        [HULL_NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
        [HULL_NS_TIME] = { "time", "time", CLONE_NEWTIME },
};

const char *hull_ns_type_name(hull_ns_type t) {
        return t < _HULL_NS_MAX ? ns_table[t].name : NULL;
}

const char *hull_ns_proc_name(hull_ns_type t) {
        return t < _HULL_NS_MAX ? ns_table[t].proc : NULL;
}

int hull_ns_clone_flag(hull_ns_type t) {
        return t < _HULL_NS_MAX ? ns_table[t].flag : 0;
}

int hull_ns_type_from_name(const char *name) {
        for (int i = 0; i < _HULL_NS_MAX; i++)
                if (strcmp(ns_table[i].name, name) == 0)
                        return i;
        return -1;
}

static const char *const hook_names[_HULL_HOOK_MAX] = {
        [HULL_HOOK_PRESTART] = "prestart",
        [HULL_HOOK_CREATE_RUNTIME] = "createRuntime",
        [HULL_HOOK_CREATE_CONTAINER] = "createContainer",
        [HULL_HOOK_START_CONTAINER] = "startContainer",
        [HULL_HOOK_POSTSTART] = "poststart",
        [HULL_HOOK_POSTSTOP] = "poststop",
};

const char *hull_hook_kind_name(hull_hook_kind k) {
        return k < _HULL_HOOK_MAX ? hook_names[k] : NULL;
}

static const char *const cap_names[] = {
        "CAP_CHOWN",           "CAP_DAC_OVERRIDE",   "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
        "CAP_FSETID",          "CAP_KILL",           "CAP_SETGID",          "CAP_SETUID",
        "CAP_SETPCAP",         "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST",
        "CAP_NET_ADMIN",       "CAP_NET_RAW",        "CAP_IPC_LOCK",        "CAP_IPC_OWNER",
        "CAP_SYS_MODULE",      "CAP_SYS_RAWIO",      "CAP_SYS_CHROOT",      "CAP_SYS_PTRACE",
        "CAP_SYS_PACCT",       "CAP_SYS_ADMIN",      "CAP_SYS_BOOT",        "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE",    "CAP_SYS_TIME",       "CAP_SYS_TTY_CONFIG",  "CAP_MKNOD",
        "CAP_LEASE",           "CAP_AUDIT_WRITE",    "CAP_AUDIT_CONTROL",   "CAP_SETFCAP",
        "CAP_MAC_OVERRIDE",    "CAP_MAC_ADMIN",      "CAP_SYSLOG",          "CAP_WAKE_ALARM",
        "CAP_BLOCK_SUSPEND",   "CAP_AUDIT_READ",     "CAP_PERFMON",         "CAP_BPF",
        "CAP_CHECKPOINT_RESTORE",
};

int hull_cap_last_known(void) {
        return (int) ELEMENTSOF(cap_names) - 1;
}

const char *hull_cap_name(int cap) {
        return cap >= 0 && cap < (int) ELEMENTSOF(cap_names) ? cap_names[cap] : NULL;
}

int hull_cap_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(cap_names); i++)
                if (strcmp(cap_names[i], name) == 0)
                        return (int) i;
        return -1;
}

static const struct {
        const char *name;
        int res;
} rlimit_table[] = {
        { "RLIMIT_CPU", RLIMIT_CPU },         { "RLIMIT_FSIZE", RLIMIT_FSIZE },
        { "RLIMIT_DATA", RLIMIT_DATA },       { "RLIMIT_STACK", RLIMIT_STACK },
        { "RLIMIT_CORE", RLIMIT_CORE },       { "RLIMIT_RSS", RLIMIT_RSS },
        { "RLIMIT_NPROC", RLIMIT_NPROC },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
        { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_AS", RLIMIT_AS },
        { "RLIMIT_LOCKS", RLIMIT_LOCKS },     { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING },
        { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE }, { "RLIMIT_NICE", RLIMIT_NICE },
        { "RLIMIT_RTPRIO", RLIMIT_RTPRIO },   { "RLIMIT_RTTIME", RLIMIT_RTTIME },
};

int hull_rlimit_from_name(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(rlimit_table); i++)
                if (strcmp(rlimit_table[i].name, name) == 0)
                        return rlimit_table[i].res;
        return -1;
}

/* kind: 0 = mount(2) flag, 1 = propagation, 2 = recursive mount_setattr
 * attribute (flag holds MOUNT_ATTR_*), 3 = hull/runc extension. */
static const hull_mount_flag mount_flags[] = {
        { "async", true, MS_SYNCHRONOUS, 0 },
        { "atime", true, MS_NOATIME, 0 },
        { "bind", false, MS_BIND, 0 },
        { "defaults", false, 0, 0 },
        { "dev", true, MS_NODEV, 0 },
        { "diratime", true, MS_NODIRATIME, 0 },
        { "dirsync", false, MS_DIRSYNC, 0 },
        { "exec", true, MS_NOEXEC, 0 },
        { "iversion", false, MS_I_VERSION, 0 },
        { "lazytime", false, MS_LAZYTIME, 0 },
        { "loud", true, MS_SILENT, 0 },
        { "mand", false, MS_MANDLOCK, 0 },
        { "noatime", false, MS_NOATIME, 0 },
        { "nodev", false, MS_NODEV, 0 },
        { "nodiratime", false, MS_NODIRATIME, 0 },
        { "noexec", false, MS_NOEXEC, 0 },
        { "noiversion", true, MS_I_VERSION, 0 },
        { "nolazytime", true, MS_LAZYTIME, 0 },
        { "nomand", true, MS_MANDLOCK, 0 },
        { "norelatime", true, MS_RELATIME, 0 },
        { "nostrictatime", true, MS_STRICTATIME, 0 },
        { "nosuid", false, MS_NOSUID, 0 },
        { "nosymfollow", false, MS_NOSYMFOLLOW, 0 },
        { "symfollow", true, MS_NOSYMFOLLOW, 0 },
        { "rbind", false, MS_BIND | MS_REC, 0 },
        { "relatime", false, MS_RELATIME, 0 },
        { "remount", false, MS_REMOUNT, 0 },
        { "ro", false, MS_RDONLY, 0 },
        { "rw", true, MS_RDONLY, 0 },
        { "silent", false, MS_SILENT, 0 },
        { "strictatime", false, MS_STRICTATIME, 0 },
        { "suid", true, MS_NOSUID, 0 },
        { "sync", false, MS_SYNCHRONOUS, 0 },
        { "private", false, MS_PRIVATE, 1 },
        { "rprivate", false, MS_PRIVATE | MS_REC, 1 },
        { "shared", false, MS_SHARED, 1 },
        { "rshared", false, MS_SHARED | MS_REC, 1 },
        { "slave", false, MS_SLAVE, 1 },
        { "rslave", false, MS_SLAVE | MS_REC, 1 },
        { "unbindable", false, MS_UNBINDABLE, 1 },
        { "runbindable", false, MS_UNBINDABLE | MS_REC, 1 },
        { "rro", false, MOUNT_ATTR_RDONLY, 2 },
        { "rrw", true, MOUNT_ATTR_RDONLY, 2 },
        { "rnosuid", false, MOUNT_ATTR_NOSUID, 2 },
        { "rsuid", true, MOUNT_ATTR_NOSUID, 2 },
        { "rnodev", false, MOUNT_ATTR_NODEV, 2 },
        { "rdev", true, MOUNT_ATTR_NODEV, 2 },
        { "rnoexec", false, MOUNT_ATTR_NOEXEC, 2 },
        { "rexec", true, MOUNT_ATTR_NOEXEC, 2 },
        { "rnodiratime", false, MOUNT_ATTR_NODIRATIME, 2 },
        { "rdiratime", true, MOUNT_ATTR_NODIRATIME, 2 },
        { "rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW, 2 },
        { "rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW, 2 },
        { "rnoatime", false, MOUNT_ATTR_NOATIME, 2 },
        { "rstrictatime", false, MOUNT_ATTR_STRICTATIME, 2 },
        { "rrelatime", false, MOUNT_ATTR_RELATIME, 2 },
        { "tmpcopyup", false, 0, 3 },
        { "idmap", false, 0, 3 },
        { "ridmap", false, 0, 3 },
};

const hull_mount_flag *hull_mount_flag_lookup(const char *name) {
        for (size_t i = 0; i < ELEMENTSOF(mount_flags); i++)
                if (strcmp(mount_flags[i].name, name) == 0)
                        return &mount_flags[i];
        return NULL;
}

const hull_mount_flag *hull_mount_flags_table(size_t *n) {
        *n = ELEMENTSOF(mount_flags);
        return mount_flags;
}
