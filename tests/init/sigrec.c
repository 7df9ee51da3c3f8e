/* SPDX-License-Identifier: GPL-2.0-or-later */
/* init-sigrec: records every signal it receives, for hull-init's tests and
 * benchmark.
 *
 *   init-sigrec [-n COUNT] [-x SIGNO] [-t] [-r READYFILE] [-p PIDFILE]
 *
 * Puts every signal back to its default disposition, blocks all 64 (with
 * the raw system calls, so that 32 and 33, which glibc keeps for itself,
 * are caught too) and reads them from a signalfd, printing one line per
 * signal: "SIGNO", or "SIGNO NANOSECONDS" (CLOCK_MONOTONIC when it was read)
 * with -t.  -r creates READYFILE once the mask is in place; -p writes its
 * pid.  Exits 0 after COUNT signals, or on signal SIGNO (-x). */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct kernel_sigaction {
        void *handler;
        unsigned long flags;
        void *restorer;
        uint64_t mask;
};

static void write_file(const char *path, const char *text) {
        FILE *f = fopen(path, "we");
        if (!f || fputs(text, f) < 0 || fclose(f) != 0) {
                perror(path);
                exit(1);
        }
}

int main(int argc, char **argv) {
        long count = -1, exit_on = 0;
        int timestamps = 0, opt;
        const char *ready = NULL, *pidfile = NULL;
        char buf[64];

        while ((opt = getopt(argc, argv, "n:x:tr:p:")) != -1) {
                switch (opt) {
                case 'n':
                        count = strtol(optarg, NULL, 10);
                        break;
                case 'x':
                        exit_on = strtol(optarg, NULL, 10);
                        break;
                case 't':
                        timestamps = 1;
                        break;
                case 'r':
                        ready = optarg;
                        break;
                case 'p':
                        pidfile = optarg;
                        break;
                default:
                        fprintf(stderr, "usage: init-sigrec [-n COUNT] [-x SIGNO] [-t] [-r FILE] [-p FILE]\n");
                        return 2;
                }
        }

        struct kernel_sigaction dfl = { 0 };
        for (int sig = 1; sig <= 64; sig++)
                if (sig != SIGKILL && sig != SIGSTOP)
                        syscall(SYS_rt_sigaction, sig, &dfl, NULL, sizeof(uint64_t));
        uint64_t mask = ~0ULL;
        if (syscall(SYS_rt_sigprocmask, SIG_SETMASK, &mask, NULL, sizeof(mask)) < 0) {
                perror("rt_sigprocmask");
                return 1;
        }
        int fd = (int) syscall(SYS_signalfd4, -1, &mask, sizeof(mask), SFD_CLOEXEC);
        if (fd < 0) {
                perror("signalfd");
                return 1;
        }
        if (pidfile) {
                snprintf(buf, sizeof(buf), "%d\n", (int) getpid());
                write_file(pidfile, buf);
        }
        if (ready)
                write_file(ready, "ready\n");

        setvbuf(stdout, NULL, _IOLBF, 0);
        for (long n = 0; count < 0 || n < count;) {
                struct signalfd_siginfo si;
                if (read(fd, &si, sizeof(si)) != sizeof(si))
                        continue;
                n++;
                if (timestamps) {
                        struct timespec ts;
                        clock_gettime(CLOCK_MONOTONIC, &ts);
                        printf("%u %lld\n", si.ssi_signo, (long long) ts.tv_sec * 1000000000LL + ts.tv_nsec);
                } else {
                        printf("%u\n", si.ssi_signo);
                }
                if ((long) si.ssi_signo == exit_on)
                        break;
        }
        return 0;
}
