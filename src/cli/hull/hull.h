/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* `hull`: the command people type.  Each verb is a thin file (parse flags,
 * call one library function, map the error to an exit status) listed in the
 * verb table of its part: image/verbs.c, build/verbs.c. */

typedef struct hull_verb {
        const char *name;
        const char *usage;   /* "IMAGE DIR" */
        const char *summary; /* one line for `hull --help` */
        int (*run)(int argc, char **argv); /* argv[0] is the verb */
} hull_verb;

/* NULL-terminated tables. */
extern const hull_verb hull_image_verbs[];
extern const hull_verb hull_build_verbs[];

/* The store: /var/lib/hull for root, $XDG_DATA_HOME/hull (or
 * ~/.local/share/hull) otherwise; --store / HULL_STORE override it. */
const char *hull_cli_store_path(void);
