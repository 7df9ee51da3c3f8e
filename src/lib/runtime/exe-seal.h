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

/* hull_exe_seal for create and run, whose container process is a fork of
 * this one and can make the move onto the clone itself
 * (hull_exe_seal_child), the first thing it does, instead of this process:
 * the runtime never shows itself to a container, and the container process
 * maps the code as it runs it anyway (0.15 ms less for create here).  Only
 * what the move needs is worked out here; where that fails, hull_exe_seal's
 * move or re-execution happens at once.  Must be called while the process
 * has one thread and before it maps or unmaps any part of its binary. */
int hull_exe_seal_defer(char **argv, char **envp, hull_error **err);

/* The move hull_exe_seal_defer planned, made by this process now (single-
 * threaded), for a container process that others will see as soon as it
 * is forked: one that joins an existing pid namespace.  1 when it moved, 0
 * when there was nothing to do, or -errno. */
int hull_exe_seal_now(void);

/* In a child forked after hull_exe_seal_defer (single-threaded): the move
 * it planned.  1 when it moved, 0 when there was nothing to do, or -errno. */
int hull_exe_seal_child(void);

/* Closes the fds that hold the read-only clone hull_exe_seal moved this
 * process onto, or that hull_exe_seal_defer keeps for a child, if any.  The
 * clone stays while anything maps it; the last close unmounts it from its
 * anonymous namespace, which waits for an RCU grace period (0.1 ms here), so
 * the caller does it where it would wait anyway: create, while the
 * container process sets up (which closed its copies of the fds first
 * thing).  Without a call they go at exit. */
void hull_exe_seal_release(void);
