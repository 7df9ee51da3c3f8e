/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The Hullfile: a recipe in Dockerfile syntax (docs/hull-build.md).
 *
 * The parser reads the whole text into steps with every argument already
 * final: line continuations joined (the escape character is '\' or what a
 * `# escape=` directive at the top says), comments dropped, variables
 * ($VAR, ${VAR}, ${VAR:-word}, ${VAR:+word}) substituted from the ARG and
 * ENV values in effect before the instruction -- where docker substitutes:
 * FROM, COPY, ADD, ENV, ARG, WORKDIR, USER, LABEL, EXPOSE, STOPSIGNAL,
 * VOLUME, and hull's own PROGRAM, WITH, ETC, GCONV -- quotes removed, JSON
 * (exec) forms decoded, the shell form of CMD and ENTRYPOINT wrapped in the
 * SHELL (["/bin/sh", "-c"]), relative WORKDIRs joined to the previous one,
 * EXPOSE ports normalized ("80" -> "80/tcp", ranges expanded).
 * A recipe without FROM scratch, with RUN, FROM IMAGE, or anything the parser
 * does not know fails with "NAME:LINE:COLUMN: message" (status
 * HULL_IMAGE_EXIT_INVALID).  Columns count bytes from 1.
 *
 * Nothing here touches the file system: the builder (builder.h) runs the
 * steps. */

#include <stdbool.h>
#include <stddef.h>

#include "util/error.h"

/* The environment of FROM scratch, as docker and buildah give it: PATH only. */
#define HULL_RECIPE_DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

typedef enum hull_recipe_op {
        HULL_RECIPE_FROM,       /* args: "scratch" */
        HULL_RECIPE_COPY,       /* args: SRC... DEST; chown, chmod */
        HULL_RECIPE_ADD,        /* as COPY; local tar archives are unpacked */
        HULL_RECIPE_ENV,        /* args: "KEY=VALUE"... */
        HULL_RECIPE_ARG,        /* args: "NAME=VALUE"... (the values in effect; not in the image) */
        HULL_RECIPE_WORKDIR,    /* args: the absolute, clean path */
        HULL_RECIPE_USER,       /* args: "user[:group]" */
        HULL_RECIPE_ENTRYPOINT, /* args: the command (possibly empty) */
        HULL_RECIPE_CMD,        /* args: the command (possibly empty) */
        HULL_RECIPE_SHELL,      /* args: the shell for later shell forms */
        HULL_RECIPE_LABEL,      /* args: "KEY=VALUE"... */
        HULL_RECIPE_EXPOSE,     /* args: "PORT/PROTO"... */
        HULL_RECIPE_STOPSIGNAL, /* args: the signal */
        HULL_RECIPE_VOLUME,     /* args: paths */
        HULL_RECIPE_MAINTAINER, /* args: the author */
        /* hull's own */
        HULL_RECIPE_PROGRAM,    /* args: absolute host paths, copied with their closure */
        HULL_RECIPE_WITH,       /* args: absolute host paths (files or directories) with the closure of their ELF files */
        HULL_RECIPE_ETC,        /* args: "NAME:UID:GID" per --user */
        HULL_RECIPE_CA_CERTIFICATES,
        HULL_RECIPE_TZDATA,
        HULL_RECIPE_GCONV,      /* args: character sets, or "all" */
        HULL_RECIPE_INIT,
        _HULL_RECIPE_OP_MAX,
} hull_recipe_op;

typedef struct hull_recipe_pos {
        unsigned line, column;
} hull_recipe_pos;

typedef struct hull_recipe_step {
        hull_recipe_op op;
        hull_recipe_pos pos;     /* of the instruction's keyword */
        char *text;              /* the instruction as written, continuations joined (the
                                  * image history's created_by) */
        char **args;             /* never NULL; see hull_recipe_op */
        hull_recipe_pos *arg_pos; /* where each argument starts */
        char *chown, *chmod;     /* COPY/ADD --chown= --chmod= (substituted), or NULL */
} hull_recipe_step;

typedef struct hull_recipe {
        char *name;              /* as given to the parser, for messages */
        hull_recipe_step *steps;
        size_t n_steps;
        char **unused_build_args; /* names of build arguments no ARG declared; never NULL */
} hull_recipe;

/* Parses `len` bytes of `text` (NUL bytes refused) named `name` in messages
 * ("Hullfile"), with `build_args` ("NAME=VALUE", NULL-terminated, may be
 * NULL) overriding ARG defaults.  Returns 0 and *ret (caller-owned:
 * hull_recipe_free), or a negative value with *err set. */
int hull_recipe_parse(const char *text, size_t len, const char *name, char *const *build_args, hull_recipe **ret,
                      hull_error **err);

void hull_recipe_free(hull_recipe *r);
static inline void hull_recipe_freep(hull_recipe **r) {
        if (*r) {
                hull_recipe_free(*r);
                *r = NULL;
        }
}
#define _cleanup_recipe_ __attribute__((cleanup(hull_recipe_freep)))

/* "COPY", "CA_CERTIFICATES"... */
const char *hull_recipe_op_name(hull_recipe_op op);

/* Whether the step changes the file system (else it changes the config). */
bool hull_recipe_op_is_fs(hull_recipe_op op);
