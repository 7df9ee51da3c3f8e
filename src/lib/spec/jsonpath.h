/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The JSON paths that errors name ("linux.seccomp.syscalls[3].names"),
 * built for every field while a config is parsed, so without printf (which
 * made up a third of hull_spec_parse's time).  Both truncate to size - 1
 * bytes, as snprintf does. */

#include <stddef.h>
#include <string.h>

static inline size_t hull_jsonpath_put(char *buf, size_t size, size_t at, const char *s) {
        size_t n = strlen(s);
        if (at + n >= size)
                n = at < size - 1 ? size - 1 - at : 0;
        memcpy(buf + at, s, n);
        buf[at + n] = 0;
        return at + n;
}

/* base.key, or key alone when base is NULL or empty. */
static inline void hull_jsonpath_key(char *buf, size_t size, const char *base, const char *key) {
        size_t at = 0;
        buf[0] = 0;
        if (base && *base) {
                at = hull_jsonpath_put(buf, size, 0, base);
                at = hull_jsonpath_put(buf, size, at, ".");
        }
        hull_jsonpath_put(buf, size, at, key);
}

/* base[i] */
static inline void hull_jsonpath_index(char *buf, size_t size, const char *base, size_t i) {
        char num[24], *p = num + sizeof(num);
        *--p = 0;
        *--p = ']';
        do
                *--p = (char) ('0' + i % 10);
        while ((i /= 10) > 0);
        *--p = '[';
        buf[0] = 0;
        size_t at = hull_jsonpath_put(buf, size, 0, base);
        hull_jsonpath_put(buf, size, at, p);
}
