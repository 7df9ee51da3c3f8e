/* SPDX-License-Identifier: GPL-2.0-or-later */
/* config.json -> hull_spec.  Every error names the JSON path of the value it
 * is about and what was expected there; unknown fields are ignored. */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "jsonpath.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

typedef struct pctx {
        const char *where;
        hull_error **err;
} pctx;

#define PATH_BUF 256

static int fail(pctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(pctx *c, const char *path, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_error_set_raw(c->err, EINVAL, "%s: %s: %s", c->where, path, msg);
}

static void join(char *buf, const char *base, const char *key) {
        hull_jsonpath_key(buf, PATH_BUF, base, key);
}

static void join_idx(char *buf, const char *base, size_t i) {
        hull_jsonpath_index(buf, PATH_BUF, base, i);
}

static const char *type_name(const json_t *v) {
        switch (json_typeof(v)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a number";
        case JSON_TRUE:
        case JSON_FALSE: return "a boolean";
        case JSON_NULL: return "null";
        }
        return "something else";
}

/* Each getter: returns 1 if present and valid, 0 if absent (or null), <0 on error. */
static int get_string(pctx *c, json_t *obj, const char *base, const char *key, bool required, char **ret) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v)) {
                if (required)
                        return fail(c, p, "required string is missing");
                return 0;
        }
        if (!json_is_string(v))
                return fail(c, p, "expected a string, got %s", type_name(v));
        if (strlen(json_string_value(v)) != json_string_length(v))
                return fail(c, p, "string contains a NUL byte");
        char *s = strdup(json_string_value(v));
        if (!s)
                return hull_error_set(c->err, ENOMEM, "parse %s", p);
        free(*ret);
        *ret = s;
        return 1;
}

static int get_bool(pctx *c, json_t *obj, const char *base, const char *key, bool *ret) {
        char p[PATH_BUF];
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_boolean(v)) {
                join(p, base, key);
                return fail(c, p, "expected a boolean, got %s", type_name(v));
        }
        *ret = json_is_true(v);
        return 1;
}

static int get_int(pctx *c, json_t *obj, const char *base, const char *key, bool required, int64_t min,
                   int64_t max, int64_t *ret) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v)) {
                if (required)
                        return fail(c, p, "required integer is missing");
                return 0;
        }
        if (!json_is_integer(v))
                return fail(c, p, "expected an integer, got %s", type_name(v));
        json_int_t n = json_integer_value(v);
        if (n < min || n > max)
                return fail(c, p, "%lld is out of range [%lld, %lld]", (long long) n, (long long) min,
                            (long long) max);
        *ret = n;
        return 1;
}

static int get_uint64(pctx *c, json_t *obj, const char *base, const char *key, bool required, uint64_t *ret) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v)) {
                if (required)
                        return fail(c, p, "required integer is missing");
                return 0;
        }
        if (json_is_real(v) && json_real_value(v) >= 9.2e18 && json_real_value(v) <= 1.85e19) {
                *ret = UINT64_MAX; /* RLIM_INFINITY spelled as 18446744073709551615 */
                return 1;
        }
        if (!json_is_integer(v) || json_integer_value(v) < 0)
                return fail(c, p, "expected a non-negative integer, got %s", type_name(v));
        *ret = (uint64_t) json_integer_value(v);
        return 1;
}

static int get_object(pctx *c, json_t *obj, const char *base, const char *key, bool required, json_t **ret) {
        char p[PATH_BUF];
        json_t *v = json_object_get(obj, key);
        *ret = NULL;
        if (!v || json_is_null(v)) {
                if (required) {
                        join(p, base, key);
                        return fail(c, p, "required object is missing");
                }
                return 0;
        }
        if (!json_is_object(v)) {
                join(p, base, key);
                return fail(c, p, "expected an object, got %s", type_name(v));
        }
        *ret = v;
        return 1;
}

static int get_array(pctx *c, json_t *obj, const char *base, const char *key, json_t **ret) {
        char p[PATH_BUF];
        json_t *v = json_object_get(obj, key);
        *ret = NULL;
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_array(v)) {
                join(p, base, key);
                return fail(c, p, "expected an array, got %s", type_name(v));
        }
        *ret = v;
        return 1;
}

static int get_strv(pctx *c, json_t *obj, const char *base, const char *key, bool nonempty, char ***ret) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v)) {
                if (nonempty)
                        return fail(c, p, "expected a non-empty array of strings");
                return 0;
        }
        if (!json_is_array(v) || (nonempty && json_array_size(v) == 0))
                return fail(c, p, nonempty ? "expected a non-empty array of strings" : "expected an array of strings");
        size_t n = json_array_size(v);
        char **out = calloc(n + 1, sizeof(char *));
        if (!out)
                return hull_error_set(c->err, ENOMEM, "parse %s", p);
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(v, i);
                if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e)) {
                        hull_strv_free(out);
                        char pi[PATH_BUF];
                        join_idx(pi, p, i);
                        return fail(c, pi, "expected a string, got %s", type_name(e));
                }
                if (!(out[i] = strdup(json_string_value(e)))) {
                        hull_strv_free(out);
                        return hull_error_set(c->err, ENOMEM, "parse %s", p);
                }
        }
        hull_strv_free(*ret);
        *ret = out;
        return 1;
}

