/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "cleanup.h"
#include "sys.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

int hull_read_file_at(int dfd, const char *path, size_t max, char **ret, size_t *ret_len) {
        if (max == 0)
                max = 64u << 20;
        _cleanup_close_ int fd = openat(dfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        if (fd < 0)
                return -errno;
        size_t cap = 4096, len = 0;
        struct stat st;
        if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0) {
                if ((size_t) st.st_size > max)
                        return -EFBIG;
                cap = (size_t) st.st_size + 1;
        }
        _cleanup_free_ char *buf = malloc(cap);
        if (!buf)
                return -ENOMEM;
        for (;;) {
                if (len + 1 >= cap) {
                        if (cap > max)
                                return -EFBIG;
                        char *n = realloc(buf, cap * 2);
                        if (!n)
                                return -ENOMEM;
                        buf = n;
                        cap *= 2;
                }
                ssize_t n = read(fd, buf + len, cap - len - 1);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                len += (size_t) n;
        }
        if (len > max)
                return -EFBIG;
        buf[len] = 0;
        if (ret_len)
                *ret_len = len;
        *ret = TAKE_PTR(buf);
        return 0;
}

int hull_proc_stat(pid_t pid, char *state, unsigned long long *v, size_t n) {
        char path[64];
        if (pid > 0)
                snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
        else
                snprintf(path, sizeof(path), "/proc/self/stat");
        _cleanup_free_ char *text = NULL;
        int r = hull_read_file_at(AT_FDCWD, path, 8192, &text, NULL);
        if (r < 0)
                return r;
        char *p = strrchr(text, ')');
        if (!p || p[1] != ' ')
                return -EINVAL;
        p += 2;
        if (state)
                *state = *p;
        for (size_t i = 0; i < n; i++)
                v[i] = 0;
        size_t field = 3;
        for (;;) {
                p = strchr(p, ' ');
                if (!p || field + 1 >= n)
                        break;
                field++;
                v[field] = strtoull(++p, NULL, 10);
        }
        return (int) field + 1;
}

/* One write(2) of all of data: a cgroup or proc file takes each write as
 * one value. */
static int write_once(int fd, const char *data, size_t len) {
        ssize_t n;
        do
                n = write(fd, data, len);
        while (n < 0 && errno == EINTR);
        if (n < 0)
                return -errno;
        if ((size_t) n != len)
                return -EIO;
        return 0;
}

int hull_write_file_at(int dfd, const char *path, const char *data, size_t len) {
        int f = hull_sys_fault(HULL_SYS_WRITE_FILE);
        if (f)
                return -f;
        _cleanup_close_ int fd = openat(dfd, path, O_WRONLY | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW);
        if (fd < 0)
                return -errno;
        return write_once(fd, data, len);
}

int hull_write_fd(int fd, const char *data, size_t len) {
        int f = hull_sys_fault(HULL_SYS_WRITE_FILE);
        if (f)
                return -f;
        return write_once(fd, data, len);
}

int hull_write_str_at(int dfd, const char *path, const char *s) {
        return hull_write_file_at(dfd, path, s, strlen(s));
}

int hull_write_temp_at(int dfd, const char *name, const void *data, size_t len, mode_t mode, unsigned flags,
                       char tmp[HULL_TEMP_NAME_MAX], hull_error **err) {
        int r = snprintf(tmp, HULL_TEMP_NAME_MAX, ".%s.tmp.%d", name, (int) getpid());
        if (r < 0 || r >= HULL_TEMP_NAME_MAX)
                return hull_error_set(err, ENAMETOOLONG, "write %s", name);
        _cleanup_close_ int fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
        if (fd < 0)
                return hull_error_set(err, errno, "create %s", tmp);
        const char *p = data;
        size_t left = len;
        while (left > 0) {
                ssize_t n = write(fd, p, left);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        r = hull_error_set(err, errno, "write %s", name);
                        goto fail;
                }
                p += n;
                left -= (size_t) n;
        }
        if ((flags & HULL_WRITE_DURABLE) && sys_fsync(fd) < 0) {
                r = hull_error_set(err, errno, "fsync %s", name);
                goto fail;
        }
        return 0;
