/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* System calls that can fail in interesting ways go through this one table
 * (SQLite's aSyscall[]), so that tests can make the Nth call of a kind fail
 * with a chosen errno and prove that every error path cleans up.
 *
 * Fault injection exists only in builds configured with -Dfault_injection=true
 * (the test build); there HULL_FAULT="mount:3:EPERM,mkdir:1:ENOSPC" makes the
 * 3rd mount() and the 1st mkdir of the process fail.  Counters are per process
 * and are inherited across fork.  In normal builds every wrapper is a plain
 * call. */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The mount API's constants: glibc's <sys/mount.h> has them, musl's (the
 * hull-runtime build, src/meson.build) does not. */
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif
#ifndef FSOPEN_CLOEXEC
#define FSOPEN_CLOEXEC 0x00000001
#define FSMOUNT_CLOEXEC 0x00000001
#define FSCONFIG_SET_FLAG 0
#define FSCONFIG_SET_STRING 1
#define FSCONFIG_CMD_CREATE 6
#endif
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#define MOVE_MOUNT_T_EMPTY_PATH 0x00000040
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#define MOUNT_ATTR_NOSUID 0x00000002
#define MOUNT_ATTR_NODEV 0x00000004
#define MOUNT_ATTR_NOEXEC 0x00000008
#define MOUNT_ATTR__ATIME 0x00000070
#define MOUNT_ATTR_RELATIME 0x00000000
#define MOUNT_ATTR_NOATIME 0x00000010
#define MOUNT_ATTR_STRICTATIME 0x00000020
#define MOUNT_ATTR_NODIRATIME 0x00000080
#endif
#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef MOUNT_ATTR_NOSYMFOLLOW
#define MOUNT_ATTR_NOSYMFOLLOW 0x00200000
#endif

/* mount_setattr's argument (struct mount_attr, which musl's headers lack). */
struct hull_mount_attr {
        unsigned long long attr_set, attr_clr, propagation, userns_fd;
};

typedef enum hull_sys_call {
        HULL_SYS_MOUNT,
        HULL_SYS_UMOUNT,
        HULL_SYS_MKDIR,
        HULL_SYS_MKNOD,
        HULL_SYS_SYMLINK,
        HULL_SYS_RENAME,
        HULL_SYS_FSYNC,
        HULL_SYS_CLONE,
        HULL_SYS_PIVOT_ROOT,
        HULL_SYS_SETNS,
        HULL_SYS_WRITE_FILE,
        HULL_SYS_OPEN_TREE,
        _HULL_SYS_MAX,
} hull_sys_call;

#ifdef HULL_FAULT_INJECTION
/* Returns 0, or the errno that this call must fail with. */
int hull_sys_fault(hull_sys_call c);
/* Parses HULL_FAULT from the environment; returns 0 or -EINVAL. */
int hull_sys_fault_init(void);
#else
static inline int hull_sys_fault(hull_sys_call c) {
        (void) c;
        return 0;
}
static inline int hull_sys_fault_init(void) {
        return 0;
}
#endif

#define HULL_SYS_CHECK(c)                        \
        do {                                     \
                int _f_ = hull_sys_fault(c);     \
                if (_f_) {                       \
                        errno = _f_;             \
                        return -1;               \
                }                                \
        } while (0)

static inline int sys_mount(const char *src, const char *dst, const char *type, unsigned long flags,
                            const void *data) {
        HULL_SYS_CHECK(HULL_SYS_MOUNT);
        return mount(src, dst, type, flags, data);
}

static inline int sys_umount2(const char *target, int flags) {
        HULL_SYS_CHECK(HULL_SYS_UMOUNT);
        return umount2(target, flags);
}

static inline int sys_mkdirat(int dfd, const char *path, mode_t mode) {
        HULL_SYS_CHECK(HULL_SYS_MKDIR);
        return mkdirat(dfd, path, mode);
}

static inline int sys_mknodat(int dfd, const char *path, mode_t mode, dev_t dev) {
        HULL_SYS_CHECK(HULL_SYS_MKNOD);
        return mknodat(dfd, path, mode, dev);
}

static inline int sys_symlinkat(const char *target, int dfd, const char *path) {
        HULL_SYS_CHECK(HULL_SYS_SYMLINK);
        return symlinkat(target, dfd, path);
}

static inline int sys_renameat(int ofd, const char *old, int nfd, const char *new) {
        HULL_SYS_CHECK(HULL_SYS_RENAME);
        return renameat(ofd, old, nfd, new);
}

static inline int sys_fsync(int fd) {
        HULL_SYS_CHECK(HULL_SYS_FSYNC);
        return fsync(fd);
}

static inline int sys_pivot_root(const char *new_root, const char *put_old) {
        HULL_SYS_CHECK(HULL_SYS_PIVOT_ROOT);
        return (int) syscall(SYS_pivot_root, new_root, put_old);
}

static inline int sys_setns(int fd, int nstype) {
        HULL_SYS_CHECK(HULL_SYS_SETNS);
        return setns(fd, nstype);
}

static inline int sys_open_tree(int dfd, const char *path, unsigned flags) {
        HULL_SYS_CHECK(HULL_SYS_OPEN_TREE);
        return (int) syscall(SYS_open_tree, dfd, path, flags);
}

static inline int sys_move_mount(int from_dfd, const char *from, int to_dfd, const char *to, unsigned flags) {
        HULL_SYS_CHECK(HULL_SYS_MOUNT);
        return (int) syscall(SYS_move_mount, from_dfd, from, to_dfd, to, flags);
}

/* attr: a struct mount_attr of size bytes. */
static inline int sys_mount_setattr(int dfd, const char *path, unsigned flags, void *attr, size_t size) {
        HULL_SYS_CHECK(HULL_SYS_MOUNT);
        return (int) syscall(SYS_mount_setattr, dfd, path, flags, attr, size);
}
