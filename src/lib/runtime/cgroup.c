/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What v1, v2 and hybrid hosts share: finding the hierarchies, creating and
 * removing the container's directories, joining, signalling. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

hull_cgroup_mode hull_cgroup_detect_mode(void) {
        struct statfs fs;
        if (statfs("/sys/fs/cgroup", &fs) < 0)
                return HULL_CGROUP_NONE;
        if ((unsigned long) fs.f_type == CGROUP2_SUPER_MAGIC)
                return HULL_CGROUP_V2;
        if ((unsigned long) fs.f_type != TMPFS_MAGIC)
                return HULL_CGROUP_NONE;
        if (statfs("/sys/fs/cgroup/unified", &fs) == 0 && (unsigned long) fs.f_type == CGROUP2_SUPER_MAGIC)
                return HULL_CGROUP_HYBRID;
        return HULL_CGROUP_V1;
}

const char *hull_cgroup_mode_name(hull_cgroup_mode m) {
        static const char *const n[_HULL_CGROUP_MODE_MAX] = { "none", "v1", "hybrid", "v2" };
        return m < _HULL_CGROUP_MODE_MAX ? n[m] : "unknown";
}

void hull_cgroup_free(hull_cgroup *cg) {
        if (!cg)
                return;
        for (size_t i = 0; i < cg->n; i++) {
                free(cg->h[i].controllers);
                free(cg->h[i].mountpoint);
                free(cg->h[i].dir);
        }
        if (cg->v2_fd >= 0)
                close(cg->v2_fd);
        free(cg->path);
        free(cg);
}

/* Keeps only the controller names of a cgroup v1 super-options string. */
static char *v1_controllers(const char *superopts) {
        static const char *const skip[] = { "rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec",
                                            "xattr", "clone_children", "noprefix", "cpuset_v2_mode", "favordynmods" };
        _cleanup_free_ char *dup = strdup(superopts);
        char *out = calloc(1, strlen(superopts) + 1);
        if (!dup || !out) {
                free(out);
                return NULL;
        }
        char *save = NULL;
        for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
                bool drop = hull_startswith(t, "release_agent=");
                for (size_t i = 0; i < ELEMENTSOF(skip) && !drop; i++)
                        drop = strcmp(t, skip[i]) == 0;
                if (drop)
                        continue;
                if (*out)
                        strcat(out, ",");
                strcat(out, t);
        }
        return out;
}

/* The runtime's own cgroup in the hierarchy with these controllers, from
 * /proc/self/cgroup ("" for cgroup2). */
static char *own_cgroup(const char *cgfile, const char *controllers, bool v2) {
        _cleanup_free_ char *copy = strdup(cgfile);
        if (!copy)
                return NULL;
        char *save = NULL;
        for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                char *c1 = strchr(line, ':');
                char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
                if (!c2)
                        continue;
                *c2 = 0;
                const char *ctl = c1 + 1;
                if ((v2 && strcmp(line, "0") == 0 && *ctl == 0) || (!v2 && strcmp(ctl, controllers) == 0))
                        return strdup(c2 + 1);
        }
        return strdup("/");
}

static char *join_path(const char *a, const char *b, const char *c) {
        /* a + "/" + b + "/" + c with duplicate slashes removed */
        _cleanup_free_ char *s = hull_strdup_printf("%s/%s/%s", a, b ? b : "", c ? c : "");
        if (!s)
                return NULL;
        char *w = s;
        for (char *r = s; *r; r++) {
                if (*r == '/' && w > s && w[-1] == '/')
                        continue;
                *w++ = *r;
        }
        while (w > s + 1 && w[-1] == '/')
                w--;
        *w = 0;
        return TAKE_PTR(s);
}