static int parse_idmaps(pctx *c, json_t *obj, const char *base, const char *key, hull_spec_idmap **ret,
                        size_t *ret_n) {
        json_t *arr;
        int r = get_array(c, obj, base, key, &arr);
        if (r <= 0)
                return r;
        char p[PATH_BUF];
        join(p, base, key);
        size_t n = json_array_size(arr);
        hull_spec_idmap *m = calloc(n ? n : 1, sizeof(*m));
        if (!m)
                return hull_error_set(c->err, ENOMEM, "parse %s", p);
        for (size_t i = 0; i < n; i++) {
                char pi[PATH_BUF];
                join_idx(pi, p, i);
                json_t *e = json_array_get(arr, i);
                if (!json_is_object(e)) {
                        free(m);
                        return fail(c, pi, "expected an object, got %s", type_name(e));
                }
                int64_t cid, hid, sz;
                if (get_int(c, e, pi, "containerID", true, 0, UINT32_MAX, &cid) < 0 ||
                    get_int(c, e, pi, "hostID", true, 0, UINT32_MAX, &hid) < 0 ||
                    get_int(c, e, pi, "size", true, 1, UINT32_MAX, &sz) < 0) {
                        free(m);
                        return -EINVAL;
                }
                m[i] = (hull_spec_idmap){ (uint32_t) cid, (uint32_t) hid, (uint32_t) sz };
        }
        *ret = m;
        *ret_n = n;
        return 1;
}

static int parse_caps(pctx *c, json_t *obj, const char *base, hull_spec_caps *caps) {
        json_t *o;
        int r = get_object(c, obj, base, "capabilities", false, &o);
        if (r <= 0)
                return r;
        char p[PATH_BUF];
        join(p, base, "capabilities");
        static const char *const sets[] = { "bounding", "effective", "inheritable", "permitted", "ambient" };
        uint64_t *dst[] = { &caps->bounding, &caps->effective, &caps->inheritable, &caps->permitted, &caps->ambient };
        caps->present = true;
        for (size_t s = 0; s < ELEMENTSOF(sets); s++) {
                _cleanup_strv_ char **names = NULL;
                if (get_strv(c, o, p, sets[s], false, &names) < 0)
                        return -EINVAL;
                for (size_t i = 0; names && names[i]; i++) {
                        int cap = hull_cap_from_name(names[i]);
                        if (cap < 0) {
                                char ps[PATH_BUF], pi[PATH_BUF];
                                join(ps, p, sets[s]);
                                join_idx(pi, ps, i);
                                return fail(c, pi, "unknown capability \"%s\"", names[i]);
                        }
                        *dst[s] |= UINT64_C(1) << cap;
                }
        }
        return 1;
}

