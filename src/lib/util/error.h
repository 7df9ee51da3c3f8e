/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stdarg.h>

/* The second tier of errors (STYLE.md): functions that need context take a
 * `hull_error **err`, return a negative value and fill in *err.  A successful
 * call never touches *err.  Leaf helpers just return -errno. */
typedef struct hull_error {
        int errnum;  /* positive errno, or 0 when the error is not a system error */
        int status;  /* exit status the CLI should use, 0 = derive from errnum */
        char *msg;   /* owned, never NULL once set */
} hull_error;

/* Sets *err (if err != NULL and *err == NULL) to a new error; when errnum != 0
 * ": strerror(errnum)" is appended.  Returns -errnum, or -1 if errnum is 0. */
int hull_error_set(hull_error **err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));
int hull_error_setv(hull_error **err, int errnum, const char *fmt, va_list ap)
        __attribute__((format(printf, 3, 0)));

/* Like hull_error_set() but the message is used verbatim (no strerror). */
int hull_error_set_raw(hull_error **err, int errnum, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Prepends "<prefix>: " to an existing error; returns the error's negative code. */
int hull_error_prefix(hull_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Returns the negative code of an existing error (-errnum or -1). */
int hull_error_code(const hull_error *e);

void hull_error_free(hull_error *e);
static inline void hull_error_freep(hull_error **e) {
        if (*e) {
                hull_error_free(*e);
                *e = (void *) 0;
        }
}
#define _cleanup_error_ __attribute__((cleanup(hull_error_freep)))
