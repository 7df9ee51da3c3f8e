/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* The kernel's view: 64 signals, RTMIN named at 34 as by kill(1), Docker and
 * glibc (musl's own SIGRTMIN is 35; the kernel numbers are what is sent). */
#define RTMIN 34
#define RTMAX 64

static const struct {
        int sig;
        const char *name;
} names[] = {
        { SIGHUP, "HUP" },       { SIGINT, "INT" },       { SIGQUIT, "QUIT" },     { SIGILL, "ILL" },
        { SIGTRAP, "TRAP" },     { SIGABRT, "ABRT" },     { SIGBUS, "BUS" },       { SIGFPE, "FPE" },
        { SIGKILL, "KILL" },     { SIGUSR1, "USR1" },     { SIGSEGV, "SEGV" },     { SIGUSR2, "USR2" },
        { SIGPIPE, "PIPE" },     { SIGALRM, "ALRM" },     { SIGTERM, "TERM" },     { SIGSTKFLT, "STKFLT" },
        { SIGCHLD, "CHLD" },     { SIGCONT, "CONT" },     { SIGSTOP, "STOP" },     { SIGTSTP, "TSTP" },
        { SIGTTIN, "TTIN" },     { SIGTTOU, "TTOU" },     { SIGURG, "URG" },       { SIGXCPU, "XCPU" },
        { SIGXFSZ, "XFSZ" },     { SIGVTALRM, "VTALRM" }, { SIGPROF, "PROF" },     { SIGWINCH, "WINCH" },
        { SIGIO, "IO" },         { SIGPWR, "PWR" },       { SIGSYS, "SYS" },       { SIGIOT, "IOT" },
        { SIGCHLD, "CLD" },      { SIGIO, "POLL" },
};

static const int sync_signals[] = { SIGILL, SIGTRAP, SIGBUS, SIGFPE, SIGSEGV, SIGSYS };

static int sync_pipe_w = -1;

static uint64_t bit(int sig) {
        return 1ULL << (sig - 1);
}

int sig_parse(const char *s, bool allow_zero) {
        uint64_t n;

        if (!s)
                return -1;
        if (parse_uint(s, SIG_COUNT, &n) == 0) {
                if (n == 0 && !allow_zero)
                        return -1;
                return (int) n;
        }
        if (strncasecmp(s, "SIG", 3) == 0)
                s += 3;
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (strcasecmp(s, names[i].name) == 0)
                        return names[i].sig;
        int base = 0, dir = 0;
        if (strncasecmp(s, "RTMIN", 5) == 0)
                base = RTMIN, dir = 1;
        else if (strncasecmp(s, "RTMAX", 5) == 0)
                base = RTMAX, dir = -1;
        else
                return -1;
        s += 5;
        if (*s == '\0')
                return base;
        if (*s != (dir > 0 ? '+' : '-') || parse_uint(s + 1, RTMAX - RTMIN, &n) < 0)
                return -1;
        return base + dir * (int) n;
}

const char *sig_name(int sig, char *buf, size_t size) {
        for (size_t i = 0; i < ELEMENTSOF(names); i++)
                if (names[i].sig == sig) {
                        snprintf(buf, size, "%s", names[i].name);
                        return buf;
                }
        if (sig == RTMIN)
                snprintf(buf, size, "RTMIN");
        else if (sig == RTMAX)
                snprintf(buf, size, "RTMAX");
        else if (sig > RTMIN && sig < RTMAX)
                snprintf(buf, size, "RTMIN+%d", sig - RTMIN);
        else
                snprintf(buf, size, "%d", sig);
        return buf;
}

/* The kernel's struct sigaction; zero restorer and mask fit every layout
 * (with or without sa_restorer), which is all SIG_DFL needs. */
struct kernel_sigaction {
        void *handler;
        unsigned long flags;
        void *restorer;
        uint64_t mask;
};

void sig_reset_dispositions(void) {
        struct kernel_sigaction dfl = { 0 };
        for (int sig = 1; sig <= SIG_COUNT; sig++) {
                if (sig == SIGKILL || sig == SIGSTOP)
                        continue;
                syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
        }
}

int sig_mask_set(uint64_t mask) {
        if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof(mask)) < 0)
                return -errno;
        return 0;
}

/* A synchronous signal: a fault of hull-init's own is fatal as it would be
 * without a handler; one sent by a process goes to the main loop. */
static void on_sync_signal(int sig, siginfo_t *si, void *uc) {
        if (si->si_code > 0 || sync_pipe_w < 0) {
                signal(sig, SIG_DFL);
                raise(sig);
                return;
        }
        int saved = errno;
        unsigned char b = (unsigned char) sig;
        if (write(sync_pipe_w, &b, 1) < 0) {
                /* the pipe is full: the signal is dropped, as a standard
                 * signal already pending would be */
        }
        errno = saved;
}

int sig_open(int *ret_sigfd, int *ret_syncfd) {
        uint64_t mask = ~0ULL;
        int p[2];

        sig_reset_dispositions();
        for (size_t i = 0; i < ELEMENTSOF(sync_signals); i++)
                mask &= ~bit(sync_signals[i]);
        mask &= ~(bit(SIGKILL) | bit(SIGSTOP));
        int r = sig_mask_set(mask);
        if (r < 0)
                return r;

        int sigfd = (int) syscall(SYS_signalfd4, -1, &mask, sizeof(mask), SFD_NONBLOCK | SFD_CLOEXEC);
        if (sigfd < 0)
                return -errno;
        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) < 0) {
                r = -errno;
                close(sigfd);
                return r;
        }
        sync_pipe_w = p[1];

        struct sigaction sa;
        memset(&sa, 0, sizeof(sa));
        sa.sa_sigaction = on_sync_signal;
        sa.sa_flags = SA_SIGINFO | SA_RESTART;
        sigfillset(&sa.sa_mask);
        for (size_t i = 0; i < ELEMENTSOF(sync_signals); i++)
                sigaction(sync_signals[i], &sa, NULL);
        /* musl's first sigaction() unblocks the signals it keeps for itself
         * (33, 34): block them again, or one sent to us would kill us */
        r = sig_mask_set(mask);
        if (r < 0) {
                close(sigfd);
                close(p[0]);
                close(p[1]);
                return r;
        }

        *ret_sigfd = sigfd;
        *ret_syncfd = p[0];
        return 0;
}

int sig_read(int fd, bool sync, struct sig_event *ev, size_t n) {
        ssize_t r;
        if (n > 16)
                n = 16;
        if (sync) {
                unsigned char b[16];
                do
                        r = read(fd, b, n);
                while (r < 0 && errno == EINTR);
                for (ssize_t i = 0; i < r; i++)
                        ev[i] = (struct sig_event){ .signo = b[i], .code = SI_USER, .pid = 0 };
        } else {
                struct signalfd_siginfo si[16];
                do
                        r = read(fd, si, n * sizeof(si[0]));
                while (r < 0 && errno == EINTR);
                if (r > 0)
                        r /= (ssize_t) sizeof(si[0]);
                for (ssize_t i = 0; i < r; i++)
                        ev[i] = (struct sig_event){
                                .signo = (int) si[i].ssi_signo,
                                .code = si[i].ssi_code,
                                .pid = (pid_t) si[i].ssi_pid,
                        };
        }
        if (r < 0)
                return errno == EAGAIN ? 0 : -errno;
        return (int) r;
}