static int parse_process_obj(pctx *c, json_t *o, const char *p, hull_spec_process *proc) {
        char pp[PATH_BUF];
        int64_t n;
        if (get_bool(c, o, p, "terminal", &proc->terminal) < 0)
                return -EINVAL;
        json_t *cs;
        if (get_object(c, o, p, "consoleSize", false, &cs) < 0)
                return -EINVAL;
        if (cs) {
                join(pp, p, "consoleSize");
                int64_t h = 0, w = 0;
                if (get_int(c, cs, pp, "height", true, 0, UINT16_MAX, &h) < 0 ||
                    get_int(c, cs, pp, "width", true, 0, UINT16_MAX, &w) < 0)
                        return -EINVAL;
                proc->has_console_size = true;
                proc->console_height = (unsigned) h;
                proc->console_width = (unsigned) w;
        }
        json_t *u;
        if (get_object(c, o, p, "user", true, &u) < 0)
                return -EINVAL;
        join(pp, p, "user");
        if (get_int(c, u, pp, "uid", true, 0, UINT32_MAX - 1, &n) < 0)
                return -EINVAL;
        proc->user.uid = (uid_t) n;
        if (get_int(c, u, pp, "gid", true, 0, UINT32_MAX - 1, &n) < 0)
                return -EINVAL;
        proc->user.gid = (gid_t) n;
        int r = get_int(c, u, pp, "umask", false, 0, 0777, &n);
        if (r < 0)
                return -EINVAL;
        if (r > 0) {
                proc->user.has_umask = true;
                proc->user.umask = (mode_t) n;
        }
        if (get_string(c, u, pp, "username", false, &proc->user.username) < 0)
                return -EINVAL;
        json_t *ag;
        if (get_array(c, u, pp, "additionalGids", &ag) < 0)
                return -EINVAL;
        if (ag) {
                size_t k = json_array_size(ag);
                proc->user.additional_gids = calloc(k ? k : 1, sizeof(gid_t));
                if (!proc->user.additional_gids)
                        return hull_error_set(c->err, ENOMEM, "parse");
                for (size_t i = 0; i < k; i++) {
                        json_t *e = json_array_get(ag, i);
                        if (!json_is_integer(e) || json_integer_value(e) < 0 ||
                            json_integer_value(e) >= (json_int_t) UINT32_MAX) {
                                char pa[PATH_BUF], pi[PATH_BUF];
                                join(pa, pp, "additionalGids");
                                join_idx(pi, pa, i);
                                return fail(c, pi, "expected a group id, got %s", type_name(e));
                        }
                        proc->user.additional_gids[i] = (gid_t) json_integer_value(e);
                }
                proc->user.n_additional_gids = k;
        }
        json_t *args = json_object_get(o, "args");
        if (args && !json_is_null(args)) {
                if (get_strv(c, o, p, "args", true, &proc->args) < 0)
                        return -EINVAL;
        }
        if (get_strv(c, o, p, "env", false, &proc->env) < 0)
                return -EINVAL;
        for (size_t i = 0; proc->env && proc->env[i]; i++)
                if (!strchr(proc->env[i], '=') || proc->env[i][0] == '=') {
                        char pe[PATH_BUF], pi[PATH_BUF];
                        join(pe, p, "env");
                        join_idx(pi, pe, i);
                        return fail(c, pi, "expected NAME=VALUE, got \"%s\"", proc->env[i]);
                }
        if (get_string(c, o, p, "cwd", true, &proc->cwd) < 0)
                return -EINVAL;
        if (proc->cwd[0] != '/') {
                join(pp, p, "cwd");
                return fail(c, pp, "must be an absolute path, got \"%s\"", proc->cwd);
        }
        if (parse_caps(c, o, p, &proc->caps) < 0)
                return -EINVAL;
        json_t *rl;
        if (get_array(c, o, p, "rlimits", &rl) < 0)
                return -EINVAL;
        if (rl) {
                size_t k = json_array_size(rl);
                proc->rlimits = calloc(k ? k : 1, sizeof(*proc->rlimits));
                if (!proc->rlimits)
                        return hull_error_set(c->err, ENOMEM, "parse");
                join(pp, p, "rlimits");
                for (size_t i = 0; i < k; i++) {
                        char pi[PATH_BUF];
                        join_idx(pi, pp, i);
                        json_t *e = json_array_get(rl, i);
                        hull_spec_rlimit *l = &proc->rlimits[i];
                        proc->n_rlimits = i + 1;
                        if (!json_is_object(e))
                                return fail(c, pi, "expected an object, got %s", type_name(e));
                        if (get_string(c, e, pi, "type", true, &l->type) < 0 ||
                            get_uint64(c, e, pi, "soft", true, &l->soft) < 0 ||
                            get_uint64(c, e, pi, "hard", true, &l->hard) < 0)
                                return -EINVAL;
                        l->resource = hull_rlimit_from_name(l->type);
                        char pt[PATH_BUF];
                        join(pt, pi, "type");
                        if (l->resource < 0)
                                return fail(c, pt, "unknown rlimit \"%s\"", l->type);
                        for (size_t j = 0; j < i; j++)
                                if (proc->rlimits[j].resource == l->resource)
                                        return fail(c, pt, "rlimit \"%s\" is given more than once", l->type);
                        if (l->soft > l->hard)
                                return fail(c, pi, "soft limit %llu is above hard limit %llu",
                                            (unsigned long long) l->soft, (unsigned long long) l->hard);
                }
        }
        if (get_bool(c, o, p, "noNewPrivileges", &proc->no_new_privileges) < 0)
                return -EINVAL;
        r = get_int(c, o, p, "oomScoreAdj", false, -1000, 1000, &n);
        if (r < 0)
                return -EINVAL;
        if (r > 0) {
                proc->has_oom_score_adj = true;
                proc->oom_score_adj = (int) n;
        }
        if (get_string(c, o, p, "apparmorProfile", false, &proc->apparmor_profile) < 0 ||
            get_string(c, o, p, "selinuxLabel", false, &proc->selinux_label) < 0)
                return -EINVAL;
        return 0;
}

static int parse_mounts(pctx *c, json_t *root, hull_spec *s) {
        json_t *arr;
        int r = get_array(c, root, "", "mounts", &arr);
        if (r <= 0)
                return r;
        size_t n = json_array_size(arr);
        s->mounts = calloc(n ? n : 1, sizeof(*s->mounts));
        if (!s->mounts)
                return hull_error_set(c->err, ENOMEM, "parse mounts");
        for (size_t i = 0; i < n; i++) {
                char pi[PATH_BUF];
                join_idx(pi, "mounts", i);
                json_t *e = json_array_get(arr, i);
                hull_spec_mount *m = &s->mounts[i];
                s->n_mounts = i + 1;
                if (!json_is_object(e))
                        return fail(c, pi, "expected an object, got %s", type_name(e));
                if (get_string(c, e, pi, "destination", true, &m->destination) < 0 ||
                    get_string(c, e, pi, "type", false, &m->type) < 0 ||
                    get_string(c, e, pi, "source", false, &m->source) < 0 ||
                    get_strv(c, e, pi, "options", false, &m->options) < 0 ||
                    parse_idmaps(c, e, pi, "uidMappings", &m->uid_mappings, &m->n_uid_mappings) < 0 ||
                    parse_idmaps(c, e, pi, "gidMappings", &m->gid_mappings, &m->n_gid_mappings) < 0)
                        return -EINVAL;
                if (!m->destination[0]) {
                        char pd[PATH_BUF];
                        join(pd, pi, "destination");
                        return fail(c, pd, "must not be empty");
                }
                if (m->destination[0] != '/') {
                        /* runtime-spec 1.2: a relative destination is relative to "/" (deprecated). */
                        char *abs = hull_strdup_printf("/%s", m->destination);
                        if (!abs)
                                return hull_error_set(c->err, ENOMEM, "parse %s", pi);
                        hull_warn("%s: %s.destination \"%s\" is relative: taken as \"%s\" (deprecated)", c->where, pi,
                                  m->destination, abs);
                        free(m->destination);
                        m->destination = abs;
                }
                /* Options the runtime does not know are passed to the file system as data;
                 * only the recursive "r*" attributes need a known name. */
        }
        return 0;
}

