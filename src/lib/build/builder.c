/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The builder (see builder.h): the steps of a recipe into a temporary root
 * filesystem, the image config, one commit. */
#include "builder.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/builder-internal.h"
#include "build/deps.h"
#include "build/rootfs.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

#define INIT_IN_IMAGE "/sbin/hull-init"

void hull_build_opts_init(hull_build_opts *o) {
        memset(o, 0, sizeof(*o));
        o->source_date_epoch = -1;
        o->compression = HULL_COMPRESSION_GZIP;
}

/* The image config as the steps leave it.  Strings are borrowed from the
 * recipe; vectors are owned. */
typedef struct config {
        char **entrypoint, **cmd;
        bool cmd_set;
        char **env, **labels, **ports, **volumes, **history;
        const char *workdir, *user, *stop_signal, *author;
        bool init;
} config;

static void config_done(config *c) {
        hull_strv_free(c->entrypoint);
        hull_strv_free(c->cmd);
        hull_strv_free(c->env);
        hull_strv_free(c->labels);
        hull_strv_free(c->ports);
        hull_strv_free(c->volumes);
        hull_strv_free(c->history);
}

static int replace_strv(char ***dst, char *const *v) {
        char **copy = hull_strv_copy(v);
        if (!copy)
                return -ENOMEM;
        hull_strv_free(*dst);
        *dst = copy;
        return 0;
}

static int set_each(char ***dst, char *const *v) {
        for (; *v; v++)
                if (hull_env_set(dst, *v) < 0)
                        return -ENOMEM;
        return 0;
}

/* A config-only step.  Returns 0 or -ENOMEM. */
static int apply_config(config *c, const hull_recipe_step *st) {
        char *const *a = st->args;
        switch (st->op) {
        case HULL_RECIPE_FROM:
                /* docker and buildah give FROM scratch a PATH (ENV PATH=... replaces it) */
                return hull_env_set(&c->env, HULL_RECIPE_DEFAULT_PATH) < 0 ? -ENOMEM : 0;
        case HULL_RECIPE_ENV: return set_each(&c->env, a);
        case HULL_RECIPE_LABEL: return set_each(&c->labels, a);
        case HULL_RECIPE_EXPOSE:
        case HULL_RECIPE_VOLUME: {
                char ***dst = st->op == HULL_RECIPE_EXPOSE ? &c->ports : &c->volumes;
                for (; *a; a++)
                        if (!hull_strv_contains(*dst, *a) && hull_strv_push(dst, *a) < 0)
                                return -ENOMEM;
                return 0;
        }
        case HULL_RECIPE_WORKDIR: c->workdir = a[0]; return 0;
        case HULL_RECIPE_USER: c->user = a[0]; return 0;
        case HULL_RECIPE_STOPSIGNAL: c->stop_signal = a[0]; return 0;
        case HULL_RECIPE_MAINTAINER: c->author = a[0]; return 0;
        case HULL_RECIPE_CMD:
                c->cmd_set = true;
                return replace_strv(&c->cmd, a);
        case HULL_RECIPE_ENTRYPOINT:
                /* docker: an ENTRYPOINT resets a CMD that this recipe did not set */
                if (!c->cmd_set) {
                        hull_strv_free(c->cmd);
                        c->cmd = NULL;
                }
                return replace_strv(&c->entrypoint, a);
        case HULL_RECIPE_INIT: c->init = true; return 0;
        default: return 0;
        }
}

/* The closure of host programs or paths (PROGRAM, WITH, GCONV). */
static int host_closure(build *b, char *const *programs, char *const *with, char *const *gconv) {
        static char *const none[] = { NULL };
        hull_deps_options dopt = {
                .root = b->o->host_root,
                .with = with,
                .gconv = gconv,
                .nsswitch_text = hull_deps_minimal_nsswitch,
        };
        _cleanup_deps_ hull_deps *d = NULL;
        int r = hull_deps_resolve(&dopt, programs ? programs : none, &d, b->err);
        if (r < 0)
                return r;
        if ((r = hull_rootfs_graft_closure(b->hostfd, b->rootfd, d, b->no_graft ? NULL : &b->grafts, b->err)) < 0)
                return r;
        return hull_rootfs_link_ldconf(b->rootfd, d, b->err);
}

