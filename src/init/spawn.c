/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "signals.h"
#include "util.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static const char *env_path(char *const *envp) {
        for (size_t i = 0; envp && envp[i]; i++)
                if (strncmp(envp[i], "PATH=", 5) == 0)
                        return envp[i] + 5;
        return DEFAULT_PATH;
}

void exec_search(char *const *argv, char *const *envp) {
        const char *file = argv[0];
        char buf[PATH_MAX];
        bool eacces = false;

        if (!file || !*file) {
                errno = ENOENT;
                return;
        }
        if (strchr(file, '/')) {
                execve(file, argv, envp);
                return;
        }
        size_t flen = strlen(file);
        if (flen > NAME_MAX) {
                errno = ENAMETOOLONG;
                return;
        }
        const char *p = env_path(envp);
        for (;;) {
                const char *z = p;
                while (*z && *z != ':')
                        z++;
                size_t dlen = (size_t) (z - p);
                if (dlen + 1 + flen + 1 <= sizeof(buf)) {
                        size_t n = 0;
                        if (dlen > 0) {
                                memcpy(buf, p, dlen);
                                buf[dlen] = '/';
                                n = dlen + 1;
                        }
                        memcpy(buf + n, file, flen + 1);
                        execve(buf, argv, envp);
                        switch (errno) {
                        case EACCES:
                                eacces = true;
                                break;
                        case ENOENT:
                        case ENOTDIR:
                        case ENAMETOOLONG:
                        case ELOOP:
                        case ESTALE:
                        case ENODEV:
                        case ETIMEDOUT:
                                break;
                        default:
                                return;
                        }
                }
                if (!*z)
                        break;
                p = z + 1;
        }
        errno = eacces ? EACCES : ENOENT;
}

/* In the child: says what failed, tells the parent, and exits 127 when the
 * program was not found, 126 otherwise. */
static void __attribute__((noreturn))
child_fail(const struct spawn_opts *o, int report_fd, bool is_exec, const char *what, const char *arg, int err) {
        char buf[PATH_MAX + 256];
        int n = snprintf(buf, sizeof(buf), "hull-init: %s%s%s %s: %s\n", o->label ? o->label : "",
                         o->label ? ": " : "", what, arg, strerror(err));
        if (n > 0)
                write_all(STDERR_FILENO, buf, (size_t) n < sizeof(buf) ? (size_t) n : sizeof(buf) - 1);
        if (report_fd >= 0)
                write_all(report_fd, &err, sizeof(err));
        _exit(is_exec && err == ENOENT ? 127 : 126);
}

/* A copy of fd numbered above every fd the child will place (1, 2 and
 * notify_as), so that placing one cannot clobber another.  Returns the copy
 * (close-on-exec) or -1. */
static int lift(int fd, int floor) {
        if (fd < 0)
                return -1;
        return fcntl(fd, F_DUPFD_CLOEXEC, floor);
}

static void __attribute__((noreturn)) child(const struct spawn_opts *o) {
        int floor = o->notify_as > 2 ? o->notify_as + 1 : 3;
        int report = lift(o->report_fd, floor);
        int out = lift(o->stdout_fd, floor);
        int errfd = lift(o->stderr_fd, floor);
        int notify = lift(o->notify_fd, floor);

        sig_reset_dispositions();
        if ((o->stdout_fd >= 0 && out < 0) || (o->stderr_fd >= 0 && errfd < 0) || (o->notify_fd >= 0 && notify < 0))
                child_fail(o, report, false, "set up", "file descriptors", errno);
        setpgid(0, 0);
        if (o->foreground)
                tcsetpgrp(STDIN_FILENO, getpid()); /* SIGTTOU is still blocked */
        if (out >= 0 && dup2(out, STDOUT_FILENO) < 0)
                child_fail(o, report, false, "set up", "stdout", errno);
        if (errfd >= 0 && dup2(errfd, STDERR_FILENO) < 0)
                child_fail(o, report, false, "set up", "stderr", errno);
        if (notify >= 0 && dup2(notify, o->notify_as) < 0)
                child_fail(o, report, false, "set up", "the notification fd", errno);
        if (o->dir && chdir(o->dir) < 0)
                child_fail(o, report, false, "cannot change directory to", o->dir, errno);
        if (o->set_ids) {
                if (setgroups(o->ngroups, o->groups) < 0)
                        child_fail(o, report, false, "cannot set", "supplementary groups", errno);
                if (setgid(o->gid) < 0)
                        child_fail(o, report, false, "cannot set", "group id", errno);
                if (setuid(o->uid) < 0)
                        child_fail(o, report, false, "cannot set", "user id", errno);
        }
        sig_mask_set(0);
        exec_search(o->argv, o->envp);
        child_fail(o, report, true, "cannot execute", o->argv[0], errno);
}

pid_t spawn_program(const struct spawn_opts *o) {
        pid_t pid = fork();
        if (pid < 0)
                return -errno;
        if (pid == 0)
                child(o);
        /* Both sides set the group, so that it exists whichever runs first. */
        setpgid(pid, pid);
        return pid;
}