static int parse_hooks(pctx *c, json_t *root, hull_spec *s) {
        json_t *h;
        int r = get_object(c, root, "", "hooks", false, &h);
        if (r <= 0)
                return r;
        for (int k = 0; k < _HULL_HOOK_MAX; k++) {
                char pk[PATH_BUF];
                join(pk, "hooks", hull_hook_kind_name(k));
                json_t *arr;
                if (get_array(c, h, "hooks", hull_hook_kind_name(k), &arr) < 0)
                        return -EINVAL;
                if (!arr)
                        continue;
                size_t n = json_array_size(arr);
                s->hooks[k] = calloc(n ? n : 1, sizeof(hull_spec_hook));
                if (!s->hooks[k])
                        return hull_error_set(c->err, ENOMEM, "parse hooks");
                for (size_t i = 0; i < n; i++) {
                        char pi[PATH_BUF];
                        join_idx(pi, pk, i);
                        json_t *e = json_array_get(arr, i);
                        hull_spec_hook *hk = &s->hooks[k][i];
                        s->n_hooks[k] = i + 1;
                        if (!json_is_object(e))
                                return fail(c, pi, "expected an object, got %s", type_name(e));
                        int64_t t = 0;
                        if (get_string(c, e, pi, "path", true, &hk->path) < 0 ||
                            get_strv(c, e, pi, "args", false, &hk->args) < 0 ||
                            get_strv(c, e, pi, "env", false, &hk->env) < 0 ||
                            get_int(c, e, pi, "timeout", false, 1, INT_MAX, &t) < 0)
                                return -EINVAL;
                        hk->timeout = (int) t;
                        if (hk->path[0] != '/') {
                                char pp[PATH_BUF];
                                join(pp, pi, "path");
                                return fail(c, pp, "must be an absolute path, got \"%s\"", hk->path);
                        }
                }
        }
        return 0;
}

static int parse_kv(pctx *c, json_t *obj, const char *base, const char *key, hull_spec_kv **ret, size_t *ret_n) {
        json_t *o;
        int r = get_object(c, obj, base, key, false, &o);
        if (r <= 0)
                return r;
        char p[PATH_BUF];
        join(p, base, key);
        size_t n = json_object_size(o), i = 0;
        hull_spec_kv *kv = calloc(n ? n : 1, sizeof(*kv));
        if (!kv)
                return hull_error_set(c->err, ENOMEM, "parse %s", p);
        *ret = kv;
        const char *k;
        json_t *v;
        json_object_foreach(o, k, v) {
                if (!*k)
                        return fail(c, p, "keys must not be empty");
                if (!json_is_string(v)) {
                        char pk[PATH_BUF];
                        join(pk, p, k);
                        return fail(c, pk, "expected a string, got %s", type_name(v));
                }
                kv[i].key = strdup(k);
                kv[i].value = strdup(json_string_value(v));
                *ret_n = ++i;
                if (!kv[i - 1].key || !kv[i - 1].value)
                        return hull_error_set(c->err, ENOMEM, "parse %s", p);
        }
        return 1;
}

static int parse_devices(pctx *c, json_t *lnx, hull_spec *s) {
        json_t *arr;
        int r = get_array(c, lnx, "linux", "devices", &arr);
        if (r <= 0)
                return r;
        size_t n = json_array_size(arr);
        s->devices = calloc(n ? n : 1, sizeof(*s->devices));
        if (!s->devices)
                return hull_error_set(c->err, ENOMEM, "parse linux.devices");
        for (size_t i = 0; i < n; i++) {
                char pi[PATH_BUF];
                join_idx(pi, "linux.devices", i);
                json_t *e = json_array_get(arr, i);
                hull_spec_device *d = &s->devices[i];
                s->n_devices = i + 1;
                if (!json_is_object(e))
                        return fail(c, pi, "expected an object, got %s", type_name(e));
                _cleanup_free_ char *type = NULL;
                int64_t v;
                if (get_string(c, e, pi, "type", true, &type) < 0 || get_string(c, e, pi, "path", true, &d->path) < 0)
                        return -EINVAL;
                char pt[PATH_BUF];
                join(pt, pi, "type");
                if (strlen(type) != 1 || !strchr("cbup", type[0]))
                        return fail(c, pt, "expected one of \"c\", \"b\", \"u\", \"p\", got \"%s\"", type);
                d->type = type[0];
                if (d->path[0] != '/') {
                        join(pt, pi, "path");
                        return fail(c, pt, "must be an absolute path, got \"%s\"", d->path);
                }
                bool need_nums = d->type != 'p';
                if (get_int(c, e, pi, "major", need_nums, 0, UINT32_MAX, &d->major) < 0 ||
                    get_int(c, e, pi, "minor", need_nums, 0, UINT32_MAX, &d->minor) < 0)
                        return -EINVAL;
                if ((r = get_int(c, e, pi, "fileMode", false, 0, 07777, &v)) < 0)
                        return -EINVAL;
                if (r > 0) {
                        d->has_file_mode = true;
                        d->file_mode = (mode_t) v;
                }
                if ((r = get_int(c, e, pi, "uid", false, 0, UINT32_MAX - 1, &v)) < 0)
                        return -EINVAL;
                if (r > 0) {
                        d->has_uid = true;
                        d->uid = (uid_t) v;
                }
                if ((r = get_int(c, e, pi, "gid", false, 0, UINT32_MAX - 1, &v)) < 0)
                        return -EINVAL;
                if (r > 0) {
                        d->has_gid = true;
                        d->gid = (gid_t) v;
                }
        }
        return 0;
}

static int get_opt_int(pctx *c, json_t *o, const char *p, const char *key, int64_t min, int64_t max, int64_t *ret) {
        *ret = -1;
        int r = get_int(c, o, p, key, false, min, max, ret);
        if (r == 0)
                *ret = -1;
        return r;
}

