/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The root filesystem of an image built from host programs (see rootfs.h). */
#include "rootfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/deps-internal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#define MAX_SYMLINKS 40
#define MAX_TREE_DEPTH 64
#define CA_BUNDLE "/etc/ssl/certs/ca-certificates.crt"
#define ZONEINFO "/usr/share/zoneinfo"

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Splits an absolute path into its parent directory (opened inside destfd,
 * O_PATH) and its last component.  Returns the fd or -errno. */
static int open_parent(int destfd, const char *path, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        if (!slash || !slash[1])
                return -EINVAL;
        _cleanup_free_ char *parent = strndup(path, (size_t) (slash - path));
        if (!parent)
                return -ENOMEM;
        *ret_name = slash + 1;
        return hull_open_in_root(destfd, *parent ? parent : "/", O_PATH | O_DIRECTORY, 0);
}

/* A directory `name` in dirfd with exactly `mode`; an existing directory is
 * kept as it is.  `shown` is the path for messages. */
static int ensure_dir_at(int dirfd, const char *name, mode_t mode, const char *shown, hull_error **err) {
        /* Usually the directory is new: make it first, look only if that fails. */
        int made = sys_mkdirat(dirfd, name, 0700) == 0, mkerr = errno;
        struct stat st;
        if (!made && fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (S_ISDIR(st.st_mode))
                        return 0;
                return hull_error_set_raw(err, EEXIST, "rootfs: %s exists and is not a directory", shown);
        }
        if (!made && errno != ENOENT)
                return hull_error_set(err, errno, "rootfs: stat %s", shown);
        if (!made && mkerr != EEXIST)
                return hull_error_set(err, mkerr, "rootfs: mkdir %s", shown);
        if (fchmodat(dirfd, name, mode & 07777, 0) < 0)
                return hull_error_set(err, errno, "rootfs: chmod %s", shown);
        return 0;
}

/* A symlink `name` -> target in dirfd (an identical one is kept). */
static int ensure_symlink_at(int dirfd, const char *name, const char *target, const char *shown, hull_error **err) {
        /* Usually the link is new: make it first, look only if that fails. */
        if (sys_symlinkat(target, dirfd, name) == 0)
                return 0;
        int mkerr = errno;
        struct stat st;
        if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                char cur[4096];
                ssize_t n = S_ISLNK(st.st_mode) ? readlinkat(dirfd, name, cur, sizeof(cur) - 1) : -1;
                if (n >= 0) {
                        cur[n] = 0;
                        if (strcmp(cur, target) == 0)
                                return 0;
                }
                return hull_error_set_raw(err, EEXIST, "rootfs: %s exists and is not a symlink to %s", shown, target);
        }
        if (errno != ENOENT)
                return hull_error_set(err, errno, "rootfs: stat %s", shown);
        return hull_error_set(err, mkerr, "rootfs: symlink %s -> %s", shown, target);
}

typedef struct copier {
        int hostfd, destfd;
        hull_error **err;
        deps_strset copied;    /* canonical paths of the files copied so far */
        deps_strset made;      /* directories and symlinks made (or found) in the destination so far */
        deps_lstat_cache host; /* lstat on the host */
        int dirfd;             /* O_PATH: the destination's directory dir_path, or -1 */
        char *dir_path;
        hull_rootfs_grafts *grafts; /* not NULL: record files there instead of copying them */
} copier;

static void copier_done(copier *c) {
        deps_strset_done(&c->copied);
        deps_strset_done(&c->made);
        deps_lstat_cache_done(&c->host);
        if (c->dirfd >= 0)
                close(c->dirfd);
        c->dirfd = -1;
        free(c->dir_path);
        c->dir_path = NULL;
}

/* The parent directory of the absolute path `path` under destfd (opened
 * inside destfd like open_parent, kept open for the next file in it) and
 * its last component.  Returns a borrowed fd or -errno. */
