/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Ownership helpers in the style of systemd's fd-util.h and crun's utils.h.
 * Destructors accept NULL/-1 and preserve errno. */

static inline void hull_freep(void *p) {
        int saved = errno;
        free(*(void **) p);
        errno = saved;
}

static inline void hull_closep(int *fd) {
        if (*fd >= 0) {
                int saved = errno;
                close(*fd);
                errno = saved;
                *fd = -1;
        }
}

static inline void hull_fclosep(FILE **f) {
        if (*f) {
                int saved = errno;
                fclose(*f);
                errno = saved;
        }
}

static inline void hull_strv_freep(char ***v) {
        if (*v) {
                int saved = errno;
                for (char **i = *v; *i; i++)
                        free(*i);
                free(*v);
                errno = saved;
        }
}

#define _cleanup_free_ __attribute__((cleanup(hull_freep)))
#define _cleanup_close_ __attribute__((cleanup(hull_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(hull_fclosep)))
#define _cleanup_strv_ __attribute__((cleanup(hull_strv_freep)))

#define TAKE_PTR(p)                          \
        ({                                   \
                __typeof__(p) _tp_ = (p);    \
                (p) = NULL;                  \
                _tp_;                        \
        })
#define TAKE_FD(fd)                          \
        ({                                   \
                int _tf_ = (fd);             \
                (fd) = -1;                   \
                _tf_;                        \
        })

#define ELEMENTSOF(x) (sizeof(x) / sizeof((x)[0]))
#define STRLEN(x) (sizeof("" x "") - 1)
#define _unused_ __attribute__((unused))
#define _noreturn_ __attribute__((noreturn))

static inline int negative_errno(void) {
        return errno > 0 ? -errno : -EIO;
}
