/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Safe layer extraction (unpack.h). */
#include "unpack.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "strset.h"
#include "tar.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

typedef struct dir_time {
        char *path;
        int64_t mtime;
} dir_time;

typedef struct ctx {
        int rootfd;
        const hull_unpack_opts *o;
        hull_tar_reader *r;
        hull_strset created; /* paths this layer made, and their parents */
        dir_time *dirs;
        size_t n_dirs;
        char *buf;
        uint64_t bytes;
        unsigned skipped_devices;
        hull_error **err;
} ctx;

static int refuse(ctx *c, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int refuse(ctx *c, int status, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        int r = hull_error_set_raw(c->err, status == HULL_IMAGE_EXIT_UNSAFE ? EPERM : EINVAL, "%s: %s",
                                   hull_tar_where(c->r), msg);
        return hull_image_error_status(c->err, r, status);
}

static int sys_fail(ctx *c, int e, const char *what) {
        return hull_error_set(c->err, e, "%s: %s", hull_tar_where(c->r), what);
}

int hull_unpack_clean_path(const char *in, char **ret) {
        if (in[0] == '/')
                return -EPERM;
        size_t n = strlen(in);
        if (n >= 4096)
                return -ENAMETOOLONG;
        char *out = malloc(n + 1);
        if (!out)
                return -ENOMEM;
        size_t len = 0;
        const char *p = in;
        while (*p) {
                size_t k = strcspn(p, "/");
                if (k == 2 && p[0] == '.' && p[1] == '.') {
                        free(out);
                        return -EPERM;
                }
                if (k > 0 && !(k == 1 && p[0] == '.')) {
                        if (len)
                                out[len++] = '/';
                        memcpy(out + len, p, k);
                        len += k;
                }
                p += k;
                while (*p == '/')
                        p++;
        }
        out[len] = 0;
        *ret = out;
        return 0;
}

static int record_created(ctx *c, const char *path) {
        /* The path and each of its parents: an opaque whiteout later in
         * the layer must not remove a directory this layer filled. */
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (;;) {
                int r = hull_strset_add(&c->created, p);
                if (r < 0)
                        return r;
                if (r == 0)
                        return 0; /* its parents are there already */
                char *slash = strrchr(p, '/');
                if (!slash)
                        return 0;
                *slash = 0;
        }
}

/* An O_PATH fd of directory `parent` ("" = the root), created when missing. */
static int open_parent(ctx *c, const char *parent, bool create) {
        if (!*parent) {
                int fd = fcntl(c->rootfd, F_DUPFD_CLOEXEC, 3);
                return fd < 0 ? -errno : fd;
        }
        int fd = hull_open_in_root(c->rootfd, parent, O_PATH | O_DIRECTORY, 0);
        if (fd == -ENOENT && create)
                fd = hull_mkpath_in_root(c->rootfd, parent, 0755, false);
        if (fd < 0)
                return fd;
        struct stat st;
        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
                close(fd);
                return -ENOTDIR;
        }
        return fd;
}

static int parent_error(ctx *c, int r, const char *parent) {
        if (r == -ENOTDIR)
                return refuse(c, HULL_IMAGE_EXIT_INVALID, "\"%s\" is not a directory", parent);
        if (r == -ELOOP)
                return refuse(c, HULL_IMAGE_EXIT_INVALID, "too many levels of symbolic links in \"%s\"", parent);
        return sys_fail(c, -r, "open the parent directory");
}

static int remove_existing(int pfd, const char *name) {
        struct stat st;
        if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
                return errno == ENOENT ? 0 : -errno;
        if (S_ISDIR(st.st_mode))
                return hull_rm_rf_at(pfd, name);
        return unlinkat(pfd, name, 0) < 0 && errno != ENOENT ? -errno : 0;
}

static uint32_t effective_mode(ctx *c, const hull_tar_entry *e) {
        uint32_t m = e->mode & 07777;
        return c->o->as_root ? m : (m & ~(uint32_t) (S_ISUID | S_ISGID));
}

static int check_ids(ctx *c, const hull_tar_entry *e) {
        if (e->uid > 0xfffffffeu || e->gid > 0xfffffffeu)
                return refuse(c, HULL_IMAGE_EXIT_INVALID, "uid/gid %" PRIu64 ":%" PRIu64 " out of range", e->uid, e->gid);
        return 0;
}