/* ETC: users "NAME:UID:GID". */
static int write_etc(build *b, char *const *users) {
        size_t n = hull_strv_length(users);
        _cleanup_free_ hull_rootfs_user *u = calloc(n + 1, sizeof(*u));
        _cleanup_strv_ char **names = calloc(n + 1, sizeof(char *));
        if (!u || !names)
                return hull_error_set(b->err, ENOMEM, "ETC");
        for (size_t i = 0; i < n; i++) {
                unsigned uid, gid;
                int len;
                if (sscanf(users[i], "%*[^:]%n:%u:%u", &len, &uid, &gid) != 2 || !(names[i] = strndup(users[i], (size_t) len)))
                        return hull_error_set(b->err, EINVAL, "ETC --user %s", users[i]);
                u[i] = (hull_rootfs_user){ .name = names[i], .uid = uid, .gid = gid };
        }
        hull_rootfs_options ro = { .users = u, .n_users = n };
        return hull_rootfs_write_etc(b->rootfd, &ro, b->err);
}

static int copy_init(build *b) {
        if (!b->o->init_path)
                return hull_error_set_raw(b->err, ENOENT, "INIT: hull-init not found (set HULL_INIT to its path)");
        _cleanup_close_ int in = open(b->o->init_path, O_RDONLY | O_NOCTTY | O_CLOEXEC);
        if (in < 0)
                return hull_error_set(b->err, errno, "INIT: open %s", b->o->init_path);
        int r = build_mkdirs(b, "/sbin", 0755);
        if (r < 0)
                return r;
        return build_write_file(b, in, INIT_IN_IMAGE, 0755, NULL);
}

static int run_step(build *b, const hull_recipe_step *st) {
        char *const *a = st->args;
        switch (st->op) {
        case HULL_RECIPE_COPY: return build_copy(b, st);
        case HULL_RECIPE_ADD: {
                /* an archive's whiteouts and hardlinks may name what the root holds */
                int r = hull_rootfs_grafts_materialize(b->hostfd, b->rootfd, &b->grafts, b->err);
                return r < 0 ? r : build_copy(b, st);
        }
        case HULL_RECIPE_WORKDIR: b->workdir = a[0]; return build_mkdirs(b, a[0], 0755);
        case HULL_RECIPE_PROGRAM:
                for (char *const *p = a; *p; p++)
                        if (hull_strv_push(&b->programs, *p) < 0)
                                return hull_error_set(b->err, ENOMEM, "PROGRAM");
                return host_closure(b, a, NULL, NULL);
        case HULL_RECIPE_WITH: return host_closure(b, NULL, a, NULL);
        case HULL_RECIPE_GCONV:
                if (!b->programs)
                        return hull_error_set_raw(b->err, EINVAL, "GCONV needs a PROGRAM before it: the gconv modules are "
                                                  "those of its C library");
                return host_closure(b, b->programs, NULL, a);
        case HULL_RECIPE_ETC: return write_etc(b, a);
        case HULL_RECIPE_CA_CERTIFICATES: return hull_rootfs_add_ca_certificates(b->hostfd, b->rootfd, b->o->host_root, b->err);
        case HULL_RECIPE_TZDATA: return hull_rootfs_add_tzdata(b->hostfd, b->rootfd, b->o->host_root, b->err);
        case HULL_RECIPE_INIT: return copy_init(b);
        default: return 0;
        }
}

/* The status of a step's error: the machine's problems are failures, the
 * rest is what the recipe asked. */
static int step_failed(build *b, const hull_recipe_step *st, int r) {
        hull_error *e = *b->err;
        if (e && e->status == 0) {
                int n = e->errnum;
                e->status = (n == ENOMEM || n == ENOSPC || n == EDQUOT || n == EIO || n == EROFS) ? HULL_IMAGE_EXIT_FAILURE
                                                                                                   : HULL_IMAGE_EXIT_INVALID;
        }
        hull_recipe_pos at = b->err_pos ? *b->err_pos : st->pos;
        hull_error_prefix(b->err, "%s:%u:%u", b->r->name, at.line, at.column);
        return r;
}

