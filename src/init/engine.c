/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "engine.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reap.h"
#include "relay.h"
#include "util.h"

enum watch_kind { W_SIGNAL, W_SYNC, W_TIMER, W_REPORT, W_NOTIFY, W_PROBE, W_RELAY };

struct watch {
        enum watch_kind kind;
        struct svc *svc;
        struct relay *relay;
};

void svc_signal(struct engine *e, struct svc *s, int sig) {
        if (s->pid <= 0 || sig <= 0)
                return;
        if (s->group)
                kill(-s->pid, sig);
        else
                kill(s->pid, sig);
}

void engine_begin_shutdown(struct engine *e, const char *why) {
        if (e->stopping)
                return;
        e->stopping = true;
        init_info("stopping: %s", why);
        for (size_t i = 0; i < e->n; i++) {
                struct svc *s = &e->svc[i];
                if (s->state == ST_WAITING || s->state == ST_BACKOFF)
                        s->state = ST_DONE;
        }
        if (e->single)
                e->stop_deadline = now_ms() + e->svc[0].grace;
}

static struct svc *find_svc(struct engine *e, pid_t pid) {
        for (size_t i = 0; i < e->n; i++)
                if (e->svc[i].pid == pid)
                        return &e->svc[i];
        return NULL;
}

static void on_child(pid_t pid, int status, void *userdata) {
        struct engine *e = userdata;
        struct svc *s = find_svc(e, pid);
        if (!s)
                return; /* an orphan, now reaped */
        if (WIFSTOPPED(status)) {
                if (e->single)
                        jobctl_on_stop(e, s, WSTOPSIG(status));
                return;
        }
        svc_on_exit(e, s, status);
}

static void reap(struct engine *e) {
        e->children = reap_all(on_child, e);
}

static bool is_stop_request(const struct engine *e, int sig) {
        if (e->single)
                return sig == e->stop_signal;
        return sig == e->stop_signal || sig == SIGTERM || sig == SIGINT;
}

static void on_signal(struct engine *e, const struct sig_event *ev) {
        char name[16];

        if (ev->signo == SIGCHLD) {
                e->must_reap = true;
                if (ev->code > 0)
                        return; /* the kernel's notice of a child: not forwarded */
        }
        if (ev->pid != 0 && ev->pid == e->self)
                return; /* our own (SIGPIPE of a write, SIGXFSZ...) */

        int fwd = e->rewrite[ev->signo];
        if (is_stop_request(e, ev->signo) && !e->stopping) {
                engine_begin_shutdown(e, sig_name(ev->signo, name, sizeof(name)));
                return; /* svc_stop_in_order() sends the stop signals */
        }
        if (!e->single && is_stop_request(e, ev->signo))
                return; /* already stopping */
        if (e->single && ev->signo == SIGCONT)
                jobctl_on_cont(e, &e->svc[0]);
        for (size_t i = 0; i < e->n; i++)
                svc_signal(e, &e->svc[i], fwd);
}

/* Handles the signals pending on one source until it has none. */
static void read_signals(struct engine *e, int fd, bool sync) {
        struct sig_event ev[16];
        int n;
        do {
                n = sig_read(fd, sync, ev, ELEMENTSOF(ev));
                for (int i = 0; i < n; i++)
                        on_signal(e, &ev[i]);
        } while (n == (int) ELEMENTSOF(ev));
        if (n < 0)
                init_err("reading signals: %s", strerror(-n));
}

/* The earliest deadline of anything, or 0. */
static uint64_t next_deadline(const struct engine *e) {
        uint64_t t = 0;
#define CONSIDER(x)                          \
        do {                                 \
                uint64_t v_ = (x);           \
                if (v_ && (!t || v_ < t))    \
                        t = v_;              \
        } while (0)
        for (size_t i = 0; i < e->n; i++) {
                const struct svc *s = &e->svc[i];
                if (s->pid > 0)
                        CONSIDER(s->kill_at);
                if (s->state == ST_BACKOFF)
                        CONSIDER(s->restart_at);
                CONSIDER(s->probe_at);
        }
        CONSIDER(e->leftover_kill_at);
#undef CONSIDER
        return t;
}

