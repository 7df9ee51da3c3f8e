/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What the image verbs share: option parsing, the log sink, errors mapped
 * to exit statuses, the store, progress on a terminal.
 *
 * Exit statuses (docs/hull-image.md): 0 success, 1 failure, 2 usage error,
 * 3 no such image, 4 invalid or corrupt input, 5 unsafe archive refused. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "image/image.h"
#include "image/layout.h"
#include "util/error.h"

typedef enum img_opt_type {
        IMG_OPT_BOOL,   /* bool *        */
        IMG_OPT_STRING, /* const char ** */
        IMG_OPT_LIST,   /* char ***      (repeatable) */
} img_opt_type;

typedef struct img_opt {
        const char *name;
        char short_name;
        img_opt_type type;
        void *dest;
        const char *metavar;
        const char *help;
} img_opt;

typedef struct img_verb {
        const char *name;
        const char *usage;       /* "[options] IMAGE DIR" */
        const char *summary;     /* one line */
        const char *description; /* the rest of --help (may be NULL) */
        size_t min_args, max_args; /* positionals; max SIZE_MAX = any */
} img_verb;

/* Installs the stderr log sink, HULL_FAULT and SIGPIPE handling, then parses
 * argv (argv[0] is the verb; options and positionals in any order, "--"
 * ends options; --store DIR and --debug are understood by every verb).
 * Returns 0 with *ret_args (positionals, NULL-terminated, owned by the
 * caller: free() only the array), or the exit status to return: 0 after
 * --help, 2 after a usage error (printed). */
int img_start(int argc, char **argv, const img_verb *v, const img_opt *opts, size_t n_opts, char ***ret_args,
              int *ret_status);

/* Prints "hull VERB: message" and returns 2. */
int img_usage_error(const img_verb *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prints the error (through the log sink), frees it, returns its exit status. */
int img_fail(hull_error *err);

/* Opens the store (--store, $HULL_STORE, /var/lib/hull or
 * $XDG_DATA_HOME/hull).  `create` for the verbs that write. */
int img_open_store(bool create, hull_store **ret, hull_error **err);

/* "1.2 MB" (powers of 1000, as docker prints sizes). */
const char *img_human_size(uint64_t bytes, char buf[32]);

/* A progress callback for the library: a line on stderr, rewritten in place,
 * when stderr is a terminal; nothing otherwise.  img_progress_done() ends it. */
void img_progress(void *userdata, const char *phase, uint64_t bytes);
void img_progress_done(void);
bool img_progress_wanted(void);

/* hull-init: $HULL_INIT, next to this binary, the build tree's src/init,
 * then PATH.  Returns a malloc'd absolute path or NULL. */
char *img_find_hull_init(void);

/* --compression NAME and --level N (may be NULL) into *ret and *ret_level.
 * Returns -1 when they are valid, else the exit status (a usage error,
 * printed). */
int img_parse_compression(const img_verb *v, const char *name, const char *level, hull_compression *ret,
                          int *ret_level);
