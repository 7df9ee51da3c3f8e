/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v1: the knobs of each controller hierarchy. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"
#include "util/sys.h"

static bool hier_has(const hull_cgroup_hier *h, const char *name) {
        const char *c = h->controllers;
        size_t n = strlen(name);
        while (c && *c) {
                if (strncmp(c, name, n) == 0 && (c[n] == ',' || c[n] == 0))
                        return true;
                c = strchr(c, ',');
                if (c)
                        c++;
        }
        return false;
}

/* Writes value into dir/file; a missing optional file is not an error. */
static int knob(const char *dir, const char *file, const char *value, bool optional, hull_error **err) {
        _cleanup_free_ char *path = hull_strdup_printf("%s/%s", dir, file);
        if (!path)
                return hull_error_set(err, ENOMEM, "cgroup");
        int r = hull_write_str_at(AT_FDCWD, path, value);
        if (r == -ENOENT && optional)
                return 0;
        if (r < 0)
                return hull_error_set(err, -r, "write \"%s\" to %s", value, path);
        return 0;
}

static int knob_i64(const char *dir, const char *file, int64_t v, bool optional, hull_error **err) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%" PRId64, v);
        return knob(dir, file, buf, optional, err);
}

/* A new cpuset cgroup has empty cpus and mems, and tasks cannot join it:
 * create the path one level at a time, copying each parent's values.
 *
 * The levels above the container's that are hull's -- those it creates
 * here, and with own_top the first one (the default cgroupsPath's /hull) --
 * get cgroup.clone_children, so that the kernel copies the values into a
 * new child itself.  Writing cpuset.cpus makes the kernel rebuild its
 * scheduling domains, which walks every cpuset: 0.34 ms per write with 2000
 * containers on the host, against nothing for the copy at mkdir. */
int hull_cgroup_v1_prepare_cpuset(const hull_cgroup_hier *h, bool own_top, hull_error **err) {
        size_t base = strlen(h->mountpoint);
        _cleanup_free_ char *p = strdup(h->dir);
        if (!p)
                return hull_error_set(err, ENOMEM, "cgroup");
        bool top = true;
        bool cloning = false; /* the level above has clone_children, and values */
        for (char *s = p + base + 1;; s++) {
                bool end = *s == 0;
                if (*s != '/' && !end)
                        continue;
                *s = 0;
                bool made = sys_mkdirat(AT_FDCWD, p, 0755) == 0;
                if (!made && errno != EEXIST)
                        return hull_error_set(err, errno, "create cgroup %s", p);
                static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
                /* What we made under clone_children has both values already,
                 * unless the kernel refused to copy them (a sibling is
                 * exclusive): then cpuset.cpus is empty.  One read tells. */
                bool copied = false;
                if (made && cloning) {
                        _cleanup_free_ char *mine = hull_strdup_printf("%s/cpuset.cpus", p), *val = NULL;
                        if (!mine)
                                return hull_error_set(err, ENOMEM, "cgroup");
                        copied = hull_read_file_at(AT_FDCWD, mine, 4096, &val, NULL) == 0 && val[0] && val[0] != '\n';
                }
                for (size_t i = 0; !copied && i < ELEMENTSOF(files); i++) {
                        _cleanup_free_ char *mine = hull_strdup_printf("%s/%s", p, files[i]), *val = NULL;
                        if (!mine)
                                return hull_error_set(err, ENOMEM, "cgroup");
                        if (hull_read_file_at(AT_FDCWD, mine, 4096, &val, NULL) < 0 || (val[0] && val[0] != '\n'))
                                continue;
                        char *slash = strrchr(p, '/');
                        *slash = 0;
                        _cleanup_free_ char *parent = hull_strdup_printf("%s/%s", p, files[i]), *pval = NULL;
                        *slash = '/';
                        if (!parent)
                                return hull_error_set(err, ENOMEM, "cgroup");
                        int r = hull_read_file_at(AT_FDCWD, parent, 4096, &pval, NULL);
                        if (r < 0)
                                return hull_error_set(err, -r, "read %s", parent);
                        if ((r = hull_write_str_at(AT_FDCWD, mine, pval)) < 0)
                                return hull_error_set(err, -r, "write %s", mine);
                }
                cloning = false;
                if (!end && (made || (top && own_top))) {
                        _cleanup_free_ char *cc = hull_strdup_printf("%s/cgroup.clone_children", p), *val = NULL;
                        if (!cc)
                                return hull_error_set(err, ENOMEM, "cgroup");
                        /* Only an optimisation: a failure here costs nothing else. */
                        if (made || (hull_read_file_at(AT_FDCWD, cc, 64, &val, NULL) == 0 && val[0] == '0'))
                                cloning = hull_write_str_at(AT_FDCWD, cc, "1") == 0;
                        else
                                cloning = val && val[0] == '1';
                }
                if (end)
                        break;
                *s = '/';
                top = false;
        }
        return 0;
}

