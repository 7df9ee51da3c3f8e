/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A reproducible tar writer and a bounds-checked tar reader (tar.h). */
#include "tar.h"

#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "image.h"

/* ustar header field offsets and sizes (POSIX.1-2001 pax, ustar format). */
#define F_NAME 0, 100
#define F_MODE 100, 8
#define F_UID 108, 8
#define F_GID 116, 8
#define F_SIZE 124, 12
#define F_MTIME 136, 12
#define F_CHKSUM 148, 8
#define O_TYPE 156
#define F_LINK 157, 100
#define O_MAGIC 257
#define F_UNAME 265, 32
#define F_GNAME 297, 32
#define F_DEVMAJOR 329, 8
#define F_DEVMINOR 337, 8
#define F_PREFIX 345, 155

/* A growable byte buffer. */
typedef struct buf {
        char *p;
        size_t len, cap;
} buf;

static int buf_add(buf *b, const void *data, size_t len) {
        if (len > SIZE_MAX / 4 - b->len)
                return -ENOMEM;
        if (b->len + len + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 256;
                while (cap < b->len + len + 1)
                        cap *= 2;
                char *n = realloc(b->p, cap);
                if (!n)
                        return -ENOMEM;
                b->p = n;
                b->cap = cap;
        }
        memcpy(b->p + b->len, data, len);
        b->len += len;
        b->p[b->len] = 0;
        return 0;
}

static int buf_adds(buf *b, const char *s) {
        return buf_add(b, s, strlen(s));
}

/* ======================================================================
 * Writer
 * ====================================================================== */

struct hull_tar_writer {
        hull_ostream *out;
        uint64_t pending; /* data bytes the current entry still needs */
        uint64_t size;    /* the current entry's size (for the padding) */
        bool finished;
        char *path;       /* the current entry, for errors */
};

hull_tar_writer *hull_tar_writer_new(hull_ostream *out) {
        hull_tar_writer *w = calloc(1, sizeof(*w));
        if (w)
                w->out = out;
        return w;
}

void hull_tar_writer_free(hull_tar_writer *w) {
        if (!w)
                return;
        free(w->path);
        free(w);
}

/* Octal into a field of `size` bytes: size-1 digits and a NUL.  Returns
 * false when the value does not fit (the caller writes a pax record). */
static bool put_octal(unsigned char *h, size_t off, size_t size, uint64_t v) {
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%0*" PRIo64, (int) (size - 1), v);
        if (strlen(tmp) != size - 1) {
                memset(h + off, '0', size - 1);
                h[off + size - 1] = 0;
                return false;
        }
        memcpy(h + off, tmp, size);
        return true;
}

static void put_str(unsigned char *h, size_t off, size_t size, const char *s) {
        size_t n = strlen(s);
        memcpy(h + off, s, n < size ? n : size);
}

static void put_checksum(unsigned char *h) {
        unsigned sum = 0;
        memset(h + 148, ' ', 8);
        for (size_t i = 0; i < HULL_TAR_BLOCK; i++)
                sum += h[i];
        char tmp[16];
        snprintf(tmp, sizeof(tmp), "%06o", sum & 0777777);
        memcpy(h + 148, tmp, 6);
        h[154] = 0;
        h[155] = ' ';
}

/* One pax record: "<len> <key>=<value>\n", len counting itself. */
static int pax_record(buf *b, const char *key, const char *value, size_t vlen) {
        size_t base = strlen(key) + vlen + 3; /* ' ', '=', '\n' */
        size_t digits = 1, len;
        for (;;) {
                len = base + digits;
                char tmp[32];
                size_t d = (size_t) snprintf(tmp, sizeof(tmp), "%zu", len);
                if (d == digits)
                        break;
                digits = d;
        }
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%zu ", len);
        if (buf_adds(b, tmp) < 0 || buf_adds(b, key) < 0 || buf_add(b, "=", 1) < 0 || buf_add(b, value, vlen) < 0 ||
            buf_add(b, "\n", 1) < 0)
                return -ENOMEM;
        return 0;
}

static int pax_number(buf *b, const char *key, int64_t v) {
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%" PRId64, v);
        return pax_record(b, key, tmp, strlen(tmp));
}

static int write_padding(hull_tar_writer *w, uint64_t size, hull_error **err) {
        static const unsigned char zeros[HULL_TAR_BLOCK];
        size_t pad = (size_t) ((HULL_TAR_BLOCK - size % HULL_TAR_BLOCK) % HULL_TAR_BLOCK);
        return hull_ostream_write(w->out, zeros, pad, err);
}

static int end_entry(hull_tar_writer *w, hull_error **err) {
        if (w->pending > 0)
                return hull_error_set_raw(err, EIO, "tar: %s: %" PRIu64 " bytes of data missing", w->path ? w->path : "?",
                                          w->pending);
        int r = write_padding(w, w->size, err);
        w->size = 0;
        return r;
}

