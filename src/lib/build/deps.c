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
#include "build/deps-internal.h"
#include "build/ldcache.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"

#ifndef _cleanup_
#define _cleanup_(f) __attribute__((cleanup(f)))
#endif

#define MAX_SCRIPT_DEPTH 4       /* #! interpreters that are scripts themselves (binfmt_script) */
#define MAX_ENV_DEPTH 4          /* #!/usr/bin/env scripts running #!/usr/bin/env scripts */
#define MAX_OBJECTS 65536        /* objects in one namespace */
#define MAX_WITH_FILES 200000    /* files below the `with` directories */
#define INTERP_MAX_SIZE (16u << 20)

static const char *const default_path[] = { "/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
                                            "/usr/bin",        "/sbin",          "/bin",     NULL };

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
        if (loader != SIZE_MAX && append_step(&chain, reason, name, NULL, O(n, loader)->loader == SIZE_MAX) < 0)
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
        r = hull_deps_walk(n->c->rootfd, &n->c->lstat, o.path, &o.links, &o.n_links, &o.realpath);
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

/* Adds "CHAIN needs NAME: " in front of an error about a file that was
 * found but cannot be used (not ELF, broken, unreadable). */
static int chain_error(ns *n, size_t loader, hull_deps_reason reason, const char *name, int r) {
        if (!n->c->err || !*n->c->err || (*n->c->err)->errnum == ENOMEM || loader == SIZE_MAX)
                return r;
        _cleanup_free_ char *chain = hull_deps_chain(T(n), loader);
        if (chain && append_step(&chain, reason, name, NULL, O(n, loader)->loader == SIZE_MAX) == 0)
                hull_error_prefix(n->c->err, "%s", chain);
        return r;
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
        if (n->musl && deps_musl_reserved(name) && n->interp != SIZE_MAX) {
                *ret = n->interp;
                return add_edge(n, loader, n->interp);
        }
        _cleanup_(deps_search_done) search s = { .fd = -1 };
        int r;
        if (strchr(name, '/')) {
                _cleanup_free_ char *exp = NULL;
                r = deps_expand_dst(n, loader, name, &exp);
                if (r < 0)
                        return oom(n->c);
                if (r == 0 || exp[0] != '/')
                        return optional ? 0 : missing(n, loader, reason, name, ENOENT,
                                                      "not found (a relative path or a token without a value)");
                r = deps_try_candidate(n, &s, exp);
                if (r < 0)
                        return chain_error(n, loader, reason, name, r);
                s.via = HULL_DEPS_VIA_PATH;
                if (r == 0)
                        return optional ? 0 : missing(n, loader, reason, name, ENOENT, "%s: not found", exp);
        } else {
                r = deps_search_name(n, &s, loader, name);
                if (r < 0)
                        return chain_error(n, loader, reason, name, r);
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
                return chain_error(n, loader, reason, name, r);
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
            hull_deps_walk(c->rootfd, &c->lstat, std, NULL, NULL, &std_real) == 0)
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
        n->data = e->data;
        n->machine = e->machine;
        n->e_flags = e->e_flags;
        n->cache_flags = hull_ldcache_flags_for(e->elf_class, e->machine, e->e_flags);
        n->platform = hull_elf_platform(e->elf_class, e->machine);
        n->musl = interp && strncmp(deps_base_of(interp), "ld-musl-", 8) == 0;
        /* x86-64-vN only for x86-64 objects unless the caller chose */
        n->use_hwcaps = !n->musl && (n->c->o->hwcaps || (e->machine == EM_X86_64 && e->elf_class == ELFCLASS64));
        return 0;
}

