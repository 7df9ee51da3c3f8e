/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "common.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/hull/hull.h"
#include "util/cleanup.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

/* CLI state (the library has none): which verb runs, --store, progress. */
static const char *verb_name = "";
static const char *store_override;
static bool progress_shown;
static uint64_t progress_last;

static void sink(hull_log_level level, const char *msg, void *userdata) {
        (void) userdata;
        if (progress_shown)
                img_progress_done();
        fprintf(stderr, "hull %s: %s%s\n", verb_name, level == HULL_LOG_WARNING ? "warning: " : "", msg);
}

static void usage(FILE *f, const img_verb *v, const img_opt *opts, size_t n) {
        fprintf(f, "Usage: hull %s %s\n\n%s\n", v->name, v->usage, v->summary);
        if (v->description)
                fprintf(f, "\n%s", v->description);
        fprintf(f, "\nOptions:\n");
        for (size_t i = 0; i <= n; i++) {
                const img_opt *o = i < n ? &opts[i] : NULL;
                char left[64];
                if (!o) {
                        fprintf(f, "  %-30s %s\n", "    --store DIR", "the image store (default: $HULL_STORE, /var/lib/hull as root,");
                        fprintf(f, "  %-30s %s\n", "", "$XDG_DATA_HOME/hull otherwise)");
                        fprintf(f, "  %-30s %s\n", "    --debug", "log debug messages");
                        fprintf(f, "  %-30s %s\n", "-h, --help", "print this help");
                        break;
                }
                const char *mv = o->type == IMG_OPT_BOOL ? "" : o->metavar ? o->metavar : "VALUE";
                if (o->short_name)
                        snprintf(left, sizeof(left), "-%c, --%s%s%s", o->short_name, o->name, *mv ? " " : "", mv);
                else
                        snprintf(left, sizeof(left), "    --%s%s%s", o->name, *mv ? " " : "", mv);
                fprintf(f, "  %-30s %s\n", left, o->help);
        }
        fprintf(f, "\nExit status: 0 success, 1 failure, 2 usage error, 3 no such image,\n"
                   "4 invalid or corrupt input, 5 unsafe archive refused.\n");
}

int img_usage_error(const img_verb *v, const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "hull %s: ", v->name);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\nUsage: hull %s %s (see --help)\n", v->name, v->usage);
        return HULL_IMAGE_EXIT_USAGE;
}

static const img_opt *find_opt(const img_opt *opts, size_t n, const char *name, size_t len, char short_name) {
        for (size_t i = 0; i < n; i++)
                if (short_name ? opts[i].short_name == short_name
                               : (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0))
                        return &opts[i];
        return NULL;
}

int img_start(int argc, char **argv, const img_verb *v, const img_opt *opts, size_t n_opts, char ***ret_args,
              int *ret_status) {
        static bool debug;
        verb_name = v->name;
        hull_log_set_sink(sink, NULL, HULL_LOG_WARNING);
        signal(SIGPIPE, SIG_IGN);
        *ret_status = 0;
        if (hull_sys_fault_init() < 0) {
                fprintf(stderr, "hull %s: HULL_FAULT: cannot parse\n", v->name);
                *ret_status = 1;
                return -1;
        }
        const img_opt common[] = {
                { "store", 0, IMG_OPT_STRING, &store_override, "DIR", "" },
                { "debug", 0, IMG_OPT_BOOL, &debug, NULL, "" },
        };
        char **args = calloc((size_t) argc + 1, sizeof(char *));
        if (!args) {
                *ret_status = 1;
                return -1;
        }
        size_t n_args = 0;
        bool options = true;
        for (int i = 1; i < argc; i++) {
                char *a = argv[i];
                if (!options || a[0] != '-' || a[1] == 0) {
                        args[n_args++] = a;
                        continue;
                }
                if (strcmp(a, "--") == 0) {
                        options = false;
                        continue;
                }
                if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
                        usage(stdout, v, opts, n_opts);
                        free(args);
                        return -1;
                }
                const img_opt *o;
                const char *value = NULL;
                if (a[1] == '-') {
                        const char *name = a + 2, *eq = strchr(name, '=');
                        size_t len = eq ? (size_t) (eq - name) : strlen(name);
                        o = find_opt(opts, n_opts, name, len, 0);
                        if (!o)
                                o = find_opt(common, 2, name, len, 0);
                        if (!o) {
                                *ret_status = img_usage_error(v, "unknown option --%.*s", (int) len, name);
                                free(args);
                                return -1;
                        }
                        if (eq) {
                                if (o->type == IMG_OPT_BOOL) {
                                        *ret_status = img_usage_error(v, "--%s takes no value", o->name);
                                        free(args);
                                        return -1;
                                }
                                value = eq + 1;
                        }
                } else {
                        o = a[2] == 0 ? find_opt(opts, n_opts, NULL, 0, a[1]) : NULL;
                        if (!o) {
                                *ret_status = img_usage_error(v, "unknown option %s", a);
                                free(args);
                                return -1;
                        }
                }
                if (o->type == IMG_OPT_BOOL) {
                        *(bool *) o->dest = true;
                        continue;
                }
                if (!value) {
                        if (i + 1 >= argc) {
                                *ret_status = img_usage_error(v, "--%s needs a value", o->name);
                                free(args);
                                return -1;
                        }
                        value = argv[++i];
                }
                if (o->type == IMG_OPT_STRING)
                        *(const char **) o->dest = value;
                else if (hull_strv_push((char ***) o->dest, value) < 0) {
                        *ret_status = 1;
                        free(args);
                        return -1;
                }
        }
        if (debug)
                hull_log_set_sink(sink, NULL, HULL_LOG_DEBUG);
        if (n_args < v->min_args || n_args > v->max_args) {
                *ret_status = img_usage_error(v, n_args < v->min_args ? "missing arguments" : "too many arguments");
                free(args);
                return -1;
        }
        *ret_args = args;
        return 0;
}

