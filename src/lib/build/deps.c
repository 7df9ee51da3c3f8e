/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The dependency closure (see deps.h): glibc's rtld/dl-load.c and
 * dl-deps.c, read as a specification. */
#include "deps.h"

#include <dirent.h>
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/deps-config.h"
#include "build/ldcache.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"

#ifndef _cleanup_
#define _cleanup_(f) __attribute__((cleanup(f)))
#endif

#define MAX_SYMLINKS 40          /* the kernel's limit */
#define MAX_SCRIPT_DEPTH 4       /* #! interpreters that are scripts themselves (binfmt_script) */
#define MAX_ENV_DEPTH 4          /* #!/usr/bin/env scripts running #!/usr/bin/env scripts */
#define MAX_SEARCH_DIRS 4096     /* directories in one RPATH or RUNPATH */
#define MAX_OBJECTS 65536        /* objects in one namespace */
#define MAX_WITH_FILES 200000    /* files below the `with` directories */
#define INTERP_MAX_SIZE (16u << 20)

static const char *const default_path[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                            "/usr/bin",        "/sbin",          "/bin" };

const char hull_deps_minimal_nsswitch[] =
        "# Written by hull: the databases are files, host names also come from DNS.\n"
        "passwd:         files\n"
        "group:          files\n"
        "shadow:         files\n"
        "gshadow:        files\n"
        "hosts:          files dns\n"
        "networks:       files\n"
        "protocols:      files\n"
        "services:       files\n"
        "ethers:         files\n"
        "rpc:            files\n";

/* Parsed ELF files by identity, shared by every namespace. */
typedef struct parsed {
        dev_t dev;
        ino_t ino;
        hull_elf *elf;
} parsed;

typedef struct sysdirs {
        char *interp; /* real path of the interpreter, or "class:machine" */
        char **dirs;
} sysdirs;

typedef struct ctx {
        const hull_deps_options *o;
        int rootfd;
        hull_error **err;
        hull_deps *out;
        hull_ldcache *cache;
        char **ldconf;
        char **hwcaps;
        parsed *table; /* open addressing, size a power of two */
        size_t table_size, table_used;
        sysdirs *sysdirs;
        size_t n_sysdirs;
        hull_nss_service *nss;
        size_t n_nss;
        size_t n_with_files;
} ctx;

/* One namespace: a program and what it loads. */
typedef struct ns {
        ctx *c;
        size_t tree;    /* index in c->out->trees (which may move: always go through it) */
        char ***names;  /* per object: the names it answers to */
        dev_t *dev;
        ino_t *ino;
        size_t cap;
        size_t main;    /* the executable, or SIZE_MAX */
        size_t interp;  /* the PT_INTERP object, or SIZE_MAX */
        uint8_t cls;
        uint16_t machine;
        uint32_t e_flags;
        bool musl;
        char **sysdirs; /* borrowed from ctx */
        int32_t cache_flags;
        char *lib;      /* $LIB */
        const char *platform;
        bool use_hwcaps;
        size_t env_depth;
} ns;

static hull_deps_tree *T(ns *n) {
        return &n->c->out->trees[n->tree];
}

static hull_deps_object *O(ns *n, size_t i) {
        return &T(n)->objects[i];
}

static int oom(ctx *c) {
        return hull_error_set(c->err, ENOMEM, "dependency closure");
}

/* ---- paths inside the root ---- */

/* Resolves `path` inside the root like the kernel would, recording every
 * symlink passed.  Returns 0 with *ret_real (and the links appended to
 * *links), or -errno (ENOENT, ENOTDIR, ELOOP...).  A leaf helper. */