int hull_cgroup_resolve(const char *cgroups_path, const char *id, hull_cgroup **ret, hull_error **err) {
        hull_cgroup *cg = calloc(1, sizeof(*cg));
        if (!cg)
                return hull_error_set(err, ENOMEM, "cgroup");
        cg->v2_fd = -1;
        cg->mode = hull_cgroup_detect_mode();
        if (cgroups_path && *cgroups_path) {
                if (strstr(cgroups_path, "..")) {
                        hull_cgroup_free(cg);
                        return hull_error_set_raw(err, EINVAL, "linux.cgroupsPath: \"%s\" must not contain \"..\"",
                                                  cgroups_path);
                }
                if (strchr(cgroups_path, ':') && cgroups_path[0] != '/') {
                        hull_cgroup_free(cg);
                        return hull_error_set_raw(err, EINVAL,
                                                  "linux.cgroupsPath: \"%s\" is a systemd slice:prefix:name path, but the systemd cgroup driver is not enabled",
                                                  cgroups_path);
                }
                cg->path = strdup(cgroups_path);
        } else {
                cg->path = hull_strdup_printf("/hull/%s", id);
                cg->own_top = true;
        }
        if (!cg->path) {
                hull_cgroup_free(cg);
                return hull_error_set(err, ENOMEM, "cgroup");
        }
        if (cg->mode == HULL_CGROUP_NONE) {
                *ret = cg;
                return 0;
        }
        _cleanup_free_ char *mountinfo = NULL, *selfcg = NULL;
        int r = hull_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 0, &mountinfo, NULL);
        if (r < 0 || (r = hull_read_file_at(AT_FDCWD, "/proc/self/cgroup", 0, &selfcg, NULL)) < 0) {
                hull_cgroup_free(cg);
                return hull_error_set(err, -r, "read /proc/self/mountinfo");
        }
        bool relative = cg->path[0] != '/';
        char *save = NULL;
        for (char *line = strtok_r(mountinfo, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                /* id parent maj:min root mountpoint opts [optional...] - fstype source superopts */
                char *f[6] = { 0 };
                char *p = line;
                for (int i = 0; i < 6 && p; i++) {
                        f[i] = p;
                        p = strchr(p, ' ');
                        if (p)
                                *p++ = 0;
                }
                char *dash = p ? strstr(p, "- ") : NULL;
                if (!f[4] || !dash)
                        continue;
                char *fstype = dash + 2, *src = strchr(fstype, ' ');
                if (!src)
                        continue;
                *src++ = 0;
                char *superopts = strchr(src, ' ');
                if (!superopts)
                        continue;
                superopts++;
                bool v2 = strcmp(fstype, "cgroup2") == 0;
                if (!v2 && strcmp(fstype, "cgroup") != 0)
                        continue;
                if (!hull_startswith(f[4], "/sys/fs/cgroup"))
                        continue;
                _cleanup_free_ char *ctl = v2 ? strdup("") : v1_controllers(superopts);
                if (!ctl)
                        continue;
                bool dup = false;
                for (size_t i = 0; i < cg->n; i++)
                        dup |= cg->h[i].v2 == v2 && strcmp(cg->h[i].controllers, ctl) == 0;
                if (dup || cg->n >= HULL_CGROUP_MAX_HIER)
                        continue;
                _cleanup_free_ char *base = relative ? own_cgroup(selfcg, ctl, v2) : strdup("/");
                if (!base)
                        continue;
                hull_cgroup_hier *h = &cg->h[cg->n];
                h->v2 = v2;
                h->created = true; /* unless it exists already: see below */
                h->mountpoint = strdup(f[4]);
                h->dir = join_path(f[4], base, cg->path);
                h->controllers = TAKE_PTR(ctl);
                cg->n++;
                if (!h->mountpoint || !h->dir) {
                        hull_cgroup_free(cg);
                        return hull_error_set(err, ENOMEM, "cgroup");
                }
                /* Decided now, before the state that names it is saved: a
                 * runtime killed after mkdir leaves a state that owns it. */
                struct stat st;
                h->created = stat(h->dir, &st) < 0;
        }
        *ret = cg;
        return 0;
}