/* devices.allow or devices.deny of h, opened once for all its rules. */
static int devices_fd(const hull_cgroup_hier *h, int *fd, const char *file, hull_error **err) {
        if (*fd >= 0)
                return *fd;
        _cleanup_free_ char *path = hull_strdup_printf("%s/%s", h->dir, file);
        if (!path)
                return hull_error_set(err, ENOMEM, "cgroup");
        *fd = open(path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (*fd < 0)
                return hull_error_set(err, errno, "open %s", path);
        return *fd;
}

static int devices_rule(const hull_cgroup_hier *h, int *fd, const char *file, const char *rule, hull_error **err) {
        int f = devices_fd(h, fd, file, err);
        if (f < 0)
                return f;
        int r = hull_write_fd(f, rule, strlen(rule));
        if (r < 0)
                return hull_error_set(err, -r, "write \"%s\" to %s/%s", rule, h->dir, file);
        return 0;
}

static int apply_devices(const hull_cgroup_hier *h, const hull_spec_resources *res, hull_error **err) {
        /* The config's rules in order, then the devices every container needs
         * (what runc adds): /dev/null, zero, full, random, urandom, tty,
         * console, ptmx, the pts, and mknod of anything.  The kernel takes
         * each write(2) as one rule: one open of each file serves them all. */
        static const char *const defaults[] = { "c *:* m", "b *:* m",  "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm",
                                                "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm",
                                                "c 136:* rwm" };
        if (!res || res->n_devices == 0)
                return 0;
        _cleanup_close_ int allow = -1, deny = -1;
        for (size_t i = 0; i < res->n_devices; i++) {
                const hull_spec_device_rule *d = &res->devices[i];
                char rule[64], maj[24], min[24];
                if (d->type == 'a' && d->major < 0 && d->minor < 0)
                        snprintf(rule, sizeof(rule), "a");
                else {
                        if (d->major < 0)
                                snprintf(maj, sizeof(maj), "*");
                        else
                                snprintf(maj, sizeof(maj), "%" PRId64, d->major);
                        if (d->minor < 0)
                                snprintf(min, sizeof(min), "*");
                        else
                                snprintf(min, sizeof(min), "%" PRId64, d->minor);
                        snprintf(rule, sizeof(rule), "%c %s:%s %s", d->type, maj, min, d->access);
                }
                int r = d->allow ? devices_rule(h, &allow, "devices.allow", rule, err)
                                 : devices_rule(h, &deny, "devices.deny", rule, err);
                if (r < 0)
                        return r;
        }
        for (size_t i = 0; i < ELEMENTSOF(defaults); i++) {
                int r = devices_rule(h, &allow, "devices.allow", defaults[i], err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int hull_cgroup_v1_apply(const hull_cgroup_hier *h, const hull_spec_resources *res, hull_error **err) {
        int r = 0;
        if (hier_has(h, "devices"))
                r = apply_devices(h, res, err);
        if (r < 0 || !res)
                return r;
        if (hier_has(h, "memory")) {
                if (res->memory_limit >= 0)
                        r = knob_i64(h->dir, "memory.limit_in_bytes", res->memory_limit == INT64_MAX ? -1 : res->memory_limit,
                                     false, err);
                if (r == 0 && res->memory_swap >= 0)
                        r = knob_i64(h->dir, "memory.memsw.limit_in_bytes",
                                     res->memory_swap == INT64_MAX ? -1 : res->memory_swap, false, err);
                if (r == 0 && res->memory_reservation >= 0)
                        r = knob_i64(h->dir, "memory.soft_limit_in_bytes",
                                     res->memory_reservation == INT64_MAX ? -1 : res->memory_reservation, false, err);
                if (r == 0 && res->memory_swappiness >= 0)
                        r = knob_i64(h->dir, "memory.swappiness", res->memory_swappiness, false, err);
                if (r == 0 && res->has_disable_oom_killer && res->disable_oom_killer)
                        r = knob(h->dir, "memory.oom_control", "1", false, err);
        }
        if (r == 0 && hier_has(h, "cpu")) {
                if (res->cpu_shares >= 0)
                        r = knob_i64(h->dir, "cpu.shares", res->cpu_shares, false, err);
                if (r == 0 && res->cpu_period >= 0)
                        r = knob_i64(h->dir, "cpu.cfs_period_us", res->cpu_period, false, err);
                if (r == 0 && res->has_cpu_quota)
                        r = knob_i64(h->dir, "cpu.cfs_quota_us", res->cpu_quota, false, err);
                if (r == 0 && res->cpu_burst >= 0)
                        r = knob_i64(h->dir, "cpu.cfs_burst_us", res->cpu_burst, false, err);
                if (r == 0 && res->cpu_rt_period >= 0)
                        r = knob_i64(h->dir, "cpu.rt_period_us", res->cpu_rt_period, false, err);
                if (r == 0 && res->cpu_rt_runtime >= 0)
                        r = knob_i64(h->dir, "cpu.rt_runtime_us", res->cpu_rt_runtime, false, err);
        }
        if (r == 0 && hier_has(h, "cpuset")) {
                if (res->cpu_cpus)
                        r = knob(h->dir, "cpuset.cpus", res->cpu_cpus, false, err);
                if (r == 0 && res->cpu_mems)
                        r = knob(h->dir, "cpuset.mems", res->cpu_mems, false, err);
        }
        if (r == 0 && hier_has(h, "pids") && res->has_pids_limit)
                r = res->pids_limit > 0 ? knob_i64(h->dir, "pids.max", res->pids_limit, false, err)
                                        : knob(h->dir, "pids.max", "max", false, err);
        return r;
}
