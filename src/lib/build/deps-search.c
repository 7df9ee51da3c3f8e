/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The search half of the resolver (see deps.h, deps-internal.h): paths
 * inside the root, $ORIGIN and friends, candidates, and the order of
 * glibc's _dl_map_object (dl-load.c). */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/deps-internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

/* ---- paths inside the root ---- */

/* ---- lstat results by path ---- */

static uint64_t path_hash(const char *s) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 0x100000001b3ull;
        return h;
}

/* The entry of rel, or NULL (with *ret_slot where it would go). */
static deps_lstat_entry *lstat_find(deps_lstat_cache *c, const char *rel, size_t *ret_slot) {
        if (!c->size)
                return NULL;
        size_t k = path_hash(rel) & (c->size - 1);
        for (; c->slots[k].path; k = (k + 1) & (c->size - 1))
                if (strcmp(c->slots[k].path, rel) == 0)
                        return &c->slots[k];
        *ret_slot = k;
        return NULL;
}

/* A new entry for rel (not there yet), or NULL when out of memory. */
static deps_lstat_entry *lstat_add(deps_lstat_cache *c, const char *rel, mode_t mode) {
        if ((c->used + 1) * 2 > c->size) {
                size_t size = c->size ? c->size * 2 : 256;
                deps_lstat_entry *slots = calloc(size, sizeof(*slots));
                if (!slots)
                        return NULL;
                for (size_t i = 0; i < c->size; i++)
                        if (c->slots[i].path) {
                                size_t k = path_hash(c->slots[i].path) & (size - 1);
                                while (slots[k].path)
                                        k = (k + 1) & (size - 1);
                                slots[k] = c->slots[i];
                        }
                free(c->slots);
                c->slots = slots;
                c->size = size;
        }
        size_t k = path_hash(rel) & (c->size - 1);
        while (c->slots[k].path)
                k = (k + 1) & (c->size - 1);
        if (!(c->slots[k].path = strdup(rel)))
                return NULL;
        c->slots[k].mode = mode;
        c->slots[k].target = NULL;
        c->used++;
        return &c->slots[k];
}

