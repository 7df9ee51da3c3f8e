/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The container's first process, from clone3 to execve.  It runs on a copy of
 * the parent's memory (no CLONE_VM), so it reads the parent's structures. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "container.h"
#include "seccomp.h"
#include "spec/spec.h"

typedef struct hull_child {
        hull_container *c;
        int sync_fd;            /* the child's end of the socketpair */
        int parent_sync_fd;     /* the parent's end: closed first thing, so that EOF means the parent died */
        int exec_listen_fd;     /* create: the listening exec.sock that `start` connects to; run: -1 */
        int ns_fds[_HULL_NS_MAX];
        bool join_in_child[_HULL_NS_MAX]; /* namespaces the child setns()es into */
        bool userns_new;
        bool two_stage;         /* user namespace joined by path: join it, then clone the real init */
        uint64_t two_stage_flags; /* the new namespaces the second stage creates */
        bool unshare_cgroupns;  /* after the parent moved us into our cgroups */
        bool in_cgroups;        /* HULL_SYNC_CGROUPS received */
        bool join_self;         /* the child moves itself into its cgroups (no user namespace) */
        bool lo_up;             /* its new network namespace, made ahead, has lo up already */
        bool sysfs_pending;     /* a SYSFS message comes: that namespace's sysfs (hull_netns_ahead) */
        int sysfs_fd;           /* what it brought, until a sysfs mount takes it; -1 */
        bool sysfs_ro;          /* its superblock is read-only */
        const char *sysfs_source; /* and its source */
        bool skip_v2_join;      /* already in the cgroup2 directory (CLONE_INTO_CGROUP) */
        bool mount_ns_new;
        bool no_pivot;
        bool no_new_keyring;
        bool terminal;          /* process.terminal: send the pty master to the parent */
        unsigned preserve_fds;
        char **env;             /* the process environment, final but for HOME */
        hull_seccomp_filter *seccomp; /* compiled by the parent; NULL: none */
        const int *idmap_trees; /* per mount: a detached idmapped tree to attach, or -1; NULL: none */
} hull_child;

/* Never returns: execs the user program or _exits, reporting errors over the
 * sync socket (or, once started, the start connection). */
_Noreturn void hull_child_main(hull_child *a);

/* clone3 wrapper: flags plus optional CLONE_INTO_CGROUP; *ret_pidfd gets a
 * pidfd.  Returns the pid in the parent, 0 in the child, -errno on failure. */
pid_t hull_clone3(uint64_t flags, int cgroup_fd, int *ret_pidfd);

/* setsid, TIOCSCTTY, and the terminal on fds 0-2. */
int hull_make_controlling_tty(int slave, hull_error **err);

/* Loads the seccomp filter and, for SCMP_ACT_NOTIFY, sends the listener fd
 * over sync_fd.  Where: with no_new_privileges after the identity change, as
 * late as possible; without it before (loading needs CAP_SYS_ADMIN then). */
int hull_child_load_seccomp(const hull_seccomp_filter *f, int sync_fd, hull_error **err);
