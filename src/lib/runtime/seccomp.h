/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

struct sock_filter;

/* A compiled filter, ready for seccomp(SECCOMP_SET_MODE_FILTER). */
typedef struct hull_seccomp_filter {
        struct sock_filter *insns; /* owned */
        size_t len;                /* instructions */
        unsigned flags;            /* SECCOMP_FILTER_FLAG_* */
        bool cached;               /* came from the cache */
} hull_seccomp_filter;

/* Compiles (or loads from cache_dir, keyed by a SHA-256 of the section) the
 * filter.  Runs in the runtime, before clone: the child inherits the result.
 * A cache file is trusted only if the directory and the file belong to the
 * caller and nobody else may write them (else the filter is compiled afresh). */
int hull_seccomp_prepare(const hull_spec_seccomp *sc, const char *cache_dir, hull_seccomp_filter *out,
                         hull_error **err);
void hull_seccomp_filter_done(hull_seccomp_filter *f);

/* Loads the filter into the calling process (the container process, last
 * thing before it waits for start).  With SCMP_ACT_NOTIFY, *ret_listener is
 * the notification fd, else -1. */
int hull_seccomp_load(const hull_seccomp_filter *f, int *ret_listener, hull_error **err);

/* Hands the listener fd to linux.seccomp.listenerPath with the container
 * process state, as runc does (SCM_RIGHTS, fds: ["seccompFd"]). */
int hull_seccomp_send_listener(const hull_spec_seccomp *sc, int listener, pid_t pid, const char *state_json,
                               hull_error **err);

/* Where compiled filters are cached: $HULL_CACHE_DIR/seccomp, else
 * /var/cache/hull/seccomp for root, $XDG_CACHE_HOME/hull/seccomp (or
 * ~/.cache/hull/seccomp) for others.  Outside the state root, so that create
 * leaves nothing there on failure.  Returns a malloc'd path or NULL. */
char *hull_seccomp_cache_dir(void);