static void arm_timer(struct engine *e) {
        uint64_t t = next_deadline(e);
        struct itimerspec its;
        if (t == e->armed)
                return;
        e->armed = t;
        memset(&its, 0, sizeof(its));
        if (t) {
                its.it_value.tv_sec = (time_t) (t / 1000);
                its.it_value.tv_nsec = (long) (t % 1000) * 1000000;
        }
        if (timerfd_settime(e->timerfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
                init_err("arming the timer: %s", strerror(errno));
}

static void kill_service(struct engine *e, struct svc *s) {
        char d[32];
        init_info("%s: still running after %s, sending KILL", s->c->name, format_duration(s->grace, d, sizeof(d)));
        kill(-s->pid, SIGKILL);
        kill(s->pid, SIGKILL);
        if (e->single)
                kill_descendants(SIGKILL);
}

static void on_deadlines(struct engine *e) {
        uint64_t now = now_ms();
        uint64_t buf;
        while (read(e->timerfd, &buf, sizeof(buf)) > 0)
                ;
        e->armed = 0; /* a timerfd that fired is disarmed */
        for (size_t i = 0; i < e->n; i++) {
                struct svc *s = &e->svc[i];
                if (s->pid > 0 && s->kill_at && s->kill_at <= now) {
                        s->kill_at = 0;
                        kill_service(e, s);
                }
                if (s->state == ST_BACKOFF && s->restart_at <= now)
                        svc_start(e, s);
                if (s->probe_at && s->probe_at <= now)
                        ready_probe_due(e, s);
        }
        if (e->leftover_kill_at && e->leftover_kill_at <= now) {
                e->leftover_kill_at = 0;
                init_info("descendants still running, sending KILL");
                kill_descendants(SIGKILL);
        }
}

/* What the set of services does next when not stopping: start what can
 * start, and begin the shutdown once the main service (or, without one,
 * every service) is done. */
static void advance(struct engine *e) {
        while (svc_start_ready_ones(e))
                ;
        bool all_done = true, any_failed = false;
        for (size_t i = 0; i < e->n; i++) {
                struct svc *s = &e->svc[i];
                if (s->c->main && s->state == ST_DONE) {
                        engine_begin_shutdown(e, "the main service ended");
                        return;
                }
                all_done = all_done && s->state == ST_DONE;
                any_failed = any_failed || s->failed;
        }
        if (all_done) {
                e->exit_code = any_failed ? 1 : 0;
                engine_begin_shutdown(e, "every service ended");
        }
}

/* The shutdown: services stop in reverse order; then whatever descendants
 * are left get the stop signal, the grace, and SIGKILL. */
static void wind_down(struct engine *e) {
        char name[16];

        svc_stop_in_order(e);
        for (size_t i = 0; i < e->n; i++)
                if (e->svc[i].pid > 0)
                        return;
        if (!e->leftovers) {
                e->leftovers = true;
                reap(e);
                if (e->children) {
                        int sig = e->single ? e->svc[0].stop_signal : e->stop_signal;
                        init_info("signalling leftover descendants with %s", sig_name(sig, name, sizeof(name)));
                        kill_descendants(sig);
                        if (sig != SIGCONT)
                                kill_descendants(SIGCONT);
                        /* one program: the grace of the stop covers its
                         * descendants too */
                        uint64_t t = e->single ? e->stop_deadline : 0;
                        e->leftover_kill_at = t ? t : now_ms() + e->grace;
                }
        }
        if (!e->children)
                e->finished = true;
}

static void add_watch(struct pollfd *p, struct watch *w, size_t *n, int fd, short events, enum watch_kind kind,
                      struct svc *s, struct relay *r) {
        p[*n] = (struct pollfd){ .fd = fd, .events = events };
        w[*n] = (struct watch){ .kind = kind, .svc = s, .relay = r };
        (*n)++;
}

static void wait_events(struct engine *e) {
        size_t cap = 3 + 3 * e->n, n = 0;
        for (struct relay *r = e->relays; r; r = r->next)
                cap++;
        struct pollfd *p = xcalloc(cap, sizeof(*p));
        struct watch *w = xcalloc(cap, sizeof(*w));

        add_watch(p, w, &n, e->sigfd, POLLIN, W_SIGNAL, NULL, NULL);
        add_watch(p, w, &n, e->syncfd, POLLIN, W_SYNC, NULL, NULL);
        add_watch(p, w, &n, e->timerfd, POLLIN, W_TIMER, NULL, NULL);
        for (size_t i = 0; i < e->n; i++) {
                struct svc *s = &e->svc[i];
                if (s->report_fd >= 0)
                        add_watch(p, w, &n, s->report_fd, POLLIN, W_REPORT, s, NULL);
                if (s->notify_fd >= 0)
                        add_watch(p, w, &n, s->notify_fd, POLLIN, W_NOTIFY, s, NULL);
                if (s->probe_fd >= 0)
                        add_watch(p, w, &n, s->probe_fd, POLLOUT, W_PROBE, s, NULL);
        }
        for (struct relay *r = e->relays; r; r = r->next)
                add_watch(p, w, &n, r->fd, POLLIN, W_RELAY, NULL, r);

        if (poll(p, n, -1) < 0) {
                if (errno != EINTR)
                        init_err("poll: %s", strerror(errno));
                goto out;
        }
        for (size_t i = 0; i < n; i++) {
                if (!p[i].revents)
                        continue;
                switch (w[i].kind) {
                case W_SIGNAL:
                        read_signals(e, e->sigfd, false);
                        break;
                case W_SYNC:
                        read_signals(e, e->syncfd, true);
                        break;
                case W_TIMER:
                        on_deadlines(e);
                        break;
                case W_REPORT:
                        if (w[i].svc->report_fd == p[i].fd)
                                svc_on_report(e, w[i].svc);
                        break;
                case W_NOTIFY:
                        if (w[i].svc->notify_fd == p[i].fd)
                                ready_on_notify(e, w[i].svc);
                        break;
                case W_PROBE:
                        if (w[i].svc->probe_fd == p[i].fd)
                                ready_on_probe(e, w[i].svc);
                        break;
                case W_RELAY:
                        relay_pump(w[i].relay);
                        break;
                }
        }
        relay_sweep(&e->relays);
out:
        free(p);
        free(w);
}

int engine_run(struct engine *e) {
        e->self = getpid();
        e->armed = 0;
        e->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
        if (e->timerfd < 0) {
                init_err("timerfd: %s", strerror(errno));
                return 1;
        }
        while (!e->finished) {
                if (e->must_reap) {
                        e->must_reap = false;
                        reap(e);
                }
                if (!e->stopping)
                        advance(e);
                if (e->stopping)
                        wind_down(e);
                if (e->finished)
                        break;
                arm_timer(e);
                wait_events(e);
        }
        relay_close_all(&e->relays);
        close(e->timerfd);
        return e->exit_code;
}
