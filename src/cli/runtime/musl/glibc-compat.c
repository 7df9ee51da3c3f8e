/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The musl build of hull-runtime links Debian's libjansson.a and
 * libseccomp.a, which were compiled against glibc with _FORTIFY_SOURCE=2: they
 * call glibc's checked variants of four functions, which musl does not have.
 * These are those checks, as glibc makes them (abort when the object is
 * smaller than the size given), then musl's function.  Nothing else in the
 * two archives needs glibc: musl provides the glibc ABI symbols they use
 * (__errno_location, __ctype_b_loc, __stack_chk_fail...), and the link fails
 * should a new version of either library need one more. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap);
int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...);
int __fprintf_chk(FILE *f, int flag, const char *fmt, ...);
char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen);

int __vsnprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, va_list ap) {
        (void) flag;
        if (n > slen)
                abort();
        return vsnprintf(s, n, fmt, ap);
}

int __snprintf_chk(char *s, size_t n, int flag, size_t slen, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        int r = __vsnprintf_chk(s, n, flag, slen, fmt, ap);
        va_end(ap);
        return r;
}

int __fprintf_chk(FILE *f, int flag, const char *fmt, ...) {
        (void) flag;
        va_list ap;
        va_start(ap, fmt);
        int r = vfprintf(f, fmt, ap);
        va_end(ap);
        return r;
}

char *__strncpy_chk(char *dst, const char *src, size_t n, size_t dstlen) {
        if (n > dstlen)
                abort();
        return strncpy(dst, src, n);
}