static int parse_resources(pctx *c, json_t *lnx, hull_spec *s) {
        json_t *res;
        int r = get_object(c, lnx, "linux", "resources", false, &res);
        hull_spec_resources *R = &s->resources;
        R->memory_limit = R->memory_reservation = R->memory_swap = R->memory_swappiness = -1;
        R->cpu_shares = R->cpu_quota = R->cpu_period = R->cpu_burst = R->cpu_rt_runtime = R->cpu_rt_period = -1;
        if (r <= 0)
                return r;
        s->has_resources = true;
        const char *p = "linux.resources";
        json_t *mem, *cpu, *pids, *devs;
        if (get_object(c, res, p, "memory", false, &mem) < 0 || get_object(c, res, p, "cpu", false, &cpu) < 0 ||
            get_object(c, res, p, "pids", false, &pids) < 0 || get_array(c, res, p, "devices", &devs) < 0)
                return -EINVAL;
        if (mem) {
                const char *pm = "linux.resources.memory";
                if (get_opt_int(c, mem, pm, "limit", -1, INT64_MAX, &R->memory_limit) < 0 ||
                    get_opt_int(c, mem, pm, "reservation", -1, INT64_MAX, &R->memory_reservation) < 0 ||
                    get_opt_int(c, mem, pm, "swap", -1, INT64_MAX, &R->memory_swap) < 0 ||
                    get_opt_int(c, mem, pm, "swappiness", 0, 100, &R->memory_swappiness) < 0)
                        return -EINVAL;
                /* -1 means unlimited; keep "unset" distinct. */
                if (json_integer_value(json_object_get(mem, "limit")) == -1 && json_object_get(mem, "limit"))
                        R->memory_limit = INT64_MAX;
                if (json_integer_value(json_object_get(mem, "swap")) == -1 && json_object_get(mem, "swap"))
                        R->memory_swap = INT64_MAX;
                if (json_integer_value(json_object_get(mem, "reservation")) == -1 && json_object_get(mem, "reservation"))
                        R->memory_reservation = INT64_MAX;
                if ((r = get_bool(c, mem, pm, "disableOOMKiller", &R->disable_oom_killer)) < 0)
                        return -EINVAL;
                R->has_disable_oom_killer = r > 0;
        }
        if (cpu) {
                const char *pc = "linux.resources.cpu";
                int64_t q;
                if (get_opt_int(c, cpu, pc, "shares", 2, 262144, &R->cpu_shares) < 0 ||
                    (r = get_int(c, cpu, pc, "quota", false, -1, INT64_MAX, &q)) < 0 ||
                    get_opt_int(c, cpu, pc, "period", 1000, 1000000, &R->cpu_period) < 0 ||
                    get_opt_int(c, cpu, pc, "burst", 0, INT64_MAX, &R->cpu_burst) < 0 ||
                    get_opt_int(c, cpu, pc, "realtimeRuntime", -1, INT64_MAX, &R->cpu_rt_runtime) < 0 ||
                    get_opt_int(c, cpu, pc, "realtimePeriod", 0, INT64_MAX, &R->cpu_rt_period) < 0 ||
                    get_string(c, cpu, pc, "cpus", false, &R->cpu_cpus) < 0 ||
                    get_string(c, cpu, pc, "mems", false, &R->cpu_mems) < 0)
                        return -EINVAL;
                if (r > 0) {
                        R->has_cpu_quota = true;
                        R->cpu_quota = q;
                        if (q == 0 || (q > 0 && q < 1000))
                                return fail(c, "linux.resources.cpu.quota", "must be -1 or at least 1000, got %lld",
                                            (long long) q);
                }
        }
        if (pids) {
                int64_t l;
                if ((r = get_int(c, pids, "linux.resources.pids", "limit", false, INT64_MIN, INT64_MAX, &l)) < 0)
                        return -EINVAL;
                if (r > 0) {
                        R->has_pids_limit = true;
                        R->pids_limit = l;
                }
        }
        if (devs) {
                size_t n = json_array_size(devs);
                R->devices = calloc(n ? n : 1, sizeof(*R->devices));
                if (!R->devices)
                        return hull_error_set(c->err, ENOMEM, "parse");
                for (size_t i = 0; i < n; i++) {
                        char pi[PATH_BUF];
                        join_idx(pi, "linux.resources.devices", i);
                        json_t *e = json_array_get(devs, i);
                        hull_spec_device_rule *d = &R->devices[i];
                        R->n_devices = i + 1;
                        if (!json_is_object(e))
                                return fail(c, pi, "expected an object, got %s", type_name(e));
                        json_t *a = json_object_get(e, "allow");
                        if (!json_is_boolean(a)) {
                                char pa[PATH_BUF];
                                join(pa, pi, "allow");
                                return fail(c, pa, "required boolean is missing");
                        }
                        d->allow = json_is_true(a);
                        _cleanup_free_ char *type = NULL, *access = NULL;
                        if (get_string(c, e, pi, "type", false, &type) < 0 ||
                            get_string(c, e, pi, "access", false, &access) < 0 ||
                            get_opt_int(c, e, pi, "major", -1, UINT32_MAX, &d->major) < 0 ||
                            get_opt_int(c, e, pi, "minor", -1, UINT32_MAX, &d->minor) < 0)
                                return -EINVAL;
                        d->type = type ? type[0] : 'a';
                        if (type && (strlen(type) != 1 || !strchr("acb", type[0]))) {
                                char pt[PATH_BUF];
                                join(pt, pi, "type");
                                return fail(c, pt, "expected one of \"a\", \"c\", \"b\", got \"%s\"", type);
                        }
                        const char *acc = access ? access : "rwm";
                        if (strlen(acc) > 3 || strspn(acc, "rwm") != strlen(acc)) {
                                char pt[PATH_BUF];
                                join(pt, pi, "access");
                                return fail(c, pt, "expected a combination of \"r\", \"w\", \"m\", got \"%s\"", acc);
                        }
                        snprintf(d->access, sizeof(d->access), "%s", acc);
                }
        }
        json_t *uni;
        if (get_object(c, res, p, "unified", false, &uni) < 0)
                return -EINVAL;
        if (uni) {
                const char *k;
                json_t *v;
                json_object_foreach(uni, k, v) {
                        if (!json_is_string(v)) {
                                char pk[PATH_BUF];
                                join(pk, "linux.resources.unified", k);
                                return fail(c, pk, "expected a string, got %s", type_name(v));
                        }
                        if (strchr(k, '/') || k[0] == '.' || !strchr(k, '.')) {
                                char pk[PATH_BUF];
                                join(pk, "linux.resources.unified", k);
                                return fail(c, pk, "not a cgroup v2 file name");
                        }
                        if (hull_strv_push(&R->unified, k) < 0 || hull_strv_push(&R->unified, json_string_value(v)) < 0)
                                return hull_error_set(c->err, ENOMEM, "parse");
                }
        }
        return 0;
}

