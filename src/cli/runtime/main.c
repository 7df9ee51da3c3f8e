/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull-runtime: global flags, the log sink, dispatch to a verb. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "cli.h"
#include "runtime/exe-seal.h"
#include "util/log.h"
#include "util/sys.h"

typedef struct log_target {
        FILE *file;      /* --log, or NULL */
        bool json;
        bool to_stderr;  /* errors also go to stderr */
} log_target;

static void json_escape(FILE *f, const char *s) {
        for (; *s; s++) {
                unsigned char ch = (unsigned char) *s;
                if (ch == '"' || ch == '\\')
                        fprintf(f, "\\%c", ch);
                else if (ch == '\n')
                        fputs("\\n", f);
                else if (ch == '\t')
                        fputs("\\t", f);
                else if (ch < 0x20)
                        fprintf(f, "\\u%04x", ch);
                else
                        fputc(ch, f);
        }
}

static void sink(hull_log_level level, const char *msg, void *userdata) {
        log_target *t = userdata;
        if (t->file) {
                struct timespec ts;
                clock_gettime(CLOCK_REALTIME, &ts);
                struct tm tm;
                gmtime_r(&ts.tv_sec, &tm);
                char when[64];
                size_t n = strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
                snprintf(when + n, sizeof(when) - n, ".%09ldZ", ts.tv_nsec);
                if (t->json) {
                        fprintf(t->file, "{\"level\":\"%s\",\"msg\":\"", hull_log_level_name(level));
                        json_escape(t->file, msg);
                        fprintf(t->file, "\",\"time\":\"%s\"}\n", when);
                } else {
                        fprintf(t->file, "time=\"%s\" level=%s msg=\"", when, hull_log_level_name(level));
                        json_escape(t->file, msg);
                        fputs("\"\n", t->file);
                }
                fflush(t->file);
        }
        if (!t->file || (t->to_stderr && level == HULL_LOG_ERROR))
                fprintf(stderr, "%s: %s%s\n", cli_program, level == HULL_LOG_WARNING ? "warning: " : "", msg);
}

static const cli_verb *const verbs[] = {
        &cli_verb_create, &cli_verb_start, &cli_verb_run,  &cli_verb_state, &cli_verb_kill,
        &cli_verb_delete, &cli_verb_list,  &cli_verb_exec, &cli_verb_spec,  &cli_verb_features,
};

static void usage(FILE *f) {
        fprintf(f,
                "Usage: %s [global options] COMMAND [options] [arguments...]\n\n"
                "An OCI container runtime with runc's command line.\n\n"
                "Commands:\n",
                cli_program);
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                fprintf(f, "  %-10s %.*s\n", verbs[i]->name, (int) strcspn(verbs[i]->summary, "\n"),
                        verbs[i]->summary); /* its first line; `VERB --help` has the rest */
        fprintf(f,
                "\nGlobal options:\n"
                "  --root DIR              state directory (default " HULL_DEFAULT_STATE_ROOT ")\n"
                "  --log FILE              write log messages to FILE (errors still go to stderr)\n"
                "  --log-format FORMAT     text (default) or json\n"
                "  --debug                 log debug messages\n"
                "  --systemd-cgroup        use systemd to manage cgroups (not supported yet)\n"
                "  -v, --version           print the version\n"
                "  -h, --help              print this help\n\n"
                "Run '%s COMMAND --help' for a command's options. Exit status: 0 on success, 1 on\n"
                "error, the container's status for run/exec (128+N when killed by signal N,\n"
                "127 when the program is not found, 126 when it cannot be executed).\n",
                cli_program);
}

extern char **environ;
char **cli_argv; /* the whole command line, for the re-execution */