static void set_xattrs(ctx *c, int fd, const hull_tar_entry *e) {
        for (size_t i = 0; i < e->n_xattrs; i++) {
                const char *n = e->xattrs[i].name;
                bool ok = hull_startswith(n, "user.") || (c->o->as_root && strcmp(n, "security.capability") == 0);
                if (!ok) {
                        hull_debug("%s: extended attribute %s not restored", hull_tar_where(c->r), n);
                        continue;
                }
                if (fsetxattr(fd, n, e->xattrs[i].value, e->xattrs[i].len, 0) < 0)
                        hull_debug("%s: set extended attribute %s: %s", hull_tar_where(c->r), n, strerror(errno));
        }
}

/* Owner, mode and extended attributes of an open file or directory. */
static int meta_fd(ctx *c, int fd, const hull_tar_entry *e) {
        if (c->o->as_root && fchown(fd, (uid_t) e->uid, (gid_t) e->gid) < 0)
                return sys_fail(c, errno, "chown");
        if (fchmod(fd, effective_mode(c, e)) < 0)
                return sys_fail(c, errno, "chmod");
        set_xattrs(c, fd, e);
        return 0;
}

static void times_of(const hull_tar_entry *e, struct timespec ts[2]) {
        ts[0].tv_sec = ts[1].tv_sec = (time_t) e->mtime;
        ts[0].tv_nsec = ts[1].tv_nsec = 0;
}

static int write_all(int fd, const char *p, size_t n) {
        while (n > 0) {
                ssize_t k = write(fd, p, n);
                if (k < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += k;
                n -= (size_t) k;
        }
        return 0;
}

static int make_file(ctx *c, int pfd, const char *name, const hull_tar_entry *e) {
        _cleanup_close_ int fd = openat(pfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);
        if (fd < 0)
                return sys_fail(c, errno, "create");
        for (;;) {
                ssize_t n = hull_tar_read(c->r, c->buf, 1u << 17, c->err);
                if (n < 0)
                        return (int) n;
                if (n == 0)
                        break;
                int r = write_all(fd, c->buf, (size_t) n);
                if (r < 0)
                        return sys_fail(c, -r, "write");
                c->bytes += (uint64_t) n;
                if (c->o->progress)
                        c->o->progress(c->o->userdata, "unpack", c->bytes);
        }
        int r = meta_fd(c, fd, e);
        if (r < 0)
                return r;
        struct timespec ts[2];
        times_of(e, ts);
        (void) futimens(fd, ts);
        return 0;
}

static int make_dir(ctx *c, int pfd, const char *name, const char *path, const hull_tar_entry *e) {
        _cleanup_close_ int fd = -1;
        if (!*path)
                fd = openat(c->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        else {
                struct stat st;
                if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode) &&
                    unlinkat(pfd, name, 0) < 0)
                        return sys_fail(c, errno, "replace with a directory");
                if (sys_mkdirat(pfd, name, 0700) < 0 && errno != EEXIST)
                        return sys_fail(c, errno, "mkdir");
                fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        }
        if (fd < 0)
                return sys_fail(c, errno, "open the directory");
        int r = meta_fd(c, fd, e);
        if (r < 0)
                return r;
        dir_time *n = realloc(c->dirs, (c->n_dirs + 1) * sizeof(*n));
        if (!n)
                return hull_error_set(c->err, ENOMEM, "unpack");
        c->dirs = n;
        if (!(n[c->n_dirs].path = strdup(path)))
                return hull_error_set(c->err, ENOMEM, "unpack");
        n[c->n_dirs++].mtime = e->mtime;
        return 0;
}

static int make_hardlink(ctx *c, int pfd, const char *name, const hull_tar_entry *e) {
        _cleanup_free_ char *target = NULL;
        int r = hull_unpack_clean_path(e->linkname, &target);
        if (r == -EPERM)
                return refuse(c, HULL_IMAGE_EXIT_UNSAFE, "hardlink target \"%.200s\" is outside the root", e->linkname);
        if (r < 0)
                return sys_fail(c, -r, "hardlink target");
        if (!*target)
                return refuse(c, HULL_IMAGE_EXIT_UNSAFE, "hardlink to the root");
        _cleanup_close_ int tfd = hull_open_in_root(c->rootfd, target, O_PATH | O_NOFOLLOW, 0);
        if (tfd == -ENOENT)
                return refuse(c, HULL_IMAGE_EXIT_INVALID, "hardlink target \"%.200s\" does not exist", target);
        if (tfd < 0)
                return sys_fail(c, -tfd, "open the hardlink target");
        struct stat tst, cur;
        if (fstat(tfd, &tst) < 0)
                return sys_fail(c, errno, "stat the hardlink target");
        if (S_ISDIR(tst.st_mode))
                return refuse(c, HULL_IMAGE_EXIT_INVALID, "hardlink to a directory (\"%.200s\")", target);
        if (fstatat(pfd, name, &cur, AT_SYMLINK_NOFOLLOW) == 0 && cur.st_dev == tst.st_dev && cur.st_ino == tst.st_ino)
                return 0;
        if ((r = remove_existing(pfd, name)) < 0)
                return sys_fail(c, -r, "replace");
        if (linkat(tfd, "", pfd, name, AT_EMPTY_PATH) < 0) {
                /* Without CAP_DAC_READ_SEARCH: through the fd's /proc link,
                 * which names the very inode tfd holds. */
                char p[HULL_FD_PATH_MAX];
                if (linkat(AT_FDCWD, hull_fd_path(tfd, p, sizeof(p)), pfd, name, AT_SYMLINK_FOLLOW) < 0)
                        return sys_fail(c, errno, "hardlink");
        }
        return 0;
}

