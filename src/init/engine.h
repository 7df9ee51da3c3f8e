/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The event loop of hull-init and the services it runs.  One program
 * (`hull-init -- PROGRAM`) is a set of one main service; the supervisor
 * (`hull-init -c PATH`) runs the set of a service file or directory.
 *
 * Everything happens on events: signals from a signalfd, deadlines from one
 * timerfd, and pipes and sockets of the services, all waited for with one
 * poll() without timeout.  Children are reaped in a waitpid(WNOHANG) loop on
 * SIGCHLD. */

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "service.h"
#include "signals.h"

struct relay;

enum svc_state {
        ST_WAITING,  /* for its dependencies */
        ST_STARTING, /* forked, not yet executed */
        ST_RUNNING,  /* executed */
        ST_BACKOFF,  /* exited, to be restarted at restart_at */
        ST_DONE,     /* exited for good, or never to start */
};

struct svc {
        const struct svc_conf *c;
        char **envp;       /* its environment, owned */
        enum svc_state state;
        pid_t pid;         /* > 0 until reaped; also its process group */
        int report_fd;     /* exec report pipe, or -1 */
        int notify_fd;     /* readiness notification pipe, or -1 */
        int probe_fd;      /* socket of a readiness probe in progress, or -1 */
        uint64_t probe_at; /* next probe, 0: none */
        uint64_t probe_gap;
        bool started;      /* has executed once (latched) */
        bool ready;        /* has been ready once (latched) */
        bool ready_now;    /* is ready in its current run */
        bool failed;       /* its last run failed */
        bool signalled;    /* got its stop signal in the shutdown */
        uint64_t kill_at;  /* SIGKILL deadline after its stop signal, 0: none */
        uint64_t restart_at;
        uint64_t started_at;
        uint64_t delay;    /* the next restart delay */
        unsigned restarts; /* restarts in a row */
        int status;        /* last wait status, -1: none */
        bool stopped_tty;  /* stopped by a terminal signal (job control) */

        /* settings with hull-init's defaults applied */
        int stop_signal;
        uint64_t grace;
        bool prefix, group;
};

struct engine {
        struct svc *svc;
        size_t n;
        const size_t *order;     /* start order (dependencies first) */
        bool single;             /* one-program mode */
        bool foreground;         /* single: the program gets the terminal (fd 0) */
        bool job_control;        /* single: terminal stops propagate (not PID 1, had the terminal) */
        int rewrite[SIG_COUNT + 1];
        int stop_signal;         /* the signal that starts a graceful stop */
        uint64_t grace;          /* for leftover descendants */
        int sigfd, syncfd, timerfd;
        uint64_t armed;          /* the deadline the timerfd is set to, 0: none */
        pid_t self;

        bool must_reap;          /* a SIGCHLD came */
        bool stopping;           /* the shutdown has begun */
        uint64_t stop_deadline;  /* single: when the stop's grace ends */
        bool leftovers;          /* every service is down; descendants are being stopped */
        uint64_t leftover_kill_at;
        bool children;           /* children remained at the last reap */
        int exit_code;           /* hull-init's, once known */
        bool finished;

        struct relay *relays;
};

/* engine.c */
/* Runs the services until the shutdown is complete.  Returns hull-init's
 * exit code.  e is set up by the caller; fds opened here are closed. */
int engine_run(struct engine *e);
void engine_begin_shutdown(struct engine *e, const char *why);
/* Sends sig (already rewritten) to a service: its pid, or its group. */
void svc_signal(struct engine *e, struct svc *s, int sig);

/* lifecycle.c */
void svc_start(struct engine *e, struct svc *s);
void svc_on_report(struct engine *e, struct svc *s);
void svc_on_exit(struct engine *e, struct svc *s, int status);
/* Starts the waiting services whose dependencies allow it; marks done those
 * that never can.  Returns true when something changed. */
bool svc_start_ready_ones(struct engine *e);
/* During the shutdown: signals the services no running service depends on. */
void svc_stop_in_order(struct engine *e);
void svc_close_fds(struct svc *s);

/* ready.c */
void ready_begin(struct engine *e, struct svc *s);
void ready_on_notify(struct engine *e, struct svc *s);
void ready_on_probe(struct engine *e, struct svc *s);
void ready_probe_due(struct engine *e, struct svc *s);
void ready_mark(struct engine *e, struct svc *s);

/* jobctl.c */
/* The main program stopped: with job control, hull-init takes the terminal
 * back and stops too, as a shell's job would. */
void jobctl_on_stop(struct engine *e, struct svc *s, int sig);
/* hull-init got SIGCONT: gives the terminal back to a program stopped by a
 * terminal signal (before SIGCONT is forwarded to it). */
void jobctl_on_cont(struct engine *e, struct svc *s);
/* The main program exited: hull-init takes back the terminal it had. */
void jobctl_on_exit(struct engine *e, struct svc *s);
