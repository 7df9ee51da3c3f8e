/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull build: an image from a Hullfile (or Dockerfile), or from host
 * programs with --program (the quick path: a Hullfile written for you). */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/builder.h"
#include "build/recipe.h"
#include "cli/hull/build/build.h"
#include "cli/hull/image/common.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

static const img_verb verb = {
        "build", "[options] [CONTEXT]", "Build an image from a Hullfile, or from host programs",
        "Runs CONTEXT/Hullfile (else CONTEXT/Dockerfile; CONTEXT defaults to \".\"), a\n"
        "recipe in Dockerfile syntax: FROM scratch, COPY, ADD, ENV, ARG, WORKDIR, USER,\n"
        "ENTRYPOINT, CMD, SHELL, LABEL, EXPOSE, STOPSIGNAL, VOLUME, and hull's own\n"
        "PROGRAM, WITH, ETC, CA_CERTIFICATES, TZDATA, GCONV, INIT.  With --program and\n"
        "no recipe: the programs with their closure, a minimal /etc, the first\n"
        "program as the entrypoint.  One reproducible layer ($SOURCE_DATE_EPOCH, or 0,\n"
        "is every mtime and `created`).  Prints each step on stderr and the manifest\n"
        "digest on stdout.  See hull-build(1).\n",
        0, 1,
};

static void on_step(void *userdata, size_t index, size_t n, const hull_recipe_step *st) {
        (void) userdata;
        fprintf(stderr, "[%zu/%zu] %s\n", index + 1, n, st->text);
}

/* A path as one word of a generated Hullfile: blanks, quotes, '$' and the
 * escape character escaped; NULL (usage error) for a newline. */
static int quote_word(char **dst, const char *prefix, const char *w) {
        if (strchr(w, '\n') || strchr(w, '\r'))
                return -EINVAL;
        size_t n = strlen(*dst ? *dst : "") + strlen(prefix) + 2 * strlen(w) + 2;
        char *s = realloc(*dst, n);
        if (!s)
                return -ENOMEM;
        if (!*dst)
                s[0] = 0;
        *dst = s;
        s += strlen(s);
        s += sprintf(s, "%s", prefix);
        for (const char *c = w; *c; c++) {
                if (strchr(" \t'\"$\\", *c))
                        *s++ = '\\';
                *s++ = *c;
        }
        *s = 0;
        return 0;
}

static int add_line(char **dst, const char *keyword, char *const *words, const char *word_prefix) {
        int r = quote_word(dst, keyword, "");
        for (char *const *w = words; r >= 0 && w && *w; w++)
                r = quote_word(dst, word_prefix, *w);
        return r < 0 ? r : quote_word(dst, "\n", "");
}

/* The Hullfile of the quick path. */
static int quick_recipe(char *const *programs, char *const *with, char *const *users, char *const *gconv, bool ca,
                        bool tz, bool init, char **ret) {
        _cleanup_free_ char *t = strdup("FROM scratch\n");
        int r = t ? 0 : -ENOMEM;
        if (r >= 0)
                r = add_line(&t, "PROGRAM", programs, " ");
        if (r >= 0 && with)
                r = add_line(&t, "WITH", with, " ");
        if (r >= 0 && gconv)
                r = add_line(&t, "GCONV", gconv, " ");
        if (r >= 0)
                r = add_line(&t, "ETC", users, " --user=");
        if (r >= 0 && ca)
                r = add_line(&t, "CA_CERTIFICATES", NULL, "");
        if (r >= 0 && tz)
                r = add_line(&t, "TZDATA", NULL, "");
        if (r >= 0 && init)
                r = add_line(&t, "INIT", NULL, "");
        if (r >= 0) {
                json_t *ep = json_pack("[s]", programs[0]);
                _cleanup_free_ char *j = ep ? json_dumps(ep, JSON_COMPACT) : NULL;
                json_decref(ep);
                _cleanup_free_ char *line = j ? hull_strdup_printf("ENTRYPOINT %s", j) : NULL;
                r = line ? add_line(&t, line, NULL, "") : -ENOMEM;
        }
        if (r < 0)
                return r;
        *ret = TAKE_PTR(t);
        return 0;
}

