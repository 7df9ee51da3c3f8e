/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "reap.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

bool reap_all(reap_fn fn, void *userdata) {
        for (;;) {
                int status;
                pid_t pid = waitpid(-1, &status, WNOHANG | WUNTRACED);
                if (pid > 0) {
                        fn(pid, status, userdata);
                        continue;
                }
                if (pid == 0)
                        return true;
                if (errno == EINTR)
                        continue;
                return errno != ECHILD;
        }
}

/* The parent pid of pid from /proc/PID/stat, or -1. */
static pid_t parent_of(int procfd, const char *pid) {
        char path[64], buf[512];
        snprintf(path, sizeof(path), "%s/stat", pid);
        int fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
                return -1;
        ssize_t n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0)
                return -1;
        buf[n] = '\0';
        /* "pid (comm) state ppid ...": comm may hold anything, ')' included */
        char *p = strrchr(buf, ')');
        if (!p || p[1] != ' ' || !p[2] || p[3] != ' ')
                return -1;
        return (pid_t) strtol(p + 4, NULL, 10);
}

struct proc {
        pid_t pid, ppid;
};

/* Every process of /proc with its parent; *ret owned by the caller. */
static size_t list_processes(struct proc **ret) {
        size_t n = 0, cap = 0;
        struct proc *v = NULL;
        int procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (procfd < 0) {
                *ret = NULL;
                return 0;
        }
        DIR *d = fdopendir(procfd);
        if (!d) {
                close(procfd);
                *ret = NULL;
                return 0;
        }
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] < '1' || de->d_name[0] > '9')
                        continue;
                pid_t ppid = parent_of(dirfd(d), de->d_name);
                if (ppid < 0)
                        continue;
                if (n == cap) {
                        cap = cap ? cap * 2 : 256;
                        v = xrealloc(v, cap * sizeof(*v));
                }
                v[n].pid = (pid_t) strtol(de->d_name, NULL, 10);
                v[n].ppid = ppid;
                n++;
        }
        closedir(d);
        *ret = v;
        return n;
}

static int by_pid(const void *a, const void *b) {
        const struct proc *x = a, *y = b;
        return (x->pid > y->pid) - (x->pid < y->pid);
}

/* The index of pid in v (sorted by pid), or -1. */
static ssize_t find(const struct proc *v, size_t n, pid_t pid) {
        size_t lo = 0, hi = n;
        while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (v[mid].pid == pid)
                        return (ssize_t) mid;
                if (v[mid].pid < pid)
                        lo = mid + 1;
                else
                        hi = mid;
        }
        return -1;
}

int kill_descendants(int sig) {
        if (getpid() == 1)
                return kill(-1, sig) == 0 ? 1 : 0;

        struct proc *v;
        size_t n = list_processes(&v);
        qsort(v, n, sizeof(*v), by_pid);
        /* mine[i]: 1 descendant, -1 not, 0 not known yet; resolved by
         * walking up the chain of parents. */
        signed char *mine = xcalloc(n, 1);
        pid_t self = getpid();
        int count = 0;
        for (size_t i = 0; i < n; i++) {
                size_t hops = 0;
                ssize_t k = (ssize_t) i;
                signed char verdict = -1;
                while (k >= 0 && hops++ < n) {
                        if (mine[k]) {
                                verdict = mine[k];
                                break;
                        }
                        if (v[k].ppid == self) {
                                verdict = 1;
                                break;
                        }
                        k = find(v, n, v[k].ppid);
                }
                /* everything on the walked chain shares the verdict */
                for (k = (ssize_t) i, hops = 0; k >= 0 && !mine[k] && hops++ < n; k = find(v, n, v[k].ppid)) {
                        mine[k] = verdict;
                        if (v[k].ppid == self)
                                break;
                }
        }
        for (size_t i = 0; i < n; i++)
                if (mine[i] > 0 && v[i].pid != self && kill(v[i].pid, sig) == 0)
                        count++;
        free(mine);
        free(v);
        return count;
}