int deps_lstat(deps_lstat_cache *c, int rootfd, const char *rel, mode_t *ret_mode) {
        size_t slot;
        const deps_lstat_entry *e = c ? lstat_find(c, rel, &slot) : NULL;
        if (e) {
                *ret_mode = e->mode;
                return 0;
        }
        struct stat st;
        if (fstatat(rootfd, rel, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return -errno;
        *ret_mode = st.st_mode;
        if (c)
                (void) lstat_add(c, rel, st.st_mode); /* out of memory: not cached */
        return 0;
}

void deps_lstat_note(deps_lstat_cache *c, const char *rel, mode_t mode) {
        size_t slot;
        if (c && !lstat_find(c, rel, &slot))
                (void) lstat_add(c, rel, mode);
}

ssize_t deps_readlink(deps_lstat_cache *c, int rootfd, const char *rel, char *buf, size_t size) {
        size_t slot;
        deps_lstat_entry *e = c ? lstat_find(c, rel, &slot) : NULL;
        if (e && e->target) {
                size_t n = strlen(e->target);
                if (n >= size)
                        n = size - 1;
                memcpy(buf, e->target, n);
                buf[n] = 0;
                return (ssize_t) n;
        }
        ssize_t n = readlinkat(rootfd, rel, buf, size - 1);
        if (n < 0)
                return -errno;
        buf[n] = 0;
        if (e)
                e->target = strdup(buf); /* out of memory: not cached */
        return n;
}

void deps_lstat_cache_done(deps_lstat_cache *c) {
        for (size_t i = 0; i < c->size; i++) {
                free(c->slots[i].path);
                free(c->slots[i].target);
        }
        free(c->slots);
        *c = (deps_lstat_cache){ 0 };
}

/* ---- paths inside the root ---- */

/* Resolves `path` inside the root like the kernel would, recording every
 * symlink passed.  Returns 0 with *ret_real (and the links appended to
 * *links), or -errno (ENOENT, ENOTDIR, ELOOP...).  A leaf helper. */
int hull_deps_walk(int rootfd, deps_lstat_cache *cache, const char *path, hull_deps_link **links, size_t *n_links,
                   char **ret_real) {
        _cleanup_free_ char *resolved = strdup("");
        _cleanup_free_ char *rest = strdup(path);
        unsigned symlinks = 0;
        if (!resolved || !rest)
                return -ENOMEM;
        char *p = rest;
        for (;;) {
                while (*p == '/')
                        p++;
                if (!*p)
                        break;
                char *slash = strchr(p, '/');
                size_t len = slash ? (size_t) (slash - p) : strlen(p);
                if (len == 1 && p[0] == '.') {
                        p += len;
                        continue;
                }
                if (len == 2 && p[0] == '.' && p[1] == '.') {
                        char *last = strrchr(resolved, '/');
                        if (last)
                                *last = 0;
                        p += len;
                        continue;
                }
                _cleanup_free_ char *cand = hull_strdup_printf("%s/%.*s", resolved, (int) len, p);
                if (!cand)
                        return -ENOMEM;
                mode_t mode;
                int r = deps_lstat(cache, rootfd, cand + 1, &mode);
                if (r < 0)
                        return r;
                p += len;
                while (*p == '/')
                        p++;
                if (S_ISLNK(mode)) {
                        if (++symlinks > MAX_SYMLINKS)
                                return -ELOOP;
                        char target[4096];
                        ssize_t n = deps_readlink(cache, rootfd, cand + 1, target, sizeof(target));
                        if (n < 0)
                                return (int) n;
                        if (n == 0)
                                return -ENOENT;
                        if (links) {
                                hull_deps_link *nl = realloc(*links, (*n_links + 1) * sizeof(*nl));
                                if (!nl)
                                        return -ENOMEM;
                                *links = nl;
                                nl[*n_links].path = strdup(cand);
                                nl[*n_links].target = strdup(target);
                                if (!nl[*n_links].path || !nl[*n_links].target) {
                                        free(nl[*n_links].path);
                                        free(nl[*n_links].target);
                                        return -ENOMEM;
                                }
                                (*n_links)++;
                        }
                        char *nr = hull_strdup_printf("%s%s%s", target, *p ? "/" : "", p);
                        if (!nr)
                                return -ENOMEM;
                        free(rest);
                        rest = p = nr;
                        if (target[0] == '/')
                                resolved[0] = 0;
                        continue;
                }
                if (*p && !S_ISDIR(mode))
                        return -ENOTDIR;
                free(resolved);
                resolved = TAKE_PTR(cand);
        }
        if (!*resolved) {
                free(resolved);
                resolved = strdup("/");
                if (!resolved)
                        return -ENOMEM;
        }
        *ret_real = TAKE_PTR(resolved);
        return 0;
}

char *deps_dir_of(const char *path) {
        const char *slash = strrchr(path, '/');
        if (!slash || slash == path)
                return strdup("/");
        return strndup(path, (size_t) (slash - path));
}

const char *deps_base_of(const char *path) {
        const char *slash = strrchr(path, '/');
        return slash ? slash + 1 : path;
}

/* Opens a candidate: 1 with *ret_fd and *st when it is a regular file, 0
 * when it is not there (or not a file), <0 on other errors. */
int deps_open_file(ns *n, const char *path, int *ret_fd, struct stat *st) {
        int fd = hull_open_in_root(n->c->rootfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY, 0);
        if (fd == -ENOENT || fd == -ENOTDIR || fd == -ELOOP || fd == -EACCES || fd == -ENAMETOOLONG ||
            fd == -EISDIR || fd == -ENXIO)
                return 0;
        if (fd < 0)
                return hull_error_set(n->c->err, -fd, "open %s", path);
        if (fstat(fd, st) < 0) {
                int r = hull_error_set(n->c->err, errno, "stat %s", path);
                close(fd);
                return r;
        }
        if (!S_ISREG(st->st_mode)) {
                close(fd);
                return 0;
        }
        *ret_fd = fd;
        return 1;
}

/* ---- search ---- */

/* The directory an object's $ORIGIN names: the executable's real
 * directory (the kernel's /proc/self/exe), a library's directory as found. */
static const char *origin_of(ns *n, size_t i, char **buf) {
        hull_deps_object *o = O(n, i);
        const char *p = (i == n->main || o->loader == SIZE_MAX) ? o->realpath : o->path;
        if (!p)
                return NULL;
        free(*buf);
        *buf = deps_dir_of(p);
        return *buf;
}

/* Expands $ORIGIN, $LIB, $PLATFORM (also ${...}) in s for object i.  Returns
 * 1 with *ret, 0 when a token has no value here (ld.so drops the element),
 * or -ENOMEM. */
int deps_expand_dst(ns *n, size_t i, const char *s, char **ret) {
        _cleanup_free_ char *origin_buf = NULL;
        size_t cap = strlen(s) + 1, len = 0;
        _cleanup_free_ char *out = malloc(cap);
        if (!out)
                return -ENOMEM;
        for (const char *p = s; *p;) {
                const char *val = NULL;
                size_t skip = 0;
                if (*p == '$') {
                        static const char *const names[] = { "ORIGIN", "LIB", "PLATFORM" };
                        for (size_t k = 0; k < ELEMENTSOF(names) && !skip; k++) {
                                size_t nl = strlen(names[k]);
                                bool curly = p[1] == '{';
                                const char *q = p + 1 + curly;
                                if (strncmp(q, names[k], nl) != 0)
                                        continue;
                                if (curly ? q[nl] != '}' : (q[nl] == '_' || (q[nl] >= 'A' && q[nl] <= 'Z') ||
                                                            (q[nl] >= 'a' && q[nl] <= 'z') || (q[nl] >= '0' && q[nl] <= '9')))
                                        continue;
                                skip = 1 + curly + nl + curly;
                                val = k == 0 ? origin_of(n, i, &origin_buf) : k == 1 ? n->lib : n->platform;
                                if (n->musl && k != 0) {
                                        skip = 0; /* musl expands $ORIGIN only */
                                        break;
                                }
                                if (!val)
                                        return 0;
                        }
                }
                if (!skip) {
                        val = p;
                        skip = 1;
                }
                size_t vl = val == p ? 1 : strlen(val);
                if (len + vl + 1 > cap) {
                        cap = (len + vl + 1) * 2;
                        char *no = realloc(out, cap);
                        if (!no)
                                return -ENOMEM;
                        out = no;
                }
                memcpy(out + len, val, vl);
                len += vl;
                p += skip;
        }
        out[len] = 0;
        *ret = TAKE_PTR(out);
        return 1;
}

/* Splits a DT_RPATH/DT_RUNPATH of object i into clean absolute directories,
 * duplicates dropped (like fillin_rpath).  Relative elements name the
 * current directory of a process that does not exist yet: dropped. */
static int expand_path_list(ns *n, size_t i, const char *list, char ***ret) {
        _cleanup_free_ char *copy = strdup(list);
        _cleanup_strv_ char **dirs = calloc(1, sizeof(char *));
        size_t count = 0;
        if (!copy || !dirs)
                return -ENOMEM;
        for (char *save = copy, *el; (el = strsep(&save, ":"));) {
                if (++count > MAX_SEARCH_DIRS)
                        return -E2BIG;
                _cleanup_free_ char *exp = NULL;
                int r = deps_expand_dst(n, i, el, &exp);
                if (r < 0)
                        return r;
                if (r == 0 || exp[0] != '/' || strlen(exp) >= 4096)
                        continue; /* no value, relative, or longer than PATH_MAX: not a directory ld.so can open */
                _cleanup_free_ char *clean = hull_path_clean(exp);
                if (!clean)
                        return -ENOMEM;
                if (!hull_strv_contains(dirs, clean) && hull_strv_consume(&dirs, TAKE_PTR(clean)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(dirs);
        return 0;
}


void deps_search_done(search *s) {
        free(s->desc);
        free(s->skipped);
        free(s->path);
        free(s->dir);
        free(s->baseline);
        if (s->fd >= 0)
                close(s->fd);
}

static int deps_describe(search *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int deps_describe(search *s, const char *fmt, ...) {
        va_list ap;
        char *part = NULL;
        va_start(ap, fmt);
        if (vasprintf(&part, fmt, ap) < 0)
                part = NULL;
        va_end(ap);
        if (!part)
                return -ENOMEM;
        char *d = hull_strdup_printf("%s%s%s", s->desc ? s->desc : "", s->desc ? ", " : "", part);
        free(part);
        if (!d)
                return -ENOMEM;
        free(s->desc);
        s->desc = d;
        return 0;
}

char *deps_join(char *const *v, const char *sep) {
        size_t len = 1;
        for (size_t i = 0; v && v[i]; i++)
                len += strlen(v[i]) + strlen(sep);
        char *s = malloc(len);
        if (!s)
                return NULL;
        s[0] = 0;
        for (size_t i = 0; v && v[i]; i++) {
                if (i)
                        strcat(s, sep);
                strcat(s, v[i]);
        }
        return s;
}

/* Tries one candidate file.  Returns 1 (found: s->fd, s->st, s->path set),
 * 0 (not here, or another class or machine: skipped), <0 (an error that
 * stops ld.so too: a file that is not ELF). */
int deps_try_candidate(ns *n, search *s, const char *path) {
        int fd;
        struct stat st;
        int r = deps_open_file(n, path, &fd, &st);
        if (r <= 0)
                return r;
        uint8_t cls, data;
        uint16_t machine;
        r = hull_elf_read_ident_fd(fd, &cls, &data, &machine);
        if (r == -ENOEXEC) {
                close(fd);
                return hull_error_set_raw(n->c->err, ENOEXEC, "%s: not an ELF file (ld.so stops at it: invalid ELF header)",
                                          path);
        }
        if (r < 0) {
                close(fd);
                return hull_error_set(n->c->err, -r, "read %s", path);
        }
        if (cls != n->cls || data != n->data || machine != n->machine) {
                close(fd);
                const char *mn = hull_elf_machine_name(machine);
                char *sk = hull_strdup_printf("%s%s%s (ELF%d %s%s)", s->skipped ? s->skipped : "", s->skipped ? ", " : "",
                                              path, cls == ELFCLASS64 ? 64 : 32, mn ? mn : "unknown machine",
                                              data == ELFDATA2MSB ? " big-endian" : "");
                if (!sk)
                        return oom(n->c);
                free(s->skipped);
                s->skipped = sk;
                return 0;
        }
        s->fd = fd;
        s->st = st;
        if (!(s->path = strdup(path)))
                return oom(n->c);
        return 1;
}

/* Searches `name` in each directory (glibc-hwcaps subdirectories first). */
static int search_dirs(ns *n, search *s, char *const *dirs, const char *name, hull_deps_via via) {
        for (size_t d = 0; dirs && dirs[d]; d++) {
                const char *sep = strcmp(dirs[d], "/") == 0 ? "" : "/";
                for (size_t h = 0; n->use_hwcaps && n->c->hwcaps[h]; h++) {
                        _cleanup_free_ char *p = hull_strdup_printf("%s%sglibc-hwcaps/%s/%s", dirs[d], sep,
                                                                    n->c->hwcaps[h], name);
                        if (!p)
                                return oom(n->c);
                        int r = deps_try_candidate(n, s, p);
                        if (r < 0)
                                return r;
                        if (r > 0) {
                                _cleanup_free_ char *base = hull_strdup_printf("%s%s%s", dirs[d], sep, name);
                                struct stat st;
                                if (!base)
                                        return oom(n->c);
                                if (fstatat(n->c->rootfd, base + 1, &st, 0) == 0 && S_ISREG(st.st_mode))
                                        s->baseline = TAKE_PTR(base);
                                s->via = via;
                                return (s->dir = strdup(dirs[d])) ? 1 : oom(n->c);
                        }
                }
                _cleanup_free_ char *p = hull_strdup_printf("%s%s%s", dirs[d], sep, name);
                if (!p)
                        return oom(n->c);
                int r = deps_try_candidate(n, s, p);
                if (r != 0) {
                        s->via = via;
                        return r < 0 ? r : (s->dir = strdup(dirs[d])) ? 1 : oom(n->c);
                }
        }
        return 0;
}

static int search_list(ns *n, search *s, size_t owner, const char *list, const char *label, bool of, const char *name,
                       hull_deps_via via) {
        _cleanup_strv_ char **dirs = NULL;
        int r = expand_path_list(n, owner, list, &dirs);
        if (r == -E2BIG)
                return hull_error_set_raw(n->c->err, E2BIG, "%s: %s has more than %d directories",
                                          O(n, owner)->path, label, MAX_SEARCH_DIRS);
        if (r < 0)
                return oom(n->c);
        _cleanup_free_ char *j = deps_join(dirs, ":");
        if (!j || deps_describe(s, "%s %s%s%s%s", label, *j ? j : "(nothing usable)", of ? " (of " : "",
                           of ? O(n, owner)->path : "", of ? ")" : "") < 0)
                return oom(n->c);
        return search_dirs(n, s, dirs, name, via);
}

/* musl: libc.so, libpthread.so... are the loader itself. */
bool deps_musl_reserved(const char *name) {
        static const char *const reserved[] = { "c", "pthread", "rt", "m", "dl", "util", "xnet" };
        if (strncmp(name, "lib", 3) != 0)
                return false;
        for (size_t i = 0; i < ELEMENTSOF(reserved); i++) {
                size_t l = strlen(reserved[i]);
                if (strncmp(name + 3, reserved[i], l) == 0 && name[3 + l] == '.')
                        return true;
        }
        return false;
}

/* The search of _dl_map_object for a name without '/'. */
int deps_search_name(ns *n, search *s, size_t loader, const char *name) {
        hull_deps_object *lo = O(n, loader);
        const hull_elf *le = lo->elf;
        int r;
        if (n->musl) {
                /* musl: every loader up the chain, its RUNPATH or else RPATH; then its path. */
                for (size_t l = loader; l != SIZE_MAX; l = O(n, l)->loader) {
                        const hull_elf *e = O(n, l)->elf;
                        const char *list = e ? (e->runpath ? e->runpath : e->rpath) : NULL;
                        if (list && (r = search_list(n, s, l, list, e->runpath ? "RUNPATH" : "RPATH", l != loader, name,
                                                     e->runpath ? HULL_DEPS_VIA_RUNPATH : HULL_DEPS_VIA_RPATH)) != 0)
                                return r;
                }
                _cleanup_free_ char *j = deps_join(n->sysdirs, ", ");
                if (!j || deps_describe(s, "%s", j) < 0)
                        return oom(n->c);
                return search_dirs(n, s, n->sysdirs, name, HULL_DEPS_VIA_DEFAULT);
        }
        if (!le || !le->runpath) {
                bool did_main = false;
                for (size_t l = loader; l != SIZE_MAX; l = O(n, l)->loader) {
                        const hull_elf *e = O(n, l)->elf;
                        if (e && e->rpath && !e->runpath &&
                            (r = search_list(n, s, l, e->rpath, "RPATH", l != loader, name, HULL_DEPS_VIA_RPATH)) != 0)
                                return r;
                        did_main |= l == n->main;
                }
                const hull_elf *me = n->main != SIZE_MAX ? O(n, n->main)->elf : NULL;
                if (!did_main && me && me->rpath && !me->runpath &&
                    (r = search_list(n, s, n->main, me->rpath, "RPATH", true, name, HULL_DEPS_VIA_RPATH)) != 0)
                        return r;
        }
        if (le && le->runpath &&
            (r = search_list(n, s, loader, le->runpath, "RUNPATH", false, name, HULL_DEPS_VIA_RUNPATH)) != 0)
                return r;
        if (le && (le->flags_1 & DF_1_NODEFLIB)) {
                if (deps_describe(s, "(DF_1_NODEFLIB: not ld.so.cache nor the default directories)") < 0)
                        return oom(n->c);
                return 0;
        }
        if (n->c->cache) {
                if (deps_describe(s, "ld.so.cache") < 0)
                        return oom(n->c);
                const hull_ldcache_entry *e =
                        hull_ldcache_lookup(n->c->cache, name, n->cache_flags, n->use_hwcaps ? n->c->hwcaps : NULL);
                if (e && e->value[0] == '/') {
                        r = deps_try_candidate(n, s, e->value);
                        if (r != 0) {
                                s->via = HULL_DEPS_VIA_CACHE;
                                if (r > 0 && !(s->dir = deps_dir_of(e->value)))
                                        return oom(n->c);
                                /* the directory without glibc-hwcaps/NAME */
                                if (r > 0 && e->hwcaps) {
                                        char *g = strstr(s->dir, "/glibc-hwcaps/");
                                        if (g) {
                                                *g = 0;
                                                _cleanup_free_ char *base = hull_strdup_printf("%s/%s", s->dir, name);
                                                struct stat st;
                                                if (!base)
                                                        return oom(n->c);
                                                if (fstatat(n->c->rootfd, base + 1, &st, 0) == 0 && S_ISREG(st.st_mode))
                                                        s->baseline = TAKE_PTR(base);
                                        }
                                }
                                return r;
                        }
                }
        }
        if ((!n->c->cache || !hull_ldcache_lookup(n->c->cache, name, n->cache_flags, NULL)) && n->c->ldconf &&
            n->c->ldconf[0] && !(n->c->o->flags & HULL_DEPS_NO_LDCONF)) {
                _cleanup_strv_ char **extra = NULL;
                for (size_t i = 0; n->c->ldconf[i]; i++)
                        if (!hull_strv_contains(n->sysdirs, n->c->ldconf[i]) && hull_strv_push(&extra, n->c->ldconf[i]) < 0)
                                return oom(n->c);
                if (extra) {
                        _cleanup_free_ char *j = deps_join(extra, ":");
                        if (!j || deps_describe(s, "ld.so.conf %s", j) < 0)
                                return oom(n->c);
                        if ((r = search_dirs(n, s, extra, name, HULL_DEPS_VIA_LDCONF)) != 0)
                                return r;
                }
        }
        _cleanup_free_ char *j = deps_join(n->sysdirs, ", ");
        if (!j || deps_describe(s, "%s", j) < 0)
                return oom(n->c);
        return search_dirs(n, s, n->sysdirs, name, HULL_DEPS_VIA_DEFAULT);
}

