/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The parent/child protocol: one SOCK_SEQPACKET socketpair, one message per
 * step, errors travel as structured messages so that the parent reports the
 * child's failure with its cause. */

#include <stdint.h>

#include "util/error.h"

typedef enum hull_sync_type {
        HULL_SYNC_GO = 1,       /* P->C: id maps written; status = the child's pid on the host */
        HULL_SYNC_CGROUPS,      /* P->C: the child is in its cgroups (sent after GO: joining v1
                                 * cgroups waits for an RCU grace period, which overlaps the
                                 * child's rootfs work) */
        HULL_SYNC_HOOKS,        /* C->P: run the prestart and createRuntime hooks now */
        HULL_SYNC_HOOKS_DONE,   /* P->C */
        HULL_SYNC_READY,        /* C->P: set up, waiting for start */
        HULL_SYNC_START,        /* P->C: run the user program (run, exec) */
        HULL_SYNC_PTY,          /* C->P: the terminal's master fd rides along */
        HULL_SYNC_ERROR,        /* either way: errnum, exit status, message */
        HULL_SYNC_PID,          /* C->P: a pid (status field), for exec's second child */
        HULL_SYNC_SECCOMP,      /* C->P: the seccomp notification fd rides along */
        HULL_SYNC_SYSFS,        /* P->C: the sysfs mount made ahead rides along (or none), before
                                 * CGROUPS (hull_netns_ahead) */
        _HULL_SYNC_MAX,
} hull_sync_type;

#define HULL_SYNC_TEXT_MAX 3800

/* The status of an ERROR message from a failed startContainer hook (not an
 * exit status): start then destroys the container. */
#define HULL_STATUS_HOOK_FAILED 1000

typedef struct hull_sync_msg {
        uint32_t type;
        int32_t errnum;
        int32_t status;
        uint32_t len;
        char text[HULL_SYNC_TEXT_MAX + 1];
} hull_sync_msg;

/* Sends one message; pass_fd >= 0 is sent with SCM_RIGHTS.  Returns 0 or -errno. */
int hull_sync_send(int sock, hull_sync_type type, int errnum, int status, const char *text, int pass_fd);

/* Sends an error message built from err. */
int hull_sync_send_error(int sock, const hull_error *err);

/* Receives one message.  A received fd goes to *ret_fd (O_CLOEXEC), else -1.
 * Returns 0, -EPIPE when the peer closed the socket, or -errno. */
int hull_sync_recv(int sock, hull_sync_msg *m, int *ret_fd);

/* Receives a message of the given type.  An ERROR message becomes *err (with
 * its status in (*err)->status); EOF becomes an error naming `what`. */
int hull_sync_expect(int sock, hull_sync_type type, const char *what, int *ret_fd, hull_sync_msg *ret_msg,
                     hull_error **err);
