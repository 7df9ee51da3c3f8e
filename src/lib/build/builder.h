/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The builder: runs a parsed Hullfile (recipe.h) into a temporary root
 * filesystem and commits it as a one-layer image (hull_image_commit).
 *
 * The root filesystem is a directory `hull-build-XXXXXX` under opts->tmpdir
 * ($TMPDIR, else /tmp), removed when the build ends, also on failure.  Steps
 * run in order: COPY and ADD read the build context through
 * openat2(RESOLVE_IN_ROOT) (a `..` that leaves the context is refused, a
 * symlink resolves inside the context), everything written to the root
 * filesystem is resolved inside it the same way.  Modes are set exactly (no
 * umask), every mtime becomes the source date epoch, owners are 0:0 unless
 * COPY --chown (or an archive that ADD unpacks, as root) says otherwise.
 *
 * The image: one layer (docker build --squash), a history entry per
 * instruction (created_by: the instruction as written, empty_layer) and one
 * for the layer ("hull build"); the config from ENV, ENTRYPOINT, CMD,
 * WORKDIR, USER, LABEL, EXPOSE, STOPSIGNAL, VOLUME, MAINTAINER with docker's
 * semantics; `created` and every mtime the source date epoch.  The same
 * recipe and inputs give the same manifest digest anywhere, any day.
 * Atomic: a failed build leaves the store as it was.
 *
 * Errors of a step start with "NAME:LINE:COLUMN: " (the recipe's name); the
 * error's status is HULL_IMAGE_EXIT_INVALID for what the recipe asks that
 * cannot be done (a missing source or program, an escape), FAILURE for the
 * machine's errors (I/O, space, memory). */

#include <stddef.h>
#include <stdint.h>

#include "build/recipe.h"
#include "image/image.h"
#include "util/error.h"

typedef struct hull_build_opts {
        const char *context;        /* the build context directory; NULL: none (COPY and ADD fail) */
        const char *host_root;      /* what PROGRAM, WITH, GCONV, CA_CERTIFICATES, TZDATA read; NULL: "/" */
        const char *init_path;      /* the host's hull-init, for INIT (a static binary); NULL: INIT fails */
        const char *tmpdir;         /* NULL: $TMPDIR, else /tmp */
        int64_t source_date_epoch;  /* -1 (the default): $SOURCE_DATE_EPOCH, or 0 */
        hull_compression compression; /* default gzip */
        int level;                  /* 0: the compressor's default */
        /* Called before each step (index from 0, of n) and with the layer's
         * progress (may be NULL). */
        void (*step)(void *userdata, size_t index, size_t n, const hull_recipe_step *st);
        void (*progress)(void *userdata, const char *phase, uint64_t bytes);
        void *userdata;
} hull_build_opts;

void hull_build_opts_init(hull_build_opts *o);

/* Builds recipe r and stores the image as `ref`.  Writes the manifest digest
 * into ret_digest (may be NULL).  Returns 0 or a negative value with *err
 * set. */
int hull_build(hull_store *s, const hull_recipe *r, const char *ref, const hull_build_opts *o,
               char ret_digest[HULL_DIGEST_BUF], hull_error **err);