int hull_runtime_main(int argc, char **argv) {
        const char *root = NULL, *log_path = NULL, *log_format = "text", *criu = NULL, *rootless = NULL;
        bool debug = false, systemd = false, version = false;
        const cli_opt globals[] = {
                { "root", 0, CLI_STRING, &root, "", "DIR" },
                { "log", 0, CLI_STRING, &log_path, "", "FILE" },
                { "log-format", 0, CLI_STRING, &log_format, "", "FORMAT" },
                { "debug", 0, CLI_BOOL, &debug, "", NULL },
                { "systemd-cgroup", 0, CLI_BOOL, &systemd, "", NULL },
                { "criu", 0, CLI_STRING, &criu, "", NULL },
                { "rootless", 0, CLI_STRING, &rootless, "", NULL },
                { "version", 'v', CLI_BOOL, &version, "", NULL },
        };
        static const cli_verb top = { "", "COMMAND", "", NULL };
        /* --help at the top level */
        for (int i = 1; i < argc && argv[i][0] == '-'; i++)
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
                        usage(stdout);
                        return 0;
                }
        int idx = cli_parse(argc, argv, globals, sizeof(globals) / sizeof(globals[0]), &top);
        if (idx == -2)
                return 0;
        if (idx < 0)
                return 1;
        if (version) {
                printf("hull-runtime version %s\nspec: %s\n", HULL_VERSION, HULL_OCI_VERSION);
#ifdef HULL_FAULT_INJECTION
                printf("build: fault-injection\n");
#endif
                return 0;
        }
        if (strcmp(log_format, "text") != 0 && strcmp(log_format, "json") != 0) {
                fprintf(stderr, "%s: --log-format: expected text or json, got \"%s\"\n", cli_program, log_format);
                return 1;
        }
        static log_target target;
        target.json = strcmp(log_format, "json") == 0;
        target.to_stderr = true;
        if (log_path) {
                int fd = open(log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
                if (fd < 0 || !(target.file = fdopen(fd, "a"))) {
                        fprintf(stderr, "%s: open log file %s: %s\n", cli_program, log_path, strerror(errno));
                        return 1;
                }
        }
        hull_log_set_sink(sink, &target, debug ? HULL_LOG_DEBUG : HULL_LOG_WARNING);
        if (hull_sys_fault_init() < 0) {
                fprintf(stderr, "%s: HULL_FAULT: cannot parse\n", cli_program);
                return 1;
        }
        if (systemd) {
                hull_log(HULL_LOG_ERROR, "--systemd-cgroup: the systemd cgroup driver is not supported yet");
                return 1;
        }
        /* Writes to closed pipes are errors, not deaths. */
        signal(SIGPIPE, SIG_IGN);
        /* jansson seeds its hash tables at its first object by opening and
         * reading /dev/urandom; one getrandom() gives the seed for less. */
        uint32_t seed;
        if (getrandom(&seed, sizeof(seed), GRND_NONBLOCK) == (ssize_t) sizeof(seed) && seed != 0)
                json_object_seed(seed);

        if (idx >= argc) {
                usage(stderr);
                return 1;
        }
        const char *name = argv[idx];
        /* The verbs that fork processes into containers first make sure the
         * binary those run from cannot be written from one (CVE-2019-5736).
         * exec's process joins a running container's pid namespace as it is
         * forked, so exec moves itself; the container process of create and
         * run is alone in its new one until it is ready, and moves itself. */
        bool creates = strcmp(name, "create") == 0 || strcmp(name, "run") == 0;
        if (creates || strcmp(name, "exec") == 0) {
                hull_error *err = NULL;
                if ((creates ? hull_exe_seal_defer : hull_exe_seal)(cli_argv, environ, &err) < 0)
                        return cli_fail(err);
        }
        hull_context ctx = { .state_root = root, .debug = debug };
        for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++)
                if (strcmp(verbs[i]->name, name) == 0)
                        return verbs[i]->run(&ctx, argc - idx, argv + idx);
        fprintf(stderr, "%s: no such command: %s (see --help)\n", cli_program, name);
        return 1;
}
