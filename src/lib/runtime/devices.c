/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /dev inside the container: the default nodes and links every Linux program
 * expects, linux.devices, and /dev/console for a terminal.  Runs before
 * pivot_root, except hull_rootfs_open_console. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "mounts.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/sys.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static const struct {
        const char *path;
        unsigned major, minor;
} default_devices[] = {
        { "/dev/null", 1, 3 },    { "/dev/zero", 1, 5 },    { "/dev/full", 1, 7 },
        { "/dev/random", 1, 8 },  { "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },
};

static const struct {
        const char *target, *path;
} default_links[] = {
        { "/proc/self/fd", "/dev/fd" },     { "/proc/self/fd/0", "/dev/stdin" },
        { "/proc/self/fd/1", "/dev/stdout" }, { "/proc/self/fd/2", "/dev/stderr" },
        { "pts/ptmx", "/dev/ptmx" },
};

/* Splits "/dev/x/y" into an fd of the (created) parent inside the rootfs and
 * the last component. */
static int open_parent(hull_rootfs *r, const char *path, char **ret_name) {
        _cleanup_free_ char *dup = strdup(path);
        if (!dup)
                return -ENOMEM;
        char *slash = strrchr(dup, '/');
        if (!slash || !slash[1])
                return -EINVAL;
        *ret_name = strdup(slash + 1);
        if (!*ret_name)
                return -ENOMEM;
        *slash = 0;
        int fd = hull_mkpath_in_root(r->rootfd, *dup ? dup : "/", 0755, false);
        if (fd < 0) {
                free(*ret_name);
                *ret_name = NULL;
        }
        return fd;
}

int hull_device_make(hull_rootfs *r, const char *path, char type, unsigned maj, unsigned min, mode_t mode, uid_t uid,
                     gid_t gid, hull_error **err) {
        _cleanup_free_ char *name = NULL;
        int pfd = open_parent(r, path, &name);
        if (pfd < 0)
                return hull_error_set(err, -pfd, "create device %s", path);
        _cleanup_close_ int parent = pfd;
        if (strcmp(name, "..") == 0 || strcmp(name, ".") == 0)
                return hull_error_set_raw(err, EINVAL, "device path %s is not a file name", path);
        /* The parent is an O_PATH fd: operate through a real directory fd. */
        _cleanup_close_ int dir = openat(parent, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dir < 0)
                return hull_error_set(err, errno, "open parent of %s", path);
        mode_t fmt = type == 'b' ? S_IFBLK : type == 'p' ? S_IFIFO : S_IFCHR;
        if (!r->userns || type == 'p') {
                if (sys_mknodat(dir, name, fmt | (mode & 07777), type == 'p' ? 0 : makedev(maj, min)) < 0) {
                        if (errno != EEXIST)
                                return hull_error_set(err, errno, "mknod %s", path);
                        struct stat st;
                        if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || (st.st_mode & S_IFMT) != fmt ||
                            (type != 'p' && st.st_rdev != makedev(maj, min)))
                                return hull_error_set_raw(err, EEXIST, "create device %s: a different file exists there",
                                                          path);
                }
                if (fchmodat(dir, name, mode & 07777, 0) < 0 && errno != EPERM)
                        return hull_error_set(err, errno, "chmod %s", path);
                if (fchownat(dir, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
                        return hull_error_set(err, errno, "chown %s", path);
                return 0;
        }
        /* In a user namespace mknod is not allowed: bind the host's node onto an
         * empty file instead. */
        char host[64];
        snprintf(host, sizeof(host), "/dev/%s", name);
        int hfd = open(path, O_PATH | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (hfd < 0 || fstat(hfd, &st) < 0 || (st.st_mode & S_IFMT) != fmt || st.st_rdev != makedev(maj, min)) {
                if (hfd >= 0)
                        close(hfd);
                return hull_error_set_raw(err, EPERM, "create device %s: mknod is not allowed in a user namespace and the host has no such node at %s",
                                          path, path);
        }
        _cleanup_close_ int src = hfd;
        int f = openat(dir, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (f < 0 && errno != EEXIST)
                return hull_error_set(err, errno, "create %s", path);
        if (f >= 0)
                close(f);
        _cleanup_close_ int target = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (target < 0)
                return hull_error_set(err, errno, "open %s", path);
        int r2 = hull_mount_at(r->rootfd, path, target, hull_fd_path(src, host, sizeof(host)), NULL, MS_BIND, NULL, NULL);
        if (r2 < 0)
                return hull_error_set(err, -r2, "bind %s", path);
        return 0;
}

int hull_devices_create_default(hull_rootfs *r, hull_error **err) {
        _cleanup_close_ int dev = hull_mkpath_in_root(r->rootfd, "/dev", 0755, false);
        if (dev < 0)
                return hull_error_set(err, -dev, "open /dev in the rootfs");
        _cleanup_close_ int devdir = openat(dev, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (devdir < 0)
                return hull_error_set(err, errno, "open /dev in the rootfs");
        /* A node that root makes new in /dev usually has the mode and owner
         * wanted already (the container process has umask 0): then one stat
         * instead of chmod and chown.  Anything else (it exists, a default
         * ACL, a user namespace) takes the general way. */
        bool fresh = !r->userns;
        for (size_t i = 0; i < ELEMENTSOF(default_devices); i++) {
                /* linux.devices may redefine a default one: it wins. */
                bool overridden = false;
                for (size_t k = 0; k < r->spec->n_devices; k++)
                        overridden |= strcmp(r->spec->devices[k].path, default_devices[i].path) == 0;
                if (overridden)
                        continue;
                const char *name = default_devices[i].path + 5;
                struct stat st;
                if (fresh) {
                        if (sys_mknodat(devdir, name, S_IFCHR | 0666,
                                        makedev(default_devices[i].major, default_devices[i].minor)) == 0) {
                                if (fstatat(devdir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && (st.st_mode & 07777) == 0666 &&
                                    st.st_uid == 0 && st.st_gid == 0)
                                        continue;
                        } else if (errno != EEXIST)
                                return hull_error_set(err, errno, "mknod %s", default_devices[i].path);
                }
                int ret = hull_device_make(r, default_devices[i].path, 'c', default_devices[i].major,
                                           default_devices[i].minor, 0666, 0, 0, err);
                if (ret < 0)
                        return ret;
        }
        for (size_t i = 0; i < ELEMENTSOF(default_links); i++) {
                const char *name = default_links[i].path + 5;
                if (sys_symlinkat(default_links[i].target, devdir, name) < 0 && errno != EEXIST)
                        return hull_error_set(err, errno, "symlink %s", default_links[i].path);
        }
        /* /dev/shm and /dev/pts exist even when no mount provides them. */
        (void) mkdirat(devdir, "shm", 01777);
        (void) mkdirat(devdir, "pts", 0755);
        return 0;
}

int hull_devices_create_config(hull_rootfs *r, hull_error **err) {
        for (size_t i = 0; i < r->spec->n_devices; i++) {
                const hull_spec_device *d = &r->spec->devices[i];
                char t = d->type == 'u' ? 'c' : d->type;
                int ret = hull_device_make(r, d->path, t, (unsigned) d->major, (unsigned) d->minor,
                                           d->has_file_mode ? d->file_mode : 0666, d->has_uid ? d->uid : 0,
                                           d->has_gid ? d->gid : 0, err);
                if (ret < 0)
                        return hull_error_prefix(err, "linux.devices[%zu]", i);
        }
        return 0;
}

int hull_rootfs_open_console(int rootfd, const hull_spec_process *p, bool bind_console, int *ret_master,
                             int *ret_slave, hull_error **err) {
        int master = hull_open_in_root(rootfd, "/dev/pts/ptmx", O_RDWR | O_NOCTTY, 0);
        if (master < 0)
                master = hull_open_in_root(rootfd, "/dev/ptmx", O_RDWR | O_NOCTTY, 0);
        if (master < 0)
                return hull_error_set(err, -master, "process.terminal: open /dev/ptmx in the container");
        _cleanup_close_ int m = master;
        int unlock = 0;
        if (ioctl(m, TIOCSPTLCK, &unlock) < 0)
                return hull_error_set(err, errno, "process.terminal: unlock pty");
        int slave = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
        if (slave < 0)
                return hull_error_set(err, errno, "process.terminal: open the pty's peer");
        _cleanup_close_ int s = slave;
        if (p->has_console_size) {
                struct winsize ws = { .ws_row = (unsigned short) p->console_height,
                                      .ws_col = (unsigned short) p->console_width };
                (void) ioctl(m, TIOCSWINSZ, &ws);
        }
        /* /dev/console is the terminal, as on a real system. */
        int cfd = bind_console ? hull_mkpath_in_root(rootfd, "/dev/console", 0755, true) : -EROFS;
        if (cfd >= 0) {
                _cleanup_close_ int console = cfd;
                char src[HULL_FD_PATH_MAX];
                int r2 = hull_mount_at(rootfd, "/dev/console", console, hull_fd_path(s, src, sizeof(src)), NULL, MS_BIND,
                                       NULL, NULL);
                if (r2 < 0)
                        return hull_error_set(err, -r2, "bind the terminal on /dev/console");
        } else if (cfd != -EROFS)
                return hull_error_set(err, -cfd, "create /dev/console");
        *ret_master = TAKE_FD(m);
        *ret_slave = TAKE_FD(s);
        return 0;
}