static int parse_linux(pctx *c, json_t *root, hull_spec *s) {
        json_t *lnx;
        int r = get_object(c, root, "", "linux", false, &lnx);
        if (r < 0)
                return r;
        if (r == 0)
                return parse_resources(c, NULL, s);
        json_t *nss;
        if (get_array(c, lnx, "linux", "namespaces", &nss) < 0)
                return -EINVAL;
        for (size_t i = 0; nss && i < json_array_size(nss); i++) {
                char pi[PATH_BUF], pt[PATH_BUF];
                join_idx(pi, "linux.namespaces", i);
                join(pt, pi, "type");
                json_t *e = json_array_get(nss, i);
                if (!json_is_object(e))
                        return fail(c, pi, "expected an object, got %s", type_name(e));
                _cleanup_free_ char *type = NULL, *path = NULL;
                if (get_string(c, e, pi, "type", true, &type) < 0 || get_string(c, e, pi, "path", false, &path) < 0)
                        return -EINVAL;
                int t = hull_ns_type_from_name(type);
                if (t < 0)
                        return fail(c, pt,
                                    "unknown namespace \"%s\" (expected one of pid, network, mount, ipc, uts, user, cgroup, time)",
                                    type);
                if (s->ns[t].present)
                        return fail(c, pt, "namespace \"%s\" is given more than once", type);
                if (path && path[0] != '/') {
                        char pp[PATH_BUF];
                        join(pp, pi, "path");
                        return fail(c, pp, "must be an absolute path, got \"%s\"", path);
                }
                s->ns[t].present = true;
                s->ns[t].path = TAKE_PTR(path);
        }
        if (parse_idmaps(c, lnx, "linux", "uidMappings", &s->uid_mappings, &s->n_uid_mappings) < 0 ||
            parse_idmaps(c, lnx, "linux", "gidMappings", &s->gid_mappings, &s->n_gid_mappings) < 0)
                return -EINVAL;
        json_t *to;
        if (get_object(c, lnx, "linux", "timeOffsets", false, &to) < 0)
                return -EINVAL;
        if (to) {
                static const char *const clocks[] = { "monotonic", "boottime" };
                int64_t *secs[] = { &s->time_monotonic_secs, &s->time_boottime_secs };
                uint32_t *nsecs[] = { &s->time_monotonic_nsecs, &s->time_boottime_nsecs };
                s->has_time_offsets = true;
                for (int k = 0; k < 2; k++) {
                        json_t *o;
                        char pc[PATH_BUF];
                        join(pc, "linux.timeOffsets", clocks[k]);
                        if (get_object(c, to, "linux.timeOffsets", clocks[k], false, &o) < 0)
                                return -EINVAL;
                        if (!o)
                                continue;
                        int64_t v = 0;
                        if (get_int(c, o, pc, "secs", false, INT64_MIN, INT64_MAX, secs[k]) < 0 ||
                            get_int(c, o, pc, "nanosecs", false, 0, 999999999, &v) < 0)
                                return -EINVAL;
                        *nsecs[k] = (uint32_t) v;
                }
        }
        if (parse_devices(c, lnx, s) < 0)
                return -EINVAL;
        if (get_string(c, lnx, "linux", "cgroupsPath", false, &s->cgroups_path) < 0)
                return -EINVAL;
        if (parse_resources(c, lnx, s) < 0)
                return -EINVAL;
        if (parse_kv(c, lnx, "linux", "sysctl", &s->sysctl, &s->n_sysctl) < 0)
                return -EINVAL;
        if (get_string(c, lnx, "linux", "rootfsPropagation", false, &s->rootfs_propagation) < 0)
                return -EINVAL;
        if (s->rootfs_propagation) {
                static const char *const ok[] = { "private", "rprivate", "slave", "rslave", "shared", "rshared",
                                                  "unbindable", "runbindable" };
                bool found = false;
                for (size_t i = 0; i < ELEMENTSOF(ok); i++)
                        found |= strcmp(ok[i], s->rootfs_propagation) == 0;
                if (!found)
                        return fail(c, "linux.rootfsPropagation",
                                    "expected one of private, rprivate, slave, rslave, shared, rshared, unbindable, runbindable, got \"%s\"",
                                    s->rootfs_propagation);
        }
        if (get_strv(c, lnx, "linux", "maskedPaths", false, &s->masked_paths) < 0 ||
            get_strv(c, lnx, "linux", "readonlyPaths", false, &s->readonly_paths) < 0 ||
            get_string(c, lnx, "linux", "mountLabel", false, &s->mount_label) < 0)
                return -EINVAL;
        for (size_t i = 0; s->masked_paths && s->masked_paths[i]; i++)
                if (s->masked_paths[i][0] != '/') {
                        char pi[PATH_BUF];
                        join_idx(pi, "linux.maskedPaths", i);
                        return fail(c, pi, "must be an absolute path, got \"%s\"", s->masked_paths[i]);
                }
        for (size_t i = 0; s->readonly_paths && s->readonly_paths[i]; i++)
                if (s->readonly_paths[i][0] != '/') {
                        char pi[PATH_BUF];
                        join_idx(pi, "linux.readonlyPaths", i);
                        return fail(c, pi, "must be an absolute path, got \"%s\"", s->readonly_paths[i]);
                }
        json_t *sc;
        if (get_object(c, lnx, "linux", "seccomp", false, &sc) < 0)
                return -EINVAL;
        if (sc && hull_spec_parse_seccomp(sc, c->where, &s->seccomp, c->err) < 0)
                return -EINVAL;
        json_t *pers;
        if (get_object(c, lnx, "linux", "personality", false, &pers) < 0)
                return -EINVAL;
        if (pers && get_string(c, pers, "linux.personality", "domain", true, &s->personality_domain) < 0)
                return -EINVAL;
        return 0;
}

