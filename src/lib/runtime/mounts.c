/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The root file system: config mounts, pivot_root, masks.  Every mount target
 * is resolved inside the rootfs with openat2(RESOLVE_IN_ROOT) (or created by an
 * O_NOFOLLOW walk) and mounted through /proc/self/fd/N, so that a symlink in
 * the rootfs can never redirect a mount to the host (CVE-2021-30465). */
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

void hull_rootfs_init(hull_rootfs *r) {
        memset(r, 0, sizeof(*r));
        r->rootfd = -1;
        r->devnull_fd = -1;
        r->sysfs_fd = -1;
}

void hull_rootfs_done(hull_rootfs *r) {
        if (r->sysfs_fd >= 0)
                close(TAKE_FD(r->sysfs_fd));
        if (r->rootfd >= 0)
                close(r->rootfd);
        if (r->devnull_fd >= 0)
                close(r->devnull_fd);
        r->rootfd = r->devnull_fd = -1;
}

void hull_mount_opts_done(hull_mount_opts *o) {
        free(o->data);
        o->data = NULL;
}

int hull_mount_opts_parse(char *const *options, hull_mount_opts *o) {
        memset(o, 0, sizeof(*o));
        for (size_t i = 0; options && options[i]; i++) {
                const char *opt = options[i];
                const hull_mount_flag *f = hull_mount_flag_lookup(opt);
                if (!f) {
                        /* File system specific: mode=755, size=..., newinstance, ... */
                        size_t old = o->data ? strlen(o->data) : 0;
                        char *n = realloc(o->data, old + strlen(opt) + 2);
                        if (!n)
                                return -ENOMEM;
                        if (old)
                                n[old++] = ',';
                        strcpy(n + old, opt);
                        o->data = n;
                        continue;
                }
                switch (f->kind) {
                case 0:
                        if (f->clear) {
                                o->flags &= ~f->flag;
                                o->clear |= f->flag;
                        } else {
                                o->flags |= f->flag;
                                o->clear &= ~f->flag;
                        }
                        break;
                case 1:
                        if (o->n_propagation < ELEMENTSOF(o->propagation))
                                o->propagation[o->n_propagation++] = f->flag;
                        break;
                case 2:
                        if (f->clear)
                                o->attr_clr |= f->flag;
                        else
                                o->attr_set |= f->flag;
                        break;
                default:
                        if (strcmp(opt, "tmpcopyup") == 0)
                                o->tmpcopyup = true;
                        else if (strcmp(opt, "idmap") == 0)
                                o->idmap = true;
                        else if (strcmp(opt, "ridmap") == 0)
                                o->ridmap = true;
                        break;
                }
        }
        return 0;
}

/* After a mount on dest: *ret_fd (unless NULL) gets the new mount.  The fd
 * of the target still names the directory under it: reopen by path. */
static int open_new_mount(int rootfd, const char *dest, int *ret_fd) {
        if (!ret_fd)
                return 0;
        int fd = hull_open_in_root(rootfd, dest, O_PATH, 0);
        if (fd < 0)
                return fd;
        *ret_fd = fd;
        return 0;
}

/* Whether mount(2) resolves source as a path, against the working
 * directory when it is relative: a bind or a move, or a file system that
 * is not one of those that take any name. */
static bool source_is_relative_path(const char *source, const char *type, unsigned long flags) {
        if (!source || source[0] == '/')
                return false;
        if (flags & (MS_BIND | MS_MOVE))
                return true;
        static const char *const named[] = { "tmpfs", "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2" };
        for (size_t i = 0; type && i < ELEMENTSOF(named); i++)
                if (strcmp(type, named[i]) == 0)
                        return false;
        return true;
}

/* mount(2) on the file or directory that fd names.  A directory becomes the
 * working directory and the target is ".": /proc/self/fd/N would be looked
 * up through procfs, cold in every new process (create+start took 0.25 ms
 * less with this, 2026-11-30; bench/scale/README.md).  The
 * working directory stays there: while the rootfs is made nothing resolves
 * a relative path against it (sources are absolute; the cgroup hierarchies
 * change to their directory themselves), the container process changes
 * back before its createContainer hooks, and pivot_root to the rootfs. */
static int mount_on_fd(const char *source, int fd, const char *type, unsigned long flags, const char *data) {
        if (!source_is_relative_path(source, type, flags) && fchdir(fd) == 0)
                return sys_mount(source, ".", type, flags, data) < 0 ? -errno : 0;
        char tp[HULL_FD_PATH_MAX];
        hull_fd_path(fd, tp, sizeof(tp));
        return sys_mount(source, tp, type, flags, data) < 0 ? -errno : 0;
}