static int commit(hull_store *s, build *b, config *c, const char *ref, int64_t epoch, char ret_digest[HULL_DIGEST_BUF]) {
        const hull_build_opts *o = b->o;
        _cleanup_strv_ char **entrypoint = NULL;
        if (c->init) {
                static char *const prefix[] = { INIT_IN_IMAGE, "--", NULL };
                if (!(entrypoint = hull_strv_copy(prefix)))
                        return hull_error_set(b->err, ENOMEM, "build");
                for (char **a = c->entrypoint; a && *a; a++)
                        if (hull_strv_push(&entrypoint, *a) < 0)
                                return hull_error_set(b->err, ENOMEM, "build");
        }
        hull_image_opts io;
        hull_image_opts_init(&io);
        io.entrypoint = entrypoint ? entrypoint : c->entrypoint;
        io.cmd = c->cmd;
        io.env = c->env;
        io.labels = c->labels;
        io.exposed_ports = c->ports;
        io.volumes = c->volumes;
        io.workdir = c->workdir;
        io.user = c->user;
        io.stop_signal = c->stop_signal;
        io.author = c->author;
        io.history = c->history;
        io.created_by = "hull build";
        io.comment = "the file system changes of the steps above, in one layer";
        io.source_date_epoch = epoch;
        io.keep_owner = b->as_root;
        for (size_t i = 0; i < b->grafts.n; i++)
                b->grafts.v[i].mtime = epoch;
        io.grafts = b->grafts.v;
        io.n_grafts = b->grafts.n;
        io.compression = o->compression;
        io.level = o->level;
        io.progress = o->progress;
        io.userdata = o->userdata;
        return hull_image_commit(s, b->rootfd, ref, &io, ret_digest, b->err);
}

static int run(hull_store *s, build *b, const char *ref, char ret_digest[HULL_DIGEST_BUF]) {
        const hull_recipe *r = b->r;
        const hull_build_opts *o = b->o;
        int64_t epoch = o->source_date_epoch;
        int k;
        if (epoch < 0 && (k = hull_image_source_date_epoch(&epoch, b->err)) < 0)
                return k;
        config c = { 0 };
        k = 0;
        for (size_t i = 0; i < r->n_steps && k >= 0; i++) {
                const hull_recipe_step *st = &r->steps[i];
                if (o->step)
                        o->step(o->userdata, i, r->n_steps, st);
                b->err_pos = NULL;
                if (st->op != HULL_RECIPE_FROM && hull_strv_push(&c.history, st->text) < 0)
                        k = hull_error_set(b->err, ENOMEM, "build");
                else if (apply_config(&c, st) < 0)
                        k = hull_error_set(b->err, ENOMEM, "build");
                else if ((k = run_step(b, st)) < 0)
                        k = step_failed(b, st, k);
        }
        if (k >= 0)
                k = hull_rootfs_set_mtime(b->rootfd, epoch, b->err);
        if (k >= 0)
                k = commit(s, b, &c, ref, epoch, ret_digest);
        config_done(&c);
        return k;
}

int hull_build(hull_store *s, const hull_recipe *r, const char *ref, const hull_build_opts *o,
               char ret_digest[HULL_DIGEST_BUF], hull_error **err) {
        hull_build_opts defaults;
        if (!o) {
                hull_build_opts_init(&defaults);
                o = &defaults;
        }
        const char *host = o->host_root && *o->host_root ? o->host_root : "/";
        _cleanup_close_ int hostfd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (hostfd < 0)
                return hull_error_set(err, errno, "build: open %s", host);
        _cleanup_close_ int ctxfd = -1;
        if (o->context && (ctxfd = open(o->context, O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
                return hull_image_error_status(err, hull_error_set(err, errno, "build: the context %s", o->context),
                                               errno == ENOENT || errno == ENOTDIR ? HULL_IMAGE_EXIT_NOT_FOUND : 0);
        const char *tmp = o->tmpdir && *o->tmpdir ? o->tmpdir : getenv("TMPDIR");
        _cleanup_free_ char *dir = hull_strdup_printf("%s/hull-build-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!dir)
                return hull_error_set(err, ENOMEM, "build");
        if (!mkdtemp(dir))
                return hull_error_set(err, errno, "build: create a directory like %s", dir);
        int k;
        const char *no_graft = getenv("HULL_BUILD_NO_GRAFT");
        _cleanup_close_ int rootfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (rootfd < 0)
                k = hull_error_set(err, errno, "build: open %s", dir);
        else {
                build b = {
                        .o = o,
                        .r = r,
                        .err = err,
                        .rootfd = rootfd,
                        .ctxfd = ctxfd,
                        .hostfd = hostfd,
                        .as_root = geteuid() == 0,
                        .workdir = "/",
                        .no_graft = no_graft && *no_graft,
                };
                k = run(s, &b, ref, ret_digest);
                hull_strv_free(b.programs);
                hull_rootfs_grafts_done(&b.grafts);
        }
        int rm = hull_rm_rf_at(AT_FDCWD, dir);
        if (rm < 0 && k >= 0)
                k = hull_error_set(err, -rm, "build: remove %s", dir);
        return k;
}