fail:
        (void) unlinkat(dfd, tmp, 0);
        return r;
}

int hull_install_temp_at(int dfd, const char *tmp, const char *name, unsigned flags, hull_error **err) {
        if (sys_renameat(dfd, tmp, dfd, name) < 0) {
                int r = hull_error_set(err, errno, "rename %s", name);
                (void) unlinkat(dfd, tmp, 0);
                return r;
        }
        /* The directory entry is durable only once the directory is synced. */
        if (flags & HULL_WRITE_DURABLE)
                (void) fsync(dfd);
        return 0;
}

int hull_write_atomic_at(int dfd, const char *name, const void *data, size_t len, mode_t mode, unsigned flags,
                         hull_error **err) {
        char tmp[HULL_TEMP_NAME_MAX];
        int r = hull_write_temp_at(dfd, name, data, len, mode, flags, tmp, err);
        if (r < 0)
                return r;
        return hull_install_temp_at(dfd, tmp, name, flags, err);
}

int hull_mkdir_p_at(int dfd, const char *path, mode_t mode) {
        /* Usually only the leaf is missing: try it first. */
        if (sys_mkdirat(dfd, path, mode) == 0 || errno == EEXIST)
                return 0;
        if (errno != ENOENT)
                return -errno;
        _cleanup_free_ char *p = strdup(path);
        if (!p)
                return -ENOMEM;
        for (char *s = p + 1; *s; s++) {
                if (*s != '/')
                        continue;
                *s = 0;
                if (sys_mkdirat(dfd, p, mode) < 0 && errno != EEXIST)
                        return -errno;
                *s = '/';
        }
        if (sys_mkdirat(dfd, p, mode) < 0 && errno != EEXIST)
                return -errno;
        return 0;
}

static int rm_rf_children(int fd, dev_t dev) {
        DIR *d = fdopendir(fd);
        if (!d) {
                close(fd);
                return -errno;
        }
        int ret = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                /* d_type says what is not a directory: unlink it without a stat */
                if (de->d_type != DT_UNKNOWN && de->d_type != DT_DIR) {
                        if (unlinkat(dirfd(d), de->d_name, 0) == 0 || errno == ENOENT)
                                continue;
                        if (errno != EISDIR) {
                                if (ret == 0)
                                        ret = -errno;
                                continue;
                        }
                }
                struct stat st;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        if (errno != ENOENT && ret == 0)
                                ret = -errno;
                        continue;
                }
                if (S_ISDIR(st.st_mode)) {
                        if (st.st_dev != dev) {
                                if (ret == 0)
                                        ret = -EBUSY;
                                continue;
                        }
                        int sub = openat(dirfd(d), de->d_name,
                                         O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (sub >= 0) {
                                int r = rm_rf_children(sub, dev);
                                if (r < 0 && ret == 0)
                                        ret = r;
                        }
                        if (unlinkat(dirfd(d), de->d_name, AT_REMOVEDIR) < 0 && errno != ENOENT && ret == 0)
                                ret = -errno;
                } else if (unlinkat(dirfd(d), de->d_name, 0) < 0 && errno != ENOENT && ret == 0)
                        ret = -errno;
        }
        closedir(d);
        return ret;
}

int hull_rm_rf_at(int dfd, const char *path) {
        int fd = openat(dfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
                if (errno == ENOENT)
                        return 0;
                if (errno == ENOTDIR || errno == ELOOP)
                        return unlinkat(dfd, path, 0) < 0 && errno != ENOENT ? -errno : 0;
                return -errno;
        }
        struct stat st;
        if (fstat(fd, &st) < 0) {
                close(fd);
                return -errno;
        }
        int r = rm_rf_children(fd, st.st_dev);
        if (unlinkat(dfd, path, AT_REMOVEDIR) < 0 && errno != ENOENT && r == 0)
                r = -errno;
        return r;
}

