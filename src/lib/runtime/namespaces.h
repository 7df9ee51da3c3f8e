/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

void hull_ns_fds_init(int fds[_HULL_NS_MAX]);
void hull_ns_fds_close(int fds[_HULL_NS_MAX]);

/* Opens the namespaces that config.json joins by path, checking each is of
 * its type.  fds[t] = -1 for the others. */
int hull_ns_open_paths(const hull_spec *spec, int fds[_HULL_NS_MAX], hull_error **err);

/* Writes uid_map/gid_map of pid (newuidmap/newgidmap for unprivileged
 * callers with more than their own id). */
int hull_ns_write_maps(pid_t pid, const hull_spec *spec, hull_error **err);

/* After unshare(CLONE_NEWTIME): sets the offsets of time_for_children. */
int hull_ns_set_time_offsets(const hull_spec *spec, hull_error **err);

/* setns() into fds[t] for each t with which[t], the user namespace first. */
int hull_ns_join(int fds[_HULL_NS_MAX], const bool which[_HULL_NS_MAX], hull_error **err);

/* A user namespace with these mappings, for an idmapped mount.  *ret_fd is
 * an O_CLOEXEC fd of it.  (Writing arbitrary maps needs privilege; an
 * unprivileged caller can map only itself, through newuidmap.) */
int hull_ns_make_userns(const hull_spec_idmap *uid, size_t n_uid, const hull_spec_idmap *gid, size_t n_gid,
                        int *ret_fd, hull_error **err);

/* Brings up lo in the caller's network namespace.  Returns 0 or -errno;
 * allocates nothing (hull_netns_ahead's thread calls it). */
int hull_ns_loopback_up(void);

/* A new network namespace, with lo up, and its sysfs, made by a thread while
 * the caller goes on: the kernel takes most of a millisecond to set up a
 * network namespace, which would otherwise lengthen clone3 by as much, and
 * mounting sysfs makes it look through every sysfs superblock of the host,
 * one per network namespace (1 ms with 2000 containers).  The caller takes
 * the namespace as soon as it exists (hull_netns_ahead_take), and the sysfs
 * mount later (hull_netns_ahead_take_sysfs), so that clone3 need not wait
 * for it.  The thread allocates nothing, and stays until released (it must
 * not be exiting while the caller clones). */
typedef struct hull_netns_ahead {
        pthread_t thread;
        bool started;
        int stage;    /* how far the thread is (futex word) */
        int released; /* the caller lets the thread end (futex word) */
        int fd;       /* the namespace, O_CLOEXEC; -1 if it could not be made */
        int error;    /* why not (errno) */
        bool lo_up;   /* lo is up in it */
        bool ipc;     /* a new IPC namespace too (its mqueue mount would wait behind the
                       * sysfs mount's look through the superblocks, in clone3) */
        int ipc_fd;   /* it, O_CLOEXEC; -1 if none */
        /* With sysfs: a detached sysfs mount of the namespace (fsmount), its
         * superblock read-only with sysfs_ro; -1 if none. */
        bool sysfs, sysfs_ro;
        char sysfs_source[64]; /* its source, as mount(2) would show it */
        int sysfs_fd;
        /* The CPUs the caller may use; moved (atomic) is 1 while the thread
         * is kept off the caller's CPU, until it takes them all back. */
        int moved;
        cpu_set_t cpus;
        void *stack; /* the thread's, from malloc; freed once it is joined */
} hull_netns_ahead;

#define HULL_NETNS_AHEAD_INIT { .fd = -1, .ipc_fd = -1, .sysfs_fd = -1 }

/* Starts the thread (n->started false if it could not: then nothing else
 * happens).  ipc: make a new IPC namespace too.  sysfs_source: NULL, or the
 * source of a sysfs mount to make (read-only with sysfs_ro). */
void hull_netns_ahead_start(hull_netns_ahead *n, bool ipc, const char *sysfs_source, bool sysfs_ro);
/* Whether the thread is still making the namespace; the sysfs mount (for
 * a caller that fills the wait). */
bool hull_netns_ahead_busy(void *n);
bool hull_netns_ahead_sysfs_busy(void *n);
/* Waits for the namespace; returns its fd (the caller's to close) or -1,
 * when the caller makes the namespace itself (clone3). */
int hull_netns_ahead_take(hull_netns_ahead *n);
/* After hull_netns_ahead_take: the IPC namespace's fd (the caller's) or -1. */
int hull_netns_ahead_take_ipc(hull_netns_ahead *n);
/* Waits for the sysfs mount; returns its fd (the caller's) or -1. */
int hull_netns_ahead_take_sysfs(hull_netns_ahead *n);
/* Lets the thread end (once the caller has cloned). */
void hull_netns_ahead_release(hull_netns_ahead *n);
/* Lets the thread end and waits for it (what it made stays, to take): for
 * what a multi-threaded process may not do (setns into a time namespace). */
void hull_netns_ahead_join(hull_netns_ahead *n);
/* Releases and joins the thread, closes what nobody took. */
void hull_netns_ahead_done(hull_netns_ahead *n);
