/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Runs the hooks of config.json: each in order, the container state on its
 * stdin, its output captured for the error message, killed at its timeout. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "util/cleanup.h"
#include "util/log.h"

#define HOOK_OUTPUT_MAX 2048

static _noreturn_ void hook_child(const hull_spec_hook *h, int in_fd, int out_fd) {
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        for (int s = 1; s < NSIG; s++)
                signal(s, SIG_DFL);
        if (dup2(in_fd, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
                _exit(127);
        char *const default_args[] = { h->path, NULL };
        char *const empty_env[] = { NULL };
        execve(h->path, h->args && h->args[0] ? h->args : default_args, h->env ? h->env : empty_env);
        dprintf(2, "exec %s: %s", h->path, strerror(errno));
        _exit(127);
}

static long long now_ms(void) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return (long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int run_one(const hull_spec_hook *h, hull_hook_kind kind, size_t idx, const char *state_json,
                   hull_error **err) {
        int in[2], out[2];
        if (pipe2(in, O_CLOEXEC) < 0)
                return hull_error_set(err, errno, "%s hook %zu: pipe", hull_hook_kind_name(kind), idx);
        if (pipe2(out, O_CLOEXEC) < 0) {
                close(in[0]);
                close(in[1]);
                return hull_error_set(err, errno, "%s hook %zu: pipe", hull_hook_kind_name(kind), idx);
        }
        pid_t pid = fork();
        if (pid < 0) {
                int e = errno;
                close(in[0]), close(in[1]), close(out[0]), close(out[1]);
                return hull_error_set(err, e, "%s hook %zu: fork", hull_hook_kind_name(kind), idx);
        }
        if (pid == 0)
                hook_child(h, in[0], out[1]);
        close(in[0]);
        close(out[1]);
        _cleanup_close_ int wfd = in[1], rfd = out[0];
        _cleanup_close_ int pidfd = (int) syscall(SYS_pidfd_open, pid, 0);

        /* The state is small (well under a pipe buffer); a hook that does not
         * read it gets EPIPE, which is not an error. */
        size_t len = strlen(state_json);
        (void) fcntl(wfd, F_SETFL, O_NONBLOCK);
        ssize_t n = write(wfd, state_json, len);
        (void) n;
        close(TAKE_FD(wfd));

        char output[HOOK_OUTPUT_MAX + 1];
        size_t olen = 0;
        long long deadline = h->timeout > 0 ? now_ms() + (long long) h->timeout * 1000 : -1;
        bool timed_out = false, exited = false;
        int status = 0;
        (void) fcntl(rfd, F_SETFL, O_NONBLOCK);
        while (!exited) {
                struct pollfd p[2];
                int np = 0, timeout = -1;
                if (rfd >= 0)
                        p[np++] = (struct pollfd){ rfd, POLLIN, 0 };
                p[np++] = (struct pollfd){ pidfd, POLLIN, 0 };
                if (deadline >= 0) {
                        long long left = deadline - now_ms();
                        timeout = left > 0 ? (int) left : 0;
                }
                int pr = poll(p, (nfds_t) np, timeout);
                if (pr < 0) {
                        if (errno == EINTR)
                                continue;
                        break;
                }
                if (pr == 0) {
                        timed_out = true;
                        kill(pid, SIGKILL);
                        break;
                }
                for (int i = 0; i < np; i++) {
                        if (!p[i].revents)
                                continue;
                        if (p[i].fd == pidfd) {
                                exited = true;
                                continue;
                        }
                        char buf[512];
                        ssize_t k = read(rfd, buf, sizeof(buf));
                        if (k == 0 || (k < 0 && errno != EAGAIN && errno != EINTR))
                                close(TAKE_FD(rfd));
                        else if (k > 0 && olen < HOOK_OUTPUT_MAX) {
                                size_t take = (size_t) k > HOOK_OUTPUT_MAX - olen ? HOOK_OUTPUT_MAX - olen : (size_t) k;
                                memcpy(output + olen, buf, take);
                                olen += take;
                        }
                }
        }
        /* What the hook wrote just before exiting (never blocks: O_NONBLOCK). */
        while (rfd >= 0 && olen < HOOK_OUTPUT_MAX) {
                ssize_t k = read(rfd, output + olen, HOOK_OUTPUT_MAX - olen);
                if (k <= 0)
                        break;
                olen += (size_t) k;
        }
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
                ;
        output[olen] = 0;
        while (olen > 0 && (output[olen - 1] == '\n' || output[olen - 1] == ' '))
                output[--olen] = 0;
        if (timed_out)
                return hull_error_set_raw(err, ETIMEDOUT, "%s hook %zu (%s) timed out after %d seconds%s%s",
                                          hull_hook_kind_name(kind), idx, h->path, h->timeout, olen ? ": " : "", output);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
                if (olen)
                        hull_debug("%s hook %zu (%s): %s", hull_hook_kind_name(kind), idx, h->path, output);
                return 0;
        }
        if (WIFSIGNALED(status))
                return hull_error_set_raw(err, ECANCELED, "%s hook %zu (%s) was killed by signal %d%s%s",
                                          hull_hook_kind_name(kind), idx, h->path, WTERMSIG(status), olen ? ": " : "",
                                          output);
        return hull_error_set_raw(err, ECANCELED, "%s hook %zu (%s) failed with exit status %d%s%s",
                                  hull_hook_kind_name(kind), idx, h->path, WEXITSTATUS(status), olen ? ": " : "", output);
}

int hull_hooks_run(const hull_spec *spec, hull_hook_kind kind, const char *state_json, hull_error **err) {
        if (!spec)
                return 0;
        for (size_t i = 0; i < spec->n_hooks[kind]; i++) {
                hull_debug("running %s hook %zu: %s", hull_hook_kind_name(kind), i, spec->hooks[kind][i].path);
                int r = run_one(&spec->hooks[kind][i], kind, i, state_json ? state_json : "{}", err);
                if (r < 0)
                        return r;
        }
        return 0;
}

int hull_hooks_run_warn(const hull_spec *spec, hull_hook_kind kind, const char *state_json) {
        int failed = 0;
        if (!spec)
                return 0;
        for (size_t i = 0; i < spec->n_hooks[kind]; i++) {
                _cleanup_error_ hull_error *err = NULL;
                hull_debug("running %s hook %zu: %s", hull_hook_kind_name(kind), i, spec->hooks[kind][i].path);
                if (run_one(&spec->hooks[kind][i], kind, i, state_json ? state_json : "{}", &err) < 0) {
                        hull_warn("%s", err->msg);
                        failed++;
                }
        }
        return failed;
}
