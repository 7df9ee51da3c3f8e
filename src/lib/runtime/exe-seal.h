/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include "util/error.h"

/* Unless this process runs from a binary no container can write already (a
 * read-only mount, or a write-sealed memfd), moves it onto a read-only
 * detached bind mount of its binary (mappings and /proc/self/exe; returns 0),
 * or, where the kernel refuses that, re-executes this program (argv, envp)
 * from that mount or from a sealed memfd copy (does not return on success).
 * Must be called while the process has one thread.  Returns a negative value
 * with *err set on failure. */
int hull_exe_seal(char **argv, char **envp, hull_error **err);

/* Closes the fd that holds the read-only clone hull_exe_seal moved this
 * process onto, if it did.  The clone stays while anything maps it; the
 * close unmounts it from its anonymous namespace, which waits for an RCU
 * grace period (0.1 ms here), so the caller does it where it would wait
 * anyway: create, while the container process sets up (which closed its
 * copy of the fd first thing).  Without a call the fd goes at exit. */
void hull_exe_seal_release(void);
