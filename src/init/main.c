/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull-init: a minimal PID 1 for containers.  Options, the set-up of
 * either mode, and the hand-over to the event loop (engine.c). */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "engine.h"
#include "load.h"
#include "signals.h"
#include "util.h"

#ifndef HULL_VERSION
#define HULL_VERSION "unknown"
#endif

#define EXIT_USAGE 2

extern char **environ;

struct options {
        const char *config;
        bool check, subreaper, group, prefix, verbose;
        int stop_signal;
        uint64_t grace_ms;
        int rewrite[SIG_COUNT + 1];
};

static void usage(FILE *f) {
        fputs("Usage: hull-init [OPTIONS] [--] PROGRAM [ARGS...]\n"
              "       hull-init [OPTIONS] -c PATH\n"
              "A minimal init for containers: runs PROGRAM, or the services of PATH, reaps\n"
              "every zombie, forwards signals and stops gracefully.\n"
              "\n"
              "  -c, --config PATH      supervise the services of PATH: a file of [NAME]\n"
              "                         sections, or a directory of NAME.service files\n"
              "  -n, --check            with -c: check the service files, then exit\n"
              "  -s, --subreaper        adopt orphans as a child subreaper when not PID 1\n"
              "  -g, --group            forward signals to the program's process group\n"
              "  -r, --rewrite FROM:TO  forward signal FROM as TO (TO 0: drop it); repeatable\n"
              "  -S, --stop-signal SIG  the signal that starts a graceful stop (default TERM)\n"
              "  -t, --grace DURATION   how long a stop waits before SIGKILL (default 10s)\n"
              "  -p, --prefix           prefix each line of service output with its name\n"
              "  -q, --quiet            no messages about services starting and stopping\n"
              "  -v, --verbose          such messages in one-program mode too\n"
              "  -h, --help             show this help\n"
              "  -V, --version          show the version\n"
              "\n"
              "Exit status: the program's, 128+N when it was killed by signal N, 127 when it\n"
              "was not found, 126 when it could not be executed; 2 for a usage error or a bad\n"
              "service file; 1 for an internal error.  See docs/hull-init.md.\n",
              f);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
        char msg[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        init_err("%s", msg);
        fputs("Try 'hull-init --help'.\n", stderr);
        return EXIT_USAGE;
}

static int parse_rewrite(struct options *o, const char *arg) {
        char *s = xstrdup(arg), *colon = strchr(s, ':');
        int r = -1;
        if (colon) {
                *colon = '\0';
                int from = sig_parse(s, false), to = sig_parse(colon + 1, true);
                if (from > 0 && to >= 0) {
                        o->rewrite[from] = to;
                        r = 0;
                }
        }
        free(s);
        return r;
}

/* Parses the command line.  Returns -1 to go on, or an exit code. */
static int parse_options(int argc, char **argv, struct options *o) {
        static const struct option longopts[] = {
                { "config", required_argument, NULL, 'c' },
                { "check", no_argument, NULL, 'n' },
                { "subreaper", no_argument, NULL, 's' },
                { "group", no_argument, NULL, 'g' },
                { "rewrite", required_argument, NULL, 'r' },
                { "stop-signal", required_argument, NULL, 'S' },
                { "grace", required_argument, NULL, 't' },
                { "prefix", no_argument, NULL, 'p' },
                { "quiet", no_argument, NULL, 'q' },
                { "verbose", no_argument, NULL, 'v' },
                { "help", no_argument, NULL, 'h' },
                { "version", no_argument, NULL, 'V' },
                {},
        };
        int c;
        bool quiet = false;

        for (int i = 0; i <= SIG_COUNT; i++)
                o->rewrite[i] = i;
        o->stop_signal = 15;
        o->grace_ms = 10000;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "+c:nsgr:S:t:pqvhV", longopts, NULL)) != -1) {
                switch (c) {
                case 'c':
                        o->config = optarg;
                        break;
                case 'n':
                        o->check = true;
                        break;
                case 's':
                        o->subreaper = true;
                        break;
                case 'g':
                        o->group = true;
                        break;
                case 'r':
                        if (parse_rewrite(o, optarg) < 0)
                                return usage_error("--rewrite: expected FROM:TO signals, not '%s'", optarg);
                        break;
                case 'S':
                        o->stop_signal = sig_parse(optarg, false);
                        if (o->stop_signal < 0)
                                return usage_error("--stop-signal: '%s' is not a signal", optarg);
                        break;
                case 't':
                        if (parse_duration(optarg, &o->grace_ms) < 0)
                                return usage_error("--grace: '%s' is not a duration (10, 1.5, 250ms)", optarg);
                        break;
                case 'p':
                        o->prefix = true;
                        break;
                case 'q':
                        quiet = true;
                        break;
                case 'v':
                        o->verbose = true;
                        break;
                case 'h':
                        usage(stdout);
                        return 0;
                case 'V':
                        printf("hull-init %s\n", HULL_VERSION);
                        return 0;
                default:
                        if (optopt && strchr("crSt", optopt))
                                return usage_error("option -%c needs an argument", optopt);
                        if (optopt)
                                return usage_error("unknown option -%c", optopt);
                        return usage_error("unknown option %s", argv[optind - 1]);
                }
        }
        if (o->config && optind < argc)
                return usage_error("-c and a program exclude each other (%s)", argv[optind]);
        if (!o->config && optind >= argc)
                return usage_error("no program given");
        if (o->check && !o->config)
                return usage_error("--check needs -c PATH");
        /* one program: quiet unless -v; services: messages unless -q */
        init_quiet = o->config ? quiet : !o->verbose || quiet;
        return -1;
}

