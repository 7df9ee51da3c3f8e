/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Hullfile parser (hull_recipe_parse) on arbitrary bytes, with two build
 * arguments.  Oracle beyond the sanitizers: a parsed recipe starts with
 * FROM scratch (after ARGs), every step has a text and one position per
 * argument, each inside the input's lines; a failure has a message that
 * starts with the recipe's name and a LINE:COLUMN. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "build/recipe.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void quiet(hull_log_level level, const char *msg, void *userdata) {
        (void) level;
        (void) msg;
        (void) userdata;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        static char *const build_args[] = { "VERSION=1.2", "EMPTY=", NULL };
        hull_log_set_sink(quiet, NULL, HULL_LOG_ERROR);
        unsigned lines = 1;
        for (size_t i = 0; i < size; i++)
                lines += data[i] == '\n';
        hull_recipe *r = NULL;
        hull_error *err = NULL;
        if (hull_recipe_parse((const char *) data, size, "Hullfile", build_args, &r, &err) < 0) {
                if (!err || strncmp(err->msg, "Hullfile", 8) != 0)
                        abort();
                hull_error_free(err);
                return 0;
        }
        bool from = false;
        for (size_t i = 0; i < r->n_steps; i++) {
                const hull_recipe_step *st = &r->steps[i];
                if (!st->text || !st->args || st->pos.line < 1 || st->pos.line > lines)
                        abort();
                if (st->op == HULL_RECIPE_FROM)
                        from = true;
                else if (!from && st->op != HULL_RECIPE_ARG)
                        abort();
                for (size_t k = 0; st->args[k]; k++)
                        if (st->arg_pos[k].line < st->pos.line || st->arg_pos[k].line > lines)
                                abort();
        }
        if (!from || !r->unused_build_args)
                abort();
        hull_recipe_free(r);
        return 0;
}