static int make_node(ctx *c, int pfd, const char *name, const hull_tar_entry *e) {
        int r = remove_existing(pfd, name);
        if (r < 0)
                return sys_fail(c, -r, "replace");
        switch (e->type) {
        case HULL_TAR_SYMLINK:
                if (!*e->linkname)
                        return refuse(c, HULL_IMAGE_EXIT_INVALID, "symlink with an empty target");
                if (sys_symlinkat(e->linkname, pfd, name) < 0)
                        return sys_fail(c, errno, "symlink");
                break;
        case HULL_TAR_FIFO:
                if (mkfifoat(pfd, name, 0600) < 0)
                        return sys_fail(c, errno, "mkfifo");
                break;
        default: {
                mode_t type = e->type == HULL_TAR_CHAR ? S_IFCHR : S_IFBLK;
                if (sys_mknodat(pfd, name, type | 0600, makedev(e->devmajor, e->devminor)) < 0)
                        return sys_fail(c, errno, "mknod");
                break;
        }
        }
        if (c->o->as_root && fchownat(pfd, name, (uid_t) e->uid, (gid_t) e->gid, AT_SYMLINK_NOFOLLOW) < 0)
                return sys_fail(c, errno, "chown");
        if (e->type != HULL_TAR_SYMLINK && fchmodat(pfd, name, effective_mode(c, e), 0) < 0)
                return sys_fail(c, errno, "chmod");
        struct timespec ts[2];
        times_of(e, ts);
        (void) utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW);
        return 0;
}

