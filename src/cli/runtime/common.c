/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "util/log.h"
#include "util/strv.h"

const char *cli_program = "hull-runtime";

static const cli_opt *find_long(const cli_opt *opts, size_t n, const char *name, size_t len) {
        for (size_t i = 0; i < n; i++)
                if (strlen(opts[i].name) == len && strncmp(opts[i].name, name, len) == 0)
                        return &opts[i];
        return NULL;
}

static const cli_opt *find_short(const cli_opt *opts, size_t n, char c) {
        for (size_t i = 0; i < n; i++)
                if (opts[i].short_name == c)
                        return &opts[i];
        return NULL;
}

static int set_value(const cli_opt *o, const char *value, const cli_verb *verb) {
        switch (o->type) {
        case CLI_BOOL:
                if (!value || strcmp(value, "true") == 0)
                        *(bool *) o->dest = true;
                else if (strcmp(value, "false") == 0)
                        *(bool *) o->dest = false;
                else {
                        cli_usage_error(verb, "invalid boolean value \"%s\" for --%s", value, o->name);
                        return -1;
                }
                return 0;
        case CLI_STRING:
                *(const char **) o->dest = value;
                return 0;
        case CLI_LIST:
                if (hull_strv_push((char ***) o->dest, value) < 0)
                        return -1;
                return 0;
        case CLI_UINT: {
                char *end;
                errno = 0;
                unsigned long v = strtoul(value, &end, 10);
                if (errno || *end || !*value || value[0] == '-' || v > UINT_MAX) {
                        cli_usage_error(verb, "invalid value \"%s\" for --%s: expected a non-negative number", value, o->name);
                        return -1;
                }
                *(unsigned *) o->dest = (unsigned) v;
                return 0;
        }
        }
        return -1;
}

int cli_parse(int argc, char **argv, const cli_opt *opts, size_t n, const cli_verb *verb) {
        int i = 1;
        while (i < argc) {
                const char *a = argv[i];
                if (strcmp(a, "--") == 0)
                        return i + 1;
                if (a[0] != '-' || a[1] == 0)
                        return i;
                if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0 || strcmp(a, "-help") == 0) {
                        cli_usage(stdout, verb, opts, n);
                        return -2;
                }
                const char *name = a + 1 + (a[1] == '-');
                const char *eq = strchr(name, '=');
                size_t len = eq ? (size_t) (eq - name) : strlen(name);
                const cli_opt *o = find_long(opts, n, name, len);
                if (!o && len == 1 && a[1] != '-')
                        o = find_short(opts, n, name[0]);
                if (!o) {
                        cli_usage_error(verb, "flag provided but not defined: %.*s", (int) len + 1 + (a[1] == '-'), a);
                        return -1;
                }
                const char *value = eq ? eq + 1 : NULL;
                if (o->type != CLI_BOOL && !value) {
                        if (i + 1 >= argc) {
                                cli_usage_error(verb, "flag needs an argument: --%s", o->name);
                                return -1;
                        }
                        value = argv[++i];
                }
                if (set_value(o, value, verb) < 0)
                        return -1;
                i++;
        }
        return i;
}

void cli_usage(FILE *f, const cli_verb *verb, const cli_opt *opts, size_t n) {
        fprintf(f, "Usage: %s %s %s\n\n%s\n", cli_program, verb->name, verb->usage, verb->summary);
        if (n)
                fprintf(f, "\nOptions:\n");
        for (size_t i = 0; i < n; i++) {
                char left[64];
                if (opts[i].short_name)
                        snprintf(left, sizeof(left), "-%c, --%s%s%s", opts[i].short_name, opts[i].name,
                                 opts[i].type == CLI_BOOL ? "" : " ", opts[i].type == CLI_BOOL ? "" : (opts[i].metavar ? opts[i].metavar : "VALUE"));
                else
                        snprintf(left, sizeof(left), "    --%s%s%s", opts[i].name, opts[i].type == CLI_BOOL ? "" : " ",
                                 opts[i].type == CLI_BOOL ? "" : (opts[i].metavar ? opts[i].metavar : "VALUE"));
                fprintf(f, "  %-32s %s\n", left, opts[i].help);
        }
}

int cli_fail(hull_error *err) {
        int status = 1;
        if (err) {
                hull_log(HULL_LOG_ERROR, "%s", err->msg);
                if (err->status > 0)
                        status = err->status;
                hull_error_free(err);
        }
        return status;
}

int cli_usage_error(const cli_verb *verb, const char *fmt, ...) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        fprintf(stderr, "%s: %s\n", cli_program, msg);
        if (verb)
                fprintf(stderr, "Usage: %s %s %s (see --help)\n", cli_program, verb->name, verb->usage);
        return 1;
}
