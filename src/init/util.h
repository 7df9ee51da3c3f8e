/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Small helpers of hull-init: messages, memory, string lists, numbers and
 * the monotonic clock.  hull-init links nothing but libc, so it does not use
 * libhull's versions of these. */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Messages go to stderr as one write each, prefixed "hull-init: ".
 * init_info() is silenced by init_quiet; errors and warnings never are. */
extern bool init_quiet;
void init_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void init_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void init_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Allocation that cannot fail: on exhaustion hull-init reports it and exits
 * with status 1 (there is nothing sensible a PID 1 can do without memory). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

/* NULL-terminated string lists; each string and the array are owned by the
 * list. */
size_t strv_len(char *const *v);
void strv_push(char ***v, char *s); /* takes ownership of s */
void strv_free(char **v);

/* Writes all of buf to fd, retrying on EINTR/partial writes.  Returns 0 or
 * -errno. */
int write_all(int fd, const void *buf, size_t len);

/* Parses a decimal unsigned integer no larger than max.  Returns 0, or -1
 * when s is not one. */
int parse_uint(const char *s, uint64_t max, uint64_t *ret);

/* Parses a duration: "10", "1.5" (seconds), "250ms", "2s", "1m".  Returns 0
 * with *ret_ms set, or -1. */
int parse_duration(const char *s, uint64_t *ret_ms);

/* Formats a duration in milliseconds as "250ms" or "1.5s" into buf. */
const char *format_duration(uint64_t ms, char *buf, size_t size);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t now_ms(void);

/* The exit code a shell would report for a wait status: the exit status, or
 * 128 + the signal number. */
int status_to_code(int status);

/* Describes a wait status ("exited with status 3", "killed by signal 9
 * (KILL)") into buf. */
const char *describe_status(int status, char *buf, size_t size);

#define ELEMENTSOF(a) (sizeof(a) / sizeof((a)[0]))
