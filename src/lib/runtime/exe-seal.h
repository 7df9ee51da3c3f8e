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