int hull_mount_at(int rootfd, const char *dest, int target_fd, const char *source, const char *type,
                  unsigned long flags, const char *data, int *ret_fd) {
        int r = mount_on_fd(source, target_fd, type, flags, data);
        if (r < 0)
                return r;
        return open_new_mount(rootfd, dest, ret_fd);
}

/* The flags a remount must keep: in a user namespace the kernel locks
 * nosuid, nodev, noexec, ro and the atime flags of a bind mount's source. */
static unsigned long locked_flags(int fd) {
        struct statvfs sv;
        if (fstatvfs(fd, &sv) < 0)
                return 0;
        unsigned long f = 0;
        if (sv.f_flag & ST_NOSUID)
                f |= MS_NOSUID;
        if (sv.f_flag & ST_NODEV)
                f |= MS_NODEV;
        if (sv.f_flag & ST_NOEXEC)
                f |= MS_NOEXEC;
        if (sv.f_flag & ST_RDONLY)
                f |= MS_RDONLY;
        if (sv.f_flag & ST_NOATIME)
                f |= MS_NOATIME;
        if (sv.f_flag & ST_NODIRATIME)
                f |= MS_NODIRATIME;
        if (sv.f_flag & ST_RELATIME)
                f |= MS_RELATIME;
        return f;
}

/* Remounts a bind mount with new per-mount flags. */
static int remount_bind(int fd, unsigned long flags, unsigned long clear) {
        unsigned long f = MS_BIND | MS_REMOUNT | (flags & (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
                                                           MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW));
        int r = mount_on_fd(NULL, fd, NULL, f, NULL);
        if (r != -EPERM)
                return r;
        /* Keep what the kernel locked, unless the config asked to clear it
         * (which then fails, as it must). */
        f |= locked_flags(fd) & ~clear;
        return mount_on_fd(NULL, fd, NULL, f, NULL);
}

int hull_mount_make_idmapped_tree(const char *source, bool recursive, int userns, int *ret_tree) {
        _cleanup_close_ int tree = sys_open_tree(AT_FDCWD, source,
                                                 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | (recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return -errno;
        struct hull_mount_attr a = { MOUNT_ATTR_IDMAP, 0, 0, (unsigned long long) userns };
        if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0), &a, sizeof(a)) < 0)
                return -errno;
        *ret_tree = TAKE_FD(tree);
        return 0;
}

/* A bind mount of what the fd src names on what the fd target names, with
 * no path looked up: a clone of src's mount (open_tree, AT_RECURSIVE with
 * recursive) attached by move_mount.  mount(2) would need both as
 * /proc/self/fd paths, looked up through procfs.  *ret_fd (unless NULL):
 * the new mount.  0 or -errno (the caller then tries mount(2)). */
static int bind_fds(int src, int target, bool recursive, int *ret_fd) {
        int tree = sys_open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
                                                  (recursive ? AT_RECURSIVE : 0));
        if (tree < 0)
                return -errno;
        if (sys_move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
                int e = errno;
                close(tree);
                return -e;
        }
        if (ret_fd)
                *ret_fd = tree;
        else
                close(tree);
        return 0;
}

