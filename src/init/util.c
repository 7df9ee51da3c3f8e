/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "signals.h"

bool init_quiet;

static void vsay(const char *kind, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
static void vsay(const char *kind, const char *fmt, va_list ap) {
        char buf[1024];
        int saved = errno;
        int n = snprintf(buf, sizeof(buf), "hull-init: %s", kind);
        if (n < 0)
                n = 0;
        int m = vsnprintf(buf + n, sizeof(buf) - n - 1, fmt, ap);
        if (m < 0)
                m = 0;
        size_t len = (size_t) n + (size_t) m;
        if (len > sizeof(buf) - 2)
                len = sizeof(buf) - 2;
        buf[len++] = '\n';
        write_all(STDERR_FILENO, buf, len);
        errno = saved;
}

void init_err(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsay("", fmt, ap);
        va_end(ap);
}

void init_warn(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsay("warning: ", fmt, ap);
        va_end(ap);
}

void init_info(const char *fmt, ...) {
        if (init_quiet)
                return;
        va_list ap;
        va_start(ap, fmt);
        vsay("", fmt, ap);
        va_end(ap);
}

static void *oom(void *p) {
        if (!p) {
                init_err("out of memory");
                _exit(1);
        }
        return p;
}

void *xmalloc(size_t n) {
        return oom(malloc(n ? n : 1));
}

void *xcalloc(size_t n, size_t size) {
        return oom(calloc(n ? n : 1, size ? size : 1));
}

void *xrealloc(void *p, size_t n) {
        return oom(realloc(p, n ? n : 1));
}

char *xstrdup(const char *s) {
        return oom(strdup(s));
}

char *xstrndup(const char *s, size_t n) {
        return oom(strndup(s, n));
}

size_t strv_len(char *const *v) {
        size_t n = 0;
        while (v && v[n])
                n++;
        return n;
}

void strv_push(char ***v, char *s) {
        size_t n = strv_len(*v);
        *v = xrealloc(*v, (n + 2) * sizeof(char *));
        (*v)[n] = s;
        (*v)[n + 1] = NULL;
}

void strv_free(char **v) {
        for (size_t i = 0; v && v[i]; i++)
                free(v[i]);
        free(v);
}

int write_all(int fd, const void *buf, size_t len) {
        const char *p = buf;
        while (len > 0) {
                ssize_t n = write(fd, p, len);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                p += n;
                len -= (size_t) n;
        }
        return 0;
}

int parse_uint(const char *s, uint64_t max, uint64_t *ret) {
        uint64_t v = 0;
        if (!s || !*s)
                return -1;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return -1;
                unsigned d = (unsigned) (*s - '0');
                if (v > (max - d) / 10)
                        return -1;
                v = v * 10 + d;
        }
        *ret = v;
        return 0;
}

/* Durations are bounded to a year: enough for any grace or backoff. */
#define DURATION_MAX_MS (366ULL * 24 * 3600 * 1000)

int parse_duration(const char *s, uint64_t *ret_ms) {
        uint64_t whole = 0, frac = 0, scale = 1000, unit = 1000;
        const char *p = s;
        int digits = 0;

        if (!s || !*s)
                return -1;
        for (; *p >= '0' && *p <= '9'; p++, digits++) {
                whole = whole * 10 + (uint64_t) (*p - '0');
                if (whole > DURATION_MAX_MS)
                        return -1;
        }
        if (*p == '.') {
                p++;
                uint64_t div = 1;
                for (; *p >= '0' && *p <= '9'; p++, digits++) {
                        if (div < 1000) {
                                frac = frac * 10 + (uint64_t) (*p - '0');
                                div *= 10;
                        }
                }
                scale = div;
        } else {
                scale = 1;
        }
        if (digits == 0)
                return -1;
        if (strcmp(p, "ms") == 0)
                unit = 1;
        else if (strcmp(p, "s") == 0 || *p == '\0')
                unit = 1000;
        else if (strcmp(p, "m") == 0)
                unit = 60000;
        else
                return -1;
        uint64_t ms = whole * unit + frac * unit / scale;
        if (ms > DURATION_MAX_MS)
                return -1;
        *ret_ms = ms;
        return 0;
}

const char *format_duration(uint64_t ms, char *buf, size_t size) {
        if (ms < 1000)
                snprintf(buf, size, "%llums", (unsigned long long) ms);
        else if (ms % 1000 == 0)
                snprintf(buf, size, "%llus", (unsigned long long) (ms / 1000));
        else
                snprintf(buf, size, "%llu.%03llus", (unsigned long long) (ms / 1000),
                         (unsigned long long) (ms % 1000));
        return buf;
}

uint64_t now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (uint64_t) ts.tv_sec * 1000 + (uint64_t) ts.tv_nsec / 1000000;
}

int status_to_code(int status) {
        if (WIFEXITED(status))
                return WEXITSTATUS(status);
        if (WIFSIGNALED(status))
                return 128 + WTERMSIG(status);
        return 1;
}

const char *describe_status(int status, char *buf, size_t size) {
        char name[16];
        if (WIFEXITED(status))
                snprintf(buf, size, "exited with status %d", WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
                snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
                         sig_name(WTERMSIG(status), name, sizeof(name)));
        else
                snprintf(buf, size, "changed state (wait status %#x)", (unsigned) status);
        return buf;
}
