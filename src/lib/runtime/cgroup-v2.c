/* SPDX-License-Identifier: GPL-2.0-or-later */
/* cgroup v2: enabling controllers down the tree and writing the unified
 * knobs, converting v1-style values where the spec speaks v1. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"

static int knob(const char *dir, const char *file, const char *value, hull_error **err) {
        _cleanup_free_ char *path = hull_strdup_printf("%s/%s", dir, file);
        if (!path)
                return hull_error_set(err, ENOMEM, "cgroup");
        int r = hull_write_str_at(AT_FDCWD, path, value);
        if (r < 0)
                return hull_error_set(err, -r, "write \"%s\" to %s", value, path);
        return 0;
}

static bool word_in(const char *list, const char *w) {
        size_t n = strlen(w);
        for (const char *p = list; p && *p;) {
                while (*p == ' ' || *p == '\n')
                        p++;
                if (strncmp(p, w, n) == 0 && (p[n] == ' ' || p[n] == '\n' || p[n] == 0))
                        return true;
                p = strchr(p, ' ');
        }
        return false;
}

/* Enables the controllers that limits need in every ancestor's
 * cgroup.subtree_control, from the mount point down to the leaf's parent. */
int hull_cgroup_v2_enable_controllers(const hull_cgroup_hier *h, const char *path, hull_error **err) {
        static const char *const wanted[] = { "cpu", "cpuset", "memory", "pids", "io", "hugetlb" };
        _cleanup_free_ char *avail = NULL, *root_ctl = hull_strdup_printf("%s/cgroup.controllers", h->mountpoint);
        if (!root_ctl)
                return hull_error_set(err, ENOMEM, "cgroup");
        if (hull_read_file_at(AT_FDCWD, root_ctl, 0, &avail, NULL) < 0)
                return 0;
        char enable[128] = "";
        for (size_t i = 0; i < ELEMENTSOF(wanted); i++)
                if (word_in(avail, wanted[i])) {
                        strcat(enable, enable[0] ? " +" : "+");
                        strcat(enable, wanted[i]);
                }
        if (!enable[0])
                return 0;
        /* Walk from the mount point to the parent of the leaf. */
        size_t base = strlen(h->mountpoint);
        _cleanup_free_ char *p = strdup(h->dir);
        if (!p)
                return hull_error_set(err, ENOMEM, "cgroup");
        char *leaf = strrchr(p, '/');
        if (!leaf || (size_t) (leaf - p) < base)
                return 0;
        *leaf = 0;
        for (char *s = p + base;; s++) {
                bool end = *s == 0;
                if (*s != '/' && !end)
                        continue;
                char saved = *s;
                *s = 0;
                _cleanup_free_ char *ctl = hull_strdup_printf("%s/cgroup.subtree_control", p);
                *s = saved;
                if (!ctl)
                        return hull_error_set(err, ENOMEM, "cgroup");
                int r = hull_write_str_at(AT_FDCWD, ctl, enable);
                /* EBUSY: the cgroup holds processes itself ("no internal processes"). */
                if (r < 0 && r != -EBUSY && r != -ENOENT)
                        hull_debug("enable controllers in %s: %s", ctl, strerror(-r));
                if (end)
                        break;
        }
        (void) path;
        return 0;
}

int hull_cgroup_v2_apply(const hull_cgroup_hier *h, const hull_spec_resources *res, bool unified_only,
                         hull_error **err) {
        if (!res)
                return 0;
        char buf[64];
        int r = 0;
        if (unified_only)
                goto unified;
        if (res->memory_limit >= 0) {
                if (res->memory_limit == INT64_MAX)
                        snprintf(buf, sizeof(buf), "max");
                else
                        snprintf(buf, sizeof(buf), "%" PRId64, res->memory_limit);
                r = knob(h->dir, "memory.max", buf, err);
        }
        if (r == 0 && res->memory_reservation >= 0) {
                if (res->memory_reservation == INT64_MAX)
                        snprintf(buf, sizeof(buf), "max");
                else
                        snprintf(buf, sizeof(buf), "%" PRId64, res->memory_reservation);
                r = knob(h->dir, "memory.low", buf, err);
        }
        if (r == 0 && res->memory_swap >= 0) {
                /* v1's swap is memory+swap; v2's swap.max is swap alone. */
                if (res->memory_swap == INT64_MAX)
                        snprintf(buf, sizeof(buf), "max");
                else if (res->memory_limit >= 0 && res->memory_limit != INT64_MAX) {
                        if (res->memory_swap < res->memory_limit)
                                return hull_error_set_raw(err, EINVAL,
                                                          "linux.resources.memory.swap: %" PRId64 " is below the memory limit %" PRId64,
                                                          res->memory_swap, res->memory_limit);
                        snprintf(buf, sizeof(buf), "%" PRId64, res->memory_swap - res->memory_limit);
                } else
                        snprintf(buf, sizeof(buf), "%" PRId64, res->memory_swap);
                r = knob(h->dir, "memory.swap.max", buf, err);
        }
        if (r == 0 && res->cpu_shares >= 0) {
                /* The conversion runc and crun use: [2, 262144] -> [1, 10000]. */
                uint64_t w = 1 + ((uint64_t) (res->cpu_shares - 2) * 9999) / 262142;
                snprintf(buf, sizeof(buf), "%" PRIu64, w);
                r = knob(h->dir, "cpu.weight", buf, err);
        }
        if (r == 0 && (res->has_cpu_quota || res->cpu_period >= 0)) {
                int64_t period = res->cpu_period >= 0 ? res->cpu_period : 100000;
                if (!res->has_cpu_quota || res->cpu_quota < 0)
                        snprintf(buf, sizeof(buf), "max %" PRId64, period);
                else
                        snprintf(buf, sizeof(buf), "%" PRId64 " %" PRId64, res->cpu_quota, period);
                r = knob(h->dir, "cpu.max", buf, err);
        }
        if (r == 0 && res->cpu_burst >= 0) {
                snprintf(buf, sizeof(buf), "%" PRId64, res->cpu_burst);
                r = knob(h->dir, "cpu.max.burst", buf, err);
        }
        if (r == 0 && res->cpu_cpus)
                r = knob(h->dir, "cpuset.cpus", res->cpu_cpus, err);
        if (r == 0 && res->cpu_mems)
                r = knob(h->dir, "cpuset.mems", res->cpu_mems, err);
        if (r == 0 && res->has_pids_limit) {
                if (res->pids_limit > 0)
                        snprintf(buf, sizeof(buf), "%" PRId64, res->pids_limit);
                else
                        snprintf(buf, sizeof(buf), "max");
                r = knob(h->dir, "pids.max", buf, err);
        }
unified:
        for (size_t i = 0; r == 0 && res->unified && res->unified[i] && res->unified[i + 1]; i += 2)
                r = knob(h->dir, res->unified[i], res->unified[i + 1], err);
        return r;
}
