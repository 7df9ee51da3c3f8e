/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The container's root file system.  Everything here runs in the container
 * process, in its new mount namespace; the functions say whether they run
 * before or after pivot_root. */

#include <stdbool.h>

#include "cgroup.h"
#include "spec/spec.h"
#include "util/error.h"

typedef struct hull_rootfs {
        const hull_spec *spec;
        const char *rootfs;   /* absolute host path */
        const char *bundle;   /* absolute host path */
        hull_cgroup *cg;      /* for "cgroup" mounts; may be NULL */
        bool userns;          /* in a new user namespace: no mknod, locked mount flags */
        bool cgroupns;        /* the container has its own cgroup namespace */
        bool netns;           /* the container has its own network namespace */
        int rootfd;           /* the rootfs after its self bind mount (before pivot), "/" after */
        int devnull_fd;       /* the host's /dev/null, verified char 1:3 (O_PATH) */
        bool dev_is_bind;     /* /dev comes from a bind mount: leave it alone */
        bool root_shared;     /* prepare left the host's mounts shared (rootfsPropagation) */
        /* A detached sysfs mount of the container's network namespace, made
         * ahead (its superblock read-only with sysfs_ro, its source
         * sysfs_source): the first sysfs mount gets it from take_sysfs (may
         * be NULL; *ret_fd -1 for none) and attaches it instead of mounting,
         * if it fits. */
        int (*take_sysfs)(void *userdata, int *ret_fd, hull_error **err);
        int sysfs_fd;
        bool sysfs_ro;
        const char *sysfs_source;
        /* Called before the first "cgroup" mount: the process must be in its
         * cgroups (and cgroup namespace) by then. */
        int (*need_cgroups)(void *userdata, hull_error **err);
        void *userdata;
        /* Per mount (index as in spec->mounts): a detached idmapped tree to
         * attach, or -1.  Made by the parent, which (unlike the container
         * process) has CAP_SYS_ADMIN where the file system belongs. */
        const int *idmap_trees;
} hull_rootfs;

void hull_rootfs_init(hull_rootfs *r);
void hull_rootfs_done(hull_rootfs *r);

/* Before pivot: root propagation, the rootfs bound onto itself, rootfd. */
int hull_rootfs_prepare(hull_rootfs *r, hull_error **err);

/* Before pivot: config.json's mounts, in order. */
int hull_rootfs_mount_all(hull_rootfs *r, hull_error **err);

/* Before pivot: the default /dev (devices.c) and linux.devices. */
int hull_rootfs_setup_dev(hull_rootfs *r, hull_error **err);

/* Makes process.cwd exist (before pivot). */
int hull_rootfs_make_cwd(hull_rootfs *r, const char *cwd, hull_error **err);

/* pivot_root (or, with no_pivot, MS_MOVE + chroot) into the rootfs.  After
 * it, r->rootfd is "/". */
int hull_rootfs_pivot(hull_rootfs *r, bool no_pivot, hull_error **err);

/* Before pivot (the host's /dev/null is reachable only then): readonlyPaths,
 * then maskedPaths. */
int hull_rootfs_mask(hull_rootfs *r, hull_error **err);

/* After pivot: root.readonly, rootfsPropagation. */
int hull_rootfs_finalize(hull_rootfs *r, hull_error **err);

/* After pivot: opens a pty in the container's devpts and binds its peer on
 * /dev/console.  Returns the master in *ret_master and the peer in *ret_slave. */
int hull_rootfs_open_console(int rootfd, const hull_spec_process *p, bool bind_console, int *ret_master,
                             int *ret_slave, hull_error **err);

/* devices.c */
int hull_devices_create_default(hull_rootfs *r, hull_error **err);
int hull_devices_create_config(hull_rootfs *r, hull_error **err);
/* Creates a device node at path inside r->rootfd (bind mounts the host's node
 * when in a user namespace). */
int hull_device_make(hull_rootfs *r, const char *path, char type, unsigned major, unsigned minor, mode_t mode,
                     uid_t uid, gid_t gid, hull_error **err);

/* Parsed mount options. */
typedef struct hull_mount_opts {
        unsigned long flags;       /* MS_* to set */
        unsigned long clear;       /* MS_* explicitly cleared ("rw", "suid", ...) */
        unsigned long propagation[4];
        size_t n_propagation;
        unsigned long long attr_set, attr_clr; /* recursive mount_setattr */
        bool tmpcopyup;
        bool idmap, ridmap;        /* "idmap"/"ridmap": an idmapped bind mount */
        char *data;                /* the rest, comma-joined, for the file system */
} hull_mount_opts;

int hull_mount_opts_parse(char *const *options, hull_mount_opts *ret);
void hull_mount_opts_done(hull_mount_opts *o);

/* Mounts `source` on the already-opened target fd; used for masks too.
 * Returns an O_PATH fd of the new mount's root (reopened by path).  A
 * directory target is left the working directory (see mount_on_fd). */
int hull_mount_at(int rootfd, const char *dest, int target_fd, const char *source, const char *type,
                  unsigned long flags, const char *data, int *ret_fd);

/* A detached copy of source (open_tree) with the mapping of userns applied
 * (MOUNT_ATTR_IDMAP, Linux 5.12).  Runs in the runtime.  Returns 0 or -errno. */
int hull_mount_make_idmapped_tree(const char *source, bool recursive, int userns, int *ret_tree);
