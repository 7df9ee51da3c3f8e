/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull-runtime spec`: the default config.json (the same container that
 * `runc spec` describes) and the features document. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "util/cleanup.h"
#include "util/json.h"

static json_t *strs(const char *const *v) {
        json_t *a = json_array();
        for (; *v; v++)
                json_array_append_new(a, json_string(*v));
        return a;
}

static json_t *mnt(const char *dst, const char *type, const char *src, const char *const *opts) {
        json_t *m = json_pack("{s:s, s:s, s:s}", "destination", dst, "type", type, "source", src);
        if (opts)
                json_object_set_new(m, "options", strs(opts));
        return m;
}

char *hull_spec_default_json(bool rootless, uid_t uid, gid_t gid) {
        static const char *const caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
        static const char *const env[] = { "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                           "TERM=xterm", NULL };
        json_t *process = json_pack(
                "{s:b, s:{s:i, s:i}, s:[s], s:o, s:s, s:{s:o, s:o, s:o, s:o}, s:[{s:s, s:i, s:i}], s:b}",
                "terminal", 1, "user", "uid", 0, "gid", 0, "args", "sh", "env", strs(env), "cwd", "/",
                "capabilities", "bounding", strs(caps), "effective", strs(caps), "permitted", strs(caps), "ambient",
                strs(caps), "rlimits", "type", "RLIMIT_NOFILE", "hard", 1024, "soft", 1024, "noNewPrivileges", 1);

        static const char *const o_dev[] = { "nosuid", "strictatime", "mode=755", "size=65536k", NULL };
        static const char *const o_pts[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL };
        static const char *const o_pts_rl[] = { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", NULL };
        static const char *const o_shm[] = { "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL };
        static const char *const o_mq[] = { "nosuid", "noexec", "nodev", NULL };
        static const char *const o_sys[] = { "nosuid", "noexec", "nodev", "ro", NULL };
        static const char *const o_sys_rl[] = { "rbind", "nosuid", "noexec", "nodev", "ro", NULL };
        static const char *const o_cg[] = { "nosuid", "noexec", "nodev", "relatime", "ro", NULL };
        json_t *mounts = json_array();
        json_array_append_new(mounts, mnt("/proc", "proc", "proc", NULL));
        json_array_append_new(mounts, mnt("/dev", "tmpfs", "tmpfs", o_dev));
        json_array_append_new(mounts, mnt("/dev/pts", "devpts", "devpts", rootless ? o_pts_rl : o_pts));
        json_array_append_new(mounts, mnt("/dev/shm", "tmpfs", "shm", o_shm));
        json_array_append_new(mounts, mnt("/dev/mqueue", "mqueue", "mqueue", o_mq));
        if (rootless)
                json_array_append_new(mounts, mnt("/sys", "none", "/sys", o_sys_rl));
        else
                json_array_append_new(mounts, mnt("/sys", "sysfs", "sysfs", o_sys));
        json_array_append_new(mounts, mnt("/sys/fs/cgroup", "cgroup", "cgroup", o_cg));

        static const char *const masked[] = { "/proc/acpi",           "/proc/asound",     "/proc/kcore",
                                              "/proc/keys",           "/proc/latency_stats", "/proc/timer_list",
                                              "/proc/timer_stats",    "/proc/sched_debug", "/sys/firmware",
                                              "/proc/scsi",           NULL };
        static const char *const ro[] = { "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL };
        json_t *nss = json_array();
        const char *const ns_root[] = { "pid", "network", "ipc", "uts", "mount", "cgroup", NULL };
        const char *const ns_rootless[] = { "pid", "ipc", "uts", "mount", "cgroup", "user", NULL };
        for (const char *const *n = rootless ? ns_rootless : ns_root; *n; n++)
                json_array_append_new(nss, json_pack("{s:s}", "type", *n));
        json_t *lnx = json_pack("{s:o, s:o, s:o, s:o}", "namespaces", nss, "maskedPaths", strs(masked), "readonlyPaths",
                                  strs(ro), "seccomp", hull_seccomp_default_profile());
        if (rootless) {
                json_object_set_new(lnx, "uidMappings",
                                    json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t) uid, "size", 1));
                json_object_set_new(lnx, "gidMappings",
                                    json_pack("[{s:i, s:I, s:i}]", "containerID", 0, "hostID", (json_int_t) gid, "size", 1));
        } else
                json_object_set_new(lnx, "resources",
                                    json_pack("{s:[{s:b, s:s}]}", "devices", "allow", 0, "access", "rwm"));

        json_t *doc = json_pack("{s:s, s:o, s:{s:s, s:b}, s:s, s:o, s:o}", "ociVersion", HULL_OCI_VERSION_DEFAULT_CONFIG, "process",
                                process, "root", "path", "rootfs", "readonly", 1, "hostname", "hull", "mounts", mounts,
                                "linux", lnx);
        if (!doc)
                return NULL;
        char *out = hull_json_dumps(doc, JSON_INDENT(8) | JSON_PRESERVE_ORDER);
        json_decref(doc);
        return out;
}
