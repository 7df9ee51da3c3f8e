/* SPDX-License-Identifier: GPL-2.0-or-later */
/* COPY and ADD: files from the build context into the root filesystem being
 * built (see builder.h for the rules). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build/builder-internal.h"
#include "image/stream.h"
#include "image/unpack.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#define MAX_DEPTH 256
#define MAX_MATCHES 100000

static int cmp_str(const void *a, const void *b) {
        return strcmp(*(char *const *) a, *(char *const *) b);
}

/* "/a/b" -> "/a" and "b"; "/b" -> "/" and "b".  path is absolute and clean. */
static int split_path(const char *path, char **ret_parent, const char **ret_name) {
        const char *slash = strrchr(path, '/');
        if (!slash || !slash[1])
                return -EINVAL;
        *ret_parent = slash == path ? strdup("/") : strndup(path, (size_t) (slash - path));
        *ret_name = slash + 1;
        return *ret_parent ? 0 : -ENOMEM;
}

/* parent + "/" + name, for absolute parents ("/" included). */
static char *join(const char *parent, const char *name) {
        size_t n = strlen(parent);
        return hull_strdup_printf("%s%s%s", parent, n && parent[n - 1] == '/' ? "" : "/", name);
}

int build_mkdirs(build *b, const char *path, mode_t mode) {
        _cleanup_close_ int fd = hull_open_in_root(b->rootfd, path, O_PATH | O_DIRECTORY, 0);
        if (fd >= 0)
                return 0;
        if (fd != -ENOENT)
                return hull_error_set(b->err, -fd, "%s in the image", path);
        _cleanup_free_ char *parent = NULL;
        const char *name;
        int r = split_path(path, &parent, &name);
        if (r < 0)
                return hull_error_set(b->err, -r, "%s in the image", path);
        if ((r = build_mkdirs(b, parent, 0755)) < 0)
                return r;
        _cleanup_close_ int pfd = hull_open_in_root(b->rootfd, parent, O_RDONLY | O_DIRECTORY, 0);
        if (pfd < 0)
                return hull_error_set(b->err, -pfd, "open %s in the image", parent);
        if (sys_mkdirat(pfd, name, 0700) < 0 && errno != EEXIST)
                return hull_error_set(b->err, errno, "mkdir %s in the image", path);
        if (fchmodat(pfd, name, mode & 07777, 0) < 0)
                return hull_error_set(b->err, errno, "chmod %s in the image", path);
        return 0;
}

/* The directory of `path` (opened inside the root filesystem) after
 * removing what was at `path`, unless it is a directory. */