static int dest_parent(copier *c, const char *path, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        if (!slash || !slash[1])
                return -EINVAL;
        size_t len = (size_t) (slash - path);
        *ret_name = slash + 1;
        if (c->dirfd >= 0 && strlen(c->dir_path) == len && strncmp(c->dir_path, path, len) == 0)
                return c->dirfd;
        _cleanup_free_ char *parent = strndup(path, len);
        if (!parent)
                return -ENOMEM;
        int fd = hull_open_in_root(c->destfd, *parent ? parent : "/", O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
                return fd;
        if (c->dirfd >= 0)
                close(c->dirfd);
        c->dirfd = fd;
        free(c->dir_path);
        c->dir_path = TAKE_PTR(parent);
        return fd;
}

static int graft_file(copier *c, const char *path);

/* Copies the regular file at the canonical host path `path` to the same
 * path under destfd: created in place when nothing is there (the usual
 * case, a new root), else a temp file renamed over the file that was.
 * A copier with grafts records it instead (graft_file), unless it is below
 * /etc. */
static int copy_file(copier *c, const char *path) {
        hull_error **err = c->err;
        if (c->grafts && !hull_startswith(path, "/etc/"))
                return graft_file(c, path);
        _cleanup_close_ int in = hull_open_in_root(c->hostfd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
        if (in < 0)
                return hull_error_set(err, -in, "rootfs: open %s on the host", path);
        struct stat st;
        if (fstat(in, &st) < 0)
                return hull_error_set(err, errno, "rootfs: stat %s", path);
        if (!S_ISREG(st.st_mode))
                return hull_error_set_raw(err, EINVAL, "rootfs: %s is not a regular file", path);
        const char *name;
        int dir = dest_parent(c, path, &name);
        if (dir < 0)
                return hull_error_set(err, -dir, "rootfs: open the directory of %s", path);
        /* O_EXCL|O_NOFOLLOW: fails on anything already there, a symlink too */
        _cleanup_close_ int out = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out >= 0) {
                int r = hull_copy_data_size(in, out, st.st_size);
                if (r == 0 && fchmod(out, st.st_mode & 07777) < 0)
                        r = -errno;
                if (r < 0) {
                        (void) unlinkat(dir, name, 0);
                        return hull_error_set(err, -r, "rootfs: copy %s", path);
                }
                return 0;
        }
        struct stat cur;
        if (fstatat(dir, name, &cur, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(cur.st_mode))
                return hull_error_set_raw(err, EEXIST, "rootfs: %s exists and is a directory", path);
        _cleanup_free_ char *tmp = hull_strdup_printf(".%s.hull-tmp", name);
        if (!tmp)
                return hull_error_set(err, ENOMEM, "rootfs: %s", path);
        (void) unlinkat(dir, tmp, 0);
        out = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return hull_error_set(err, errno, "rootfs: create %s", path);
        int r = hull_copy_data_size(in, out, st.st_size);
        if (r == 0 && fchmod(out, st.st_mode & 07777) < 0)
                r = -errno;
        if (r == 0 && sys_renameat(dir, tmp, dir, name) < 0)
                r = -errno;
        if (r < 0) {
                (void) unlinkat(dir, tmp, 0);
                return hull_error_set(err, -r, "rootfs: copy %s", path);
        }
        return 0;
}

void hull_rootfs_grafts_done(hull_rootfs_grafts *g) {
        for (size_t i = 0; i < g->n; i++)
                free((char *) g->v[i].host_path);
        free(g->v);
        *g = (hull_rootfs_grafts){ 0 };
}

/* Records the regular file at the canonical host path `path` as a graft,
 * owned as a file this process creates in its directory would be. */
static int graft_file(copier *c, const char *path) {
        hull_error **err = c->err;
        const char *name;
        int dir = dest_parent(c, path, &name);
        if (dir < 0)
                return hull_error_set(err, -dir, "rootfs: open the directory of %s", path);
        struct stat cur, dst;
        if (fstatat(dir, name, &cur, AT_SYMLINK_NOFOLLOW) == 0) {
                if (S_ISDIR(cur.st_mode))
                        return hull_error_set_raw(err, EEXIST, "rootfs: %s exists and is a directory", path);
                if (unlinkat(dir, name, 0) < 0)
                        return hull_error_set(err, errno, "rootfs: replace %s", path);
        } else if (errno != ENOENT)
                return hull_error_set(err, errno, "rootfs: stat %s", path);
        if (fstat(dir, &dst) < 0)
                return hull_error_set(err, errno, "rootfs: stat the directory of %s", path);
        hull_rootfs_grafts *g = c->grafts;
        if (g->n == g->cap) {
                size_t cap = g->cap ? g->cap * 2 : 256;
                hull_tar_graft *v = realloc(g->v, cap * sizeof(*v));
                if (!v)
                        return hull_error_set(err, ENOMEM, "rootfs: %s", path);
                g->v = v;
                g->cap = cap;
        }
        char *s = strdup(path);
        if (!s)
                return hull_error_set(err, ENOMEM, "rootfs: %s", path);
        g->v[g->n++] = (hull_tar_graft){
                .path = s + 1,
                .hostfd = c->hostfd,
                .host_path = s,
                .uid = geteuid(),
                /* a set-group-ID directory gives its group (mkdir(2)) */
                .gid = (dst.st_mode & S_ISGID) ? dst.st_gid : getegid(),
        };
        return 0;
}

int hull_rootfs_grafts_materialize(int hostfd, int destfd, hull_rootfs_grafts *grafts, hull_error **err) {
        copier c = { .hostfd = hostfd, .destfd = destfd, .err = err, .dirfd = -1 };
        int r = 0;
        for (size_t i = 0; i < grafts->n && r >= 0; i++) {
                const char *path = grafts->v[i].host_path, *name;
                int dir = dest_parent(&c, path, &name);
                struct stat st;
                if (dir < 0) /* its directory was replaced by a later step */
                        continue;
                if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT)
                        continue;
                r = copy_file(&c, path);
        }
        copier_done(&c);
        if (r >= 0)
                hull_rootfs_grafts_done(grafts);
        return r;
}

/* Walks `path` on the host component by component and mirrors each one
 * under destfd (see hull_rootfs_copy_path). *ret_real, when not NULL, gets
 * the canonical path reached. */
static int copy_walk(copier *c, const char *path, bool follow_last, char **ret_real) {
        _cleanup_free_ char *resolved = strdup("");
        _cleanup_free_ char *rest = strdup(path);
        unsigned links = 0;
        if (!resolved || !rest)
                return hull_error_set(c->err, ENOMEM, "rootfs: %s", path);
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
                        return hull_error_set(c->err, ENOMEM, "rootfs: %s", path);
                p += len;
                while (*p == '/')
                        p++;
                bool last = !*p;
                mode_t mode;
                int r = deps_lstat(&c->host, c->hostfd, cand + 1, &mode);
                if (r < 0)
                        return hull_error_set(c->err, -r, "rootfs: copy %s: %s on the host", path, cand);
                const char *name;
                if (S_ISLNK(mode)) {
                        if (++links > MAX_SYMLINKS)
                                return hull_error_set(c->err, ELOOP, "rootfs: copy %s", path);
                        char target[4096];
                        ssize_t n = deps_readlink(&c->host, c->hostfd, cand + 1, target, sizeof(target));
                        if (n < 0)
                                return hull_error_set(c->err, (int) -n, "rootfs: readlink %s", cand);
                        if ((r = deps_strset_add(&c->made, cand)) < 0)
                                return hull_error_set(c->err, ENOMEM, "rootfs: %s", path);
                        if (r > 0) {
                                int dir = dest_parent(c, cand, &name);
                                if (dir < 0)
                                        return hull_error_set(c->err, -dir, "rootfs: open the directory of %s", cand);
                                if ((r = ensure_symlink_at(dir, name, target, cand, c->err)) < 0)
                                        return r;
                        }
                        if (last && !follow_last) {
                                free(resolved);
                                resolved = TAKE_PTR(cand);
                                break;
                        }
                        char *nr = hull_strdup_printf("%s%s%s", target, *p ? "/" : "", p);
                        if (!nr)
                                return hull_error_set(c->err, ENOMEM, "rootfs: %s", path);
                        free(rest);
                        rest = p = nr;
                        if (target[0] == '/')
                                resolved[0] = 0;
                        continue;
                }
                if (S_ISDIR(mode)) {
                        if ((r = deps_strset_add(&c->made, cand)) < 0)
                                return hull_error_set(c->err, ENOMEM, "rootfs: %s", path);
                        if (r > 0) {
                                int dir = dest_parent(c, cand, &name);
                                if (dir < 0)
                                        return hull_error_set(c->err, -dir, "rootfs: open the directory of %s", cand);
                                if ((r = ensure_dir_at(dir, name, mode, cand, c->err)) < 0)
                                        return r;
                        }
                } else if (S_ISREG(mode)) {
                        if (!last)
                                return hull_error_set(c->err, ENOTDIR, "rootfs: copy %s: %s", path, cand);
                        r = deps_strset_add(&c->copied, cand);
                        if (r < 0)
                                return hull_error_set(c->err, ENOMEM, "rootfs: %s", path);
                        if (r > 0 && (r = copy_file(c, cand)) < 0)
                                return r;
                } else
                        return hull_error_set_raw(c->err, EINVAL, "rootfs: copy %s: %s is a device, fifo or socket; "
                                                  "images get only files, directories and symlinks", path, cand);
                free(resolved);
                resolved = TAKE_PTR(cand);
        }
        if (ret_real && !(*ret_real = strdup(*resolved ? resolved : "/")))
                return hull_error_set(c->err, ENOMEM, "rootfs: %s", path);
        return 0;
}