static int setup_musl_dirs(ns *n, const char *interp) {
        /* /etc/ld-musl-ARCH.path, else /lib:/usr/local/lib:/usr/lib */
        ctx *c = n->c;
        const char *b = deps_base_of(interp) + 8;
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
        if (!arg || strcmp(deps_base_of(o->script_interp), "env") != 0)
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
                for (size_t i = 0; default_path[i] && !found; i++) {
                        _cleanup_free_ char *p = hull_strdup_printf("%s/%s", default_path[i], cmd);
                        int fd;
                        struct stat st;
                        if (!p)
                                return oom(n->c);
                        int r = deps_open_file(n, p, &fd, &st);
                        if (r < 0)
                                return r;
                        if (r > 0) {
                                close(fd);
                                if (st.st_mode & 0111)
                                        found = TAKE_PTR(p);
                        }
                }
        if (!found) {
                _cleanup_free_ char *dp = deps_join((char **) default_path, ":");
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
                _cleanup_free_ char *dir = deps_dir_of(O(n, libc)->realpath);
                _cleanup_free_ char *gdir = dir ? hull_strdup_printf("%s/gconv", dir) : NULL;
                _cleanup_strv_ char **mods = NULL, **conf = NULL;
                if (!gdir)
                        return oom(c);
                if ((r = hull_gconv_modules(c->rootfd, gdir, c->o->gconv, &mods, &conf, c->err)) < 0)
                        return r;
                for (size_t i = 0; conf && conf[i]; i++) {
                        int fd;
                        struct stat st;
                        if ((r = deps_open_file(n, conf[i], &fd, &st)) < 0)
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
        if ((r = bfs(n, before)) < 0)
                return r;
        /* last: the modules above may import pthread_cancel too */
        bool unwind = false;
        for (size_t i = 0; i < T(n)->n_objects; i++)
                if (O(n, i)->elf && (O(n, i)->elf->imports & HULL_ELF_IMPORTS_UNWIND))
                        unwind = true;
        if (!unwind || (c->o->flags & HULL_DEPS_NO_UNWIND))
                return 0;
        before = T(n)->n_objects;
        if ((r = load(n, libc, "libgcc_s.so.1", HULL_DEPS_REASON_UNWIND, false, &idx)) < 0)
                return r;
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
        size_t tree = 0;
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
        if ((r = deps_open_file(&n, path, &fd, &st)) < 0)
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

        /* A script among `with` files that is not executable is data (a
         * Python module with a #! line): the kernel would not run it. */
        if (reason == HULL_DEPS_REASON_WITH && O(&n, cur)->type == HULL_DEPS_TYPE_SCRIPT && !(O(&n, cur)->mode & 0111))
                return 0;
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
                if ((r = deps_open_file(&n, ip, &fd, &st)) < 0)
                        return r;
                if (r == 0 && reason == HULL_DEPS_REASON_WITH) {
                        /* `with` asks for the file, not for running it */
                        char *w = hull_strdup_printf("%s:1:%u: the #! interpreter %s is not found; the file is "
                                                     "added without it", o->path, o->script_interp_column,
                                                     o->script_interp);
                        if (!w)
                                return oom(c);
                        hull_warn("%s", w);
                        return hull_strv_consume(&c->out->warnings, w) < 0 ? oom(c) : 0;
                }
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
                        return chain_error(&n, cur, HULL_DEPS_REASON_SCRIPT, ip, r);
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
                if ((r = deps_open_file(&n, ip, &fd, &st)) < 0)
                        return r;
                if (r == 0)
                        return missing(&n, cur, HULL_DEPS_REASON_INTERPRETER, e->interp, ENOENT, "not found");
                size_t idx;
                if ((r = add_file(&n, fd, &st, e->interp, ip, HULL_DEPS_REASON_INTERPRETER, HULL_DEPS_VIA_ARGUMENT, cur,
                                  NULL, &idx)) < 0)
                        return chain_error(&n, cur, HULL_DEPS_REASON_INTERPRETER, ip, r);
                hull_deps_object *io = O(&n, idx);
                if (io->type != HULL_DEPS_TYPE_ELF || io->elf->elf_class != n.cls || io->elf->data != n.data ||
                    io->elf->machine != n.machine)
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
                /* what a walk of sub would find: dfd was opened inside the root */
                deps_lstat_note(&c->lstat, sub + 1, s2.st_mode);
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
        _cleanup_deps_ hull_deps *d = calloc(1, sizeof(*d));
        if (!d || !(d->warnings = calloc(1, sizeof(char *))))
                return hull_error_set(err, ENOMEM, "dependency closure");
        const char *root = o->root && *o->root ? o->root : "/";
        _cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0)
                return hull_error_set(err, errno, "open root %s", root);
        hull_error *local = NULL;
        ctx c = { .o = o, .rootfd = rootfd, .err = &local, .out = d };
        int r = load_config(&c);
        for (size_t i = 0; r >= 0 && programs && programs[i]; i++) {
                size_t first = d->n_trees;
                r = resolve_program(&c, programs[i], HULL_DEPS_REASON_PROGRAM, HULL_DEPS_VIA_ARGUMENT, SIZE_MAX, 0);
                /* KEEP_GOING: a program that cannot be resolved (a broken ELF
                 * file...) is an error of its tree, not of the call. */
                if (r < 0 && (o->flags & HULL_DEPS_KEEP_GOING) && local && local->errnum != ENOMEM && first < d->n_trees) {
                        hull_deps_tree *t = &d->trees[first];
                        if (!t->error)
                                t->error = TAKE_PTR(local->msg);
                        hull_error_free(local);
                        local = NULL;
                        d->n_errors++;
                        r = 0;
                }
        }
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
        deps_lstat_cache_done(&c.lstat);
        if (r < 0) {
                if (err && !*err)
                        *err = TAKE_PTR(local);
                hull_error_free(local);
                return r;
        }
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

/* A set of strings (open addressing, FNV-1a). */
static uint64_t str_hash(const char *s) {
        uint64_t h = 0xcbf29ce484222325ull;
        for (; *s; s++)
                h = (h ^ (unsigned char) *s) * 0x100000001b3ull;
        return h;
}

int deps_strset_add(deps_strset *set, const char *str) {
        if ((set->used + 1) * 2 > set->size) {
                size_t size = set->size ? set->size * 2 : 64;
                char **slots = calloc(size, sizeof(char *));
                if (!slots)
                        return -ENOMEM;
                for (size_t i = 0; i < set->size; i++)
                        if (set->slots[i]) {
                                size_t k = str_hash(set->slots[i]) & (size - 1);
                                while (slots[k])
                                        k = (k + 1) & (size - 1);
                                slots[k] = set->slots[i];
                        }
                free(set->slots);
                set->slots = slots;
                set->size = size;
        }
        size_t k = str_hash(str) & (set->size - 1);
        for (; set->slots[k]; k = (k + 1) & (set->size - 1))
                if (strcmp(set->slots[k], str) == 0)
                        return 0;
        if (!(set->slots[k] = strdup(str)))
                return -ENOMEM;
        set->used++;
        return 1;
}

void deps_strset_done(deps_strset *set) {
        for (size_t i = 0; i < set->size; i++)
                free(set->slots[i]);
        free(set->slots);
        *set = (deps_strset){ 0 };
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
        _cleanup_(deps_strset_done) deps_strset seen = { 0 };
        size_t n = 0, cap = 1;
        if (!v)
                return -ENOMEM;
        for (size_t t = 0; t < d->n_trees; t++)
                for (size_t i = 0; i < d->trees[t].n_objects; i++) {
                        const char *p = d->trees[t].objects[i].path;
                        int r = p ? deps_strset_add(&seen, p) : 0;
                        if (r < 0)
                                return r;
                        if (r == 0)
                                continue;
                        if (n + 1 >= cap) {
                                cap *= 2;
                                char **nv = realloc(v, cap * sizeof(char *));
                                if (!nv)
                                        return -ENOMEM;
                                v = nv;
                        }
                        if (!(v[n] = strdup(p)))
                                return -ENOMEM;
                        v[++n] = NULL;
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