int hull_open_in_root(int rootfd, const char *path, int flags, mode_t mode) {
        struct open_how how = {
                .flags = (unsigned long long) (flags | O_CLOEXEC),
                .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
        };
        while (*path == '/')
                path++;
        if (!*path)
                path = ".";
        int fd;
        do
                fd = (int) syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
        while (fd < 0 && errno == EAGAIN);
        return fd < 0 ? -errno : fd;
}

int hull_mkpath_in_root(int rootfd, const char *path, mode_t mode, bool last_is_file) {
        /* Most paths exist (mount points in the image, files of /proc): one
         * resolution of the whole path gives what the walk below would. */
        int whole = hull_open_in_root(rootfd, path, O_PATH, 0);
        if (whole >= 0)
                return whole;
        _cleanup_free_ char *buf = strdup(path);
        if (!buf)
                return -ENOMEM;
        _cleanup_close_ int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
        if (cur < 0)
                return -errno;
        char *p = buf;
        while (*p == '/')
                p++;
        if (!*p)
                return TAKE_FD(cur);
        for (;;) {
                char *slash = strchr(p, '/');
                bool last;
                if (slash) {
                        *slash = 0;
                        char *q = slash + 1;
                        while (*q == '/')
                                q++;
                        last = (*q == 0);
                } else
                        last = true;
                const char *comp = p;
                /* Resolve the prefix so far (buf, NUL-terminated at the current
                 * component) inside the root: the same result as a walk. */
                int fd = hull_open_in_root(rootfd, buf, O_PATH, 0);
                if (fd == -ENOENT) {
                        if (strcmp(comp, "..") == 0 || strcmp(comp, ".") == 0)
                                return -EINVAL;
                        if (last && last_is_file) {
                                int f = openat(cur, comp, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
                                if (f < 0 && errno != EEXIST)
                                        return -errno;
                                if (f >= 0)
                                        close(f);
                        } else if (sys_mkdirat(cur, comp, mode) < 0 && errno != EEXIST)
                                return -errno;
                        fd = openat(cur, comp, O_PATH | O_NOFOLLOW | O_CLOEXEC | ((last && last_is_file) ? 0 : O_DIRECTORY));
                        if (fd < 0)
                                return errno == ELOOP ? -ELOOP : -errno;
                } else if (fd < 0)
                        return fd;
                if (!last) {
                        struct stat st;
                        if (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)) {
                                close(fd);
                                return -ENOTDIR;
                        }
                }
                close(cur);
                cur = fd;
                if (last)
                        return TAKE_FD(cur);
                *slash = '/';
                p = slash + 1;
                while (*p == '/')
                        p++;
        }
}

const char *hull_fd_path(int fd, char *buf, size_t size) {
        snprintf(buf, size, "/proc/self/fd/%d", fd);
        return buf;
}

