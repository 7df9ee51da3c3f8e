/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>

#include "util/error.h"

/* Whether this process runs from a binary no container can write: a read-only
 * mount, or a write-sealed memfd. */
bool hull_exe_is_sealed(void);

/* Unless hull_exe_is_sealed(), re-executes this program (argv, envp) from a
 * read-only detached bind mount of its binary, or a sealed memfd copy.  Does
 * not return on success; returns a negative value with *err set on failure. */
int hull_exe_seal(char **argv, char **envp, hull_error **err);