int hull_tar_write_header(hull_tar_writer *w, const hull_tar_entry *e, hull_error **err) {
        if (w->finished)
                return hull_error_set_raw(err, EIO, "tar: header after the end of the archive");
        int r = end_entry(w, err);
        if (r < 0)
                return r;
        if (!e->path || !*e->path)
                return hull_error_set_raw(err, EINVAL, "tar: an entry without a path");

        _cleanup_free_ char *name = NULL;
        size_t plen = strlen(e->path);
        bool dir = e->type == HULL_TAR_DIR;
        if (dir && e->path[plen - 1] != '/') {
                if (asprintf(&name, "%s/", e->path) < 0)
                        return hull_error_set(err, ENOMEM, "tar");
        } else if (!(name = strdup(e->path)))
                return hull_error_set(err, ENOMEM, "tar");
        free(w->path);
        w->path = strdup(name);

        unsigned char h[HULL_TAR_BLOCK] = { 0 };
        buf pax = { 0 };
        int pr = 0;
        const char *link = e->linkname ? e->linkname : "";
        uint64_t size = e->type == HULL_TAR_REG ? e->size : 0;

        if (strlen(name) > 100)
                pr |= pax_record(&pax, "path", name, strlen(name));
        put_str(h, F_NAME, name);
        if (strlen(link) > 100)
                pr |= pax_record(&pax, "linkpath", link, strlen(link));
        put_str(h, F_LINK, link);
        put_octal(h, F_MODE, e->mode & 07777);
        if (!put_octal(h, F_UID, e->uid))
                pr |= pax_number(&pax, "uid", (int64_t) e->uid);
        if (!put_octal(h, F_GID, e->gid))
                pr |= pax_number(&pax, "gid", (int64_t) e->gid);
        if (!put_octal(h, F_SIZE, size))
                pr |= pax_number(&pax, "size", (int64_t) size);
        if (e->mtime < 0 || !put_octal(h, F_MTIME, (uint64_t) e->mtime)) {
                put_octal(h, F_MTIME, 0);
                pr |= pax_number(&pax, "mtime", e->mtime);
        }
        for (size_t i = 0; i < e->n_xattrs; i++) {
                _cleanup_free_ char *key = NULL;
                if (asprintf(&key, "SCHILY.xattr.%s", e->xattrs[i].name) < 0) {
                        pr = -ENOMEM;
                        break;
                }
                pr |= pax_record(&pax, key, e->xattrs[i].value, e->xattrs[i].len);
        }
        h[O_TYPE] = (unsigned char) e->type;
        memcpy(h + O_MAGIC, "ustar\0" "00", 8);
        put_octal(h, F_DEVMAJOR, e->devmajor);
        put_octal(h, F_DEVMINOR, e->devminor);
        put_checksum(h);
        if (pr < 0) {
                free(pax.p);
                return hull_error_set(err, ENOMEM, "tar");
        }

        if (pax.len > 0) {
                unsigned char x[HULL_TAR_BLOCK] = { 0 };
                const char *base = strrchr(e->path, '/');
                base = base && base[1] ? base + 1 : e->path;
                char xname[128];
                snprintf(xname, sizeof(xname), "PaxHeaders.0/%s", base);
                put_str(x, F_NAME, xname);
                put_octal(x, F_MODE, 0644);
                put_octal(x, F_UID, 0);
                put_octal(x, F_GID, 0);
                put_octal(x, F_SIZE, pax.len);
                put_octal(x, F_MTIME, 0);
                x[O_TYPE] = 'x';
                memcpy(x + O_MAGIC, "ustar\0" "00", 8);
                put_octal(x, F_DEVMAJOR, 0);
                put_octal(x, F_DEVMINOR, 0);
                put_checksum(x);
                r = hull_ostream_write(w->out, x, sizeof(x), err);
                if (r >= 0)
                        r = hull_ostream_write(w->out, pax.p, pax.len, err);
                if (r >= 0)
                        r = write_padding(w, pax.len, err);
                free(pax.p);
                if (r < 0)
                        return r;
        }
        r = hull_ostream_write(w->out, h, sizeof(h), err);
        if (r < 0)
                return r;
        w->pending = w->size = size;
        return 0;
}

int hull_tar_write_data(hull_tar_writer *w, const void *data, size_t len, hull_error **err) {
        if (len > w->pending)
                return hull_error_set_raw(err, EIO, "tar: %s: more data than its size", w->path ? w->path : "?");
        w->pending -= len;
        return hull_ostream_write(w->out, data, len, err);
}

int hull_tar_writer_finish(hull_tar_writer *w, hull_error **err) {
        static const unsigned char zeros[2 * HULL_TAR_BLOCK];
        int r = end_entry(w, err);
        if (r < 0)
                return r;
        w->finished = true;
        return hull_ostream_write(w->out, zeros, sizeof(zeros), err);
}

/* ---- directory walk ---- */

typedef struct link_slot {
        dev_t dev;
        ino_t ino;
        char *path;
} link_slot;

typedef struct walk {
        hull_tar_writer *w;
        const hull_tar_dir_opts *o;
        dev_t root_dev;
        link_slot *links;
        size_t n_links, cap_links; /* open addressing; cap is a power of two */
        char *copybuf;
        uint64_t bytes;
        const hull_tar_graft **grafts; /* sorted by directory, then name (cmp_graft) */
        size_t n_grafts;
} walk;

typedef struct child {
        char *name;     /* on disk */
        char *tar_name; /* in the archive */
        struct stat st;
        bool opaque_marker;
        bool whiteout;
        const hull_tar_graft *graft; /* not on disk: a file of another tree */
} child;

static size_t link_hash(dev_t dev, ino_t ino) {
        uint64_t h = (uint64_t) ino * 0x9e3779b97f4a7c15ull ^ (uint64_t) dev;
        return (size_t) (h ^ (h >> 29));
}

/* Returns the first path of (dev, ino), or NULL after remembering `path`. */
static int link_lookup(walk *k, const struct stat *st, const char *path, const char **ret) {
        *ret = NULL;
        if (k->n_links * 2 >= k->cap_links) {
                size_t cap = k->cap_links ? k->cap_links * 2 : 64;
                link_slot *n = calloc(cap, sizeof(link_slot));
                if (!n)
                        return -ENOMEM;
                for (size_t i = 0; i < k->cap_links; i++)
                        if (k->links[i].path) {
                                size_t j = link_hash(k->links[i].dev, k->links[i].ino) & (cap - 1);
                                while (n[j].path)
                                        j = (j + 1) & (cap - 1);
                                n[j] = k->links[i];
                        }
                free(k->links);
                k->links = n;
                k->cap_links = cap;
        }
        size_t j = link_hash(st->st_dev, st->st_ino) & (k->cap_links - 1);
        for (; k->links[j].path; j = (j + 1) & (k->cap_links - 1))
                if (k->links[j].dev == st->st_dev && k->links[j].ino == st->st_ino) {
                        *ret = k->links[j].path;
                        return 0;
                }
        if (!(k->links[j].path = strdup(path)))
                return -ENOMEM;
        k->links[j].dev = st->st_dev;
        k->links[j].ino = st->st_ino;
        k->n_links++;
        return 0;
}

static int cmp_child(const void *a, const void *b) {
        return strcmp(((const child *) a)->tar_name, ((const child *) b)->tar_name);
}

/* The length of a graft path's directory part, its trailing '/' included. */
static size_t graft_dir_len(const char *path) {
        const char *slash = strrchr(path, '/');
        return slash ? (size_t) (slash - path) + 1 : 0;
}

static int cmp_dir(const char *a, size_t alen, const char *b, size_t blen) {
        int c = memcmp(a, b, alen < blen ? alen : blen);
        if (c != 0)
                return c;
        return alen < blen ? -1 : alen > blen;
}