int hull_cloexec_from(int from) {
        if (syscall(SYS_close_range, (unsigned) from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
                return 0;
        DIR *d = opendir("/proc/self/fd");
        if (!d)
                return -errno;
        struct dirent *de;
        while ((de = readdir(d))) {
                int fd = atoi(de->d_name);
                if (de->d_name[0] == '.' || fd < from || fd == dirfd(d))
                        continue;
                int fl = fcntl(fd, F_GETFD);
                if (fl >= 0)
                        (void) fcntl(fd, F_SETFD, fl | FD_CLOEXEC);
        }
        closedir(d);
        return 0;
}

bool hull_path_is_abs_clean(const char *p) {
        return p && p[0] == '/';
}

static int cmp_int(const void *a, const void *b) {
        int x = *(const int *) a, y = *(const int *) b;
        return (x > y) - (x < y);
}

int hull_close_fds_except(int from, const int *keep, size_t n) {
        int sorted[64];
        size_t k = 0;
        for (size_t i = 0; i < n && k < 64; i++)
                if (keep[i] >= from)
                        sorted[k++] = keep[i];
        qsort(sorted, k, sizeof(int), cmp_int);
        unsigned lo = (unsigned) from;
        for (size_t i = 0; i <= k; i++) {
                unsigned hi = i < k ? (unsigned) sorted[i] : ~0U;
                if (i < k && (unsigned) sorted[i] < lo)
                        continue; /* duplicate */
                if (hi > lo && syscall(SYS_close_range, lo, i < k ? hi - 1 : hi, 0) < 0)
                        return -errno;
                if (i < k)
                        lo = hi + 1;
        }
        return 0;
}

int hull_open_procfs(int rootfd, const char *proc, const char *rel, int flags) {
        struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                                .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS };
        while (*proc == '/')
                proc++;
        _cleanup_close_ int dir = (int) syscall(SYS_openat2, rootfd, *proc ? proc : ".", &how, sizeof(how));
        if (dir < 0)
                return -errno;
        struct statfs sf;
        if (fstatfs(dir, &sf) < 0)
                return -errno;
        if ((unsigned long) sf.f_type != PROC_SUPER_MAGIC)
                return -EXDEV;
        struct open_how h2 = { .flags = (unsigned long long) (flags | O_CLOEXEC | O_NOCTTY),
                               .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_XDEV | RESOLVE_NO_MAGICLINKS };
        int fd = (int) syscall(SYS_openat2, dir, rel, &h2, sizeof(h2));
        return fd < 0 ? -errno : fd;
}

int hull_copy_data_size(int in, int out, off_t size) {
        off_t done = 0;
        /* size known (size >= 0): stop there, one copy_file_range for most files */
        while (size < 0 || done < size) {
                size_t want = size < 0 || size - done > (1 << 30) ? (size_t) 1 << 30 : (size_t) (size - done);
                ssize_t n = copy_file_range(in, NULL, out, NULL, want, 0);
                if (n == 0)
                        return 0;
                if (n > 0) {
                        done += n;
                        continue;
                }
                if (errno == EINTR)
                        continue;
                if (errno != EXDEV && errno != ENOSYS && errno != EOPNOTSUPP && errno != EINVAL)
                        return -errno;
                break;
        }
        if (size >= 0 && done >= size)
                return 0;
        /* fall back to read/write from where copy_file_range stopped */
        char buf[65536];
        for (;;) {
                size_t want = sizeof(buf);
                if (size >= 0 && (off_t) want > size - done)
                        want = (size_t) (size - done);
                if (want == 0)
                        return 0;
                ssize_t n = read(in, buf, want);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        return 0;
                for (ssize_t w0 = 0; w0 < n;) {
                        ssize_t w = write(out, buf + w0, (size_t) (n - w0));
                        if (w < 0) {
                                if (errno == EINTR)
                                        continue;
                                return -errno;
                        }
                        w0 += w;
                }
                done += n;
        }
}

int hull_copy_data(int in, int out) {
        return hull_copy_data_size(in, out, -1);
}

int hull_path_normalize(const char *path, bool absolute, char **ret) {
        size_t len = strlen(path);
        _cleanup_free_ char *out = malloc(len + 2);
        if (!out)
                return -ENOMEM;
        size_t n = 0;
        for (const char *p = path; *p;) {
                while (*p == '/')
                        p++;
                size_t c = strcspn(p, "/");
                if (c == 0 || (c == 1 && p[0] == '.')) {
                        p += c;
                        continue;
                }
                if (c == 2 && p[0] == '.' && p[1] == '.') {
                        if (n == 0 && !absolute)
                                return -EPERM;
                        while (n > 0 && out[n - 1] != '/')
                                n--;
                        if (n > 0)
                                n--;
                } else {
                        if (n > 0 || absolute)
                                out[n++] = '/';
                        memcpy(out + n, p, c);
                        n += c;
                }
                p += c;
        }
        if (n == 0 && absolute)
                out[n++] = '/';
        out[n] = 0;
        *ret = TAKE_PTR(out);
        return 0;
}
