/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* NULL-terminated string vectors; every function returns 0 or -ENOMEM. */
size_t hull_strv_length(char *const *v);
void hull_strv_free(char **v);
int hull_strv_push(char ***v, const char *s);       /* appends a copy */
int hull_strv_consume(char ***v, char *s);          /* appends s, takes ownership (frees on error) */
char **hull_strv_copy(char *const *v);
bool hull_strv_contains(char *const *v, const char *s);

/* Environment lists: sets NAME=VALUE, replacing an earlier NAME. */
int hull_env_set(char ***env, const char *name_value);
const char *hull_env_get(char *const *env, const char *name);

/* Duplicates a string or aborts the operation with -ENOMEM. */
char *hull_strdup_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
bool hull_startswith(const char *s, const char *prefix);