static int cmp_graft(const void *a, const void *b) {
        const char *x = (*(const hull_tar_graft *const *) a)->path, *y = (*(const hull_tar_graft *const *) b)->path;
        size_t xl = graft_dir_len(x), yl = graft_dir_len(y);
        int c = cmp_dir(x, xl, y, yl);
        return c ? c : strcmp(x + xl, y + yl);
}

static int cmp_xattr(const void *a, const void *b) {
        return strcmp(((const hull_tar_xattr *) a)->name, ((const hull_tar_xattr *) b)->name);
}

static void xattrs_free(hull_tar_xattr *x, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(x[i].name);
                free(x[i].value);
        }
        free(x);
}

static bool xattr_kept(const char *name) {
        if (strcmp(name, "security.capability") == 0)
                return true;
        return hull_startswith(name, "user.") && !hull_startswith(name, "user.overlay.");
}

/* The kept extended attributes of fd, sorted by name. */
static int read_xattrs(int fd, hull_tar_xattr **ret, size_t *ret_n) {
        *ret = NULL;
        *ret_n = 0;
        ssize_t len = flistxattr(fd, NULL, 0);
        if (len < 0)
                return (errno == ENOTSUP || errno == EBADF) ? 0 : -errno;
        if (len == 0)
                return 0;
        _cleanup_free_ char *names = malloc((size_t) len + 1);
        if (!names)
                return -ENOMEM;
        len = flistxattr(fd, names, (size_t) len);
        if (len < 0)
                return errno == ERANGE ? -EAGAIN : -errno;
        names[len] = 0;
        hull_tar_xattr *x = NULL;
        size_t n = 0;
        for (char *p = names; p < names + len; p += strlen(p) + 1) {
                if (!xattr_kept(p))
                        continue;
                ssize_t vlen = fgetxattr(fd, p, NULL, 0);
                if (vlen < 0)
                        continue;
                char *v = malloc((size_t) vlen + 1);
                hull_tar_xattr *nx = realloc(x, (n + 1) * sizeof(*x));
                if (!v || !nx) {
                        free(v);
                        if (nx)
                                x = nx;
                        xattrs_free(x, n);
                        return -ENOMEM;
                }
                x = nx;
                vlen = fgetxattr(fd, p, v, (size_t) vlen);
                if (vlen < 0) {
                        free(v);
                        continue;
                }
                x[n].name = strdup(p);
                x[n].value = v;
                x[n].len = (size_t) vlen;
                if (!x[n].name) {
                        free(v);
                        xattrs_free(x, n);
                        return -ENOMEM;
                }
                n++;
        }
        if (n > 1)
                qsort(x, n, sizeof(*x), cmp_xattr);
        *ret = x;
        *ret_n = n;
        return 0;
}

static bool is_opaque_dir(int fd) {
        char v[4];
        ssize_t n = fgetxattr(fd, "trusted.overlay.opaque", v, sizeof(v));
        if (n < 0)
                n = fgetxattr(fd, "user.overlay.opaque", v, sizeof(v));
        return n == 1 && v[0] == 'y';
}

static void children_free(child *c, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(c[i].name);
                free(c[i].tar_name);
        }
        free(c);
}

/* Adds the grafts whose directory is `prefix` to c (n entries, sorted),
 * leaving out those that an entry on disk has the name of, and sorts again.
 * Returns 0 or -ENOMEM (c and n stay valid for children_free). */
static int add_grafts(walk *k, const char *prefix, child **c, size_t *n) {
        size_t plen = strlen(prefix), lo = 0, hi = k->n_grafts;
        while (lo < hi) { /* the first graft whose directory is not below prefix */
                size_t mid = lo + (hi - lo) / 2;
                const char *p = k->grafts[mid]->path;
                if (cmp_dir(p, graft_dir_len(p), prefix, plen) < 0)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        size_t n_real = *n;
        const char *prev = NULL;
        for (size_t i = lo; i < k->n_grafts; i++) {
                const hull_tar_graft *g = k->grafts[i];
                size_t dl = graft_dir_len(g->path);
                if (dl != plen || memcmp(g->path, prefix, plen) != 0)
                        break;
                const char *name = g->path + dl;
                if (!*name || (prev && strcmp(prev, name) == 0))
                        continue;
                prev = name;
                child key = { .tar_name = (char *) name };
                if (n_real > 0 && bsearch(&key, *c, n_real, sizeof(child), cmp_child))
                        continue;
                child *nc = realloc(*c, (*n + 1) * sizeof(child));
                if (!nc)
                        return -ENOMEM;
                *c = nc;
                child *x = &nc[*n];
                memset(x, 0, sizeof(*x));
                x->graft = g;
                x->st.st_mode = S_IFREG;
                x->name = strdup(name);
                x->tar_name = strdup(name);
                (*n)++;
                if (!x->name || !x->tar_name)
                        return -ENOMEM;
        }
        if (*n > n_real)
                qsort(*c, *n, sizeof(child), cmp_child);
        return 0;
}

/* Lists dfd's entries with their lstat, and the grafts of its archive path
 * `prefix`, sorted by their name in the archive. */
static int list_children(walk *k, int dfd, const char *prefix, bool opaque, child **ret, size_t *ret_n) {
        int fd2 = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
        if (fd2 < 0)
                return -errno;
        DIR *d = fdopendir(fd2);
        if (!d) {
                close(fd2);
                return -errno;
        }
        rewinddir(d);
        child *c = NULL;
        size_t n = 0, cap = 0;
        int r = 0;
        struct dirent *de;
        for (errno = 0; (de = readdir(d)); errno = 0) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                if (n + 2 > cap) {
                        cap = cap ? cap * 2 : 16;
                        child *nc = realloc(c, cap * sizeof(*c));
                        if (!nc) {
                                r = -ENOMEM;
                                break;
                        }
                        c = nc;
                }
                child *x = &c[n];
                memset(x, 0, sizeof(*x));
                if (fstatat(dfd, de->d_name, &x->st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno == ENOENT)
                                continue; /* gone meanwhile */
                        r = -errno;
                        break;
                }
                if (S_ISSOCK(x->st.st_mode))
                        continue;
                x->name = strdup(de->d_name);
                if (k->o->overlay_whiteouts && S_ISCHR(x->st.st_mode) && x->st.st_rdev == makedev(0, 0)) {
                        x->whiteout = true;
                        if (asprintf(&x->tar_name, ".wh.%s", de->d_name) < 0)
                                x->tar_name = NULL;
                } else
                        x->tar_name = strdup(de->d_name);
                n++;
                if (!x->name || !x->tar_name) {
                        r = -ENOMEM;
                        break;
                }
        }
        if (r == 0 && errno != 0)
                r = -errno;
        closedir(d);
        if (r == 0 && opaque) {
                child *nc = realloc(c, (n + 1) * sizeof(*c));
                if (!nc)
                        r = -ENOMEM;
                else {
                        c = nc;
                        memset(&c[n], 0, sizeof(child));
                        c[n].opaque_marker = true;
                        c[n].name = strdup(".wh..wh..opq");
                        c[n].tar_name = strdup(".wh..wh..opq");
                        n++;
                        if (!c[n - 1].name || !c[n - 1].tar_name)
                                r = -ENOMEM;
                }
        }
        if (r < 0) {
                children_free(c, n);
                return r;
        }
        if (n > 1)
                qsort(c, n, sizeof(*c), cmp_child);
        if (k->n_grafts > 0 && (r = add_grafts(k, prefix, &c, &n)) < 0) {
                children_free(c, n);
                return r;
        }
        *ret = c;
        *ret_n = n;
        return 0;
}