/* Semantic checks that need the whole document. */
static int validate(pctx *c, hull_spec *s) {
        if (s->n_uid_mappings > 0 || s->n_gid_mappings > 0) {
                if (!s->ns[HULL_NS_USER].present)
                        return fail(c, "linux.uidMappings", "mappings are given but linux.namespaces has no \"user\" namespace");
        }
        if (s->ns[HULL_NS_USER].present && !s->ns[HULL_NS_USER].path) {
                if (s->n_uid_mappings == 0)
                        return fail(c, "linux.uidMappings", "a new user namespace needs at least one mapping");
                if (s->n_gid_mappings == 0)
                        return fail(c, "linux.gidMappings", "a new user namespace needs at least one mapping");
                if (s->n_uid_mappings > 340)
                        return fail(c, "linux.uidMappings", "at most 340 ranges are supported by the kernel");
                if (s->n_gid_mappings > 340)
                        return fail(c, "linux.gidMappings", "at most 340 ranges are supported by the kernel");
        }
        if (s->has_time_offsets && !s->ns[HULL_NS_TIME].present)
                return fail(c, "linux.timeOffsets", "offsets are given but linux.namespaces has no \"time\" namespace");
        if (s->has_time_offsets && s->ns[HULL_NS_TIME].path)
                return fail(c, "linux.timeOffsets", "offsets cannot be set on a time namespace joined by path");
        if (s->hostname && s->hostname[0] && !s->ns[HULL_NS_UTS].present)
                return fail(c, "hostname", "setting a hostname needs a new \"uts\" namespace");
        if (s->hostname && s->ns[HULL_NS_UTS].path)
                return fail(c, "hostname", "cannot set the hostname of a uts namespace joined by path");
        if (s->domainname && s->domainname[0] && !s->ns[HULL_NS_UTS].present)
                return fail(c, "domainname", "setting a domainname needs a new \"uts\" namespace");
        for (size_t i = 0; i < s->n_sysctl; i++) {
                const char *k = s->sysctl[i].key;
                char pk[PATH_BUF];
                join(pk, "linux.sysctl", k);
                if (strstr(k, "..") || k[0] == '/' || k[0] == '.' || !*k)
                        return fail(c, pk, "not a sysctl name");
                bool net = hull_startswith(k, "net.");
                bool ipc = hull_startswith(k, "kernel.msg") || hull_startswith(k, "kernel.sem") ||
                           hull_startswith(k, "kernel.shm") || hull_startswith(k, "fs.mqueue.");
                bool uts = strcmp(k, "kernel.hostname") == 0 || strcmp(k, "kernel.domainname") == 0;
                if (net && (!s->ns[HULL_NS_NETWORK].present))
                        return fail(c, pk, "a net.* sysctl needs a \"network\" namespace");
                if (ipc && !s->ns[HULL_NS_IPC].present)
                        return fail(c, pk, "an IPC sysctl needs an \"ipc\" namespace");
                if (uts && !s->ns[HULL_NS_UTS].present)
                        return fail(c, pk, "a UTS sysctl needs a \"uts\" namespace");
                if (!net && !ipc && !uts)
                        return fail(c, pk, "sysctl is not namespaced and would change the host");
        }
        return 0;
}

