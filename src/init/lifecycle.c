/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A service's life: start, exec report, exit, restart with backoff,
 * dependencies and the ordered stop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "relay.h"
#include "spawn.h"
#include "util.h"

static void close_fd(int *fd) {
        if (*fd >= 0) {
                close(*fd);
                *fd = -1;
        }
}

void svc_close_fds(struct svc *s) {
        close_fd(&s->report_fd);
        close_fd(&s->notify_fd);
        close_fd(&s->probe_fd);
        s->probe_at = 0;
}

/* A pipe whose read end (ours) is non-blocking; both ends close-on-exec. */
static int make_pipe(int p[2]) {
        if (pipe2(p, O_CLOEXEC) < 0)
                return -errno;
        if (fcntl(p[0], F_SETFL, O_NONBLOCK) < 0) {
                int r = -errno;
                close(p[0]);
                close(p[1]);
                return r;
        }
        return 0;
}

void svc_start(struct engine *e, struct svc *s) {
        const struct svc_conf *c = s->c;
        int report[2] = { -1, -1 }, notify[2] = { -1, -1 }, out = -1, err = -1;
        int r;

        if ((r = make_pipe(report)) < 0 || (c->ready == READY_FD && (r = make_pipe(notify)) < 0))
                goto fail;
        if (s->prefix) {
                if ((r = out = relay_open(&e->relays, c->name, STDOUT_FILENO)) < 0 ||
                    (r = err = relay_open(&e->relays, c->name, STDERR_FILENO)) < 0)
                        goto fail;
        }
        struct spawn_opts o = {
                .argv = c->argv,
                .envp = s->envp,
                .label = e->single ? NULL : c->name,
                .dir = c->dir,
                .set_ids = c->set_ids,
                .uid = c->uid,
                .gid = c->gid,
                .groups = c->groups,
                .ngroups = c->ngroups,
                .foreground = e->single && e->foreground,
                .stdout_fd = out,
                .stderr_fd = err,
                .notify_fd = notify[1],
                .notify_as = c->ready_fd,
                .report_fd = report[1],
        };
        pid_t pid = spawn_program(&o);
        if (pid < 0) {
                r = (int) pid;
                goto fail;
        }
        close_fd(&report[1]);
        close_fd(&notify[1]);
        close_fd(&out);
        close_fd(&err);
        s->pid = pid;
        s->state = ST_STARTING;
        s->report_fd = report[0];
        s->notify_fd = notify[0];
        s->started_at = now_ms();
        s->signalled = false;
        s->ready_now = false;
        return;
fail:
        init_err("%s: cannot start: %s", c->name, strerror(-r));
        close_fd(&report[0]);
        close_fd(&report[1]);
        close_fd(&notify[0]);
        close_fd(&notify[1]);
        close_fd(&out);
        close_fd(&err);
        /* handled as a run that failed at once: the restart policy decides */
        s->started_at = now_ms();
        svc_on_exit(e, s, 1 << 8);
}

void svc_on_report(struct engine *e, struct svc *s) {
        int err;
        ssize_t n = read(s->report_fd, &err, sizeof(err));
        if (n < 0 && (errno == EAGAIN || errno == EINTR))
                return;
        close_fd(&s->report_fd);
        if (n != 0)
                return; /* the child could not execute; it said why */
        s->state = ST_RUNNING;
        s->started = true;
        init_info("%s: started (pid %d)", s->c->name, (int) s->pid);
        ready_begin(e, s);
}

/* Whether status is a failure for the restart policy. */
static bool failed(int status) {
        return !(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

void svc_on_exit(struct engine *e, struct svc *s, int status) {
        const struct svc_conf *c = s->c;
        char d[64];
        uint64_t now = now_ms();

        if (s->report_fd >= 0)
                svc_on_report(e, s); /* settles whether it executed */
        if (e->single)
                jobctl_on_exit(e, s);
        svc_close_fds(s);
        s->pid = 0;
        s->kill_at = 0;
        s->stopped_tty = false;
        s->status = status;
        s->failed = failed(status);
        init_info("%s: %s", c->name, describe_status(status, d, sizeof(d)));
        if (!s->failed && c->ready == READY_EXIT)
                ready_mark(e, s);

        bool again = !e->stopping &&
                     (c->restart == RESTART_ALWAYS || (c->restart == RESTART_ON_FAILURE && s->failed));
        if (again) {
                if (now - s->started_at >= c->reset_ms) {
                        s->restarts = 0;
                        s->delay = c->delay_ms;
                }
                if (c->limit && s->restarts >= c->limit) {
                        init_err("%s: giving up after %u restarts", c->name, s->restarts);
                        again = false;
                }
        }
        if (again) {
                s->restarts++;
                s->restart_at = now + s->delay;
                s->state = ST_BACKOFF;
                if (c->limit)
                        init_info("%s: restarting in %s (restart %u of %u)", c->name,
                                  format_duration(s->delay, d, sizeof(d)), s->restarts, c->limit);
                else
                        init_info("%s: restarting in %s (restart %u)", c->name,
                                  format_duration(s->delay, d, sizeof(d)), s->restarts);
                s->delay = s->delay * 2 > c->delay_max_ms ? c->delay_max_ms : s->delay * 2;
                return;
        }
        s->state = ST_DONE;
        if (c->main)
                e->exit_code = status_to_code(status);
}

bool svc_start_ready_ones(struct engine *e) {
        bool changed = false;
        for (size_t k = 0; k < e->n; k++) {
                struct svc *s = &e->svc[e->order[k]];
                bool ok = true;
                if (s->state != ST_WAITING)
                        continue;
                for (size_t d = 0; d < s->c->ndeps && ok; d++) {
                        const struct svc_dep *dep = &s->c->deps[d];
                        const struct svc *t = &e->svc[dep->index];
                        if (dep->ready ? t->ready : t->started)
                                continue;
                        ok = false;
                        if (t->state == ST_DONE) {
                                init_err("%s: not started: %s %s", s->c->name, t->c->name,
                                         t->started ? "ended before it was ready" : "never started");
                                s->state = ST_DONE;
                                s->failed = true;
                                if (s->c->main)
                                        e->exit_code = 1;
                                changed = true;
                        }
                }
                if (ok) {
                        svc_start(e, s);
                        changed = true;
                }
        }
        return changed;
}

/* Whether a service that is still running depends on s. */
static bool needed(const struct engine *e, const struct svc *s) {
        for (size_t i = 0; i < e->n; i++) {
                const struct svc *t = &e->svc[i];
                if (t == s || t->pid <= 0)
                        continue;
                for (size_t d = 0; d < t->c->ndeps; d++)
                        if (&e->svc[t->c->deps[d].index] == s)
                                return true;
        }
        return false;
}

void svc_stop_in_order(struct engine *e) {
        char name[16], d[32];
        for (size_t i = 0; i < e->n; i++) {
                struct svc *s = &e->svc[i];
                if (s->pid <= 0 || s->signalled || needed(e, s))
                        continue;
                s->signalled = true;
                init_info("%s: stopping with %s (grace %s)", s->c->name, sig_name(s->stop_signal, name, sizeof(name)),
                          format_duration(s->grace, d, sizeof(d)));
                svc_signal(e, s, s->stop_signal);
                if (s->stopped_tty)
                        svc_signal(e, s, SIGCONT);
                s->kill_at = now_ms() + s->grace;
        }
}