static int64_t clamp_time(const walk *k, int64_t t) {
        if (t < 0)
                t = 0;
        return t > k->o->mtime_max ? k->o->mtime_max : t;
}

static void fill_common(const walk *k, hull_tar_entry *e, const char *path, const struct stat *st) {
        e->path = (char *) path;
        e->mode = st->st_mode & 07777;
        e->uid = k->o->keep_owner ? st->st_uid : 0;
        e->gid = k->o->keep_owner ? st->st_gid : 0;
        e->mtime = clamp_time(k, st->st_mtim.tv_sec);
}

/* The data of the entry just written (size bytes) from fd. */
static int write_data_from(walk *k, int fd, uint64_t size, const char *path, hull_error **err) {
        uint64_t left = size;
        while (left > 0) {
                size_t want = left < (1u << 17) ? (size_t) left : (1u << 17);
                ssize_t n = read(fd, k->copybuf, want);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return hull_error_set(err, errno, "read %s", path);
                }
                if (n == 0)
                        return hull_error_set_raw(err, EAGAIN, "%s shrank while it was being read", path);
                int r = hull_tar_write_data(k->w, k->copybuf, (size_t) n, err);
                if (r < 0)
                        return r;
                left -= (uint64_t) n;
                k->bytes += (uint64_t) n;
                if (k->o->progress)
                        k->o->progress(k->o->userdata, k->bytes);
        }
        return 0;
}

/* A graft: the host file as a copy of it in the tree would be written. */
static int write_graft(walk *k, const hull_tar_graft *g, const char *path, hull_error **err) {
        _cleanup_close_ int fd = hull_open_in_root(g->hostfd, g->host_path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY, 0);
        if (fd < 0)
                return hull_error_set(err, -fd, "open %s (for %s)", g->host_path, path);
        struct stat st;
        if (fstat(fd, &st) < 0)
                return hull_error_set(err, errno, "stat %s", g->host_path);
        if (!S_ISREG(st.st_mode))
                return hull_error_set_raw(err, EINVAL, "%s is not a regular file", g->host_path);
        hull_tar_entry e = {
                .type = HULL_TAR_REG,
                .path = (char *) path,
                .mode = st.st_mode & 07777,
                .uid = k->o->keep_owner ? g->uid : 0,
                .gid = k->o->keep_owner ? g->gid : 0,
                .mtime = clamp_time(k, g->mtime),
                .size = (uint64_t) st.st_size,
        };
        int r = hull_tar_write_header(k->w, &e, err);
        if (r < 0)
                return r;
        return write_data_from(k, fd, e.size, g->host_path, err);
}

/* Writes e's header with the extended attributes of fd (a file or a
 * directory of the tree). */
static int write_header_xattrs(walk *k, hull_tar_entry *e, int fd, const char *path, hull_error **err) {
        int r = read_xattrs(fd, &e->xattrs, &e->n_xattrs);
        if (r < 0)
                return hull_error_set(err, -r, "read extended attributes of %s", path);
        r = hull_tar_write_header(k->w, e, err);
        xattrs_free(e->xattrs, e->n_xattrs);
        e->xattrs = NULL;
        e->n_xattrs = 0;
        return r;
}