/* Attaches a detached tree on the target fd; *ret_fd: the new mount, reopened. */
static int attach_tree(int rootfd, const char *dest, int target, int tree, int *ret_fd) {
        if (syscall(SYS_move_mount, tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        int fd = hull_open_in_root(rootfd, dest, O_PATH | O_NOFOLLOW, 0);
        if (fd < 0)
                return fd;
        *ret_fd = fd;
        return 0;
}

static int set_propagation(int fd, const hull_mount_opts *o) {
        for (size_t i = 0; i < o->n_propagation; i++) {
                int r = mount_on_fd(NULL, fd, NULL, o->propagation[i], NULL);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int set_recursive_attrs(int fd, const hull_mount_opts *o) {
        if (!o->attr_set && !o->attr_clr)
                return 0;
        struct hull_mount_attr a = { o->attr_set, o->attr_clr, 0, 0 };
        /* The atime settings are one field: clearing it is needed to set one. */
        if (a.attr_set & MOUNT_ATTR__ATIME)
                a.attr_clr |= MOUNT_ATTR__ATIME;
        if (syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &a, sizeof(a)) < 0)
                return -errno;
        return 0;
}

int hull_rootfs_prepare(hull_rootfs *r, hull_error **err) {
        const char *prop = r->spec->rootfs_propagation;
        unsigned long pflags = MS_SLAVE | MS_REC;
        if (prop) {
                const hull_mount_flag *f = hull_mount_flag_lookup(prop);
                /* An unbindable root cannot be bound onto itself: that part
                 * is set after pivot_root (hull_rootfs_finalize). */
                if (f && f->kind == 1 && !(f->flag & MS_UNBINDABLE))
                        pflags = f->flag | MS_REC;
        }
        if (sys_mount(NULL, "/", NULL, pflags, NULL) < 0)
                return hull_error_set(err, errno, "set propagation of / to %s", prop ? prop : "rslave");
        r->root_shared = pflags & MS_SHARED;
        if (pflags & MS_SHARED) {
                /* pivot_root needs the mount that holds the rootfs to be private;
                 * with a shared root, make just that mount private. */
                _cleanup_free_ char *mi = NULL;
                if (hull_read_file_at(AT_FDCWD, "/proc/self/mountinfo", 0, &mi, NULL) == 0) {
                        char best[4096] = "/";
                        size_t blen = 1;
                        for (char *line = strtok(mi, "\n"); line; line = strtok(NULL, "\n")) {
                                char mp[4096];
                                if (sscanf(line, "%*s %*s %*s %*s %4095s", mp) != 1)
                                        continue;
                                size_t n = strlen(mp);
                                if (n > blen && strncmp(r->rootfs, mp, n) == 0 &&
                                    (r->rootfs[n] == '/' || r->rootfs[n] == 0) && strcmp(mp, r->rootfs) != 0) {
                                        snprintf(best, sizeof(best), "%s", mp);
                                        blen = n;
                                }
                        }
                        (void) sys_mount(NULL, best, NULL, MS_PRIVATE, NULL);
                }
        }
        if (sys_mount(r->rootfs, r->rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
                return hull_error_set(err, errno, "bind mount rootfs %s", r->rootfs);
        r->rootfd = open(r->rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r->rootfd < 0)
                return hull_error_set(err, errno, "open rootfs %s", r->rootfs);
        int null = open("/dev/null", O_PATH | O_CLOEXEC);
        struct stat st;
        if (null >= 0 && fstat(null, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == 1 &&
            minor(st.st_rdev) == 3)
                r->devnull_fd = null;
        else if (null >= 0)
                close(null);
        return 0;
}

/* Copies the tree at src into dst (tmpcopyup): files, dirs, symlinks, with
 * their modes and owners. */
static int copy_tree(int src, int dst) {
        int sfd = openat(src, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (sfd < 0)
                return -errno;
        DIR *d = fdopendir(sfd);
        if (!d) {
                close(sfd);
                return -errno;
        }
        int ret = 0;
        struct dirent *de;
        while ((de = readdir(d)) && ret == 0) {
                if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
                        continue;
                struct stat st;
                if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
                        ret = -errno;
                        break;
                }
                if (S_ISDIR(st.st_mode)) {
                        if (mkdirat(dst, de->d_name, st.st_mode & 07777) < 0 && errno != EEXIST) {
                                ret = -errno;
                                break;
                        }
                        _cleanup_close_ int s2 = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        _cleanup_close_ int d2 = openat(dst, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
                        if (s2 < 0 || d2 < 0) {
                                ret = -errno;
                                break;
                        }
                        ret = copy_tree(s2, d2);
                } else if (S_ISLNK(st.st_mode)) {
                        char target[4096];
                        ssize_t n = readlinkat(dirfd(d), de->d_name, target, sizeof(target) - 1);
                        if (n < 0) {
                                ret = -errno;
                                break;
                        }
                        target[n] = 0;
                        if (symlinkat(target, dst, de->d_name) < 0)
                                ret = -errno;
                } else if (S_ISREG(st.st_mode)) {
                        _cleanup_close_ int in = openat(dirfd(d), de->d_name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
                        _cleanup_close_ int out = openat(dst, de->d_name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                                         st.st_mode & 07777);
                        if (in < 0 || out < 0) {
                                ret = -errno;
                                break;
                        }
                        char buf[65536];
                        ssize_t n;
                        while ((n = read(in, buf, sizeof(buf))) > 0)
                                if (write(out, buf, (size_t) n) != n) {
                                        ret = -EIO;
                                        break;
                                }
                        if (n < 0)
                                ret = -errno;
                } else if (mknodat(dst, de->d_name, st.st_mode, st.st_rdev) < 0)
                        ret = -errno;
                if (ret == 0)
                        if (fchownat(dst, de->d_name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW) < 0 && errno != EPERM)
                                ret = -errno;
        }
        closedir(d);
        return ret;
}

static bool is_v1_named(const char *controllers) {
        return hull_startswith(controllers, "name=");
}

/* mount_cgroup's hierarchies, in the new tmpfs topdir (the working directory
 * too, in a cgroup namespace). */
static int mount_hierarchies(hull_rootfs *r, const hull_spec_mount *m, const hull_mount_opts *o, unsigned long flags,
                             int topdir, hull_error **err) {
        const hull_cgroup *cg = r->cg;
        for (size_t i = 0; i < cg->n; i++) {
                const hull_cgroup_hier *h = &cg->h[i];
                const char *name = h->v2 ? "unified" : h->controllers;
                if (!h->v2 && is_v1_named(name))
                        name += 5;
                if (!*name || strchr(name, '/'))
                        continue;
                bool made = mkdirat(topdir, name, 0755) == 0;
                if (!made && errno != EEXIST)
                        return hull_error_set(err, errno, "create %s/%s", m->destination, name);
                const char *fstype = h->v2 ? "cgroup2" : "cgroup", *data = h->v2 ? NULL : h->controllers;
                int r2;
                if (r->cgroupns && made)
                        r2 = sys_mount("cgroup", name, fstype, flags, data) < 0 ? -errno : 0;
                else {
                        /* Not made just now (a co-mounted controller's link may
                         * have the name): through an fd, never a symlink. */
                        _cleanup_close_ int sub = openat(topdir, name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC);
                        _cleanup_free_ char *dest = hull_strdup_printf("%s/%s", m->destination, name);
                        if (sub < 0 || !dest)
                                r2 = sub < 0 ? -errno : -ENOMEM;
                        else if (r->cgroupns) {
                                r2 = hull_mount_at(r->rootfd, dest, sub, "cgroup", fstype, flags, data, NULL);
                                if (r2 == 0 && fchdir(topdir) < 0) /* hull_mount_at left it in sub */
                                        r2 = -errno;
                        } else {
                                int nfd = -1;
                                r2 = hull_mount_at(r->rootfd, dest, sub, h->dir, NULL, MS_BIND | MS_REC, NULL, &nfd);
                                if (r2 == 0) {
                                        r2 = remount_bind(nfd, flags, o->clear);
                                        close(nfd);
                                }
                        }
                }
                if (r2 < 0)
                        return hull_error_set(err, -r2, "mount cgroup %s on %s/%s", h->controllers, m->destination, name);
                /* Co-mounted controllers ("cpu,cpuacct") get a link per name. */
                if (!h->v2 && strchr(name, ',')) {
                        _cleanup_free_ char *dup = strdup(name);
                        char *save = NULL;
                        for (char *t = dup ? strtok_r(dup, ",", &save) : NULL; t; t = strtok_r(NULL, ",", &save))
                                if (symlinkat(name, topdir, t) < 0 && errno != EEXIST)
                                        return hull_error_set(err, errno, "link %s/%s", m->destination, t);
                }
        }
        return 0;
}

/* A "cgroup" mount: cgroup2 on a v2 host; on v1 and hybrid hosts a tmpfs
 * with one directory per hierarchy, as runc does. */
static int mount_cgroup(hull_rootfs *r, const hull_spec_mount *m, const hull_mount_opts *o, int target_fd,
                        hull_error **err) {
        unsigned long flags = o->flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
        hull_cgroup *cg = r->cg;
        int r2;
        if (!cg || cg->mode == HULL_CGROUP_NONE)
                return hull_error_set_raw(err, ENOENT, "mount cgroup on %s: the host has no cgroup file system",
                                          m->destination);
        if (cg->mode == HULL_CGROUP_V2) {
                if (r->cgroupns)
                        r2 = hull_mount_at(r->rootfd, m->destination, target_fd, "cgroup2", "cgroup2", flags, NULL, NULL);
                else {
                        const char *src = cg->n > 0 ? cg->h[0].dir : "/sys/fs/cgroup";
                        int nfd = -1;
                        r2 = hull_mount_at(r->rootfd, m->destination, target_fd, src, NULL, MS_BIND | MS_REC, NULL, &nfd);
                        if (r2 == 0) {
                                r2 = remount_bind(nfd, flags, o->clear);
                                close(nfd);
                        }
                }
                if (r2 < 0)
                        return hull_error_set(err, -r2, "mount cgroup2 on %s", m->destination);
                return 0;
        }
        int tfd = -1;
        r2 = hull_mount_at(r->rootfd, m->destination, target_fd, "tmpfs", "tmpfs", flags & ~MS_RDONLY, "mode=755", &tfd);
        if (r2 < 0)
                return hull_error_set(err, -r2, "mount tmpfs for cgroups on %s", m->destination);
        _cleanup_close_ int top = tfd;
        _cleanup_close_ int topdir = openat(top, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (topdir < 0)
                return hull_error_set(err, errno, "open %s", m->destination);
        /* In a cgroup namespace, each hierarchy is mounted by a name relative
         * to the new tmpfs (the working directory meanwhile, left there as
         * by mount_on_fd): nobody else can reach it, so no fd per mount. */
        if (r->cgroupns && fchdir(topdir) < 0)
                return hull_error_set(err, errno, "chdir to %s", m->destination);
        r2 = mount_hierarchies(r, m, o, flags, topdir, err);
        if (r2 < 0)
                return r2;
        if (flags & MS_RDONLY) {
                r2 = remount_bind(top, flags | MS_RDONLY, o->clear);
                /* tmpfs is not a bind mount: remount it as itself. */
                if (r2 < 0 && (r2 = mount_on_fd(NULL, top, NULL, MS_REMOUNT | flags | MS_RDONLY, "mode=755")) < 0)
                        return hull_error_set(err, -r2, "remount %s read-only", m->destination);
        }
        return 0;
}

/* Attaches r->sysfs_fd (hull_netns_ahead) on target with the mount's flags,
 * as mount(2) would have mounted sysfs there.  -EAGAIN: it does not fit
 * these options (mount sysfs as usual); 0 or -errno. */
static int attach_sysfs(hull_rootfs *r, const char *dest, const char *source, int target, const hull_mount_opts *o,
                        int *ret_fd) {
        unsigned long flags = o->flags & ~(MS_BIND | MS_REC);
        /* Only per-mount flags: the superblock's were set when it was made. */
        const unsigned long per_mount = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME |
                                        MS_RELATIME | MS_STRICTATIME | MS_NOSYMFOLLOW | MS_SILENT;
        if ((flags & ~per_mount) || !!(flags & MS_RDONLY) != r->sysfs_ro || (o->data && *o->data) ||
            !r->sysfs_source || strcmp(source, r->sysfs_source) != 0)
                return -EAGAIN;
        struct hull_mount_attr a = { 0, 0, 0, 0 };
        static const struct {
                unsigned long ms;
                unsigned long long attr;
        } map[] = {
                { MS_RDONLY, MOUNT_ATTR_RDONLY },
                { MS_NOSUID, MOUNT_ATTR_NOSUID },
                { MS_NODEV, MOUNT_ATTR_NODEV },
                { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
                { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
                { MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW },
        };
        for (size_t i = 0; i < ELEMENTSOF(map); i++)
                if (flags & map[i].ms)
                        a.attr_set |= map[i].attr;
        /* The atime settings are one field; mount(2) defaults to relatime. */
        a.attr_clr |= MOUNT_ATTR__ATIME;
        a.attr_set |= (flags & MS_NOATIME) ? MOUNT_ATTR_NOATIME : (flags & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME : MOUNT_ATTR_RELATIME;
        _cleanup_close_ int mnt = TAKE_FD(r->sysfs_fd);
        if (sys_mount_setattr(mnt, "", AT_EMPTY_PATH, &a, sizeof(a)) < 0 ||
            sys_move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
                return -errno;
        return open_new_mount(r->rootfd, dest, ret_fd);
}

static int mount_one(hull_rootfs *r, const hull_spec_mount *m, size_t idx, hull_error **err) {
        hull_mount_opts o;
        if (hull_mount_opts_parse(m->options, &o) < 0)
                return hull_error_set(err, ENOMEM, "mounts[%zu]", idx);
        const char *type = m->type && *m->type ? m->type : NULL;
        bool bind = (o.flags & MS_BIND) || (type && strcmp(type, "bind") == 0);
        _cleanup_free_ char *source = NULL;
        int ret = 0, target = -1, newfd = -1;
        if (bind) {
                if (!m->source) {
                        ret = hull_error_set_raw(err, EINVAL, "mounts[%zu].source: a bind mount needs a source", idx);
                        goto out;
                }
                source = m->source[0] == '/' ? strdup(m->source) : hull_strdup_printf("%s/%s", r->bundle, m->source);
        } else
                source = strdup(m->source ? m->source : (type ? type : "none"));
        if (!source) {
                ret = hull_error_set(err, ENOMEM, "mounts[%zu]", idx);
                goto out;
        }
        if (strcmp(m->destination, "/dev") == 0 && bind)
                r->dev_is_bind = true;

        bool is_file = false;
        if (bind) {
                struct stat st;
                if (stat(source, &st) < 0) {
                        ret = hull_error_set(err, errno, "mounts[%zu]: bind source %s", idx, source);
                        goto out;
                }
                is_file = !S_ISDIR(st.st_mode);
        }
        /* proc and sysfs are never mounted through a symlink: a later mount
         * over its target would move what the runtime writes there (sysctl,
         * oom_score_adj) into another file (CVE-2019-19921, CVE-2023-27561). */
        bool kernel_fs = type && (strcmp(type, "proc") == 0 || strcmp(type, "sysfs") == 0);
        if (kernel_fs) {
                struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS };
                int fd = (int) syscall(SYS_openat2, r->rootfd, m->destination, &how, sizeof(how));
                if (fd < 0 && errno == ELOOP) {
                        ret = hull_error_set_raw(err, ELOOP, "mounts[%zu]: %s is (or goes through) a symlink in the rootfs; %s is never mounted through one",
                                                 idx, m->destination, type);
                        goto out;
                }
                if (fd >= 0) {
                        struct stat st;
                        bool dir = fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
                        close(fd);
                        if (!dir) {
                                ret = hull_error_set_raw(err, ENOTDIR, "mounts[%zu]: %s in the rootfs is not a directory",
                                                         idx, m->destination);
                                goto out;
                        }
                }
        }
        target = hull_mkpath_in_root(r->rootfd, m->destination, 0755, is_file);
        if (target < 0) {
                ret = hull_error_set(err, -target, "mounts[%zu]: create mount point %s in the rootfs", idx, m->destination);
                target = -1;
                goto out;
        }
        if (type && strcmp(type, "cgroup") == 0) {
                if (r->need_cgroups && (ret = r->need_cgroups(r->userdata, err)) < 0)
                        goto out;
                ret = mount_cgroup(r, m, &o, target, err);
                goto out;
        }
        unsigned long flags = o.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
        int r2;
        int tree = r->idmap_trees ? r->idmap_trees[idx] : -1;
        if (bind && tree >= 0) {
                r2 = attach_tree(r->rootfd, m->destination, target, tree, &newfd);
                if (r2 < 0) {
                        ret = hull_error_set(err, -r2, "mounts[%zu]: idmapped mount of %s on %s", idx, source, m->destination);
                        goto out;
                }
                if (flags & ~(MS_SILENT | MS_LAZYTIME | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_I_VERSION)) {
                        r2 = remount_bind(newfd, flags, o.clear);
                        if (r2 < 0) {
                                ret = hull_error_set(err, -r2, "remount %s with its options", m->destination);
                                goto out;
                        }
                }
        } else if (tree >= 0) {
                ret = hull_error_set_raw(err, EINVAL, "mounts[%zu]: an idmapped mount must be a bind mount", idx);
                goto out;
        } else if (bind) {
                r2 = hull_mount_at(r->rootfd, m->destination, target, source, NULL, MS_BIND | (o.flags & MS_REC), NULL,
                                   &newfd);
                if (r2 < 0) {
                        ret = hull_error_set(err, -r2, "mount %s on %s (bind)", source, m->destination);
                        goto out;
                }
                if (flags & ~(MS_SILENT | MS_LAZYTIME | MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_I_VERSION)) {
                        r2 = remount_bind(newfd, flags, o.clear);
                        if (r2 < 0) {
                                ret = hull_error_set(err, -r2, "remount %s with its options", m->destination);
                                goto out;
                        }
                }
        } else {
                /* The new mount's fd (a lookup more) only for what needs it. */
                bool need_fd = o.n_propagation || o.attr_set || o.attr_clr || o.tmpcopyup;
                bool sysfs = type && strcmp(type, "sysfs") == 0;
                if (sysfs && r->take_sysfs) {
                        if ((ret = r->take_sysfs(r->userdata, &r->sysfs_fd, err)) < 0)
                                goto out;
                        r->take_sysfs = NULL; /* the first sysfs mount only */
                }
                r2 = -EAGAIN;
                if (sysfs && r->sysfs_fd >= 0)
                        r2 = attach_sysfs(r, m->destination, source, target, &o, need_fd ? &newfd : NULL);
                if (r2 == -EAGAIN)
                        r2 = hull_mount_at(r->rootfd, m->destination, target, source, type, flags | (o.flags & MS_REMOUNT),
                                           o.data, need_fd ? &newfd : NULL);
                if (r2 == -EPERM && r->userns && type &&
                    (strcmp(type, "sysfs") == 0 || strcmp(type, "mqueue") == 0)) {
                        /* Without its own network (ipc) namespace a user namespace cannot
                         * mount sysfs (mqueue): bind the host's, as runc does for rootless. */
                        const char *host = strcmp(type, "sysfs") == 0 ? "/sys" : "/dev/mqueue";
                        r2 = hull_mount_at(r->rootfd, m->destination, target, host, NULL, MS_BIND | MS_REC, NULL, &newfd);
                        if (r2 == 0)
                                r2 = remount_bind(newfd, flags, o.clear);
                }
                if (r2 < 0) {
                        ret = hull_error_set(err, -r2, "mount %s on %s (type %s)", source, m->destination,
                                             type ? type : "none");
                        goto out;
                }
                if (o.tmpcopyup) {
                        _cleanup_close_ int under = openat(target, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        _cleanup_close_ int over = openat(newfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                        if (under < 0 || over < 0 || (r2 = copy_tree(under, over)) < 0) {
                                ret = hull_error_set(err, under < 0 || over < 0 ? errno : -r2, "tmpcopyup into %s",
                                                     m->destination);
                                goto out;
                        }
                }
        }
        if ((r2 = set_propagation(newfd, &o)) < 0) {
                ret = hull_error_set(err, -r2, "set propagation of %s", m->destination);
                goto out;
        }
        if ((r2 = set_recursive_attrs(newfd, &o)) < 0)
                ret = hull_error_set(err, -r2, "set recursive attributes of %s", m->destination);
out:
        if (target >= 0)
                close(target);
        if (newfd >= 0)
                close(newfd);
        hull_mount_opts_done(&o);
        return ret;
}

int hull_rootfs_mount_all(hull_rootfs *r, hull_error **err) {
        for (size_t i = 0; i < r->spec->n_mounts; i++) {
                int ret = mount_one(r, &r->spec->mounts[i], i, err);
                if (ret < 0)
                        return ret;
        }
        return 0;
}

int hull_rootfs_setup_dev(hull_rootfs *r, hull_error **err) {
        int ret = 0;
        if (!r->dev_is_bind)
                ret = hull_devices_create_default(r, err);
        if (ret == 0)
                ret = hull_devices_create_config(r, err);
        return ret;
}

int hull_rootfs_make_cwd(hull_rootfs *r, const char *cwd, hull_error **err) {
        if (!cwd || strcmp(cwd, "/") == 0)
                return 0;
        int fd = hull_open_in_root(r->rootfd, cwd, O_PATH, 0);
        if (fd == -ENOENT)
                fd = hull_mkpath_in_root(r->rootfd, cwd, 0755, false);
        if (fd < 0)
                return hull_error_set(err, -fd, "process.cwd: create %s", cwd);
        close(fd);
        return 0;
}

int hull_rootfs_pivot(hull_rootfs *r, bool no_pivot, hull_error **err) {
        if (fchdir(r->rootfd) < 0)
                return hull_error_set(err, errno, "chdir to rootfs");
        if (no_pivot) {
                if (sys_mount(".", "/", NULL, MS_MOVE, NULL) < 0)
                        return hull_error_set(err, errno, "move rootfs to /");
                if (chroot(".") < 0)
                        return hull_error_set(err, errno, "chroot");
        } else {
                _cleanup_close_ int oldroot = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
                if (oldroot < 0)
                        return hull_error_set(err, errno, "open old root");
                if (sys_pivot_root(".", ".") < 0)
                        return hull_error_set(err, errno, "pivot_root (--no-pivot avoids it where the host cannot)");
                /* The old root is now stacked under the new one: detach it, without
                 * letting the unmount propagate back to the host (prepare made its
                 * mounts slaves already, unless rootfsPropagation said shared). */
                if (fchdir(oldroot) < 0)
                        return hull_error_set(err, errno, "chdir to old root");
                if (r->root_shared && sys_mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
                        return hull_error_set(err, errno, "make old root a slave");
                if (sys_umount2(".", MNT_DETACH) < 0)
                        return hull_error_set(err, errno, "unmount old root");
        }
        if (chdir("/") < 0)
                return hull_error_set(err, errno, "chdir /");
        close(r->rootfd);
        r->rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (r->rootfd < 0)
                return hull_error_set(err, errno, "open new root");
        return 0;
}

static int mask_path(hull_rootfs *r, const char *path, hull_error **err) {
        int fd = hull_open_in_root(r->rootfd, path, O_PATH | O_NOFOLLOW, 0);
        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return hull_error_set(err, -fd, "linux.maskedPaths: open %s", path);
        _cleanup_close_ int target = fd;
        struct stat st;
        if (fstat(target, &st) < 0)
                return hull_error_set(err, errno, "linux.maskedPaths: stat %s", path);
        int r2;
        if (S_ISDIR(st.st_mode))
                r2 = hull_mount_at(r->rootfd, path, target, "tmpfs", "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC,
                                   "size=0,mode=0555", NULL);
        else {
                if (r->devnull_fd < 0)
                        return hull_error_set_raw(err, ENODEV, "linux.maskedPaths: the host has no /dev/null (char 1:3) to mask %s with",
                                                  path);
                r2 = bind_fds(r->devnull_fd, target, false, NULL);
                if (r2 < 0) {
                        char src[HULL_FD_PATH_MAX];
                        hull_fd_path(r->devnull_fd, src, sizeof(src));
                        r2 = hull_mount_at(r->rootfd, path, target, src, NULL, MS_BIND, NULL, NULL);
                }
        }
        if (r2 < 0)
                return hull_error_set(err, -r2, "linux.maskedPaths: mask %s", path);
        return 0;
}

static int readonly_path(hull_rootfs *r, const char *path, hull_error **err) {
        int fd = hull_open_in_root(r->rootfd, path, O_PATH | O_NOFOLLOW, 0);
        if (fd == -ENOENT)
                return 0;
        if (fd < 0)
                return hull_error_set(err, -fd, "linux.readonlyPaths: open %s", path);
        _cleanup_close_ int target = fd;
        int nfd = -1;
        int r2 = bind_fds(target, target, true, &nfd);
        if (r2 < 0) {
                char p[HULL_FD_PATH_MAX];
                hull_fd_path(target, p, sizeof(p));
                r2 = hull_mount_at(r->rootfd, path, target, p, NULL, MS_BIND | MS_REC, NULL, &nfd);
        }
        if (r2 == 0) {
                r2 = remount_bind(nfd, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0);
                close(nfd);
        }
        if (r2 < 0)
                return hull_error_set(err, -r2, "linux.readonlyPaths: make %s read-only", path);
        return 0;
}

int hull_rootfs_mask(hull_rootfs *r, hull_error **err) {
        int ret;
        for (size_t i = 0; r->spec->readonly_paths && r->spec->readonly_paths[i]; i++)
                if ((ret = readonly_path(r, r->spec->readonly_paths[i], err)) < 0)
                        return ret;
        for (size_t i = 0; r->spec->masked_paths && r->spec->masked_paths[i]; i++)
                if ((ret = mask_path(r, r->spec->masked_paths[i], err)) < 0)
                        return ret;
        return 0;
}

int hull_rootfs_finalize(hull_rootfs *r, hull_error **err) {
        if (r->spec->root_readonly) {
                unsigned long f = MS_BIND | MS_REMOUNT | MS_RDONLY;
                if (sys_mount(NULL, "/", NULL, f, NULL) < 0) {
                        if (errno != EPERM || sys_mount(NULL, "/", NULL, f | locked_flags(r->rootfd), NULL) < 0)
                                return hull_error_set(err, errno, "root.readonly: remount / read-only");
                }
        }
        if (r->spec->rootfs_propagation) {
                const hull_mount_flag *f = hull_mount_flag_lookup(r->spec->rootfs_propagation);
                if (f && f->kind == 1 && sys_mount(NULL, "/", NULL, f->flag, NULL) < 0)
                        return hull_error_set(err, errno, "linux.rootfsPropagation: set %s on /", r->spec->rootfs_propagation);
        }
        return 0;
}