/* Reads the recipe: -f FILE ("-" for stdin), else CONTEXT/Hullfile, else
 * CONTEXT/Dockerfile.  *ret_name names it in messages. */
static int read_recipe(const char *file, const char *context, char **ret_text, size_t *ret_len, char **ret_name,
                       hull_error **err) {
        int r;
        if (file && strcmp(file, "-") == 0) {
                r = hull_read_file_at(AT_FDCWD, "/dev/stdin", 0, ret_text, ret_len);
                if (r < 0)
                        return hull_error_set(err, -r, "read the recipe from stdin");
                return (*ret_name = strdup("-")) ? 0 : hull_error_set(err, ENOMEM, "build");
        }
        if (file) {
                r = hull_read_file_at(AT_FDCWD, file, 0, ret_text, ret_len);
                if (r < 0)
                        return hull_image_error_status(err, hull_error_set(err, -r, "read %s", file),
                                                       r == -ENOENT ? HULL_IMAGE_EXIT_NOT_FOUND : 0);
                return (*ret_name = strdup(file)) ? 0 : hull_error_set(err, ENOMEM, "build");
        }
        static const char *const names[] = { "Hullfile", "Dockerfile" };
        for (size_t i = 0; i < ELEMENTSOF(names); i++) {
                _cleanup_free_ char *path = hull_strdup_printf("%s/%s", context, names[i]);
                if (!path)
                        return hull_error_set(err, ENOMEM, "build");
                r = hull_read_file_at(AT_FDCWD, path, 0, ret_text, ret_len);
                if (r == -ENOENT)
                        continue;
                if (r < 0)
                        return hull_error_set(err, -r, "read %s", path);
                return (*ret_name = strdup(names[i])) ? 0 : hull_error_set(err, ENOMEM, "build");
        }
        return hull_image_error_status(err, hull_error_set_raw(err, ENOENT, "no Hullfile or Dockerfile in %s (or -f FILE)", context),
                                       HULL_IMAGE_EXIT_NOT_FOUND);
}

static bool needs_init(const hull_recipe *r) {
        for (size_t i = 0; i < r->n_steps; i++)
                if (r->steps[i].op == HULL_RECIPE_INIT)
                        return true;
        return false;
}

