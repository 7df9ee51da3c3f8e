/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Signals of hull-init: names, the process-wide mask, the signalfd, and the
 * reset a child gets before execve.
 *
 * Every signal but the synchronous ones (ILL, TRAP, BUS, FPE, SEGV, SYS) is
 * blocked and read from a signalfd.  The synchronous ones keep a handler so
 * that a real fault still kills hull-init; when one of them was sent by a
 * process (kill, sigqueue) the handler writes its number to a pipe and the
 * main loop treats it like any other signal.  Masks are handled with the raw
 * system calls over the kernel's 64-bit sets, so that the real-time signals a
 * libc reserves for itself (32-34) are forwarded too. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#define SIG_COUNT 64 /* kernel signals are 1..64 */

/* The number of a signal given as "TERM", "SIGTERM", "15", "RTMIN+2" or
 * "RTMAX-1" (case-insensitive).  Returns 1..64, or -1.  "0" gives 0 only when
 * allow_zero. */
int sig_parse(const char *s, bool allow_zero);

/* The name of a signal ("TERM", "RTMIN+3", "33") written into buf. */
const char *sig_name(int sig, char *buf, size_t size);

/* One signal read from the sources of sig_open(). */
struct sig_event {
        int signo;
        int code;  /* si_code: > 0 when the kernel generated it */
        pid_t pid; /* sender, as seen in hull-init's PID namespace */
};

/* Resets every disposition to default, blocks every signal but the
 * synchronous ones and opens the sources they are read from.  Returns 0 and
 * sets *ret_sigfd (a signalfd) and *ret_syncfd (the pipe of forwarded
 * synchronous signals), both non-blocking and close-on-exec and owned by the
 * caller; or -errno. */
int sig_open(int *ret_sigfd, int *ret_syncfd);

/* Reads up to n pending signals from one of the sources of sig_open()
 * (sync: the pipe), without blocking.  Returns how many it read (0 when none
 * is pending), or -errno. */
int sig_read(int fd, bool sync, struct sig_event *ev, size_t n);

/* Every disposition back to default (a child does it first thing after
 * fork).  Async-signal-safe. */
void sig_reset_dispositions(void);

/* Sets the signal mask of the calling thread to the kernel set mask (bit
 * N-1 for signal N); a child clears it just before execve.  Returns 0 or
 * -errno.  Async-signal-safe. */
int sig_mask_set(uint64_t mask);