int img_fail(hull_error *err) {
        int status = HULL_IMAGE_EXIT_FAILURE;
        if (err) {
                hull_log(HULL_LOG_ERROR, "%s", err->msg);
                if (err->status > 0)
                        status = err->status;
                hull_error_free(err);
        }
        return status;
}

int img_open_store(bool create, hull_store **ret, hull_error **err) {
        const char *path = store_override && *store_override ? store_override : hull_cli_store_path();
        return hull_store_open(path, create ? HULL_STORE_CREATE : 0, ret, err);
}

const char *img_human_size(uint64_t bytes, char buf[32]) {
        static const char *const units[] = { "B", "kB", "MB", "GB", "TB", "PB" };
        double v = (double) bytes;
        size_t u = 0;
        while (v >= 1000 && u + 1 < ELEMENTSOF(units)) {
                v /= 1000;
                u++;
        }
        if (u == 0)
                snprintf(buf, 32, "%llu B", (unsigned long long) bytes);
        else
                snprintf(buf, 32, "%.3g %s", v, units[u]);
        return buf;
}

bool img_progress_wanted(void) {
        return isatty(STDERR_FILENO) == 1;
}

void img_progress(void *userdata, const char *phase, uint64_t bytes) {
        (void) userdata;
        /* Redrawn every 4 MB: by amount, never by time. */
        if (progress_shown && bytes - progress_last < (4u << 20))
                return;
        progress_last = bytes;
        char b[32];
        fprintf(stderr, "\r\033[K%s: %s", phase, img_human_size(bytes, b));
        fflush(stderr);
        progress_shown = true;
}

void img_progress_done(void) {
        if (progress_shown) {
                fprintf(stderr, "\r\033[K");
                fflush(stderr);
        }
        progress_shown = false;
        progress_last = 0;
}

/* hull-init: $HULL_INIT, next to this binary, the build tree's src/init,
 * then PATH.  Returns a malloc'd absolute path or NULL. */
char *img_find_hull_init(void) {
        const char *env = getenv("HULL_INIT");
        if (env && *env)
                return realpath(env, NULL);
        char self[PATH_MAX];
        ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
        if (n > 0) {
                self[n] = 0;
                char *slash = strrchr(self, '/');
                if (slash) {
                        *slash = 0;
                        static const char *const rel[] = { "hull-init", "init/hull-init", "../libexec/hull/hull-init" };
                        for (size_t i = 0; i < ELEMENTSOF(rel); i++) {
                                char cand[PATH_MAX + 64];
                                snprintf(cand, sizeof(cand), "%s/%s", self, rel[i]);
                                if (access(cand, X_OK) == 0)
                                        return realpath(cand, NULL);
                        }
                }
        }
        const char *path = getenv("PATH");
        _cleanup_free_ char *dup = strdup(path ? path : "/usr/local/bin:/usr/bin:/bin");
        for (char *save = NULL, *d = dup ? strtok_r(dup, ":", &save) : NULL; d; d = strtok_r(NULL, ":", &save)) {
                char cand[PATH_MAX];
                snprintf(cand, sizeof(cand), "%s/hull-init", d);
                if (access(cand, X_OK) == 0)
                        return realpath(cand, NULL);
        }
        return NULL;
}

int img_parse_compression(const img_verb *v, const char *name, const char *level, hull_compression *ret,
                          int *ret_level) {
        int c = hull_compression_from_name(name);
        if (c < 0)
                return img_usage_error(v, "--compression: expected gzip, zstd or none, got \"%s\"", name);
        *ret = (hull_compression) c;
        if (level) {
                char *end;
                long l = strtol(level, &end, 10);
                if (*end || end == level || l < 1 || l > 22)
                        return img_usage_error(v, "--level: expected a number from 1 to 22, got \"%s\"", level);
                *ret_level = (int) l;
        }
        return -1;
}