static int write_file(walk *k, int dfd, const child *c, const char *path, hull_error **err) {
        _cleanup_close_ int fd = openat(dfd, c->name, O_RDONLY | O_NOFOLLOW | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (fd < 0)
                return hull_error_set(err, errno, "open %s", path);
        struct stat st;
        if (fstat(fd, &st) < 0)
                return hull_error_set(err, errno, "stat %s", path);
        if (!S_ISREG(st.st_mode) || st.st_ino != c->st.st_ino)
                return hull_error_set_raw(err, EAGAIN, "%s changed while it was being read", path);
        hull_tar_entry e = { .type = HULL_TAR_REG, .size = (uint64_t) st.st_size };
        fill_common(k, &e, path, &st);
        int r = write_header_xattrs(k, &e, fd, path, err);
        if (r < 0)
                return r;
        return write_data_from(k, fd, e.size, path, err);
}

static int walk_dir(walk *k, int dfd, const char *prefix, bool opaque, hull_error **err);

static int walk_child(walk *k, int dfd, const child *c, const char *prefix, hull_error **err) {
        _cleanup_free_ char *path = NULL;
        if (asprintf(&path, "%s%s", prefix, c->tar_name) < 0)
                return hull_error_set(err, ENOMEM, "tar");
        hull_tar_entry e = { 0 };
        const struct stat *st = &c->st;

        if (c->graft)
                return write_graft(k, c->graft, path, err);
        if (c->opaque_marker || c->whiteout) {
                struct stat zero = { .st_mode = S_IFREG };
                if (c->whiteout)
                        zero.st_mtim = st->st_mtim;
                e.type = HULL_TAR_REG;
                fill_common(k, &e, path, &zero);
                e.uid = e.gid = 0;
                return hull_tar_write_header(k->w, &e, err);
        }
        switch (st->st_mode & S_IFMT) {
        case S_IFDIR: {
                _cleanup_close_ int fd = openat(dfd, c->name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                if (fd < 0)
                        return hull_error_set(err, errno, "open directory %s", path);
                struct stat dst;
                if (fstat(fd, &dst) < 0)
                        return hull_error_set(err, errno, "stat %s", path);
                e.type = HULL_TAR_DIR;
                fill_common(k, &e, path, &dst);
                int r = write_header_xattrs(k, &e, fd, path, err);
                if (r < 0)
                        return r;
                if (dst.st_dev != k->root_dev) {
                        hull_debug("tar: %s is a mount point: recorded empty", path);
                        return 0;
                }
                _cleanup_free_ char *sub = NULL;
                if (asprintf(&sub, "%s/", path) < 0)
                        return hull_error_set(err, ENOMEM, "tar");
                return walk_dir(k, fd, sub, k->o->overlay_whiteouts && is_opaque_dir(fd), err);
        }
        case S_IFREG:
                if (st->st_nlink > 1) {
                        const char *first;
                        int r = link_lookup(k, st, path, &first);
                        if (r < 0)
                                return hull_error_set(err, -r, "tar");
                        if (first) {
                                e.type = HULL_TAR_LINK;
                                fill_common(k, &e, path, st);
                                e.linkname = (char *) first;
                                return hull_tar_write_header(k->w, &e, err);
                        }
                }
                return write_file(k, dfd, c, path, err);
        case S_IFLNK: {
                size_t cap = st->st_size > 0 ? (size_t) st->st_size + 1 : 256;
                for (;;) {
                        _cleanup_free_ char *target = malloc(cap);
                        if (!target)
                                return hull_error_set(err, ENOMEM, "tar");
                        ssize_t n = readlinkat(dfd, c->name, target, cap);
                        if (n < 0)
                                return hull_error_set(err, errno, "readlink %s", path);
                        if ((size_t) n >= cap) {
                                if (cap > PATH_MAX * 4)
                                        return hull_error_set(err, ENAMETOOLONG, "readlink %s", path);
                                cap *= 2;
                                continue;
                        }
                        target[n] = 0;
                        e.type = HULL_TAR_SYMLINK;
                        fill_common(k, &e, path, st);
                        e.linkname = target;
                        return hull_tar_write_header(k->w, &e, err);
                }
        }
        case S_IFCHR:
        case S_IFBLK:
                e.type = S_ISCHR(st->st_mode) ? HULL_TAR_CHAR : HULL_TAR_BLOCK_DEV;
                fill_common(k, &e, path, st);
                e.devmajor = major(st->st_rdev);
                e.devminor = minor(st->st_rdev);
                return hull_tar_write_header(k->w, &e, err);
        case S_IFIFO:
                e.type = HULL_TAR_FIFO;
                fill_common(k, &e, path, st);
                return hull_tar_write_header(k->w, &e, err);
        default:
                return 0;
        }
}

static int walk_dir(walk *k, int dfd, const char *prefix, bool opaque, hull_error **err) {
        child *c = NULL;
        size_t n = 0;
        int r = list_children(k, dfd, prefix, opaque, &c, &n);
        if (r < 0)
                return hull_error_set(err, -r, "list directory %s", *prefix ? prefix : ".");
        for (size_t i = 0; i < n && r >= 0; i++)
                r = walk_child(k, dfd, &c[i], prefix, err);
        children_free(c, n);
        return r;
}

int hull_tar_write_dir(hull_tar_writer *w, int dirfd, const hull_tar_dir_opts *o, hull_error **err) {
        struct stat st;
        if (fstat(dirfd, &st) < 0)
                return hull_error_set(err, errno, "stat the directory to archive");
        if (!S_ISDIR(st.st_mode))
                return hull_error_set(err, ENOTDIR, "archive");
        walk k = { .w = w, .o = o, .root_dev = st.st_dev };
        k.copybuf = malloc(1u << 17);
        if (o->n_grafts > 0 && (k.grafts = malloc(o->n_grafts * sizeof(*k.grafts)))) {
                for (size_t i = 0; i < o->n_grafts; i++)
                        k.grafts[i] = &o->grafts[i];
                qsort(k.grafts, o->n_grafts, sizeof(*k.grafts), cmp_graft);
                k.n_grafts = o->n_grafts;
        }
        if (!k.copybuf || (o->n_grafts > 0 && !k.grafts)) {
                free(k.copybuf);
                free(k.grafts);
                return hull_error_set(err, ENOMEM, "tar");
        }
        int r = walk_dir(&k, dirfd, "", o->overlay_whiteouts && is_opaque_dir(dirfd), err);
        for (size_t i = 0; i < k.cap_links; i++)
                free(k.links[i].path);
        free(k.links);
        free(k.copybuf);
        free(k.grafts);
        return r;
}

/* ======================================================================
 * Reader
 * ====================================================================== */

struct hull_tar_reader {
        hull_istream *in;
        char *what;
        uint64_t offset;       /* bytes consumed so far */
        uint64_t entry_offset; /* where the current entry's first header starts */
        unsigned index;
        hull_tar_entry e;
        bool have_entry, ended;
        uint64_t remaining, pad;
        char *where;
        /* Metadata from pax and GNU headers, for the next entry. */
        char *pax_path, *pax_linkpath, *gnu_longname, *gnu_longlink;
        bool pax_has_size, pax_has_uid, pax_has_gid, pax_has_mtime;
        uint64_t pax_size, pax_uid, pax_gid;
        int64_t pax_mtime;
        hull_tar_xattr *pax_xattrs;
        size_t n_pax_xattrs;
};

hull_tar_reader *hull_tar_reader_new(hull_istream *in, const char *what) {
        hull_tar_reader *r = calloc(1, sizeof(*r));
        if (!r)
                return NULL;
        r->in = in;
        if (!(r->what = strdup(what ? what : "tar"))) {
                free(r);
                return NULL;
        }
        return r;
}

static void entry_clear(hull_tar_entry *e) {
        free(e->path);
        free(e->linkname);
        xattrs_free(e->xattrs, e->n_xattrs);
        memset(e, 0, sizeof(*e));
}

static void pending_clear(hull_tar_reader *r) {
        free(r->pax_path);
        free(r->pax_linkpath);
        free(r->gnu_longname);
        free(r->gnu_longlink);
        r->pax_path = r->pax_linkpath = r->gnu_longname = r->gnu_longlink = NULL;
        r->pax_has_size = r->pax_has_uid = r->pax_has_gid = r->pax_has_mtime = false;
        xattrs_free(r->pax_xattrs, r->n_pax_xattrs);
        r->pax_xattrs = NULL;
        r->n_pax_xattrs = 0;
}

void hull_tar_reader_free(hull_tar_reader *r) {
        if (!r)
                return;
        entry_clear(&r->e);
        pending_clear(r);
        free(r->where);
        free(r->what);
        free(r);
}

const char *hull_tar_where(hull_tar_reader *r) {
        free(r->where);
        r->where = NULL;
        char *p = NULL;
        if (r->have_entry && r->e.path) {
                /* Quote the path, escaping what would garble a terminal. */
                buf b = { 0 };
                for (const unsigned char *s = (const unsigned char *) r->e.path; *s && b.len < 300; s++) {
                        char tmp[8];
                        if (*s < 0x20 || *s == 0x7f || *s == '"' || *s == '\\')
                                snprintf(tmp, sizeof(tmp), "\\x%02x", *s);
                        else
                                snprintf(tmp, sizeof(tmp), "%c", *s);
                        if (buf_adds(&b, tmp) < 0)
                                break;
                }
                if (asprintf(&p, "%s: entry %u (\"%s\") at offset %" PRIu64, r->what, r->index, b.p ? b.p : "",
                             r->entry_offset) < 0)
                        p = NULL;
                free(b.p);
        } else if (asprintf(&p, "%s: entry %u at offset %" PRIu64, r->what, r->index, r->entry_offset) < 0)
                p = NULL;
        r->where = p;
        return p ? p : r->what;
}

static int bad(hull_tar_reader *r, hull_error **err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int bad(hull_tar_reader *r, hull_error **err, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        int ret = hull_error_set_raw(err, EBADMSG, "%s: %s", hull_tar_where(r), msg);
        return hull_image_error_status(err, ret, HULL_IMAGE_EXIT_INVALID);
}

/* Reads n bytes; `eof_ok` allows a clean end before the first byte (returns 0). */
static int read_exact(hull_tar_reader *r, void *p, size_t n, bool eof_ok, hull_error **err) {
        size_t got = 0;
        while (got < n) {
                ssize_t k = hull_istream_read(r->in, (char *) p + got, n - got, err);
                if (k < 0)
                        return (int) k;
                if (k == 0) {
                        if (got == 0 && eof_ok)
                                return 0;
                        return bad(r, err, "truncated archive (%zu of %zu bytes)", got, n);
                }
                got += (size_t) k;
                r->offset += (uint64_t) k;
        }
        return 1;
}

static int skip(hull_tar_reader *r, uint64_t n, hull_error **err) {
        char tmp[8192];
        while (n > 0) {
                size_t want = n < sizeof(tmp) ? (size_t) n : sizeof(tmp);
                int k = read_exact(r, tmp, want, false, err);
                if (k < 0)
                        return k;
                n -= want;
        }
        return 0;
}

/* A numeric field: octal (leading spaces/NULs, ended by space or NUL) or
 * GNU base-256 (first byte 0x80 positive, 0xff negative).  Returns 0 or -1. */
static int parse_number(const unsigned char *f, size_t n, bool allow_negative, int64_t *ret) {
        if (f[0] & 0x80) {
                bool neg = f[0] == 0xff;
                if (!neg && f[0] != 0x80)
                        return -1;
                if (neg && !allow_negative)
                        return -1;
                uint64_t v = 0;
                /* The bytes after the marker, big-endian; at most 63 bits. */
                for (size_t i = 1; i < n; i++) {
                        unsigned char b = neg ? (unsigned char) ~f[i] : f[i];
                        if (v >> 55)
                                return -1;
                        v = (v << 8) | b;
                }
                if (v > INT64_MAX)
                        return -1;
                *ret = neg ? -(int64_t) v - 1 : (int64_t) v;
                return 0;
        }
        size_t i = 0;
        while (i < n && (f[i] == ' ' || f[i] == 0))
                i++;
        if (i == n) {
                *ret = 0;
                return 0;
        }
        uint64_t v = 0;
        for (; i < n && f[i] >= '0' && f[i] <= '7'; i++) {
                if (v > (UINT64_MAX >> 3))
                        return -1;
                v = (v << 3) | (uint64_t) (f[i] - '0');
        }
        for (; i < n; i++)
                if (f[i] != ' ' && f[i] != 0)
                        return -1;
        if (v > INT64_MAX)
                return -1;
        *ret = (int64_t) v;
        return 0;
}

static int field_number(hull_tar_reader *r, const unsigned char *h, size_t off, size_t n, const char *name,
                        bool allow_negative, int64_t *ret, hull_error **err) {
        if (parse_number(h + off, n, allow_negative, ret) < 0)
                return bad(r, err, "invalid %s field", name);
        return 0;
}

static char *field_string(const unsigned char *h, size_t off, size_t n) {
        return strndup((const char *) h + off, strnlen((const char *) h + off, n));
}

static bool checksum_ok(const unsigned char *h) {
        int64_t want;
        if (parse_number(h + 148, 8, false, &want) < 0)
                return false;
        uint64_t usum = 0;
        int64_t ssum = 0;
        for (size_t i = 0; i < HULL_TAR_BLOCK; i++) {
                unsigned char c = (i >= 148 && i < 156) ? ' ' : h[i];
                usum += c;
                ssum += (signed char) c;
        }
        return (int64_t) usum == want || ssum == want;
}

/* A decimal pax number ("123", "-5", "1234.5678" for times).  Returns 0 or -1. */
static int pax_decimal(const char *v, size_t len, bool allow_negative, bool allow_fraction, int64_t *ret) {
        size_t i = 0;
        bool neg = false;
        if (i < len && v[i] == '-') {
                if (!allow_negative)
                        return -1;
                neg = true;
                i++;
        }
        if (i == len)
                return -1;
        uint64_t n = 0;
        size_t start = i;
        for (; i < len && v[i] >= '0' && v[i] <= '9'; i++) {
                if (n > (uint64_t) INT64_MAX / 10)
                        return -1;
                n = n * 10 + (uint64_t) (v[i] - '0');
                if (n > (uint64_t) INT64_MAX)
                        return -1;
        }
        if (i == start)
                return -1;
        if (i < len) {
                if (!allow_fraction || v[i] != '.')
                        return -1;
                for (i++; i < len; i++)
                        if (v[i] < '0' || v[i] > '9')
                                return -1;
        }
        *ret = neg ? -(int64_t) n : (int64_t) n;
        return 0;
}

static int pax_string(hull_tar_reader *r, const char *key, const char *v, size_t len, char **dst, hull_error **err) {
        if (memchr(v, 0, len))
                return bad(r, err, "pax record %s holds a NUL byte", key);
        free(*dst);
        *dst = len ? strndup(v, len) : NULL;
        if (len && !*dst)
                return hull_error_set(err, ENOMEM, "tar");
        return 0;
}

static int pax_apply(hull_tar_reader *r, const char *key, const char *v, size_t len, hull_error **err) {
        int64_t n;
        if (strcmp(key, "path") == 0)
                return pax_string(r, key, v, len, &r->pax_path, err);
        if (strcmp(key, "linkpath") == 0)
                return pax_string(r, key, v, len, &r->pax_linkpath, err);
        if (strcmp(key, "size") == 0 || strcmp(key, "uid") == 0 || strcmp(key, "gid") == 0 ||
            strcmp(key, "mtime") == 0) {
                bool mtime = key[0] == 'm';
                if (len == 0)
                        return 0;
                if (pax_decimal(v, len, mtime, mtime, &n) < 0)
                        return bad(r, err, "pax record %s: invalid number", key);
                switch (key[0]) {
                case 's': r->pax_size = (uint64_t) n; r->pax_has_size = true; break;
                case 'u': r->pax_uid = (uint64_t) n; r->pax_has_uid = true; break;
                case 'g': r->pax_gid = (uint64_t) n; r->pax_has_gid = true; break;
                default: r->pax_mtime = n; r->pax_has_mtime = true; break;
                }
                return 0;
        }
        if (hull_startswith(key, "SCHILY.xattr.")) {
                const char *name = key + STRLEN("SCHILY.xattr.");
                if (!*name)
                        return bad(r, err, "pax record %s: empty attribute name", key);
                if (r->n_pax_xattrs >= 1024)
                        return bad(r, err, "more than 1024 extended attributes");
                hull_tar_xattr *x = realloc(r->pax_xattrs, (r->n_pax_xattrs + 1) * sizeof(*x));
                if (!x)
                        return hull_error_set(err, ENOMEM, "tar");
                r->pax_xattrs = x;
                x = &r->pax_xattrs[r->n_pax_xattrs];
                x->name = strdup(name);
                x->value = malloc(len + 1);
                x->len = len;
                if (!x->name || !x->value) {
                        free(x->name);
                        free(x->value);
                        return hull_error_set(err, ENOMEM, "tar");
                }
                memcpy(x->value, v, len);
                x->value[len] = 0;
                r->n_pax_xattrs++;
                return 0;
        }
        if (hull_startswith(key, "GNU.sparse."))
                return bad(r, err, "sparse files are not supported");
        return 0; /* atime, ctime, uname, gname, comment, charset...: ignored */
}

/* Parses a pax extended header's records (global ones are only checked). */
static int pax_parse(hull_tar_reader *r, const char *p, size_t size, bool global, hull_error **err) {
        const char *end = p + size;
        while (p < end) {
                /* Trailing NUL padding (some writers) ends the records. */
                if (*p == 0) {
                        for (; p < end; p++)
                                if (*p)
                                        return bad(r, err, "garbage after the pax records");
                        break;
                }
                size_t len = 0, digits = 0;
                const char *q = p;
                while (q < end && *q >= '0' && *q <= '9') {
                        if (len > HULL_TAR_META_MAX)
                                return bad(r, err, "pax record length out of range");
                        len = len * 10 + (size_t) (*q - '0');
                        q++;
                        digits++;
                }
                if (digits == 0 || q >= end || *q != ' ')
                        return bad(r, err, "malformed pax record length");
                if (len > (size_t) (end - p) || len < digits + 4)
                        return bad(r, err, "pax record length %zu out of range", len);
                const char *rec_end = p + len; /* one past the '\n' */
                if (rec_end[-1] != '\n')
                        return bad(r, err, "pax record does not end in a newline");
                const char *key = q + 1;
                const char *eq = memchr(key, '=', (size_t) (rec_end - 1 - key));
                if (!eq || eq == key)
                        return bad(r, err, "malformed pax record");
                if (memchr(key, 0, (size_t) (eq - key)))
                        return bad(r, err, "pax record key holds a NUL byte");
                _cleanup_free_ char *k = strndup(key, (size_t) (eq - key));
                if (!k)
                        return hull_error_set(err, ENOMEM, "tar");
                if (!global) {
                        int x = pax_apply(r, k, eq + 1, (size_t) (rec_end - 1 - (eq + 1)), err);
                        if (x < 0)
                                return x;
                }
                p = rec_end;
        }
        return 0;
}

/* Reads a metadata entry's payload (pax, GNU long name) of `size` bytes. */
static int read_meta(hull_tar_reader *r, int64_t size, char **ret, hull_error **err) {
        if (size < 0 || size > HULL_TAR_META_MAX)
                return bad(r, err, "extended header of %" PRId64 " bytes (at most %u)", size, HULL_TAR_META_MAX);
        _cleanup_free_ char *p = malloc((size_t) size + 1);
        if (!p)
                return hull_error_set(err, ENOMEM, "tar");
        int k = read_exact(r, p, (size_t) size, false, err);
        if (k < 0)
                return k;
        p[size] = 0;
        uint64_t pad = (HULL_TAR_BLOCK - (uint64_t) size % HULL_TAR_BLOCK) % HULL_TAR_BLOCK;
        k = skip(r, pad, err);
        if (k < 0)
                return k;
        *ret = TAKE_PTR(p);
        return 0;
}

static bool block_is_zero(const unsigned char *h) {
        for (size_t i = 0; i < HULL_TAR_BLOCK; i++)
                if (h[i])
                        return false;
        return true;
}

static bool is_header_only(hull_tar_type t) {
        return t == HULL_TAR_LINK || t == HULL_TAR_SYMLINK || t == HULL_TAR_CHAR || t == HULL_TAR_BLOCK_DEV ||
               t == HULL_TAR_DIR || t == HULL_TAR_FIFO;
}

int hull_tar_next(hull_tar_reader *r, const hull_tar_entry **ret, hull_error **err) {
        if (r->ended)
                return 0;
        if (r->have_entry) {
                int k = skip(r, r->remaining + r->pad, err);
                if (k < 0)
                        return k;
                r->remaining = r->pad = 0;
                r->have_entry = false;
        }
        entry_clear(&r->e);
        pending_clear(r);
        r->entry_offset = r->offset;
        r->index++;
        unsigned meta = 0;
        for (;;) {
                unsigned char h[HULL_TAR_BLOCK];
                int k = read_exact(r, h, sizeof(h), true, err);
                if (k < 0)
                        return k;
                if (k == 0 || block_is_zero(h)) {
                        if (meta > 0)
                                return bad(r, err, "extended header without an entry after it");
                        /* The end: a second zero block should follow; tolerate
                         * archives that stop after one or none. */
                        r->ended = true;
                        return 0;
                }
                if (!checksum_ok(h))
                        return bad(r, err, "header checksum mismatch");
                char type = (char) h[O_TYPE];
                int64_t size;
                k = field_number(r, h, F_SIZE, "size", false, &size, err);
                if (k < 0)
                        return k;
                if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                        if (++meta > 16)
                                return bad(r, err, "more than 16 extended headers for one entry");
                        _cleanup_free_ char *payload = NULL;
                        k = read_meta(r, size, &payload, err);
                        if (k < 0)
                                return k;
                        if (type == 'x' || type == 'g') {
                                k = pax_parse(r, payload, (size_t) size, type == 'g', err);
                                if (k < 0)
                                        return k;
                        } else {
                                char **dst = type == 'L' ? &r->gnu_longname : &r->gnu_longlink;
                                free(*dst);
                                *dst = strdup(payload); /* up to the first NUL */
                                if (!*dst)
                                        return hull_error_set(err, ENOMEM, "tar");
                        }
                        continue;
                }

                hull_tar_entry *e = &r->e;
                bool posix = memcmp(h + O_MAGIC, "ustar\0", 6) == 0;
                switch (type) {
                case '0': case '\0': case '7': e->type = HULL_TAR_REG; break;
                case '1': case '2': case '3': case '4': case '5': case '6': e->type = (hull_tar_type) type; break;
                default:
                        if (type >= 0x20 && type < 0x7f)
                                return bad(r, err, "unsupported entry type '%c'", type);
                        return bad(r, err, "unsupported entry type 0x%02x", (unsigned char) type);
                }
                int64_t mode, uid, gid, mtime, maj = 0, min = 0;
                if ((k = field_number(r, h, F_MODE, "mode", false, &mode, err)) < 0 ||
                    (k = field_number(r, h, F_UID, "uid", false, &uid, err)) < 0 ||
                    (k = field_number(r, h, F_GID, "gid", false, &gid, err)) < 0 ||
                    (k = field_number(r, h, F_MTIME, "mtime", true, &mtime, err)) < 0)
                        return k;
                if (e->type == HULL_TAR_CHAR || e->type == HULL_TAR_BLOCK_DEV) {
                        if ((k = field_number(r, h, F_DEVMAJOR, "devmajor", false, &maj, err)) < 0 ||
                            (k = field_number(r, h, F_DEVMINOR, "devminor", false, &min, err)) < 0)
                                return k;
                        if (maj > UINT32_MAX || min > UINT32_MAX)
                                return bad(r, err, "device number out of range");
                }
                if (r->pax_path)
                        e->path = TAKE_PTR(r->pax_path);
                else if (r->gnu_longname)
                        e->path = TAKE_PTR(r->gnu_longname);
                else {
                        _cleanup_free_ char *name = field_string(h, F_NAME);
                        _cleanup_free_ char *prefix = posix ? field_string(h, F_PREFIX) : strdup("");
                        if (!name || !prefix)
                                return hull_error_set(err, ENOMEM, "tar");
                        if (*prefix) {
                                if (asprintf(&e->path, "%s/%s", prefix, name) < 0)
                                        e->path = NULL;
                        } else
                                e->path = TAKE_PTR(name);
                }
                if (r->pax_linkpath)
                        e->linkname = TAKE_PTR(r->pax_linkpath);
                else if (r->gnu_longlink)
                        e->linkname = TAKE_PTR(r->gnu_longlink);
                else
                        e->linkname = field_string(h, F_LINK);
                if (!e->path || !e->linkname)
                        return hull_error_set(err, ENOMEM, "tar");
                r->have_entry = true;
                if (!*e->path)
                        return bad(r, err, "empty path");
                size_t plen = strlen(e->path);
                /* Old tars mark directories by a trailing slash only. */
                if (type == '\0' && e->path[plen - 1] == '/')
                        e->type = HULL_TAR_DIR;
                e->mode = (uint32_t) (mode & 07777);
                e->uid = r->pax_has_uid ? r->pax_uid : (uint64_t) uid;
                e->gid = r->pax_has_gid ? r->pax_gid : (uint64_t) gid;
                e->mtime = r->pax_has_mtime ? r->pax_mtime : mtime;
                e->devmajor = (uint32_t) maj;
                e->devminor = (uint32_t) min;
                e->xattrs = TAKE_PTR(r->pax_xattrs);
                e->n_xattrs = r->n_pax_xattrs;
                r->n_pax_xattrs = 0;
                uint64_t data = r->pax_has_size ? r->pax_size : (uint64_t) size;
                if (is_header_only(e->type))
                        data = 0;
                e->size = data;
                r->remaining = data;
                r->pad = (HULL_TAR_BLOCK - data % HULL_TAR_BLOCK) % HULL_TAR_BLOCK;
                pending_clear(r);
                *ret = e;
                return 1;
        }
}

ssize_t hull_tar_read(hull_tar_reader *r, void *p, size_t len, hull_error **err) {
        if (!r->have_entry || r->remaining == 0 || len == 0)
                return 0;
        if (len > r->remaining)
                len = (size_t) r->remaining;
        ssize_t n = hull_istream_read(r->in, p, len, err);
        if (n < 0)
                return n;
        if (n == 0)
                return bad(r, err, "truncated data (%" PRIu64 " bytes missing)", r->remaining);
        r->remaining -= (uint64_t) n;
        r->offset += (uint64_t) n;
        return n;
}