int hull_rootfs_copy_path(int hostfd, int destfd, const char *path, bool follow_last, hull_error **err) {
        copier c = { .hostfd = hostfd, .destfd = destfd, .err = err, .dirfd = -1 };
        int r = copy_walk(&c, path, follow_last, NULL);
        copier_done(&c);
        return r;
}

int hull_rootfs_copy_closure(int hostfd, int destfd, const hull_deps *d, hull_error **err) {
        return hull_rootfs_graft_closure(hostfd, destfd, d, NULL, err);
}

int hull_rootfs_graft_closure(int hostfd, int destfd, const hull_deps *d, hull_rootfs_grafts *grafts, hull_error **err) {
        _cleanup_strv_ char **files = NULL;
        if (hull_deps_files(d, &files) < 0)
                return hull_error_set(err, ENOMEM, "rootfs");
        copier c = { .hostfd = hostfd, .destfd = destfd, .err = err, .dirfd = -1, .grafts = grafts };
        int r = 0;
        for (size_t i = 0; files[i] && r >= 0; i++)
                r = copy_walk(&c, files[i], true, NULL);
        copier_done(&c);
        return r;
}

static int copy_tree_at(copier *c, const char *real, unsigned depth) {
        if (depth > MAX_TREE_DEPTH)
                return hull_error_set_raw(c->err, ELOOP, "rootfs: %s: more than %u levels of directories", real,
                                          MAX_TREE_DEPTH);
        int fd = hull_open_in_root(c->hostfd, real, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
        if (fd < 0)
                return hull_error_set(c->err, -fd, "rootfs: open %s on the host", real);
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return hull_error_set(c->err, errno, "rootfs: read %s", real);
        }
        _cleanup_strv_ char **names = NULL;
        struct dirent *de;
        while ((de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && hull_strv_push(&names, de->d_name) < 0) {
                        closedir(d);
                        return hull_error_set(c->err, ENOMEM, "rootfs: %s", real);
                }
        closedir(d);
        size_t n = hull_strv_length(names);
        if (n > 1)
                qsort(names, n, sizeof(char *), cmp_str);
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *sub = hull_strdup_printf("%s/%s", strcmp(real, "/") == 0 ? "" : real, names[i]);
                struct stat st;
                if (!sub)
                        return hull_error_set(c->err, ENOMEM, "rootfs: %s", real);
                if (fstatat(c->hostfd, sub + 1, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return hull_error_set(c->err, errno, "rootfs: stat %s on the host", sub);
                deps_lstat_note(&c->host, sub + 1, st.st_mode); /* real is canonical: what copy_walk will ask */
                int r;
                if (S_ISDIR(st.st_mode))
                        r = copy_walk(c, sub, false, NULL) < 0 ? -1 : copy_tree_at(c, sub, depth + 1);
                else if (S_ISLNK(st.st_mode) || S_ISREG(st.st_mode))
                        r = copy_walk(c, sub, false, NULL);
                else {
                        hull_warn("rootfs: %s is a device, fifo or socket: not copied", sub);
                        r = 0;
                }
                if (r < 0)
                        return r;
        }
        return 0;
}

int hull_rootfs_copy_tree(int hostfd, int destfd, const char *path, hull_error **err) {
        copier c = { .hostfd = hostfd, .destfd = destfd, .err = err, .dirfd = -1 };
        _cleanup_free_ char *real = NULL;
        int r = copy_walk(&c, path, true, &real);
        if (r >= 0)
                r = copy_tree_at(&c, real, 0);
        copier_done(&c);
        return r;
}

int hull_rootfs_link_ldconf(int destfd, const hull_deps *d, hull_error **err) {
        for (size_t t = 0; t < d->n_trees; t++)
                for (size_t i = 0; i < d->trees[t].n_objects; i++) {
                        const hull_deps_object *o = &d->trees[t].objects[i];
                        if (!o->default_dir || !o->path || strchr(o->name, '/'))
                                continue;
                        _cleanup_free_ char *shown = hull_strdup_printf("%s/%s", o->default_dir, o->name);
                        if (!shown)
                                return hull_error_set(err, ENOMEM, "rootfs");
                        _cleanup_close_ int dir = hull_mkpath_in_root(destfd, o->default_dir, 0755, false);
                        if (dir < 0)
                                return hull_error_set(err, -dir, "rootfs: open %s", o->default_dir);
                        int r = ensure_symlink_at(dir, o->name, o->path, shown, err);
                        if (r < 0)
                                return hull_error_prefix(err, "make %s (found only through ld.so.conf) loadable", o->path);
                }
        return 0;
}

static bool valid_user_name(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > 32 || !(islower((unsigned char) s[0]) || s[0] == '_'))
                return false;
        for (size_t i = 1; i < n; i++)
                if (!islower((unsigned char) s[i]) && !isdigit((unsigned char) s[i]) && s[i] != '_' && s[i] != '-')
                        return false;
        return true;
}

static bool valid_field(const char *s) {
        return s && s[0] == '/' && !strpbrk(s, ":\n");
}

typedef struct line {
        uint32_t id;
        char *text;
} line;

static int cmp_line(const void *a, const void *b) {
        const line *x = a, *y = b;
        if (x->id != y->id)
                return x->id < y->id ? -1 : 1;
        return strcmp(x->text, y->text);
}

/* Sorted by id, joined. */
static char *join_lines(line *v, size_t n) {
        qsort(v, n, sizeof(*v), cmp_line);
        size_t len = 1;
        for (size_t i = 0; i < n; i++)
                len += strlen(v[i].text) + 1;
        char *s = malloc(len), *p = s;
        if (!s)
                return NULL;
        for (size_t i = 0; i < n; i++)
                p += sprintf(p, "%s\n", v[i].text);
        *p = 0;
        return s;
}

static void free_lines(line *v, size_t n) {
        for (size_t i = 0; v && i < n; i++)
                free(v[i].text);
        free(v);
}

static int write_etc_file(int etcfd, const char *name, const char *text, hull_error **err) {
        int r = hull_write_atomic_at(etcfd, name, text, strlen(text), 0644, 0, err);
        if (r < 0)
                return hull_error_prefix(err, "rootfs: /etc/%s", name);
        if (fchmodat(etcfd, name, 0644, 0) < 0)
                return hull_error_set(err, errno, "rootfs: chmod /etc/%s", name);
        return 0;
}

static int ensure_dir_path(int destfd, const char *path, mode_t mode, hull_error **err) {
        /* parents 0755, the last one `mode` */
        _cleanup_free_ char *copy = strdup(path);
        if (!copy)
                return hull_error_set(err, ENOMEM, "rootfs");
        for (char *s = copy + 1;; s++) {
                if (*s != '/' && *s)
                        continue;
                char c = *s;
                *s = 0;
                const char *name;
                _cleanup_close_ int dir = open_parent(destfd, copy, &name);
                if (dir < 0)
                        return hull_error_set(err, -dir, "rootfs: open the directory of %s", copy);
                int r = ensure_dir_at(dir, name, c ? 0755 : mode, copy, err);
                if (r < 0)
                        return r;
                if (!c)
                        return 0;
                *s = c;
        }
}

/* The text of /etc/passwd and /etc/group (sorted by id), and the users'
 * home directories.  Returns 0 or a negative value with *err set. */
static int make_passwd_group(int destfd, const hull_rootfs_options *o, char **ret_passwd, char **ret_group,
                             hull_error **err) {
        size_t nu = o->n_users, npw = 0, ngr = 0;
        line *pw = calloc(nu + 2, sizeof(line)), *gr = calloc(nu + 2, sizeof(line));
        int r = 0;
        if (!pw || !gr) {
                free(pw);
                free(gr);
                return hull_error_set(err, ENOMEM, "rootfs: /etc/passwd");
        }
        pw[npw++] = (line){ 0, strdup("root:x:0:0:root:/root:/bin/sh") };
        pw[npw++] = (line){ 65534, strdup("nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin") };
        gr[ngr++] = (line){ 0, strdup("root:x:0:") };
        gr[ngr++] = (line){ 65534, strdup("nogroup:x:65534:") };
        for (size_t i = 0; i < nu && r >= 0; i++) {
                const hull_rootfs_user *u = &o->users[i];
                char *home = u->home ? strdup(u->home) : hull_strdup_printf("/home/%s", u->name);
                if (!home) {
                        r = -ENOMEM;
                        break;
                }
                pw[npw++] = (line){ u->uid, hull_strdup_printf("%s:x:%u:%u:%s:%s:%s", u->name, u->uid, u->gid, u->name,
                                                               home, u->shell ? u->shell : "/bin/sh") };
                bool have = false;
                for (size_t g = 0; g < ngr; g++)
                        if (gr[g].id == u->gid)
                                have = true;
                if (!have)
                        gr[ngr++] = (line){ u->gid, hull_strdup_printf("%s:x:%u:", u->name, u->gid) };
                if (!u->home) {
                        r = ensure_dir_path(destfd, home, 0755, err);
                        if (r >= 0 && fchownat(destfd, home + 1, u->uid, u->gid, AT_SYMLINK_NOFOLLOW) < 0)
                                hull_warn("rootfs: chown %s to %u:%u: %s", home, u->uid, u->gid, strerror(errno));
                        if (r < 0) {
                                free(home);
                                break;
                        }
                }
                free(home);
        }
        for (size_t i = 0; r >= 0 && i < npw; i++)
                if (!pw[i].text)
                        r = -ENOMEM;
        for (size_t i = 0; r >= 0 && i < ngr; i++)
                if (!gr[i].text)
                        r = -ENOMEM;
        if (r >= 0 && (!(*ret_passwd = join_lines(pw, npw)) || !(*ret_group = join_lines(gr, ngr))))
                r = -ENOMEM;
        free_lines(pw, npw);
        free_lines(gr, ngr);
        if (r == -ENOMEM)
                return hull_error_set(err, ENOMEM, "rootfs: /etc/passwd");
        return r;
}

int hull_rootfs_write_etc(int destfd, const hull_rootfs_options *o, hull_error **err) {
        size_t nu = o->n_users;
        for (size_t i = 0; i < nu; i++) {
                const hull_rootfs_user *u = &o->users[i];
                if (!u->name || !valid_user_name(u->name))
                        return hull_error_set_raw(err, EINVAL, "rootfs: user \"%s\": a name is [a-z_][a-z0-9_-]*, at most "
                                                  "32 bytes", u->name ? u->name : "");
                if (strcmp(u->name, "root") == 0 || strcmp(u->name, "nobody") == 0 || strcmp(u->name, "nogroup") == 0)
                        return hull_error_set_raw(err, EEXIST, "rootfs: user \"%s\": the image already has it", u->name);
                if (u->uid == 0 || u->uid == 65534)
                        return hull_error_set_raw(err, EEXIST, "rootfs: user \"%s\": uid %u is %s's", u->name, u->uid,
                                                  u->uid ? "nobody" : "root");
                if ((u->home && !valid_field(u->home)) || (u->shell && !valid_field(u->shell)))
                        return hull_error_set_raw(err, EINVAL, "rootfs: user \"%s\": home and shell must be absolute "
                                                  "paths without ':' or newlines", u->name);
                for (size_t j = 0; j < i; j++)
                        if (strcmp(o->users[j].name, u->name) == 0 || o->users[j].uid == u->uid)
                                return hull_error_set_raw(err, EEXIST, "rootfs: user \"%s\" (uid %u) is given twice",
                                                          u->name, u->uid);
        }
        int r;
        if ((r = ensure_dir_path(destfd, "/etc", 0755, err)) < 0 || (r = ensure_dir_path(destfd, "/tmp", 01777, err)) < 0 ||
            (r = ensure_dir_path(destfd, "/root", 0700, err)) < 0)
                return r;
        _cleanup_close_ int etc = hull_open_in_root(destfd, "/etc", O_RDONLY | O_DIRECTORY, 0);
        if (etc < 0)
                return hull_error_set(err, -etc, "rootfs: open /etc");
        _cleanup_free_ char *passwd = NULL, *group = NULL;
        if ((r = make_passwd_group(destfd, o, &passwd, &group, err)) < 0)
                return r;
        _cleanup_free_ char *os_release = hull_strdup_printf(
                "# Written by hull %s: programs copied from a host with their dependencies.\n"
                "NAME=\"hull\"\n"
                "ID=hull\n"
                "PRETTY_NAME=\"An image built by hull %s\"\n"
                "VERSION_ID=\"%s\"\n",
                HULL_VERSION, HULL_VERSION, HULL_VERSION);
        if (!os_release)
                return hull_error_set(err, ENOMEM, "rootfs: /etc/os-release");
        static const char hosts[] = "127.0.0.1\tlocalhost\n"
                                    "::1\tlocalhost ip6-localhost ip6-loopback\n";
        if ((r = write_etc_file(etc, "passwd", passwd, err)) < 0 || (r = write_etc_file(etc, "group", group, err)) < 0 ||
            (r = write_etc_file(etc, "nsswitch.conf", o->nsswitch ? o->nsswitch : hull_deps_minimal_nsswitch, err)) < 0 ||
            (r = write_etc_file(etc, "hosts", hosts, err)) < 0 || (r = write_etc_file(etc, "os-release", os_release, err)) < 0)
                return r;
        return 0;
}

static int set_mtime_at(int at, const struct timespec ts[2], dev_t dev, unsigned depth, const char *shown,
                        hull_error **err) {
        if (depth > 256)
                return hull_error_set_raw(err, ELOOP, "rootfs: %s is nested too deep", shown);
        int fd = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return hull_error_set(err, errno, "rootfs: open %s", shown);
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return hull_error_set(err, errno, "rootfs: read %s", shown);
        }
        int r = 0;
        struct dirent *de;
        while (r >= 0 && (de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                /* d_type spares a stat of what is not a directory (most entries) */
                struct stat st;
                if (de->d_type != DT_UNKNOWN && de->d_type != DT_DIR)
                        st.st_mode = S_IFREG;
                else if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        continue;
                if (S_ISDIR(st.st_mode) && st.st_dev == dev) {
                        int sub = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub < 0) {
                                r = hull_error_set(err, errno, "rootfs: open %s/%s", shown, de->d_name);
                                break;
                        }
                        _cleanup_free_ char *s = hull_strdup_printf("%s/%s", shown, de->d_name);
                        r = set_mtime_at(sub, ts, dev, depth + 1, s ? s : shown, err);
                        close(sub);
                        if (r < 0)
                                break;
                }
                if (utimensat(dirfd(d), de->d_name, ts, AT_SYMLINK_NOFOLLOW) < 0)
                        r = hull_error_set(err, errno, "rootfs: set the time of %s/%s", shown, de->d_name);
        }
        closedir(d);
        return r;
}

