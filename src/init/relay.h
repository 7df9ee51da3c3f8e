/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Output of a service prefixed with its name: each of its stdout and stderr
 * is a pipe whose lines hull-init copies to its own stdout or stderr as
 * "NAME | line".  A relay lives until every writer has closed the pipe,
 * which may be after the service has exited. */

#include <stdbool.h>
#include <stddef.h>

struct relay {
        struct relay *next;
        int fd;        /* read end, non-blocking, close-on-exec */
        int out;       /* 1 or 2 */
        char *name;    /* owned */
        bool eof;      /* every writer has closed the pipe */
        size_t len;    /* of the partial line in buf */
        char buf[4096];
};

/* Makes a relay for out (1 or 2) and pushes it on *list.  Returns the write
 * end for the service (close-on-exec, owned by the caller), or -errno. */
int relay_open(struct relay **list, const char *name, int out);

/* Reads r's pipe once and copies the complete lines; at the end of the pipe
 * flushes a last partial line and sets r->eof.  Returns true when it read
 * something (more may follow). */
bool relay_pump(struct relay *r);

/* Frees the relays whose pipe is at its end. */
void relay_sweep(struct relay **list);

/* Drains and frees every relay (at exit). */
void relay_close_all(struct relay **list);