/* Removes what is below dfd and was not created by this layer. */
static int remove_unlisted(ctx *c, int dfd, const char *dpath, unsigned depth) {
        if (depth > 4096)
                return -ELOOP;
        int fd = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
                return -errno;
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        _cleanup_strv_ char **names = calloc(1, sizeof(char *));
        struct dirent *de;
        int r = names ? 0 : -ENOMEM;
        while (r == 0 && (de = readdir(d)))
                if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                        r = hull_strv_push(&names, de->d_name);
        for (size_t i = 0; r == 0 && names[i]; i++) {
                _cleanup_free_ char *child = NULL;
                if (asprintf(&child, "%s%s%s", dpath, *dpath ? "/" : "", names[i]) < 0)
                        return -ENOMEM;
                if (!hull_strset_contains(&c->created, child)) {
                        r = hull_rm_rf_at(dirfd(d), names[i]);
                        continue;
                }
                _cleanup_close_ int sub = openat(dirfd(d), names[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (sub >= 0)
                        r = remove_unlisted(c, sub, child, depth + 1);
        }
        closedir(d);
        return r;
}

static int whiteout(ctx *c, const char *parent, const char *base) {
        bool opaque = strcmp(base, ".wh..wh..opq") == 0;
        if (!opaque && hull_startswith(base, ".wh..wh."))
                return 0; /* AUFS bookkeeping (.wh..wh.plnk...): nothing to apply */
        const char *name = base + 4;
        if (!opaque && (!*name || strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
                return refuse(c, HULL_IMAGE_EXIT_UNSAFE, "invalid whiteout \"%s\"", base);
        _cleanup_close_ int pfd = open_parent(c, parent, false);
        if (pfd == -ENOENT)
                return 0; /* nothing below to hide */
        if (pfd < 0)
                return parent_error(c, pfd, parent);
        if (opaque) {
                int r = remove_unlisted(c, pfd, parent, 0);
                return r < 0 ? sys_fail(c, -r, "apply the opaque whiteout") : 0;
        }
        _cleanup_free_ char *target = NULL;
        if (asprintf(&target, "%s%s%s", parent, *parent ? "/" : "", name) < 0)
                return hull_error_set(c->err, ENOMEM, "unpack");
        if (hull_strset_contains(&c->created, target))
                return 0; /* whiteouts hide lower layers only */
        int r = hull_rm_rf_at(pfd, name);
        return r < 0 ? sys_fail(c, -r, "apply the whiteout") : 0;
}

static int entry(ctx *c, const hull_tar_entry *e) {
        _cleanup_free_ char *path = NULL;
        int r = hull_unpack_clean_path(e->path, &path);
        if (r == -EPERM)
                return refuse(c, HULL_IMAGE_EXIT_UNSAFE, e->path[0] == '/' ? "absolute path" : "path has a \"..\" component");
        if (r < 0)
                return sys_fail(c, -r, "path");
        r = check_ids(c, e);
        if (r < 0)
                return r;
        char *slash = strrchr(path, '/');
        const char *base = slash ? slash + 1 : path;
        _cleanup_free_ char *parent = slash ? strndup(path, (size_t) (slash - path)) : strdup("");
        if (!parent)
                return hull_error_set(c->err, ENOMEM, "unpack");

        if (hull_startswith(base, ".wh."))
                return whiteout(c, parent, base);
        if (!*path) {
                if (e->type != HULL_TAR_DIR)
                        return refuse(c, HULL_IMAGE_EXIT_UNSAFE, "an entry that would replace the root");
                return make_dir(c, -1, "", "", e);
        }
        if (record_created(c, path) < 0)
                return hull_error_set(c->err, ENOMEM, "unpack");
        if ((e->type == HULL_TAR_CHAR || e->type == HULL_TAR_BLOCK_DEV) && !c->o->as_root) {
                c->skipped_devices++;
                return 0;
        }
        _cleanup_close_ int pfd = open_parent(c, parent, true);
        if (pfd < 0)
                return parent_error(c, pfd, parent);
        switch (e->type) {
        case HULL_TAR_DIR:
                return make_dir(c, pfd, base, path, e);
        case HULL_TAR_REG:
                if ((r = remove_existing(pfd, base)) < 0)
                        return sys_fail(c, -r, "replace");
                return make_file(c, pfd, base, e);
        case HULL_TAR_LINK:
                return make_hardlink(c, pfd, base, e);
        default:
                return make_node(c, pfd, base, e);
        }
}

int hull_unpack_layer(int rootfd, hull_istream *tar, const char *what, const hull_unpack_opts *o, hull_error **err) {
        hull_unpack_opts defaults;
        if (!o) {
                hull_unpack_opts_init(&defaults);
                o = &defaults;
        }
        /* Reading and decompressing (and hashing, in the stages below `tar`)
         * run on a thread of their own while this one creates the files. */
        _cleanup_istream_ hull_istream *ahead = hull_istream_prefetch_new(tar, 8, 1u << 18);
        if (!ahead)
                return hull_error_set(err, errno, "unpack %s", what);
        _cleanup_tar_reader_ hull_tar_reader *r = hull_tar_reader_new(ahead, what);
        ctx c = { .rootfd = rootfd, .o = o, .r = r, .err = err };
        c.buf = malloc(1u << 17);
        if (!r || !c.buf) {
                free(c.buf);
                return hull_error_set(err, ENOMEM, "unpack %s", what);
        }
        int ret = 0;
        for (;;) {
                const hull_tar_entry *e;
                int k = hull_tar_next(r, &e, err);
                if (k < 0) {
                        ret = k;
                        break;
                }
                if (k == 0) {
                        /* The rest too (a tar's zero padding, a gzip
                         * trailer): the thread may have read past the end
                         * and met an error there, which is reported rather
                         * than dropped; a digest stage below sees it all. */
                        while ((k = (int) hull_istream_read(ahead, c.buf, 1u << 17, err)) > 0)
                                ;
                        ret = k;
                        break;
                }
                if ((ret = entry(&c, e)) < 0)
                        break;
        }
        /* Directory times last: creating their entries changed them. */
        for (size_t i = c.n_dirs; i-- > 0;) {
                if (ret == 0) {
                        _cleanup_close_ int fd = hull_open_in_root(rootfd, c.dirs[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
                        struct timespec ts[2] = { { .tv_sec = (time_t) c.dirs[i].mtime }, { .tv_sec = (time_t) c.dirs[i].mtime } };
                        if (fd >= 0)
                                (void) futimens(fd, ts);
                }
                free(c.dirs[i].path);
        }
        free(c.dirs);
        free(c.buf);
        hull_strset_done(&c.created);
        if (ret == 0 && c.skipped_devices > 0)
                hull_warn("%s: %u device node%s not created (only root may)", what, c.skipped_devices,
                          c.skipped_devices == 1 ? "" : "s");
        return ret;
}

void hull_unpack_opts_init(hull_unpack_opts *o) {
        memset(o, 0, sizeof(*o));
        o->as_root = geteuid() == 0;
}