/* environ with the service's KEY=VALUE overrides; owned by the caller. */
static char **make_env(char *const *overrides) {
        char **env = NULL;
        for (size_t i = 0; environ && environ[i]; i++)
                strv_push(&env, xstrdup(environ[i]));
        for (size_t i = 0; overrides && overrides[i]; i++) {
                size_t klen = (size_t) (strchr(overrides[i], '=') - overrides[i]) + 1;
                size_t j;
                for (j = 0; env && env[j]; j++)
                        if (strncmp(env[j], overrides[i], klen) == 0)
                                break;
                if (env && env[j]) {
                        free(env[j]);
                        env[j] = xstrdup(overrides[i]);
                } else {
                        strv_push(&env, xstrdup(overrides[i]));
                }
        }
        return env;
}

static void setup_service(struct engine *e, struct svc *s, const struct svc_conf *c, const struct options *o) {
        memset(s, 0, sizeof(*s));
        s->c = c;
        s->envp = make_env(c->env);
        s->state = ST_WAITING;
        s->report_fd = s->notify_fd = s->probe_fd = -1;
        s->status = -1;
        s->delay = c->delay_ms;
        if (e->single)
                s->stop_signal = o->rewrite[o->stop_signal];
        else
                s->stop_signal = c->stop_signal ? c->stop_signal : o->stop_signal;
        s->grace = c->grace_ms >= 0 ? (uint64_t) c->grace_ms : o->grace_ms;
        s->prefix = c->prefix >= 0 ? c->prefix : o->prefix;
        s->group = c->group >= 0 ? c->group : o->group;
}

/* One-program mode as a set of one service: argv (not owned) is the main
 * service, never restarted, ready once started. */
static void single_service(struct svc_conf *c, char **argv) {
        const char *base = strrchr(argv[0], '/');
        c->name = (char *) (base ? base + 1 : argv[0]);
        c->argv = argv;
        c->main = true;
        c->restart = RESTART_NO;
        c->ready = READY_NONE;
        c->ready_fd = -1;
        c->grace_ms = -1;
        c->prefix = 0;
        c->group = -1;
}

/* Registers as a subreaper when asked; warns when orphans would escape. */
static int setup_reaping(const struct options *o) {
        int on = 0;
        if (o->subreaper && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0) {
                init_err("cannot become a subreaper: %s", strerror(errno));
                return -1;
        }
        if (getpid() != 1 && (prctl(PR_GET_CHILD_SUBREAPER, &on, 0, 0, 0) < 0 || !on))
                init_warn("not PID 1 and not a subreaper (-s): orphaned processes will not be reaped");
        return 0;
}

int main(int argc, char **argv) {
        struct options o = { 0 };
        struct engine e = { 0 };
        struct svc_set set = { 0 };
        static struct svc_conf single;
        static const size_t single_order[1] = { 0 };
        int r = parse_options(argc, argv, &o);
        if (r >= 0)
                return r;

        /* first, so that no signal is lost or kills hull-init from now on */
        r = sig_open(&e.sigfd, &e.syncfd);
        if (r < 0) {
                init_err("setting up signals: %s", strerror(-r));
                return 1;
        }
        if (o.config) {
                if (svc_load(o.config, &set) < 0) {
                        svc_set_free(&set);
                        return EXIT_USAGE;
                }
                if (o.check) {
                        printf("%s: %zu service%s, no error\n", o.config, set.n, set.n == 1 ? "" : "s");
                        svc_set_free(&set);
                        return 0;
                }
        } else {
                single_service(&single, argv + optind);
                set.v = &single;
                set.n = 1;
                set.order = (size_t *) single_order;
                e.single = true;
        }

        if (setup_reaping(&o) < 0) {
                if (!e.single)
                        svc_set_free(&set);
                return 1;
        }

        memcpy(e.rewrite, o.rewrite, sizeof(e.rewrite));
        e.stop_signal = o.stop_signal;
        e.grace = o.grace_ms;
        e.n = set.n;
        e.order = set.order;
        e.svc = xcalloc(set.n, sizeof(struct svc));
        if (e.single) {
                e.foreground = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp();
                e.job_control = e.foreground && getpid() != 1;
        }
        for (size_t i = 0; i < set.n; i++)
                setup_service(&e, &e.svc[i], &set.v[i], &o);
        r = engine_run(&e);

        for (size_t i = 0; i < e.n; i++)
                strv_free(e.svc[i].envp);
        free(e.svc);
        close(e.sigfd);
        close(e.syncfd);
        if (!e.single)
                svc_set_free(&set);
        return r;
}