static int parse_document(pctx *c, json_t *root, hull_spec *s) {
        if (!json_is_object(root))
                return hull_error_set_raw(c->err, EINVAL, "%s: expected a JSON object at the top level, got %s",
                                          c->where, type_name(root));
        if (get_string(c, root, "", "ociVersion", true, &s->oci_version) < 0)
                return -EINVAL;
        if (strncmp(s->oci_version, "1.", 2) != 0)
                return fail(c, "ociVersion", "version \"%s\" is not supported (expected 1.x)", s->oci_version);
        json_t *root_obj;
        if (get_object(c, root, "", "root", false, &root_obj) < 0)
                return -EINVAL;
        if (!root_obj)
                return fail(c, "root", "required object is missing");
        if (get_string(c, root_obj, "root", "path", true, &s->root_path) < 0 ||
            get_bool(c, root_obj, "root", "readonly", &s->root_readonly) < 0)
                return -EINVAL;
        if (get_string(c, root, "", "hostname", false, &s->hostname) < 0 ||
            get_string(c, root, "", "domainname", false, &s->domainname) < 0)
                return -EINVAL;
        json_t *proc;
        if (get_object(c, root, "", "process", false, &proc) < 0)
                return -EINVAL;
        if (proc) {
                s->has_process = true;
                if (parse_process_obj(c, proc, "process", &s->process) < 0)
                        return -EINVAL;
        }
        if (parse_mounts(c, root, s) < 0 || parse_hooks(c, root, s) < 0 ||
            parse_kv(c, root, "", "annotations", &s->annotations, &s->n_annotations) < 0 || parse_linux(c, root, s) < 0)
                return -EINVAL;
        return validate(c, s);
}

static json_t *load_json(pctx *c, const char *text, size_t len) {
        json_error_t je;
        json_t *root = hull_json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
        if (!root)
                hull_error_set_raw(c->err, EINVAL, "%s:%d:%d: not valid JSON: %s", c->where, je.line, je.column, je.text);
        return root;
}

int hull_spec_parse(const char *text, size_t len, const char *where, hull_spec **ret, hull_error **err) {
        pctx c = { where ? where : "config.json", err };
        json_t *root = load_json(&c, text, len);
        if (!root)
                return -EINVAL;
        hull_spec *s = calloc(1, sizeof(*s));
        if (!s) {
                json_decref(root);
                return hull_error_set(err, ENOMEM, "parse %s", c.where);
        }
        int r = parse_document(&c, root, s);
        json_decref(root);
        if (r < 0) {
                hull_spec_free(s);
                return r;
        }
        *ret = s;
        return 0;
}

int hull_spec_parse_process(const char *text, size_t len, const char *where, hull_spec_process *ret,
                            hull_error **err) {
        pctx c = { where ? where : "process.json", err };
        json_t *root = load_json(&c, text, len);
        if (!root)
                return -EINVAL;
        int r;
        if (!json_is_object(root))
                r = hull_error_set_raw(err, EINVAL, "%s: expected a JSON object", c.where);
        else {
                memset(ret, 0, sizeof(*ret));
                r = parse_process_obj(&c, root, "", ret);
                if (r == 0 && !ret->args)
                        r = fail(&c, "args", "expected a non-empty array of strings");
                if (r < 0)
                        hull_spec_process_done(ret);
        }
        json_decref(root);
        return r;
}

int hull_spec_load(int dirfd, const char *path, hull_spec **ret, hull_error **err) {
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = hull_read_file_at(dirfd, path, 16u << 20, &text, &len);
        if (r < 0)
                return hull_error_set(err, -r, "read %s", path);
        return hull_spec_parse(text, len, path, ret, err);
}

void hull_spec_process_done(hull_spec_process *p) {
        free(p->user.additional_gids);
        free(p->user.username);
        hull_strv_free(p->args);
        hull_strv_free(p->env);
        free(p->cwd);
        for (size_t i = 0; i < p->n_rlimits; i++)
                free(p->rlimits[i].type);
        free(p->rlimits);
        free(p->apparmor_profile);
        free(p->selinux_label);
        memset(p, 0, sizeof(*p));
}

static void kv_free(hull_spec_kv *kv, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

void hull_spec_free(hull_spec *s) {
        if (!s)
                return;
        free(s->oci_version);
        free(s->root_path);
        free(s->hostname);
        free(s->domainname);
        hull_spec_process_done(&s->process);
        for (size_t i = 0; i < s->n_mounts; i++) {
                hull_spec_mount *m = &s->mounts[i];
                free(m->destination);
                free(m->type);
                free(m->source);
                hull_strv_free(m->options);
                free(m->uid_mappings);
                free(m->gid_mappings);
        }
        free(s->mounts);
        for (int k = 0; k < _HULL_HOOK_MAX; k++) {
                for (size_t i = 0; i < s->n_hooks[k]; i++) {
                        free(s->hooks[k][i].path);
                        hull_strv_free(s->hooks[k][i].args);
                        hull_strv_free(s->hooks[k][i].env);
                }
                free(s->hooks[k]);
        }
        kv_free(s->annotations, s->n_annotations);
        for (int i = 0; i < _HULL_NS_MAX; i++)
                free(s->ns[i].path);
        free(s->uid_mappings);
        free(s->gid_mappings);
        for (size_t i = 0; i < s->n_devices; i++)
                free(s->devices[i].path);
        free(s->devices);
        free(s->cgroups_path);
        free(s->resources.cpu_cpus);
        free(s->resources.cpu_mems);
        free(s->resources.devices);
        hull_strv_free(s->resources.unified);
        kv_free(s->sysctl, s->n_sysctl);
        free(s->rootfs_propagation);
        hull_strv_free(s->masked_paths);
        hull_strv_free(s->readonly_paths);
        free(s->mount_label);
        free(s->personality_domain);
        hull_spec_seccomp_free(s->seccomp);
        free(s);
}
