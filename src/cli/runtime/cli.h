/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* hull-runtime's command line: runc's, verb for verb and flag for flag.
 * Each verb is a thin file: parse flags, call one library function, map the
 * error to an exit status. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runtime/runtime.h"
#include "util/error.h"

typedef enum cli_arg {
        CLI_BOOL,   /* bool *             */
        CLI_STRING, /* const char **      */
        CLI_LIST,   /* char *** (repeatable, appended) */
        CLI_UINT,   /* unsigned *         */
} cli_arg;

typedef struct cli_opt {
        const char *name;  /* long name, given as --name or -name */
        char short_name;   /* or 0 */
        cli_arg type;
        void *dest;
        const char *help;
        const char *metavar;
} cli_opt;

typedef struct cli_verb {
        const char *name;
        const char *usage;   /* "[options] <container-id>" */
        const char *summary;
        int (*run)(hull_context *ctx, int argc, char **argv);
} cli_verb;

extern const char *cli_program; /* "hull-runtime" or "hull runtime" */
extern char **cli_argv;          /* main()'s argv, to re-execute the program */

/* Parses options from argv[1..] until the first positional argument or "--".
 * Returns the index of the first positional, or -1 after printing an error
 * (usage errors), or -2 when --help was printed. */
int cli_parse(int argc, char **argv, const cli_opt *opts, size_t n_opts, const cli_verb *verb);

void cli_usage(FILE *f, const cli_verb *verb, const cli_opt *opts, size_t n_opts);

/* Prints err (and logs it), frees it, returns the exit status to use. */
int cli_fail(hull_error *err);
/* A usage error: message, hint, status 2? runc uses 1; so do we. */
int cli_usage_error(const cli_verb *verb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Verb entry points (one file each). */
int cli_create(hull_context *ctx, int argc, char **argv);
int cli_start(hull_context *ctx, int argc, char **argv);
int cli_run(hull_context *ctx, int argc, char **argv);
int cli_state(hull_context *ctx, int argc, char **argv);
int cli_kill(hull_context *ctx, int argc, char **argv);
int cli_delete(hull_context *ctx, int argc, char **argv);
int cli_list(hull_context *ctx, int argc, char **argv);
int cli_exec(hull_context *ctx, int argc, char **argv);
int cli_spec(hull_context *ctx, int argc, char **argv);
int cli_features(hull_context *ctx, int argc, char **argv);

extern const cli_verb cli_verb_create, cli_verb_start, cli_verb_run, cli_verb_state, cli_verb_kill,
        cli_verb_delete, cli_verb_list, cli_verb_exec, cli_verb_spec, cli_verb_features;

/* The whole hull-runtime command line; also `hull runtime ...`. */
int hull_runtime_main(int argc, char **argv);
