/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int hull_error_code(const hull_error *e) {
        if (!e || e->errnum <= 0)
                return -1;
        return -e->errnum;
}

static int set_common(hull_error **err, int errnum, int add_strerror, const char *fmt, va_list ap) {
        int saved = errno;
        if (errnum < 0)
                errnum = -errnum;
        int ret = errnum > 0 ? -errnum : -1;
        if (!err || *err)
                goto out;

        hull_error *e = calloc(1, sizeof(*e));
        if (!e)
                goto out;
        char *m = NULL;
        if (vasprintf(&m, fmt, ap) < 0)
                m = NULL;
        if (m && errnum > 0 && add_strerror) {
                char *full = NULL;
                if (asprintf(&full, "%s: %s", m, strerror(errnum)) >= 0) {
                        free(m);
                        m = full;
                }
        }
        e->errnum = errnum;
        e->msg = m ? m : strdup("out of memory");
        if (!e->msg) {
                free(e);
                goto out;
        }
        *err = e;
out:
        errno = saved;
        return ret;
}

int hull_error_setv(hull_error **err, int errnum, const char *fmt, va_list ap) {
        return set_common(err, errnum, 1, fmt, ap);
}

int hull_error_set(hull_error **err, int errnum, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = set_common(err, errnum, 1, fmt, ap);
        va_end(ap);
        return r;
}

int hull_error_set_raw(hull_error **err, int errnum, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = set_common(err, errnum, 0, fmt, ap);
        va_end(ap);
        return r;
}

int hull_error_prefix(hull_error **err, const char *fmt, ...) {
        if (!err || !*err)
                return -1;
        int saved = errno;
        char *p = NULL, *full = NULL;
        va_list ap;
        va_start(ap, fmt);
        if (vasprintf(&p, fmt, ap) < 0)
                p = NULL;
        va_end(ap);
        if (p && asprintf(&full, "%s: %s", p, (*err)->msg) >= 0) {
                free((*err)->msg);
                (*err)->msg = full;
        }
        free(p);
        errno = saved;
        return hull_error_code(*err);
}

void hull_error_free(hull_error *e) {
        if (!e)
                return;
        free(e->msg);
        free(e);
}
