/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <signal.h>
#include <stdbool.h>
#include <sys/types.h>

#include "util/error.h"

/* Blocks every signal the attached runtime forwards (all but the synchronous
 * ones, SIGKILL and SIGSTOP), so that none is lost while the container starts.
 * The container process restores its mask before execve.  *old receives the
 * previous mask. */
void hull_signals_block(sigset_t *old);

/* Waits for `pid`, a child of this process: forwards signals to it, resizes
 * and proxies the terminal when master >= 0 (the caller's stdin in raw mode
 * meanwhile), reaps any other child.  Returns the exit status as a shell
 * reports it (128+N for signal N), or a negative value with *err set. */
int hull_attach_wait(pid_t pid, int master, hull_error **err);

/* Sends the pty master to the AF_UNIX socket at path (--console-socket), as
 * runc does: SCM_RIGHTS, the pty's name as the payload. */
int hull_send_console(const char *path, int master, hull_error **err);