int hull_cli_build(int argc, char **argv) {
        const char *file = NULL, *compression = "gzip", *level = NULL;
        _cleanup_strv_ char **tags = NULL, **build_args = NULL, **programs = NULL, **with = NULL, **users = NULL,
                            **gconv = NULL;
        bool quiet = false, ca = false, tz = false, init = false;
        const img_opt opts[] = {
                { "file", 'f', IMG_OPT_STRING, &file, "FILE", "the recipe (default: CONTEXT/Hullfile, else CONTEXT/Dockerfile; - for stdin)" },
                { "tag", 't', IMG_OPT_LIST, &tags, "NAME[:TAG]", "the image's name (required; repeat for more names)" },
                { "build-arg", 0, IMG_OPT_LIST, &build_args, "NAME[=VALUE]", "a value for an ARG (NAME alone: from the environment)" },
                { "compression", 0, IMG_OPT_STRING, &compression, "ALGO", "gzip (default), zstd or none" },
                { "level", 0, IMG_OPT_STRING, &level, "N", "compression level (gzip 1-12, default 6; zstd 1-19, default 3)" },
                { "quiet", 'q', IMG_OPT_BOOL, &quiet, NULL, "print only the digest" },
                { "program", 0, IMG_OPT_LIST, &programs, "PATH", "no recipe: a host program with its closure (repeatable; the first is the entrypoint)" },
                { "with", 0, IMG_OPT_LIST, &with, "PATH", "with --program: a host file or directory, with the closure of its ELF files" },
                { "user", 0, IMG_OPT_LIST, &users, "NAME[:UID[:GID]]", "with --program: a user in /etc/passwd" },
                { "gconv", 0, IMG_OPT_LIST, &gconv, "CHARSET", "with --program: the gconv modules of CHARSET (\"all\")" },
                { "ca-certificates", 0, IMG_OPT_BOOL, &ca, NULL, "with --program: the host's CA certificates" },
                { "tzdata", 0, IMG_OPT_BOOL, &tz, NULL, "with --program: the host's /usr/share/zoneinfo" },
                { "init", 0, IMG_OPT_BOOL, &init, NULL, "with --program: hull-init as PID 1 (/sbin/hull-init -- PROGRAM)" },
        };
        _cleanup_free_ char **args = NULL;
        int status;
        if (img_start(argc, argv, &verb, opts, ELEMENTSOF(opts), &args, &status) < 0)
                return status;
        if (!tags)
                return img_usage_error(&verb, "-t NAME[:TAG] is required");
        if (!programs && (with || users || gconv || ca || tz || init))
                return img_usage_error(&verb, "--with, --user, --gconv, --ca-certificates, --tzdata and --init go with --program");
        if (programs && file)
                return img_usage_error(&verb, "--program builds without a recipe: not with -f");
        hull_build_opts bo;
        hull_build_opts_init(&bo);
        if ((status = img_parse_compression(&verb, compression, level, &bo.compression, &bo.level)) >= 0)
                return status;
        hull_error *err = NULL;
        _cleanup_strv_ char **names = NULL;
        for (char **t = tags; *t; t++) {
                char *n = NULL;
                if (hull_image_ref_normalize(*t, &n, &err) < 0)
                        return img_fail(err);
                if (hull_strv_consume(&names, n) < 0)
                        return 1;
        }
        /* NAME alone takes the value from the environment (docker's rule). */
        _cleanup_strv_ char **bargs = calloc(1, sizeof(char *));
        if (!bargs)
                return 1;
        for (char **a = build_args; a && *a; a++) {
                if (**a == '=' || !**a)
                        return img_usage_error(&verb, "--build-arg %s: expected NAME[=VALUE]", *a);
                const char *env = strchr(*a, '=') ? NULL : getenv(*a);
                _cleanup_free_ char *kv = strchr(*a, '=') ? strdup(*a) : env ? hull_strdup_printf("%s=%s", *a, env) : NULL;
                if (kv && hull_env_set(&bargs, kv) < 0)
                        return 1;
        }

        /* relative programs: from the current directory */
        for (char **p = programs; p && *p; p++)
                if (**p != '/') {
                        char cwd[PATH_MAX];
                        char *abs = getcwd(cwd, sizeof(cwd)) ? hull_strdup_printf("%s/%s", cwd, *p) : NULL;
                        if (!abs)
                                return 1;
                        free(*p);
                        *p = abs;
                }
        const char *context = args[0] ? args[0] : ".";
        _cleanup_free_ char *text = NULL, *name = NULL;
        size_t len = 0;
        if (programs) {
                int r = quick_recipe(programs, with, users, gconv, ca, tz, init, &text);
                if (r == -EINVAL)
                        return img_usage_error(&verb, "a path with a newline cannot be built");
                if (r < 0 || !(name = strdup("hull build --program")))
                        return 1;
                len = strlen(text);
                context = args[0];
        } else if (read_recipe(file, context, &text, &len, &name, &err) < 0)
                return img_fail(err);
        _cleanup_recipe_ hull_recipe *recipe = NULL;
        if (hull_recipe_parse(text, len, name, bargs, &recipe, &err) < 0)
                return img_fail(err);
        for (char **u = recipe->unused_build_args; *u; u++)
                fprintf(stderr, "hull build: warning: --build-arg %s: no ARG declares it\n", *u);
        _cleanup_free_ char *init_path = NULL;
        if (needs_init(recipe))
                bo.init_path = init_path = img_find_hull_init();
        bo.context = context;
        if (!quiet)
                bo.step = on_step;
        if (!quiet && img_progress_wanted())
                bo.progress = img_progress;

        hull_store *s = NULL;
        if (img_open_store(true, &s, &err) < 0)
                return img_fail(err);
        char digest[HULL_DIGEST_BUF];
        int r = hull_build(s, recipe, names[0], &bo, digest, &err);
        img_progress_done();
        for (size_t i = 1; r >= 0 && names[i]; i++)
                r = hull_image_tag(s, names[0], names[i], &err);
        hull_store_free(s);
        if (r < 0)
                return img_fail(err);
        printf("%s\n", digest);
        return 0;
}
