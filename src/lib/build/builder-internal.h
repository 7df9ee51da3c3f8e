/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* What builder.c (the steps, the config, the commit) and context.c (COPY
 * and ADD, writing into the root filesystem) share. */

#include <stdbool.h>
#include <sys/types.h>

#include "build/builder.h"
#include "build/rootfs.h"

typedef struct build {
        const hull_build_opts *o;
        const hull_recipe *r;
        hull_error **err;
        int rootfd;           /* the root filesystem being built */
        int ctxfd;            /* the build context (O_PATH), or -1 */
        int hostfd;           /* host_root */
        bool as_root;         /* owners are recorded (the build runs as root) */
        const char *workdir;  /* the WORKDIR so far ("/" at first) */
        char **programs;      /* every PROGRAM so far (GCONV finds the C library through them) */
        hull_rootfs_grafts grafts; /* the closures' host files, written into the layer from the host */
        bool no_graft;        /* $HULL_BUILD_NO_GRAFT: copy them into rootfd instead (for tests) */
        const hull_recipe_pos *err_pos; /* the argument a step's error is about, or NULL (the keyword) */
} build;

/* An owner for what a step writes. */
typedef struct build_owner {
        bool set;
        uid_t uid;
        gid_t gid;
} build_owner;

/* Runs COPY or ADD. */
int build_copy(build *b, const hull_recipe_step *st);

/* mkdir -p of an absolute path inside the root filesystem, following the
 * symlinks it holds (inside it): missing directories get `mode` exactly.
 * Returns 0 or a negative value with *b->err set. */
int build_mkdirs(build *b, const char *path, mode_t mode);

/* Writes what `in` holds (from its offset) as the file `path` (absolute,
 * inside the root filesystem; its directory must exist), replacing a file
 * or symlink there, with `mode` exactly and the owner.  Returns 0 or a
 * negative value with *b->err set. */
int build_write_file(build *b, int in, const char *path, mode_t mode, const build_owner *owner);