bool hull_cgroup_resources_empty(const hull_spec_resources *res) {
        if (!res)
                return true;
        return res->memory_limit < 0 && res->memory_reservation < 0 && res->memory_swap < 0 &&
               res->memory_swappiness < 0 && !res->has_disable_oom_killer && res->cpu_shares < 0 &&
               !res->has_cpu_quota && res->cpu_period < 0 && res->cpu_burst < 0 && res->cpu_rt_runtime < 0 &&
               res->cpu_rt_period < 0 && !res->cpu_cpus && !res->cpu_mems && !res->has_pids_limit &&
               !res->unified;
}

static bool has_controller(const hull_cgroup_hier *h, const char *name) {
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

int hull_cgroup_create(hull_cgroup *cg, const hull_spec_resources *res, unsigned which, hull_error **err) {
        return hull_cgroup_create_while(cg, res, which, NULL, NULL, err);
}

int hull_cgroup_create_while(hull_cgroup *cg, const hull_spec_resources *res, unsigned which,
                             bool (*more)(void *userdata), void *userdata, hull_error **err) {
        int r = 0;
        if (res && res->unified && cg->mode == HULL_CGROUP_V1)
                return hull_error_set_raw(err, EOPNOTSUPP,
                                          "linux.resources.unified: this host has no cgroup v2 hierarchy");
        for (size_t i = 0; i < cg->n; i++) {
                hull_cgroup_hier *h = &cg->h[i];
                if (!(which & (h->v2 ? HULL_CGROUP_CREATE_V2 : HULL_CGROUP_CREATE_V1)) || h->made)
                        continue;
                if (more && !more(userdata))
                        return 0; /* the rest in a later call */
                h->made = true;
                _cleanup_error_ hull_error *cerr = NULL;
                if (!h->v2 && has_controller(h, "cpuset"))
                        r = hull_cgroup_v1_prepare_cpuset(h, cg->own_top, &cerr);
                else
                        r = hull_mkdir_p_at(AT_FDCWD, h->dir, 0755);
                if (r < 0) {
                        if (geteuid() != 0 && (r == -EACCES || r == -EPERM || r == -EROFS) &&
                            hull_cgroup_resources_empty(res)) {
                                /* Rootless without a delegated cgroup: run without one. */
                                hull_debug("cgroup %s: %s; continuing without", h->dir, strerror(-r));
                                free(h->dir);
                                h->dir = NULL;
                                continue;
                        }
                        if (cerr && err && !*err) {
                                *err = TAKE_PTR(cerr);
                                r = hull_error_code(*err);
                        } else
                                r = hull_error_set(err, -r, "create cgroup %s", h->dir);
                }
                if (r < 0)
                        goto fail;
                if (h->v2) {
                        if ((r = hull_cgroup_v2_enable_controllers(h, cg->path, err)) < 0 ||
                            (r = hull_cgroup_v2_apply(h, res, cg->mode != HULL_CGROUP_V2, err)) < 0)
                                goto fail;
                        if (cg->v2_fd >= 0)
                                close(cg->v2_fd);
                        cg->v2_fd = open(h->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (cg->v2_fd < 0) {
                                r = hull_error_set(err, errno, "open cgroup %s", h->dir);
                                goto fail;
                        }
                } else if ((r = hull_cgroup_v1_apply(h, res, err)) < 0)
                        goto fail;
        }
        /* Drop the hierarchies that rootless mode skipped. */
        size_t w = 0;
        for (size_t i = 0; i < cg->n; i++) {
                if (cg->h[i].dir)
                        cg->h[w++] = cg->h[i];
                else {
                        free(cg->h[i].controllers);
                        free(cg->h[i].mountpoint);
                }
        }
        cg->n = w;
        return 0;
fail:
        /* One attempt each: a process already in one of them (CLONE_INTO_CGROUP)
         * keeps it busy, and the caller removes it again once it has killed it. */
        for (size_t i = 0; i < cg->n; i++)
                if (cg->h[i].dir && cg->h[i].created)
                        (void) rmdir(cg->h[i].dir);
        return r;
}

int hull_cgroup_join(hull_cgroup *cg, pid_t pid, bool skip_v2, hull_error **err) {
        char buf[32];
        snprintf(buf, sizeof(buf), "%d", (int) pid);
        for (size_t i = 0; i < cg->n; i++) {
                hull_cgroup_hier *h = &cg->h[i];
                if (!h->dir || (skip_v2 && h->v2))
                        continue;
                _cleanup_free_ char *procs = hull_strdup_printf("%s/cgroup.procs", h->dir);
                if (!procs)
                        return hull_error_set(err, ENOMEM, "join cgroup");
                int r = hull_write_str_at(AT_FDCWD, procs, buf);
                if (r < 0)
                        return hull_error_set(err, -r, "join cgroup %s", h->dir);
        }
        return 0;
}

int hull_cgroup_join_self(hull_cgroup *cg, bool skip_v2, hull_error **err) {
        for (size_t i = 0; i < cg->n; i++) {
                hull_cgroup_hier *h = &cg->h[i];
                if (!h->dir || (skip_v2 && h->v2))
                        continue;
                _cleanup_free_ char *f = hull_strdup_printf("%s/%s", h->dir, h->v2 ? "cgroup.procs" : "tasks");
                if (!f)
                        return hull_error_set(err, ENOMEM, "join cgroup");
                int r = hull_write_str_at(AT_FDCWD, f, "0");
                if (r < 0)
                        return hull_error_set(err, -r, "join cgroup %s", h->dir);
        }
        return 0;
}

static int read_pids(const char *dir, pid_t **ret, size_t *ret_n) {
        _cleanup_free_ char *procs = hull_strdup_printf("%s/cgroup.procs", dir), *text = NULL;
        if (!procs)
                return -ENOMEM;
        int r = hull_read_file_at(AT_FDCWD, procs, 0, &text, NULL);
        if (r < 0)
                return r;
        size_t n = 0, cap = 16;
        pid_t *v = malloc(cap * sizeof(pid_t));
        if (!v)
                return -ENOMEM;
        for (char *p = text; *p;) {
                char *end;
                long x = strtol(p, &end, 10);
                if (end == p)
                        break;
                if (n == cap) {
                        pid_t *nv = realloc(v, (cap *= 2) * sizeof(pid_t));
                        if (!nv) {
                                free(v);
                                return -ENOMEM;
                        }
                        v = nv;
                }
                v[n++] = (pid_t) x;
                p = end;
                while (*p == '\n')
                        p++;
        }
        *ret = v;
        *ret_n = n;
        return 0;
}

/* The hierarchy whose cgroup.procs lists the container's processes best:
 * one the container surely joined (pids, memory, freezer), else any. */
static const hull_cgroup_hier *main_hier(hull_cgroup *cg) {
        static const char *const prefer[] = { "pids", "memory", "freezer", "devices", "cpu" };
        for (size_t k = 0; k < ELEMENTSOF(prefer); k++)
                for (size_t i = 0; i < cg->n; i++)
                        if (!cg->h[i].v2 && cg->h[i].dir && has_controller(&cg->h[i], prefer[k]))
                                return &cg->h[i];
        for (size_t i = 0; i < cg->n; i++)
                if (cg->h[i].dir)
                        return &cg->h[i];
        return NULL;
}

int hull_cgroup_pids(hull_cgroup *cg, pid_t **ret, size_t *ret_n) {
        const hull_cgroup_hier *h = main_hier(cg);
        if (!h)
                return -ENOENT;
        return read_pids(h->dir, ret, ret_n);
}

int hull_cgroup_signal_all(hull_cgroup *cg, int sig, hull_error **err) {
        _cleanup_free_ pid_t *pids = NULL;
        size_t n = 0;
        int r = hull_cgroup_pids(cg, &pids, &n);
        if (r < 0)
                return hull_error_set(err, -r, "list the processes of cgroup %s", cg->path);
        for (size_t i = 0; i < n; i++)
                if (kill(pids[i], sig) < 0 && errno != ESRCH)
                        return hull_error_set(err, errno, "kill %d", (int) pids[i]);
        return 0;
}

bool hull_cgroup_is_frozen(hull_cgroup *cg) {
        for (size_t i = 0; i < cg->n; i++) {
                _cleanup_free_ char *path = NULL, *text = NULL;
                if (!cg->h[i].dir)
                        continue;
                if (!cg->h[i].v2 && has_controller(&cg->h[i], "freezer"))
                        path = hull_strdup_printf("%s/freezer.state", cg->h[i].dir);
                else if (cg->h[i].v2 && cg->mode == HULL_CGROUP_V2)
                        path = hull_strdup_printf("%s/cgroup.freeze", cg->h[i].dir);
                if (!path || hull_read_file_at(AT_FDCWD, path, 4096, &text, NULL) < 0)
                        continue;
                if (hull_startswith(text, "FROZEN") || hull_startswith(text, "1"))
                        return true;
        }
        return false;
}

int hull_cgroup_destroy(hull_cgroup *cg, bool kill_remaining, hull_error **err) {
        int ret = 0;
        for (size_t i = 0; i < cg->n; i++) {
                hull_cgroup_hier *h = &cg->h[i];
                if (!h->dir || !h->created)
                        continue;
                /* Exiting processes leave their cgroups asynchronously: retry
                 * with a growing pause, for at most ~5 s in all. */
                long delay_us = 200;
                for (int attempt = 0;; attempt++) {
                        if (rmdir(h->dir) == 0 || errno == ENOENT)
                                break;
                        if (errno != EBUSY || attempt >= 40) {
                                if (ret == 0)
                                        ret = hull_error_set(err, errno, "remove cgroup %s", h->dir);
                                break;
                        }
                        if (kill_remaining) {
                                _cleanup_free_ pid_t *pids = NULL;
                                size_t n = 0;
                                if (read_pids(h->dir, &pids, &n) == 0)
                                        for (size_t k = 0; k < n; k++)
                                                (void) kill(pids[k], SIGKILL);
                        }
                        struct timespec ts = { 0, delay_us * 1000 };
                        nanosleep(&ts, NULL);
                        if (delay_us < 200000)
                                delay_us *= 2;
                }
        }
        return ret;
}

json_t *hull_cgroup_to_json(const hull_cgroup *cg) {
        json_t *hs = json_array();
        for (size_t i = 0; i < cg->n; i++) {
                const hull_cgroup_hier *h = &cg->h[i];
                if (!h->dir)
                        continue;
                json_array_append_new(hs, json_pack("{s:s, s:s, s:s, s:b, s:b}", "controllers", h->controllers,
                                                    "mountpoint", h->mountpoint, "dir", h->dir, "v2", h->v2, "created",
                                                    h->created));
        }
        return json_pack("{s:s, s:s, s:o}", "mode", hull_cgroup_mode_name(cg->mode), "path", cg->path,
                         "hierarchies", hs);
}

int hull_cgroup_from_json(json_t *j, hull_cgroup **ret) {
        hull_cgroup *cg = calloc(1, sizeof(*cg));
        if (!cg)
                return -ENOMEM;
        cg->v2_fd = -1;
        const char *mode = json_string_value(json_object_get(j, "mode"));
        const char *path = json_string_value(json_object_get(j, "path"));
        for (int m = 0; mode && m < _HULL_CGROUP_MODE_MAX; m++)
                if (strcmp(hull_cgroup_mode_name(m), mode) == 0)
                        cg->mode = m;
        cg->path = strdup(path ? path : "");
        json_t *hs = json_object_get(j, "hierarchies");
        size_t i;
        json_t *e;
        json_array_foreach(hs, i, e) {
                if (cg->n >= HULL_CGROUP_MAX_HIER)
                        break;
                const char *c = json_string_value(json_object_get(e, "controllers"));
                const char *mp = json_string_value(json_object_get(e, "mountpoint"));
                const char *d = json_string_value(json_object_get(e, "dir"));
                if (!c || !mp || !d)
                        continue;
                hull_cgroup_hier *h = &cg->h[cg->n++];
                h->controllers = strdup(c);
                h->mountpoint = strdup(mp);
                h->dir = strdup(d);
                h->v2 = json_is_true(json_object_get(e, "v2"));
                h->created = json_is_true(json_object_get(e, "created"));
        }
        *ret = cg;
        return 0;
}