int hull_rootfs_set_mtime(int destfd, int64_t mtime, hull_error **err) {
        struct timespec ts[2] = { { .tv_sec = (time_t) mtime }, { .tv_sec = (time_t) mtime } };
        struct stat st;
        if (fstat(destfd, &st) < 0)
                return hull_error_set(err, errno, "rootfs: stat the destination");
        int r = set_mtime_at(destfd, ts, st.st_dev, 0, "", err);
        if (r < 0)
                return r;
        char p[HULL_FD_PATH_MAX];
        if (utimensat(AT_FDCWD, hull_fd_path(destfd, p, sizeof(p)), ts, 0) < 0)
                return hull_error_set(err, errno, "rootfs: set the time of /");
        return 0;
}

int hull_rootfs_add_ca_certificates(int hostfd, int destfd, const char *host_root, hull_error **err) {
        const char *root = host_root && strcmp(host_root, "/") != 0 ? host_root : "";
        _cleanup_close_ int fd = hull_open_in_root(hostfd, CA_BUNDLE, O_PATH, 0);
        if (fd < 0)
                return hull_error_set(err, -fd, "rootfs: CA certificates requested but %s%s is missing "
                                      "(Debian's ca-certificates package writes it)", root, CA_BUNDLE);
        return hull_rootfs_copy_path(hostfd, destfd, CA_BUNDLE, true, err);
}

