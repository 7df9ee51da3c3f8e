/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Reaping children and reaching every descendant. */

#include <stdbool.h>
#include <sys/types.h>

/* Called for each child that exited, was killed or stopped. */
typedef void (*reap_fn)(pid_t pid, int status, void *userdata);

/* Reaps every child that has changed state, without blocking, in a
 * waitpid(-1, WNOHANG | WUNTRACED) loop.  Returns true while children (and
 * so descendants, for a PID 1 or a subreaper) remain, false once none is
 * left. */
bool reap_all(reap_fn fn, void *userdata);

/* Sends sig to every descendant of hull-init: kill(-1) as the PID 1 of a
 * namespace; otherwise each process whose chain of parents in /proc leads
 * to hull-init (never kill(-1) there: it would reach the whole host).
 * Returns how many processes it signalled (-1 counts as one). */
int kill_descendants(int sig);
