/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* A set of strings (open addressing): the paths a layer created (unpack.c),
 * the blobs an index reaches (layout.c). */

#include <stdbool.h>
#include <stddef.h>

typedef struct hull_strset {
        char **slots;
        size_t n, cap; /* cap: 0 or a power of two */
} hull_strset;

/* Adds a copy of s.  Returns 1 if added, 0 if present, -ENOMEM. */
int hull_strset_add(hull_strset *set, const char *s);
bool hull_strset_contains(const hull_strset *set, const char *s);
void hull_strset_done(hull_strset *set);