int hull_rootfs_add_tzdata(int hostfd, int destfd, const char *host_root, hull_error **err) {
        const char *root = host_root && strcmp(host_root, "/") != 0 ? host_root : "";
        _cleanup_close_ int fd = hull_open_in_root(hostfd, ZONEINFO, O_PATH | O_DIRECTORY, 0);
        if (fd < 0)
                return hull_error_set(err, -fd, "rootfs: tzdata requested but %s%s is missing (Debian's tzdata "
                                      "package installs it)", root, ZONEINFO);
        return hull_rootfs_copy_tree(hostfd, destfd, ZONEINFO, err);
}

int hull_rootfs_assemble(int destfd, const hull_rootfs_options *o, hull_deps **ret_deps, hull_error **err) {
        const char *root = o->host_root && *o->host_root ? o->host_root : "/";
        _cleanup_close_ int hostfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (hostfd < 0)
                return hull_error_set(err, errno, "rootfs: open %s", root);
        hull_deps_options dopt = {
                .root = root,
                .with = o->with,
                .gconv = o->gconv,
                .hwcaps = o->hwcaps,
                .nsswitch_text = o->nsswitch ? o->nsswitch : hull_deps_minimal_nsswitch,
        };
        _cleanup_deps_ hull_deps *d = NULL;
        int r = hull_deps_resolve(&dopt, o->programs, &d, err);
        if (r < 0)
                return r;
        if ((r = hull_rootfs_copy_closure(hostfd, destfd, d, err)) < 0 || (r = hull_rootfs_link_ldconf(destfd, d, err)) < 0)
                return r;
        if ((o->ca_certificates && (r = hull_rootfs_add_ca_certificates(hostfd, destfd, root, err)) < 0) ||
            (o->tzdata && (r = hull_rootfs_add_tzdata(hostfd, destfd, root, err)) < 0))
                return r;
        if (!o->no_etc && (r = hull_rootfs_write_etc(destfd, o, err)) < 0)
                return r;
        if ((r = hull_rootfs_set_mtime(destfd, o->mtime, err)) < 0)
                return r;
        if (ret_deps)
                *ret_deps = TAKE_PTR(d);
        return 0;
}