static int walk(int rootfd, const char *path, hull_deps_link **links, size_t *n_links, char **ret_real) {
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
                struct stat st;
                if (fstatat(rootfd, cand + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return -errno;
                p += len;
                if (S_ISLNK(st.st_mode)) {
                        if (++symlinks > MAX_SYMLINKS)
                                return -ELOOP;
                        char target[4096];
                        ssize_t n = readlinkat(rootfd, cand + 1, target, sizeof(target) - 1);
                        if (n < 0)
                                return -errno;
                        target[n] = 0;
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
                        char *nr = hull_strdup_printf("%s/%s", target, p);
                        if (!nr)
                                return -ENOMEM;
                        free(rest);
                        rest = p = nr;
                        if (target[0] == '/')
                                resolved[0] = 0;
                        continue;
                }
                if (*p && !S_ISDIR(st.st_mode))
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

static char *dir_of(const char *path) {
        const char *slash = strrchr(path, '/');
        if (!slash || slash == path)
                return strdup("/");
        return strndup(path, (size_t) (slash - path));
}

static const char *base_of(const char *path) {
        const char *slash = strrchr(path, '/');
        return slash ? slash + 1 : path;
}

/* ---- the parsed-file table ---- */

static size_t slot_of(const ctx *c, dev_t dev, ino_t ino) {
        uint64_t h = (uint64_t) dev * 0x9e3779b97f4a7c15ull ^ (uint64_t) ino * 0xc2b2ae3d27d4eb4full;
        return (size_t) (h ^ (h >> 29)) & (c->table_size - 1);
}

static hull_elf *table_get(const ctx *c, dev_t dev, ino_t ino) {
        if (!c->table_size)
                return NULL;
        for (size_t i = slot_of(c, dev, ino);; i = (i + 1) & (c->table_size - 1)) {
                if (!c->table[i].elf)
                        return NULL;
                if (c->table[i].dev == dev && c->table[i].ino == ino)
                        return c->table[i].elf;
        }
}

static int table_put(ctx *c, dev_t dev, ino_t ino, hull_elf *elf) {
        if ((c->table_used + 1) * 2 > c->table_size) {
                size_t size = c->table_size ? c->table_size * 2 : 256;
                parsed *old = c->table;
                size_t old_size = c->table_size;
                c->table = calloc(size, sizeof(parsed));
                if (!c->table) {
                        c->table = old;
                        return -ENOMEM;
                }
                c->table_size = size;
                for (size_t i = 0; i < old_size; i++)
                        if (old[i].elf) {
                                size_t s = slot_of(c, old[i].dev, old[i].ino);
                                while (c->table[s].elf)
                                        s = (s + 1) & (size - 1);
                                c->table[s] = old[i];
                        }
                free(old);
        }
        size_t s = slot_of(c, dev, ino);
        while (c->table[s].elf)
                s = (s + 1) & (c->table_size - 1);
        c->table[s] = (parsed){ dev, ino, elf };
        c->table_used++;
        return 0;
}

/* Parses the ELF file open at fd (once per file).  Returns a copy owned by
 * the caller, or NULL with *err set. */
static hull_elf *parse_elf(ctx *c, int fd, const struct stat *st, const char *path) {
        hull_elf *e = table_get(c, st->st_dev, st->st_ino);
        if (!e) {
                if (hull_elf_parse_fd(fd, path, HULL_ELF_PARSE_SYMBOLS, &e, c->err) < 0)
                        return NULL;
                if (table_put(c, st->st_dev, st->st_ino, e) < 0) {
                        hull_elf_free(e);
                        oom(c);
                        return NULL;
                }
        }
        hull_elf *d = hull_elf_dup(e);
        if (!d)
                oom(c);
        return d;
}

/* ---- objects ---- */

static void object_done(hull_deps_object *o) {
        free(o->name);
        free(o->path);
        free(o->realpath);
        for (size_t i = 0; i < o->n_links; i++) {
                free(o->links[i].path);
                free(o->links[i].target);
        }
        free(o->links);
        hull_elf_free(o->elf);
        free(o->script_interp);
        free(o->script_arg);
        free(o->deps);
        free(o->via_dir);
        free(o->default_dir);
        free(o->hwcaps_baseline);
        free(o->error);
}

static int add_edge(ns *n, size_t from, size_t to) {
        if (from == SIZE_MAX)
                return 0;
        hull_deps_object *f = O(n, from);
        for (size_t i = 0; i < f->n_deps; i++)
                if (f->deps[i] == to)
                        return 0;
        size_t *nd = realloc(f->deps, (f->n_deps + 1) * sizeof(size_t));
        if (!nd)
                return oom(n->c);
        f->deps = nd;
        nd[f->n_deps++] = to;
        return 0;
}

static int add_name(ns *n, size_t i, const char *name) {
        if (!name || hull_strv_contains(n->names[i], name))
                return 0;
        return hull_strv_push(&n->names[i], name) < 0 ? oom(n->c) : 0;
}

/* Appends *o (taken over, also on failure) as a new object; *ret its index. */
static int push_object(ns *n, hull_deps_object *o, dev_t dev, ino_t ino, size_t *ret) {
        hull_deps_tree *t = T(n);
        if (t->n_objects >= MAX_OBJECTS) {
                object_done(o);
                return hull_error_set_raw(n->c->err, E2BIG, "%s: more than %d objects", t->program, MAX_OBJECTS);
        }
        if (t->n_objects == n->cap) {
                size_t cap = n->cap ? n->cap * 2 : 16;
                hull_deps_object *no = realloc(t->objects, cap * sizeof(*no));
                if (no)
                        t->objects = no;
                char ***nn = no ? realloc(n->names, cap * sizeof(*nn)) : NULL;
                if (nn)
                        n->names = nn;
                dev_t *nd = nn ? realloc(n->dev, cap * sizeof(*nd)) : NULL;
                if (nd)
                        n->dev = nd;
                ino_t *ni = nd ? realloc(n->ino, cap * sizeof(*ni)) : NULL;
                if (ni)
                        n->ino = ni;
                if (!ni) {
                        object_done(o);
                        return oom(n->c);
                }
                n->cap = cap;
        }
        size_t i = t->n_objects++;
        t->objects[i] = *o;
        n->names[i] = NULL;
        n->dev[i] = dev;
        n->ino[i] = ino;
        *ret = i;
        if (o->type != HULL_DEPS_TYPE_MISSING) {
                int r;
                if ((r = add_name(n, i, o->name)) < 0 || (r = add_name(n, i, o->path)) < 0 ||
                    (o->elf && (r = add_name(n, i, o->elf->soname)) < 0))
                        return r;
        }
        return add_edge(n, o->loader, i);
}

static const char *step_verb(hull_deps_reason r) {
        switch (r) {
        case HULL_DEPS_REASON_SCRIPT: return "is a #! script run by";
        case HULL_DEPS_REASON_INTERPRETER: return "needs its interpreter";
        case HULL_DEPS_REASON_UNWIND: return "dlopens for pthread_cancel";
        case HULL_DEPS_REASON_NSS: return "dlopens the NSS module";
        case HULL_DEPS_REASON_GCONV: return "dlopens the gconv file";
        default: return "needs";
        }
}

/* Appends " <verb> NAME (PATH)" to *s. */
static int append_step(char **s, hull_deps_reason reason, const char *name, const char *path, bool first) {
        char *n;
        if (path && strcmp(path, name) != 0)
                n = hull_strdup_printf("%s%s %s %s (%s)", *s, first ? "" : ", which", step_verb(reason), name, path);
        else
                n = hull_strdup_printf("%s%s %s %s", *s, first ? "" : ", which", step_verb(reason), name);
        if (!n)
                return -ENOMEM;
        free(*s);
        *s = n;
        return 0;
}

char *hull_deps_chain(const hull_deps_tree *t, size_t index) {
        if (index >= t->n_objects)
                return NULL;
        size_t chain[64], k = 0;
        for (size_t i = index; i != SIZE_MAX && k < ELEMENTSOF(chain); i = t->objects[i].loader)
                chain[k++] = i;
        const hull_deps_object *root = &t->objects[chain[k - 1]];
        char *s = strdup(root->path ? root->path : root->name);
        for (size_t j = k - 1; s && j-- > 0;) {
                const hull_deps_object *o = &t->objects[chain[j]];
                if (append_step(&s, o->reason, o->name, o->path, j == k - 2) < 0) {
                        free(s);
                        return NULL;
                }
        }
        return s;
}

/* Fails (or, with KEEP_GOING, records a missing object) for `name` asked
 * for by `loader`: "CHAIN needs NAME: WHY". */
static int missing(ns *n, size_t loader, hull_deps_reason reason, const char *name, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 6, 7)));
static int missing(ns *n, size_t loader, hull_deps_reason reason, const char *name, int errnum, const char *fmt, ...) {
        va_list ap;
        _cleanup_free_ char *why = NULL;
        va_start(ap, fmt);
        if (vasprintf(&why, fmt, ap) < 0)
                why = NULL;
        va_end(ap);
        _cleanup_free_ char *chain = loader == SIZE_MAX ? strdup("") : hull_deps_chain(T(n), loader);
        if (!why || !chain)
                return oom(n->c);
        if (loader != SIZE_MAX && append_step(&chain, reason, name, NULL, true) < 0)
                return oom(n->c);
        _cleanup_free_ char *msg = hull_strdup_printf("%s%s%s", chain, *chain ? ": " : "", why);
        if (!msg)
                return oom(n->c);
        if (!(n->c->o->flags & HULL_DEPS_KEEP_GOING))
                return hull_error_set_raw(n->c->err, errnum, "%s", msg);
        hull_deps_object o = { .name = strdup(name), .type = HULL_DEPS_TYPE_MISSING, .reason = reason,
                               .loader = loader, .error = TAKE_PTR(msg) };
        if (!o.name) {
                object_done(&o);
                return oom(n->c);
        }
        n->c->out->n_errors++;
        hull_deps_tree *t = T(n);
        if (!t->error && !(t->error = strdup(o.error))) {
                object_done(&o);
                return oom(n->c);
        }
        size_t idx;
        return push_object(n, &o, 0, 0, &idx);
}

/* Opens a candidate: 1 with *ret_fd and *st when it is a regular file, 0
 * when it is not there (or not a file), <0 on other errors. */
static int open_file(ns *n, const char *path, int *ret_fd, struct stat *st) {
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

/* Creates the object for the file open at fd (taken), found as `path`. */
static int add_file(ns *n, int fd, const struct stat *st, const char *name, const char *path, hull_deps_reason reason,
                    hull_deps_via via, size_t loader, const char *via_dir, size_t *ret) {
        _cleanup_close_ int fdc = fd;
        hull_deps_object o = { .reason = reason, .via = via, .loader = loader, .mode = st->st_mode };
        int r;
        if (!(o.name = strdup(name)) || !(o.path = hull_path_clean(path)) || (via_dir && !(o.via_dir = strdup(via_dir)))) {
                r = oom(n->c);
                goto fail;
        }
        r = walk(n->c->rootfd, o.path, &o.links, &o.n_links, &o.realpath);
        if (r < 0) {
                r = hull_error_set(n->c->err, -r, "resolve %s", o.path);
                goto fail;
        }
        uint8_t head[HULL_SCRIPT_BUF_SIZE];
        ssize_t k;
        do
                k = pread(fdc, head, sizeof(head), 0);
        while (k < 0 && errno == EINTR);
        if (k < 0) {
                r = hull_error_set(n->c->err, errno, "read %s", o.path);
                goto fail;
        }
        if (k >= 4 && memcmp(head, ELFMAG, SELFMAG) == 0) {
                o.type = HULL_DEPS_TYPE_ELF;
                if (!(o.elf = parse_elf(n->c, fdc, st, o.path))) {
                        r = -EINVAL;
                        goto fail;
                }
        } else {
                hull_script s;
                r = hull_script_parse(head, (size_t) k, o.path, &s, n->c->err);
                if (r < 0)
                        goto fail;
                if (r > 0) {
                        o.type = HULL_DEPS_TYPE_SCRIPT;
                        o.script_interp = s.interp;
                        o.script_arg = s.arg;
                        o.script_interp_column = s.interp_column;
                        o.script_arg_column = s.arg_column;
                } else
                        o.type = HULL_DEPS_TYPE_FILE;
        }
        return push_object(n, &o, st->st_dev, st->st_ino, ret);
fail:
        object_done(&o);
        return r;
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
        *buf = dir_of(p);
        return *buf;
}

/* Expands $ORIGIN, $LIB, $PLATFORM (also ${...}) in s for object i.  Returns
 * 1 with *ret, 0 when a token has no value here (ld.so drops the element),
 * or -ENOMEM. */
static int expand_dst(ns *n, size_t i, const char *s, char **ret) {
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
                int r = expand_dst(n, i, el, &exp);
                if (r < 0)
                        return r;
                if (r == 0 || exp[0] != '/')
                        continue;
                _cleanup_free_ char *clean = hull_path_clean(exp);
                if (!clean)
                        return -ENOMEM;
                if (!hull_strv_contains(dirs, clean) && hull_strv_consume(&dirs, TAKE_PTR(clean)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(dirs);
        return 0;
}

typedef struct search {
        char *desc;        /* "RUNPATH /opt/x, ld.so.cache, /lib, /usr/lib" */
        char *skipped;     /* candidates of another class or machine */
        int fd;
        struct stat st;
        char *path;
        char *dir;         /* the search directory (without glibc-hwcaps) */
        char *baseline;
        hull_deps_via via;
} search;

static void search_done(search *s) {
        free(s->desc);
        free(s->skipped);
        free(s->path);
        free(s->dir);
        free(s->baseline);
        if (s->fd >= 0)
                close(s->fd);
}

static int describe(search *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int describe(search *s, const char *fmt, ...) {
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

static char *join(char *const *v, const char *sep) {
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
static int try_candidate(ns *n, search *s, const char *path) {
        int fd;
        struct stat st;
        int r = open_file(n, path, &fd, &st);
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
        if (cls != n->cls || machine != n->machine) {
                close(fd);
                const char *mn = hull_elf_machine_name(machine);
                char *sk = hull_strdup_printf("%s%s%s (ELF%d %s)", s->skipped ? s->skipped : "", s->skipped ? ", " : "",
                                              path, cls == ELFCLASS64 ? 64 : 32, mn ? mn : "unknown machine");
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
                        int r = try_candidate(n, s, p);
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
                int r = try_candidate(n, s, p);
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
        _cleanup_free_ char *j = join(dirs, ":");
        if (!j || describe(s, "%s %s%s%s%s", label, *j ? j : "(nothing usable)", of ? " (of " : "",
                           of ? O(n, owner)->path : "", of ? ")" : "") < 0)
                return oom(n->c);
        return search_dirs(n, s, dirs, name, via);
}

/* musl: libc.so, libpthread.so... are the loader itself. */
static bool musl_reserved(const char *name) {
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
static int search_name(ns *n, search *s, size_t loader, const char *name) {
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
                _cleanup_free_ char *j = join(n->sysdirs, ", ");
                if (!j || describe(s, "%s", j) < 0)
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
                if (describe(s, "(DF_1_NODEFLIB: not ld.so.cache nor the default directories)") < 0)
                        return oom(n->c);
                return 0;
        }
        if (n->c->cache) {
                if (describe(s, "ld.so.cache") < 0)
                        return oom(n->c);
                const hull_ldcache_entry *e =
                        hull_ldcache_lookup(n->c->cache, name, n->cache_flags, n->use_hwcaps ? n->c->hwcaps : NULL);
                if (e && e->value[0] == '/') {
                        r = try_candidate(n, s, e->value);
                        if (r != 0) {
                                s->via = HULL_DEPS_VIA_CACHE;
                                if (r > 0 && !(s->dir = dir_of(e->value)))
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
                        _cleanup_free_ char *j = join(extra, ":");
                        if (!j || describe(s, "ld.so.conf %s", j) < 0)
                                return oom(n->c);
                        if ((r = search_dirs(n, s, extra, name, HULL_DEPS_VIA_LDCONF)) != 0)
                                return r;
                }
        }
        _cleanup_free_ char *j = join(n->sysdirs, ", ");
        if (!j || describe(s, "%s", j) < 0)
                return oom(n->c);
        return search_dirs(n, s, n->sysdirs, name, HULL_DEPS_VIA_DEFAULT);
}

/* The object `name` that `loader` asks for: already loaded, or searched.
 * With `optional`, a name that is not found is left out (returns 0, *ret
 * SIZE_MAX) instead of failing.  Returns 0 or a negative value. */
static int load(ns *n, size_t loader, const char *name, hull_deps_reason reason, bool optional, size_t *ret) {
        *ret = SIZE_MAX;
        hull_deps_tree *t = T(n);
        for (size_t j = 0; j < t->n_objects; j++)
                if (hull_strv_contains(n->names[j], name)) {
                        *ret = j;
                        return add_edge(n, loader, j);
                }
        if (n->musl && musl_reserved(name) && n->interp != SIZE_MAX) {
                *ret = n->interp;
                return add_edge(n, loader, n->interp);
        }
        _cleanup_(search_done) search s = { .fd = -1 };
        int r;
        if (strchr(name, '/')) {
                _cleanup_free_ char *exp = NULL;
                r = expand_dst(n, loader, name, &exp);
                if (r < 0)
                        return oom(n->c);
                if (r == 0 || exp[0] != '/')
                        return optional ? 0 : missing(n, loader, reason, name, ENOENT,
                                                      "not found (a relative path or a token without a value)");
                r = try_candidate(n, &s, exp);
                if (r < 0)
                        return r;
                s.via = HULL_DEPS_VIA_PATH;
                if (r == 0)
                        return optional ? 0 : missing(n, loader, reason, name, ENOENT, "%s: not found", exp);
        } else {
                r = search_name(n, &s, loader, name);
                if (r < 0)
                        return r;
                if (r == 0) {
                        if (optional)
                                return 0;
                        return missing(n, loader, reason, name, ENOENT, "not found in %s%s%s%s", s.desc ? s.desc : "nothing",
                                       s.skipped ? " (skipped " : "", s.skipped ? s.skipped : "", s.skipped ? ")" : "");
                }
        }
        /* The same file under another name is the same object (l_file_id). */
        for (size_t j = 0; j < t->n_objects; j++)
                if (O(n, j)->type != HULL_DEPS_TYPE_MISSING && n->dev[j] == s.st.st_dev && n->ino[j] == s.st.st_ino) {
                        *ret = j;
                        if ((r = add_name(n, j, name)) < 0)
                                return r;
                        return add_edge(n, loader, j);
                }
        size_t idx;
        int fd = TAKE_FD(s.fd);
        r = add_file(n, fd, &s.st, name, s.path, reason, s.via, loader, s.dir, &idx);
        if (r < 0)
                return r;
        hull_deps_object *o = O(n, idx);
        if (o->type != HULL_DEPS_TYPE_ELF)
                return hull_error_set_raw(n->c->err, ENOEXEC, "%s: not an ELF file", o->path);
        if (s.baseline)
                o->hwcaps_baseline = TAKE_PTR(s.baseline);
        if ((o->via == HULL_DEPS_VIA_CACHE || o->via == HULL_DEPS_VIA_LDCONF) && o->via_dir &&
            !hull_strv_contains(n->sysdirs, o->via_dir) && n->sysdirs[0] && !(o->default_dir = strdup(n->sysdirs[0])))
                return oom(n->c);
        *ret = idx;
        return 0;
}

/* ---- per-namespace setup ---- */

static int read_in_root(ctx *c, const char *path, size_t max, char **ret, size_t *ret_len) {
        _cleanup_close_ int fd = hull_open_in_root(c->rootfd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
        if (fd < 0)
                return fd;
        char p[HULL_FD_PATH_MAX];
        return hull_read_file_at(AT_FDCWD, hull_fd_path(fd, p, sizeof(p)), max, ret, ret_len);
}

/* The default directories for this namespace: from its interpreter (by
 * real path), else from the standard interpreter, else the table. */
static int setup_sysdirs(ns *n, const char *interp_real) {
        ctx *c = n->c;
        char key[64];
        const char *std = NULL;
        _cleanup_free_ char *std_real = NULL;
        if (!interp_real && (std = hull_standard_interp(n->cls, n->machine)) &&
            walk(c->rootfd, std, NULL, NULL, &std_real) == 0)
                interp_real = std_real;
        if (!interp_real) {
                snprintf(key, sizeof(key), "%u:%u", n->cls, n->machine);
                interp_real = key;
        }
        for (size_t i = 0; i < c->n_sysdirs; i++)
                if (strcmp(c->sysdirs[i].interp, interp_real) == 0) {
                        n->sysdirs = c->sysdirs[i].dirs;
                        return 0;
                }
        char **dirs = NULL;
        int r = 0;
        if (interp_real != key) {
                _cleanup_free_ char *data = NULL;
                size_t len = 0;
                if (read_in_root(c, interp_real, INTERP_MAX_SIZE, &data, &len) == 0)
                        r = hull_interp_system_dirs(data, len, &dirs);
                if (r < 0)
                        return oom(c);
        }
        if (!dirs && hull_default_system_dirs(n->cls, n->machine, n->e_flags, &dirs) < 0)
                return oom(c);
        sysdirs *ns2 = realloc(c->sysdirs, (c->n_sysdirs + 1) * sizeof(*ns2));
        if (!ns2) {
                hull_strv_free(dirs);
                return oom(c);
        }
        c->sysdirs = ns2;
        ns2[c->n_sysdirs].interp = strdup(interp_real);
        ns2[c->n_sysdirs].dirs = dirs;
        if (!ns2[c->n_sysdirs].interp) {
                hull_strv_free(dirs);
                return oom(c);
        }
        c->n_sysdirs++;
        n->sysdirs = dirs;
        return 0;
}

static int setup_arch(ns *n, const hull_elf *e, const char *interp) {
        n->cls = e->elf_class;
        n->machine = e->machine;
        n->e_flags = e->e_flags;
        n->cache_flags = hull_ldcache_flags_for(e->elf_class, e->machine, e->e_flags);
        n->platform = hull_elf_platform(e->elf_class, e->machine);
        n->musl = interp && strncmp(base_of(interp), "ld-musl-", 8) == 0;
        /* x86-64-vN only for x86-64 objects unless the caller chose */
        n->use_hwcaps = !n->musl && (n->c->o->hwcaps || (e->machine == EM_X86_64 && e->elf_class == ELFCLASS64));
        return 0;
}

static int setup_musl_dirs(ns *n, const char *interp) {
        /* /etc/ld-musl-ARCH.path, else /lib:/usr/local/lib:/usr/lib */
        ctx *c = n->c;
        const char *b = base_of(interp) + 8;
        const char *dot = strchr(b, '.');
        _cleanup_free_ char *pathfile = hull_strdup_printf("/etc/ld-musl-%.*s.path", dot ? (int) (dot - b) : (int) strlen(b), b);
        _cleanup_free_ char *text = NULL;
        char **dirs = NULL;
        if (!pathfile)
                return oom(c);
        if (read_in_root(c, pathfile, 1 << 20, &text, NULL) == 0) {
                for (char *save = text, *w; (w = strsep(&save, ":\n"));)
                        if (w[0] == '/' && !hull_strv_contains(dirs, w) && hull_strv_push(&dirs, w) < 0)
                                goto fail;
        } else if (hull_strv_push(&dirs, "/lib") < 0 || hull_strv_push(&dirs, "/usr/local/lib") < 0 ||
                   hull_strv_push(&dirs, "/usr/lib") < 0)
                goto fail;
        if (!dirs && !(dirs = calloc(1, sizeof(char *))))
                goto fail;
        sysdirs *ns2 = realloc(c->sysdirs, (c->n_sysdirs + 1) * sizeof(*ns2));
        if (!ns2)
                goto fail;
        c->sysdirs = ns2;
        if (!(ns2[c->n_sysdirs].interp = hull_strdup_printf("musl:%s", pathfile)))
                goto fail;
        ns2[c->n_sysdirs++].dirs = dirs;
        n->sysdirs = dirs;
        return 0;
fail:
        hull_strv_free(dirs);
        return oom(c);
}

/* ---- programs ---- */

static int resolve_program(ctx *c, const char *program, hull_deps_reason reason, hull_deps_via via, size_t parent,
                           size_t env_depth);

/* `#!/usr/bin/env NAME`: NAME is another program (another exec). */
static int follow_env(ns *n, size_t script) {
        hull_deps_object *o = O(n, script);
        const char *arg = o->script_arg;
        if (!arg || strcmp(base_of(o->script_interp), "env") != 0)
                return 0;
        _cleanup_free_ char *cmd = NULL;
        if (strncmp(arg, "-S", 2) == 0) {
                /* env -S splits its argument: the first word without '=' that is not an option */
                _cleanup_free_ char *copy = strdup(arg + 2);
                if (!copy)
                        return oom(n->c);
                for (char *save = copy, *w; (w = strsep(&save, " \t"));)
                        if (*w && *w != '-' && !strchr(w, '=')) {
                                cmd = strdup(w);
                                break;
                        }
        } else if (arg[0] != '-' && !strpbrk(arg, " \t=")) /* one argument, spaces and all: only a plain word runs */
                cmd = strdup(arg);
        if (!cmd)
                return 0;
        _cleanup_free_ char *found = NULL;
        if (cmd[0] == '/')
                found = strdup(cmd);
        else
                for (size_t i = 0; i < ELEMENTSOF(default_path) && !found; i++) {
                        _cleanup_free_ char *p = hull_strdup_printf("%s/%s", default_path[i], cmd);
                        int fd;
                        struct stat st;
                        if (!p)
                                return oom(n->c);
                        int r = open_file(n, p, &fd, &st);
                        if (r < 0)
                                return r;
                        if (r > 0) {
                                close(fd);
                                if (st.st_mode & 0111)
                                        found = TAKE_PTR(p);
                        }
                }
        if (!found) {
                _cleanup_free_ char *dp = join((char **) default_path, ":");
                return hull_error_set_raw(n->c->err, ENOENT, "%s:1:%u: %s (run by %s) is not found in PATH %s",
                                          o->path, o->script_arg_column, cmd, o->script_interp, dp ? dp : "");
        }
        if (n->env_depth >= MAX_ENV_DEPTH)
                return hull_error_set_raw(n->c->err, ELOOP, "%s: more than %d levels of #!%s scripts", o->path,
                                          MAX_ENV_DEPTH, o->script_interp);
        return resolve_program(n->c, found, HULL_DEPS_REASON_PROGRAM, HULL_DEPS_VIA_ENV_PATH, n->tree, n->env_depth + 1);
}

static int bfs(ns *n, size_t from) {
        for (size_t i = from; i < T(n)->n_objects; i++) {
                hull_deps_object *o = O(n, i);
                if (o->type != HULL_DEPS_TYPE_ELF || i == n->interp || i < n->main)
                        continue;
                if (o->elf->kind == HULL_ELF_KIND_STATIC || o->elf->kind == HULL_ELF_KIND_STATIC_PIE)
                        continue;
                _cleanup_strv_ char **needed = hull_strv_copy(o->elf->needed);
                if (!needed)
                        return oom(n->c);
                for (size_t k = 0; needed[k]; k++) {
                        size_t idx;
                        int r = load(n, i, needed[k], HULL_DEPS_REASON_NEEDED, false, &idx);
                        if (r < 0)
                                return r;
                }
        }
        return 0;
}

/* What glibc dlopens: libgcc_s, NSS modules, gconv modules. */
static int dlopen_extras(ns *n) {
        ctx *c = n->c;
        size_t libc = SIZE_MAX;
        int r;
        for (size_t i = 0; i < T(n)->n_objects && libc == SIZE_MAX; i++)
                if (O(n, i)->elf && O(n, i)->elf->soname && strcmp(O(n, i)->elf->soname, "libc.so.6") == 0 &&
                    i != n->main)
                        libc = i;
        if (libc == SIZE_MAX || n->musl)
                return 0;
        size_t before = T(n)->n_objects, idx;
        bool unwind = false;
        for (size_t i = 0; i < T(n)->n_objects; i++)
                if (O(n, i)->elf && (O(n, i)->elf->imports & HULL_ELF_IMPORTS_UNWIND))
                        unwind = true;
        if (unwind && !(c->o->flags & HULL_DEPS_NO_UNWIND) &&
            (r = load(n, libc, "libgcc_s.so.1", HULL_DEPS_REASON_UNWIND, false, &idx)) < 0)
                return r;
        for (size_t i = 0; i < c->n_nss; i++) {
                _cleanup_free_ char *mod = hull_strdup_printf("libnss_%s.so.2", c->nss[i].service);
                if (!mod)
                        return oom(c);
                if ((r = load(n, libc, mod, HULL_DEPS_REASON_NSS, true, &idx)) < 0)
                        return r;
                if (idx == SIZE_MAX) {
                        char *w = hull_strdup_printf("%s: NSS service \"%s\" needs %s, which is not found; glibc skips "
                                                     "the service",
                                                     c->nss[i].where, c->nss[i].service, mod);
                        if (!w)
                                return oom(c);
                        if (!hull_strv_contains(c->out->warnings, w))
                                hull_warn("%s", w);
                        if (hull_strv_contains(c->out->warnings, w))
                                free(w);
                        else if (hull_strv_consume(&c->out->warnings, w) < 0)
                                return oom(c);
                }
        }
        if (c->o->gconv && c->o->gconv[0]) {
                _cleanup_free_ char *dir = dir_of(O(n, libc)->realpath);
                _cleanup_free_ char *gdir = dir ? hull_strdup_printf("%s/gconv", dir) : NULL;
                _cleanup_strv_ char **mods = NULL, **conf = NULL;
                if (!gdir)
                        return oom(c);
                if ((r = hull_gconv_modules(c->rootfd, gdir, c->o->gconv, &mods, &conf, c->err)) < 0)
                        return r;
                for (size_t i = 0; conf && conf[i]; i++) {
                        int fd;
                        struct stat st;
                        if ((r = open_file(n, conf[i], &fd, &st)) < 0)
                                return r;
                        if (r > 0 && (r = add_file(n, fd, &st, conf[i], conf[i], HULL_DEPS_REASON_GCONV,
                                                   HULL_DEPS_VIA_ARGUMENT, libc, NULL, &idx)) < 0)
                                return r;
                }
                for (size_t i = 0; mods && mods[i]; i++) {
                        _cleanup_free_ char *p = mods[i][0] == '/' ? strdup(mods[i]) : hull_strdup_printf("%s/%s", gdir, mods[i]);
                        if (!p)
                                return oom(c);
                        if ((r = load(n, libc, p, HULL_DEPS_REASON_GCONV, false, &idx)) < 0)
                                return r;
                }
        }
        return bfs(n, before);
}

static int new_tree(ctx *c, const char *program, size_t parent, size_t *ret) {
        hull_deps *d = c->out;
        hull_deps_tree *nt = realloc(d->trees, (d->n_trees + 1) * sizeof(*nt));
        if (!nt)
                return oom(c);
        d->trees = nt;
        nt[d->n_trees] = (hull_deps_tree){ .program = strdup(program), .parent = parent };
        if (!nt[d->n_trees].program)
                return oom(c);
        *ret = d->n_trees++;
        return 0;
}

static void ns_done(ns *n) {
        for (size_t i = 0; n->names && i < T(n)->n_objects; i++)
                hull_strv_free(n->names[i]);
        free(n->names);
        free(n->dev);
        free(n->ino);
        free(n->lib);
}

static int resolve_program(ctx *c, const char *program, hull_deps_reason reason, hull_deps_via via, size_t parent,
                           size_t env_depth) {
        size_t tree;
        int r = new_tree(c, program, parent, &tree);
        if (r < 0)
                return r;
        _cleanup_(ns_done) ns n = { .c = c, .tree = tree, .main = SIZE_MAX, .interp = SIZE_MAX, .env_depth = env_depth };
        _cleanup_free_ char *path = hull_path_clean(program);
        if (!path)
                return oom(c);
        if (path[0] != '/')
                return hull_error_set_raw(c->err, EINVAL, "%s: not an absolute path", program);
        int fd;
        struct stat st;
        if ((r = open_file(&n, path, &fd, &st)) < 0)
                return r;
        if (r == 0) {
                struct stat dst;
                int e = fstatat(c->rootfd, path + 1, &dst, 0) == 0 && !S_ISREG(dst.st_mode) ? ENOEXEC : ENOENT;
                return missing(&n, SIZE_MAX, reason, program, e, "%s: %s", program,
                               e == ENOENT ? "not found" : "not a regular file");
        }
        size_t cur;
        if ((r = add_file(&n, fd, &st, program, path, reason, via, SIZE_MAX, NULL, &cur)) < 0)
                return r;

        /* #! interpreters, up to the ELF file that runs. */
        for (size_t depth = 0; O(&n, cur)->type == HULL_DEPS_TYPE_SCRIPT; depth++) {
                hull_deps_object *o = O(&n, cur);
                if (depth >= MAX_SCRIPT_DEPTH)
                        return hull_error_set_raw(c->err, ELOOP, "%s: more than %d levels of #! interpreters that are "
                                                  "scripts (the kernel refuses it)", T(&n)->objects[0].path,
                                                  MAX_SCRIPT_DEPTH);
                _cleanup_free_ char *ip = NULL;
                if (o->script_interp[0] != '/')
                        return hull_error_set_raw(c->err, ENOEXEC, "%s:1:%u: the #! interpreter \"%s\" is a relative path "
                                                  "(the kernel resolves it from the current directory)", o->path,
                                                  o->script_interp_column, o->script_interp);
                if (!(ip = hull_path_clean(o->script_interp)))
                        return oom(c);
                if ((r = open_file(&n, ip, &fd, &st)) < 0)
                        return r;
                if (r == 0)
                        return missing(&n, cur, HULL_DEPS_REASON_SCRIPT, o->script_interp, ENOENT, "not found");
                for (size_t j = 0; j < T(&n)->n_objects; j++)
                        if (n.dev[j] == st.st_dev && n.ino[j] == st.st_ino) {
                                close(fd);
                                _cleanup_free_ char *chain = hull_deps_chain(T(&n), cur);
                                return hull_error_set_raw(c->err, ELOOP, "%s, which is a #! script run by %s: a loop of #! "
                                                          "interpreters", chain ? chain : o->path, ip);
                        }
                size_t next;
                if ((r = add_file(&n, fd, &st, o->script_interp, ip, HULL_DEPS_REASON_SCRIPT, HULL_DEPS_VIA_ARGUMENT, cur,
                                  NULL, &next)) < 0)
                        return r;
                if (O(&n, next)->type == HULL_DEPS_TYPE_FILE)
                        return hull_error_set_raw(c->err, ENOEXEC, "%s:1:3: the #! interpreter %s is neither an ELF file "
                                                  "nor a script", O(&n, cur)->path, ip);
                cur = next;
        }
        if (O(&n, cur)->type != HULL_DEPS_TYPE_ELF)
                goto env;

        n.main = cur;
        const hull_elf *e = O(&n, cur)->elf;
        if ((r = setup_arch(&n, e, e->interp)) < 0)
                return r;
        if (e->kind == HULL_ELF_KIND_PROGRAM) {
                _cleanup_free_ char *ip = hull_path_clean(e->interp);
                if (!ip)
                        return oom(c);
                if ((r = open_file(&n, ip, &fd, &st)) < 0)
                        return r;
                if (r == 0)
                        return missing(&n, cur, HULL_DEPS_REASON_INTERPRETER, e->interp, ENOENT, "not found");
                size_t idx;
                if ((r = add_file(&n, fd, &st, e->interp, ip, HULL_DEPS_REASON_INTERPRETER, HULL_DEPS_VIA_ARGUMENT, cur,
                                  NULL, &idx)) < 0)
                        return r;
                hull_deps_object *io = O(&n, idx);
                if (io->type != HULL_DEPS_TYPE_ELF || io->elf->elf_class != n.cls || io->elf->machine != n.machine)
                        return hull_error_set_raw(c->err, ENOEXEC, "%s: its interpreter %s is not an ELF file of the same "
                                                  "class and machine", O(&n, cur)->path, io->path);
                n.interp = idx;
                r = n.musl ? setup_musl_dirs(&n, e->interp) : setup_sysdirs(&n, O(&n, idx)->realpath);
        } else if (e->kind == HULL_ELF_KIND_LIBRARY)
                r = setup_sysdirs(&n, NULL);
        else
                goto env; /* static, static-pie, object files: nothing to load */
        if (r < 0)
                return r;
        /* $LIB: the first default directory without its leading '/' */
        if (!n.musl && n.sysdirs[0] && !(n.lib = strdup(n.sysdirs[0] + 1)))
                return oom(c);
        if ((r = bfs(&n, cur)) < 0 || (r = dlopen_extras(&n)) < 0)
                return r;
env:
        for (size_t i = 0; i < T(&n)->n_objects; i++)
                if (O(&n, i)->type == HULL_DEPS_TYPE_SCRIPT && (r = follow_env(&n, i)) < 0)
                        return r;
        return 0;
}

/* `with` paths: files as their own programs, directories file by file. */
static int resolve_with(ctx *c, int dfd, const char *path) {
        struct stat st;
        if (fstatat(dfd, "", &st, AT_EMPTY_PATH) < 0)
                return hull_error_set(c->err, errno, "stat %s", path);
        DIR *d = fdopendir(dfd);
        if (!d) {
                close(dfd);
                return hull_error_set(c->err, errno, "read %s", path);
        }
        _cleanup_strv_ char **names = NULL;
        struct dirent *de;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && hull_strv_push(&names, de->d_name) < 0) {
                        closedir(d);
                        return oom(c);
                }
        size_t n = hull_strv_length(names);
        for (size_t i = 1; i < n; i++)
                for (size_t j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
                        char *t = names[j];
                        names[j] = names[j - 1];
                        names[j - 1] = t;
                }
        int r = 0;
        for (size_t i = 0; i < n && r >= 0; i++) {
                _cleanup_free_ char *sub = hull_strdup_printf("%s/%s", strcmp(path, "/") == 0 ? "" : path, names[i]);
                if (!sub) {
                        r = oom(c);
                        break;
                }
                struct stat s2;
                if (fstatat(dirfd(d), names[i], &s2, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (++c->n_with_files > MAX_WITH_FILES) {
                        r = hull_error_set_raw(c->err, E2BIG, "%s: more than %d files", path, MAX_WITH_FILES);
                        break;
                }
                if (S_ISDIR(s2.st_mode)) {
                        int sfd = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sfd < 0) {
                                r = hull_error_set(c->err, errno, "open %s", sub);
                                break;
                        }
                        r = resolve_with(c, sfd, sub);
                } else if (S_ISREG(s2.st_mode) || S_ISLNK(s2.st_mode))
                        r = resolve_program(c, sub, HULL_DEPS_REASON_WITH, HULL_DEPS_VIA_ARGUMENT, SIZE_MAX, 0);
        }
        closedir(d);
        return r;
}

static int load_config(ctx *c) {
        const hull_deps_options *o = c->o;
        int r;
        if ((r = hull_ldcache_load_at(c->rootfd, "/etc/ld.so.cache", &c->cache, c->err)) < 0)
                return r;
        if ((r = hull_ldconf_read(c->rootfd, "/etc/ld.so.conf", &c->ldconf, &c->out->warnings, c->err)) < 0)
                return r;
        if (o->hwcaps)
                c->hwcaps = hull_strv_copy(o->hwcaps);
        else if (hull_host_hwcaps(&c->hwcaps) < 0)
                c->hwcaps = NULL;
        if (!c->hwcaps)
                return oom(c);
        _cleanup_free_ char *text = NULL;
        const char *name = "nsswitch.conf";
        if (o->nsswitch_path) {
                name = o->nsswitch_path;
                r = read_in_root(c, o->nsswitch_path, 1 << 20, &text, NULL);
                if (r < 0)
                        return hull_error_set(c->err, -r, "read %s", o->nsswitch_path);
        } else if (o->nsswitch_text && !(text = strdup(o->nsswitch_text)))
                return oom(c);
        if (text && (r = hull_nss_parse(text, name, &c->nss, &c->n_nss, &c->out->warnings, c->err)) < 0)
                return r;
        return 0;
}

int hull_deps_resolve(const hull_deps_options *o, char *const *programs, hull_deps **ret, hull_error **err) {
        static const hull_deps_options none = { 0 };
        if (!o)
                o = &none;
        _cleanup_(hull_deps_freep) hull_deps *d = calloc(1, sizeof(*d));
        if (!d || !(d->warnings = calloc(1, sizeof(char *))))
                return hull_error_set(err, ENOMEM, "dependency closure");
        const char *root = o->root && *o->root ? o->root : "/";
        _cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return hull_error_set(err, errno, "open root %s", root);
        ctx c = { .o = o, .rootfd = rootfd, .err = err, .out = d };
        int r = load_config(&c);
        for (size_t i = 0; r >= 0 && programs && programs[i]; i++)
                r = resolve_program(&c, programs[i], HULL_DEPS_REASON_PROGRAM, HULL_DEPS_VIA_ARGUMENT, SIZE_MAX, 0);
        for (size_t i = 0; r >= 0 && o->with && o->with[i]; i++) {
                _cleanup_free_ char *p = hull_path_clean(o->with[i]);
                if (!p) {
                        r = oom(&c);
                        break;
                }
                int dfd = p[0] == '/' ? hull_open_in_root(rootfd, p, O_RDONLY | O_DIRECTORY, 0) : -EINVAL;
                if (dfd == -ENOTDIR)
                        r = resolve_program(&c, p, HULL_DEPS_REASON_WITH, HULL_DEPS_VIA_ARGUMENT, SIZE_MAX, 0);
                else if (dfd == -EINVAL)
                        r = hull_error_set_raw(err, EINVAL, "--with %s: not an absolute path", o->with[i]);
                else if (dfd < 0)
                        r = hull_error_set(err, -dfd, "--with %s", o->with[i]);
                else
                        r = resolve_with(&c, dfd, p);
        }
        hull_ldcache_free(c.cache);
        hull_strv_free(c.ldconf);
        hull_strv_free(c.hwcaps);
        for (size_t i = 0; i < c.table_size; i++)
                hull_elf_free(c.table[i].elf);
        free(c.table);
        for (size_t i = 0; i < c.n_sysdirs; i++) {
                free(c.sysdirs[i].interp);
                hull_strv_free(c.sysdirs[i].dirs);
        }
        free(c.sysdirs);
        hull_nss_services_free(c.nss, c.n_nss);
        if (r < 0)
                return r;
        *ret = TAKE_PTR(d);
        return 0;
}

void hull_deps_free(hull_deps *d) {
        if (!d)
                return;
        for (size_t t = 0; t < d->n_trees; t++) {
                for (size_t i = 0; i < d->trees[t].n_objects; i++)
                        object_done(&d->trees[t].objects[i]);
                free(d->trees[t].objects);
                free(d->trees[t].program);
                free(d->trees[t].error);
        }
        free(d->trees);
        hull_strv_free(d->warnings);
        free(d);
}

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

int hull_deps_files(const hull_deps *d, char ***ret) {
        _cleanup_strv_ char **v = calloc(1, sizeof(char *));
        size_t n = 0, cap = 0;
        if (!v)
                return -ENOMEM;
        for (size_t t = 0; t < d->n_trees; t++)
                for (size_t i = 0; i < d->trees[t].n_objects; i++) {
                        const hull_deps_object *o = &d->trees[t].objects[i];
                        const char *add[4] = { o->path, o->realpath, o->hwcaps_baseline, NULL };
                        for (size_t k = 0; k < o->n_links + 3; k++) {
                                const char *p = k < 3 ? add[k] : o->links[k - 3].path;
                                if (!p)
                                        continue;
                                if (n + 1 >= cap) {
                                        cap = cap ? cap * 2 : 64;
                                        char **nv = realloc(v, cap * sizeof(char *));
                                        if (!nv)
                                                return -ENOMEM;
                                        v = nv;
                                }
                                v[n] = strdup(p);
                                if (!v[n])
                                        return -ENOMEM;
                                v[++n] = NULL;
                        }
                }
        if (n > 1)
                qsort(v, n, sizeof(char *), cmp_str);
        size_t w = 0;
        for (size_t i = 0; i < n; i++) {
                if (w > 0 && strcmp(v[w - 1], v[i]) == 0) {
                        free(v[i]);
                        continue;
                }
                v[w++] = v[i];
        }
        v[w] = NULL;
        *ret = TAKE_PTR(v);
        return 0;
}

int hull_deps_paths(const hull_deps *d, char ***ret) {
        _cleanup_strv_ char **v = calloc(1, sizeof(char *));
        if (!v)
                return -ENOMEM;
        for (size_t t = 0; t < d->n_trees; t++)
                for (size_t i = 0; i < d->trees[t].n_objects; i++) {
                        const char *p = d->trees[t].objects[i].path;
                        if (p && !hull_strv_contains(v, p) && hull_strv_push(&v, p) < 0)
                                return -ENOMEM;
                }
        *ret = TAKE_PTR(v);
        return 0;
}

const char *hull_deps_reason_name(hull_deps_reason r) {
        static const char *const names[_HULL_DEPS_REASON_MAX] = {
                [HULL_DEPS_REASON_PROGRAM] = "program", [HULL_DEPS_REASON_SCRIPT] = "script-interpreter",
                [HULL_DEPS_REASON_INTERPRETER] = "interpreter", [HULL_DEPS_REASON_NEEDED] = "needed",
                [HULL_DEPS_REASON_UNWIND] = "unwind", [HULL_DEPS_REASON_NSS] = "nss",
                [HULL_DEPS_REASON_GCONV] = "gconv", [HULL_DEPS_REASON_WITH] = "with",
        };
        return (unsigned) r < _HULL_DEPS_REASON_MAX ? names[r] : "unknown";
}

const char *hull_deps_via_name(hull_deps_via v) {
        static const char *const names[_HULL_DEPS_VIA_MAX] = {
                [HULL_DEPS_VIA_ARGUMENT] = "argument", [HULL_DEPS_VIA_PATH] = "path",
                [HULL_DEPS_VIA_RPATH] = "rpath", [HULL_DEPS_VIA_RUNPATH] = "runpath",
                [HULL_DEPS_VIA_CACHE] = "ld.so.cache", [HULL_DEPS_VIA_DEFAULT] = "default",
                [HULL_DEPS_VIA_LDCONF] = "ld.so.conf", [HULL_DEPS_VIA_ENV_PATH] = "env-path",
        };
        return (unsigned) v < _HULL_DEPS_VIA_MAX ? names[v] : "unknown";
}

const char *hull_deps_type_name(hull_deps_type t) {
        static const char *const names[_HULL_DEPS_TYPE_MAX] = {
                [HULL_DEPS_TYPE_ELF] = "elf", [HULL_DEPS_TYPE_SCRIPT] = "script",
                [HULL_DEPS_TYPE_FILE] = "file", [HULL_DEPS_TYPE_MISSING] = "missing",
        };
        return (unsigned) t < _HULL_DEPS_TYPE_MAX ? names[t] : "unknown";
}