static int open_for_replace(build *b, const char *path, const char **ret_name) {
        _cleanup_free_ char *parent = NULL;
        int r = split_path(path, &parent, ret_name);
        if (r < 0)
                return hull_error_set(b->err, -r, "%s in the image", path);
        _cleanup_close_ int pfd = hull_open_in_root(b->rootfd, parent, O_RDONLY | O_DIRECTORY, 0);
        if (pfd < 0)
                return hull_error_set(b->err, -pfd, "open %s in the image", parent);
        struct stat st;
        if (fstatat(pfd, *ret_name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
                if (S_ISDIR(st.st_mode))
                        return hull_error_set_raw(b->err, EISDIR, "%s is a directory in the image", path);
                if (unlinkat(pfd, *ret_name, 0) < 0)
                        return hull_error_set(b->err, errno, "replace %s in the image", path);
        }
        return TAKE_FD(pfd);
}

int build_write_file(build *b, int in, const char *path, mode_t mode, const build_owner *owner) {
        const char *name;
        _cleanup_close_ int pfd = open_for_replace(b, path, &name);
        if (pfd < 0)
                return pfd;
        _cleanup_close_ int out = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (out < 0)
                return hull_error_set(b->err, errno, "create %s in the image", path);
        int r = hull_copy_data(in, out);
        if (r < 0)
                return hull_error_set(b->err, -r, "write %s in the image", path);
        if (owner && owner->set && fchown(out, owner->uid, owner->gid) < 0)
                return hull_error_set(b->err, errno, "chown %s in the image", path);
        if (fchmod(out, mode & 07777) < 0)
                return hull_error_set(b->err, errno, "chmod %s in the image", path);
        return 0;
}

static int write_symlink(build *b, const char *target, const char *path, const build_owner *owner) {
        const char *name;
        _cleanup_close_ int pfd = open_for_replace(b, path, &name);
        if (pfd < 0)
                return pfd;
        if (sys_symlinkat(target, pfd, name) < 0)
                return hull_error_set(b->err, errno, "symlink %s in the image", path);
        if (owner && owner->set && fchownat(pfd, name, owner->uid, owner->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return hull_error_set(b->err, errno, "chown %s in the image", path);
        return 0;
}

/* mkdir -p, then the owner and (when given) the mode of the last one. */
static int make_dir(build *b, const char *path, mode_t mode, bool force_mode, const build_owner *owner) {
        int r = build_mkdirs(b, path, mode);
        if (r < 0)
                return r;
        if (!force_mode && !(owner && owner->set))
                return 0;
        _cleanup_close_ int fd = hull_open_in_root(b->rootfd, path, O_RDONLY | O_DIRECTORY, 0);
        if (fd < 0)
                return hull_error_set(b->err, -fd, "open %s in the image", path);
        if (owner && owner->set && fchown(fd, owner->uid, owner->gid) < 0)
                return hull_error_set(b->err, errno, "chown %s in the image", path);
        if (force_mode && fchmod(fd, mode & 07777) < 0)
                return hull_error_set(b->err, errno, "chmod %s in the image", path);
        return 0;
}

/* ---- --chown ---- */

/* The id of `name` in the image's /etc/passwd (field 3) or /etc/group. */
static int lookup_id(build *b, const char *file, const char *name, unsigned *ret) {
        int fd = hull_open_in_root(b->rootfd, file, O_RDONLY, 0);
        if (fd < 0)
                return fd;
        FILE *f = fdopen(fd, "re");
        if (!f) {
                close(fd);
                return -errno;
        }
        _cleanup_free_ char *line = NULL;
        size_t cap = 0;
        int r = -ESRCH;
        size_t nlen = strlen(name);
        while (getline(&line, &cap, f) > 0)
                if (strncmp(line, name, nlen) == 0 && line[nlen] == ':') {
                        const char *id = strchr(line + nlen + 1, ':');
                        char *end;
                        unsigned long v = id ? strtoul(id + 1, &end, 10) : 0;
                        if (id && end != id + 1 && *end == ':' && v < 4294967295UL) {
                                *ret = (unsigned) v;
                                r = 0;
                        }
                        break;
                }
        fclose(f);
        return r;
}

static int parse_id(build *b, const char *s, const char *file, unsigned *ret) {
        char *end;
        unsigned long v = strtoul(s, &end, 10);
        if (*s >= '0' && *s <= '9' && !*end && v < 4294967295UL) {
                *ret = (unsigned) v;
                return 0;
        }
        int r = lookup_id(b, file, s, ret);
        if (r < 0)
                return hull_error_set_raw(b->err, ENOENT, "--chown: %s \"%s\" is not in the image's %s (a name needs an "
                                          "/etc that has it: ETC --user, or a COPY of passwd and group)",
                                          strcmp(file, "/etc/passwd") == 0 ? "user" : "group", s, file);
        return 0;
}

/* USER[:GROUP], names looked up in the image; a user alone means GID = UID
 * (docker's rule). */
static int resolve_owner(build *b, const char *spec, build_owner *ret) {
        *ret = (build_owner){ 0 };
        if (!spec)
                return 0;
        _cleanup_free_ char *copy = strdup(spec);
        if (!copy)
                return hull_error_set(b->err, ENOMEM, "--chown");
        char *colon = strchr(copy, ':');
        if (colon)
                *colon++ = 0;
        unsigned uid, gid;
        int r = parse_id(b, copy, "/etc/passwd", &uid);
        if (r < 0)
                return r;
        gid = uid;
        if (colon && (r = parse_id(b, colon, "/etc/group", &gid)) < 0)
                return r;
        if (!b->as_root && (uid != 0 || gid != 0))
                return hull_error_set_raw(b->err, EPERM, "--chown=%s needs a build as root (this one records every file "
                                          "as 0:0)", spec);
        *ret = (build_owner){ b->as_root, uid, gid };
        return 0;
}

/* ---- sources ---- */

static char *rel_join(const char *dir, const char *name) {
        return *dir ? hull_strdup_printf("%s/%s", dir, name) : strdup(name);
}

/* The names in the directory fd (taken: closed here) that match `pattern`
 * (NULL: all), sorted.  Returns 0 or -errno. */
static int list_dir(int fd, const char *pattern, char ***ret) {
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        _cleanup_strv_ char **names = calloc(1, sizeof(char *));
        struct dirent *de;
        int r = names ? 0 : -ENOMEM;
        while (r >= 0 && (de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 &&
                    (!pattern || fnmatch(pattern, de->d_name, 0) == 0))
                        r = hull_strv_push(&names, de->d_name);
        closedir(d);
        if (r < 0)
                return r;
        size_t n = hull_strv_length(names);
        if (n > 1)
                qsort(names, n, sizeof(char *), cmp_str);
        *ret = TAKE_PTR(names);
        return 0;
}

/* Every path of the context matching the components comps[i...] below dir,
 * sorted (fnmatch per component, like docker's filepath.Match). */
static int glob_walk(build *b, const char *dir, char **comps, size_t i, char ***out) {
        if (!comps[i])
                return hull_strv_length(*out) >= MAX_MATCHES ? -E2BIG : hull_strv_push(out, dir);
        if (!strpbrk(comps[i], "*?[")) {
                _cleanup_free_ char *sub = rel_join(dir, comps[i]);
                if (!sub)
                        return -ENOMEM;
                _cleanup_close_ int fd = hull_open_in_root(b->ctxfd, sub, O_PATH, 0);
                return fd < 0 ? 0 : glob_walk(b, sub, comps, i + 1, out);
        }
        int fd = hull_open_in_root(b->ctxfd, *dir ? dir : "/", O_RDONLY | O_DIRECTORY, 0);
        if (fd < 0)
                return 0;
        _cleanup_strv_ char **names = NULL;
        int r = list_dir(fd, comps[i], &names);
        size_t n = r < 0 ? 0 : hull_strv_length(names);
        for (size_t k = 0; r >= 0 && k < n; k++) {
                _cleanup_free_ char *sub = rel_join(dir, names[k]);
                r = sub ? glob_walk(b, sub, comps, i + 1, out) : -ENOMEM;
        }
        return r;
}

/* The sources of a step, each a clean path relative to the context. */
static int expand_sources(build *b, const hull_recipe_step *st, size_t n_src, char ***ret) {
        _cleanup_strv_ char **out = calloc(1, sizeof(char *));
        if (!out)
                return hull_error_set(b->err, ENOMEM, "COPY");
        for (size_t k = 0; k < n_src; k++) {
                const char *src = st->args[k];
                _cleanup_free_ char *clean = NULL;
                b->err_pos = &st->arg_pos[k];
                int r = hull_path_normalize(src, false, &clean);
                if (r == -EPERM)
                        return hull_error_set_raw(b->err, EPERM, "%s \"%s\": outside the build context",
                                                  hull_recipe_op_name(st->op), src);
                if (r < 0)
                        return hull_error_set(b->err, -r, "%s", src);
                if (strstr(src, "://"))
                        return hull_error_set_raw(b->err, EPERM, "%s %s: URLs are refused: hull build reads only the "
                                                  "build context (download the file first, then COPY it)",
                                                  hull_recipe_op_name(st->op), src);
                if (!strpbrk(clean, "*?[")) {
                        if (hull_strv_push(&out, clean) < 0)
                                return hull_error_set(b->err, ENOMEM, "COPY");
                        continue;
                }
                _cleanup_strv_ char **comps = calloc(1, sizeof(char *));
                for (char *save = clean, *c; comps && (c = strsep(&save, "/"));)
                        if (hull_strv_push(&comps, c) < 0)
                                return hull_error_set(b->err, ENOMEM, "COPY");
                size_t before = hull_strv_length(out);
                r = comps ? glob_walk(b, "", comps, 0, &out) : -ENOMEM;
                if (r < 0)
                        return hull_error_set(b->err, -r, "%s %s", hull_recipe_op_name(st->op), src);
                if (hull_strv_length(out) == before)
                        return hull_error_set_raw(b->err, ENOENT, "%s %s: no file in the build context matches",
                                                  hull_recipe_op_name(st->op), src);
        }
        *ret = TAKE_PTR(out);
        return 0;
}

/* ---- copying ---- */

typedef struct copy_job {
        build *b;
        const hull_recipe_step *st;
        build_owner owner;
        bool chmod;
        mode_t mode;
} copy_job;

static int copy_tree(copy_job *j, int srcdir, const char *shown, const char *dest, unsigned depth) {
        build *b = j->b;
        if (depth > MAX_DEPTH)
                return hull_error_set_raw(b->err, ELOOP, "%s: more than %d levels of directories", shown, MAX_DEPTH);
        int fd = fcntl(srcdir, F_DUPFD_CLOEXEC, 3);
        _cleanup_strv_ char **names = NULL;
        int r = fd < 0 ? -errno : list_dir(fd, NULL, &names);
        if (r < 0)
                return hull_error_set(b->err, -r, "read %s in the build context", shown);
        size_t n = hull_strv_length(names);
        for (size_t k = 0; k < n && r >= 0; k++) {
                const char *name = names[k];
                _cleanup_free_ char *sub_shown = hull_strdup_printf("%s/%s", shown, name);
                _cleanup_free_ char *sub_dest = join(dest, name);
                struct stat st;
                if (!sub_shown || !sub_dest)
                        return hull_error_set(b->err, ENOMEM, "COPY");
                if (fstatat(srcdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                        return hull_error_set(b->err, errno, "stat %s in the build context", sub_shown);
                if (S_ISDIR(st.st_mode)) {
                        _cleanup_close_ int sub = openat(srcdir, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub < 0)
                                return hull_error_set(b->err, errno, "open %s in the build context", sub_shown);
                        if ((r = make_dir(b, sub_dest, j->chmod ? j->mode : st.st_mode, true, &j->owner)) >= 0)
                                r = copy_tree(j, sub, sub_shown, sub_dest, depth + 1);
                } else if (S_ISREG(st.st_mode)) {
                        _cleanup_close_ int in = openat(srcdir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
                        if (in < 0)
                                return hull_error_set(b->err, errno, "open %s in the build context", sub_shown);
                        r = build_write_file(b, in, sub_dest, j->chmod ? j->mode : st.st_mode, &j->owner);
                } else if (S_ISLNK(st.st_mode)) {
                        char target[4096];
                        ssize_t len = readlinkat(srcdir, name, target, sizeof(target) - 1);
                        if (len < 0)
                                return hull_error_set(b->err, errno, "readlink %s in the build context", sub_shown);
                        target[len] = 0;
                        r = write_symlink(b, target, sub_dest, &j->owner);
                } else
                        hull_warn("%s: %s is a device, fifo or socket: not copied", hull_recipe_op_name(j->st->op),
                                  sub_shown);
        }
        return r;
}

/* 1: a tar archive (plain, gzip or zstd), 0: not one, -ENOTSUP: xz or
 * bzip2 (refused rather than copied as they are). */
static int archive_kind(int fd) {
        unsigned char head[512];
        ssize_t n = pread(fd, head, sizeof(head), 0);
        if (n < 0)
                return -errno;
        if ((n >= 6 && memcmp(head, "\xfd" "7zXZ\0", 6) == 0) ||
            (n >= 4 && memcmp(head, "BZh", 3) == 0 && head[3] >= '1' && head[3] <= '9'))
                return -ENOTSUP;
        bool compressed = (n >= 2 && head[0] == 0x1f && head[1] == 0x8b) ||
                          (n >= 4 && memcmp(head, "\x28\xb5\x2f\xfd", 4) == 0);
        if (compressed) {
                _cleanup_istream_ hull_istream *raw = lseek(fd, 0, SEEK_SET) == 0 ? hull_istream_fd_new(fd, "archive") : NULL;
                _cleanup_istream_ hull_istream *dec = NULL;
                _cleanup_error_ hull_error *e = NULL;
                if (!raw || hull_istream_decompress_new(raw, HULL_COMPRESSION_AUTO, "archive", &dec, &e) < 0 ||
                    hull_istream_read_full(dec, head, sizeof(head), "archive", &e) < 0)
                        return 0;
                n = sizeof(head);
        }
        return n >= 262 && memcmp(head + 257, "ustar", 5) == 0;
}

static int unpack_archive(copy_job *j, int in, const char *shown, const char *dest) {
        build *b = j->b;
        int r = make_dir(b, dest, 0755, false, NULL);
        if (r < 0)
                return r;
        _cleanup_close_ int dfd = hull_open_in_root(b->rootfd, dest, O_RDONLY | O_DIRECTORY, 0);
        if (dfd < 0)
                return hull_error_set(b->err, -dfd, "open %s in the image", dest);
        if (lseek(in, 0, SEEK_SET) < 0)
                return hull_error_set(b->err, errno, "read %s", shown);
        _cleanup_free_ char *what = hull_strdup_printf("archive %s", shown);
        _cleanup_istream_ hull_istream *raw = what ? hull_istream_fd_new(in, what) : NULL;
        _cleanup_istream_ hull_istream *dec = NULL;
        if (!raw)
                return hull_error_set(b->err, ENOMEM, "ADD");
        if ((r = hull_istream_decompress_new(raw, HULL_COMPRESSION_AUTO, what, &dec, b->err)) < 0)
                return r;
        hull_unpack_opts uo;
        hull_unpack_opts_init(&uo);
        uo.as_root = b->as_root;
        return hull_unpack_layer(dfd, dec, what, &uo, b->err);
}

/* One source (a clean path relative to the context). */
static int copy_source(copy_job *j, const char *src, const char *dest, bool into_dir) {
        build *b = j->b;
        const char *shown = *src ? src : ".";
        _cleanup_close_ int path_fd = hull_open_in_root(b->ctxfd, *src ? src : "/", O_PATH, 0);
        if (path_fd < 0)
                return path_fd == -ENOENT ? hull_error_set_raw(b->err, ENOENT, "%s %s: not found in the build context",
                                                               hull_recipe_op_name(j->st->op), shown)
                                          : hull_error_set(b->err, -path_fd, "%s %s: in the build context",
                                                           hull_recipe_op_name(j->st->op), shown);
        struct stat st;
        if (fstat(path_fd, &st) < 0)
                return hull_error_set(b->err, errno, "stat %s in the build context", shown);
        if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
                return hull_error_set_raw(b->err, EINVAL, "%s %s: not a file or a directory",
                                          hull_recipe_op_name(j->st->op), shown);
        /* The same inode, readable: through /proc, never by the path again. */
        char p[HULL_FD_PATH_MAX];
        _cleanup_close_ int fd = open(hull_fd_path(path_fd, p, sizeof(p)),
                                      O_RDONLY | O_NOCTTY | O_CLOEXEC | (S_ISDIR(st.st_mode) ? O_DIRECTORY : 0));
        if (fd < 0)
                return hull_error_set(b->err, errno, "open %s in the build context", shown);
        if (S_ISDIR(st.st_mode)) {
                int r = make_dir(b, dest, j->chmod ? j->mode : 0755, j->chmod, &j->owner);
                return r < 0 ? r : copy_tree(j, fd, shown, dest, 0);
        }
        if (j->st->op == HULL_RECIPE_ADD) {
                int k = archive_kind(fd);
                if (k == -ENOTSUP)
                        return hull_error_set_raw(b->err, ENOTSUP, "ADD %s: xz and bzip2 archives are not supported "
                                                  "(plain tar, gzip or zstd)", shown);
                if (k < 0)
                        return hull_error_set(b->err, -k, "read %s in the build context", shown);
                if (k == 1)
                        return unpack_archive(j, fd, shown, dest);
        }
        _cleanup_free_ char *target = NULL;
        if (!into_dir) {
                _cleanup_close_ int dfd = hull_open_in_root(b->rootfd, dest, O_PATH | O_DIRECTORY, 0);
                into_dir = dfd >= 0;
        }
        if (into_dir) {
                const char *base = strrchr(src, '/');
                target = join(dest, base ? base + 1 : src);
        } else
                target = strdup(dest);
        if (!target)
                return hull_error_set(b->err, ENOMEM, "COPY");
        _cleanup_free_ char *parent = NULL;
        const char *name;
        int r = split_path(target, &parent, &name);
        if (r < 0)
                return hull_error_set(b->err, -r, "%s: the destination", target);
        if ((r = make_dir(b, parent, 0755, false, NULL)) < 0)
                return r;
        return build_write_file(b, fd, target, j->chmod ? j->mode : st.st_mode, &j->owner);
}

/* The destination: absolute (joined to WORKDIR), clean; whether it names a
 * directory (a trailing '/', "." or ".."). */
static char *destination(build *b, const char *dest, bool *ret_dir) {
        size_t n = strlen(dest);
        *ret_dir = (n > 0 && dest[n - 1] == '/') || strcmp(dest, ".") == 0 || (n >= 2 && strcmp(dest + n - 2, "/.") == 0) ||
                   strcmp(dest, "..") == 0 || (n >= 3 && strcmp(dest + n - 3, "/..") == 0);
        _cleanup_free_ char *joined = dest[0] == '/' ? strdup(dest) : join(b->workdir, dest);
        char *clean = NULL;
        return joined && hull_path_normalize(joined, true, &clean) >= 0 ? clean : NULL;
}

int build_copy(build *b, const hull_recipe_step *st) {
        const char *op = hull_recipe_op_name(st->op);
        if (b->ctxfd < 0)
                return hull_error_set_raw(b->err, EINVAL, "%s needs a build context", op);
        size_t n = hull_strv_length(st->args), n_src = n - 1;
        copy_job j = { .b = b, .st = st };
        if (st->chmod) {
                j.chmod = true;
                j.mode = (mode_t) strtoul(st->chmod, NULL, 8);
        }
        int r = resolve_owner(b, st->chown, &j.owner);
        if (r < 0)
                return r;
        _cleanup_strv_ char **sources = NULL;
        if ((r = expand_sources(b, st, n_src, &sources)) < 0)
                return r;
        bool into_dir;
        _cleanup_free_ char *dest = destination(b, st->args[n - 1], &into_dir);
        if (!dest)
                return hull_error_set(b->err, ENOMEM, "%s", op);
        b->err_pos = &st->arg_pos[n - 1];
        if (hull_strv_length(sources) > 1 && !into_dir)
                return hull_error_set_raw(b->err, EINVAL, "%s with more than one source needs a destination directory "
                                          "ending in \"/\" (%s/)", op, st->args[n - 1]);
        /* without globs, source i is argument i */
        bool one_to_one = hull_strv_length(sources) == n_src;
        for (size_t i = 0; sources[i]; i++) {
                b->err_pos = one_to_one ? &st->arg_pos[i] : NULL;
                if ((r = copy_source(&j, sources[i], dest, into_dir)) < 0)
                        return r;
        }
        b->err_pos = NULL;
        return 0;
}
