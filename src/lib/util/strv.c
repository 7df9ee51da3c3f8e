/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "strv.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t hull_strv_length(char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

void hull_strv_free(char **v) {
        if (!v)
                return;
        for (char **i = v; *i; i++)
                free(*i);
        free(v);
}

int hull_strv_consume(char ***v, char *s) {
        if (!s)
                return -ENOMEM;
        size_t n = hull_strv_length(*v);
        char **nv = realloc(*v, (n + 2) * sizeof(char *));
        if (!nv) {
                free(s);
                return -ENOMEM;
        }
        nv[n] = s;
        nv[n + 1] = NULL;
        *v = nv;
        return 0;
}

int hull_strv_push(char ***v, const char *s) {
        return hull_strv_consume(v, strdup(s));
}

char **hull_strv_copy(char *const *v) {
        size_t n = hull_strv_length(v);
        char **c = calloc(n + 1, sizeof(char *));
        if (!c)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (!(c[i] = strdup(v[i]))) {
                        hull_strv_free(c);
                        return NULL;
                }
        return c;
}

bool hull_strv_contains(char *const *v, const char *s) {
        for (size_t i = 0; v && v[i]; i++)
                if (strcmp(v[i], s) == 0)
                        return true;
        return false;
}

int hull_env_set(char ***env, const char *name_value) {
        const char *eq = strchr(name_value, '=');
        size_t nlen = eq ? (size_t) (eq - name_value) : strlen(name_value);
        for (size_t i = 0; *env && (*env)[i]; i++) {
                if (strncmp((*env)[i], name_value, nlen) == 0 &&
                    ((*env)[i][nlen] == '=' || (*env)[i][nlen] == 0)) {
                        char *d = strdup(name_value);
                        if (!d)
                                return -ENOMEM;
                        free((*env)[i]);
                        (*env)[i] = d;
                        return 0;
                }
        }
        return hull_strv_push(env, name_value);
}

const char *hull_env_get(char *const *env, const char *name) {
        size_t nlen = strlen(name);
        for (size_t i = 0; env && env[i]; i++)
                if (strncmp(env[i], name, nlen) == 0 && env[i][nlen] == '=')
                        return env[i] + nlen + 1;
        return NULL;
}

char *hull_strdup_printf(const char *fmt, ...) {
        char *s = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&s, fmt, ap) < 0)
                s = NULL;
        va_end(ap);
        return s;
}

bool hull_startswith(const char *s, const char *prefix) {
        return strncmp(s, prefix, strlen(prefix)) == 0;
}
