/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull deps [options] PROGRAM...: the dependency closure of programs, as a
 * tree (like lddtree), a flat list or JSON; with --copy-to, the root
 * filesystem of an image holding them (hull_rootfs_assemble). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "build/deps.h"
#include "build/rootfs.h"
#include "cli/hull/build/build.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"


static void usage(FILE *f) {
        fputs("Usage: hull deps [options] PROGRAM...\n"
              "\n"
              "Print what PROGRAM needs to run: its #! interpreters, ELF interpreter and shared\n"
              "libraries, found like the kernel and ld.so on this machine, and what glibc dlopens\n"
              "(libgcc_s for pthread_cancel, NSS modules, gconv modules).  See hull-deps(1).\n"
              "\n"
              "Options:\n"
              "      --flat              one path per line, in load order\n"
              "      --json              the closure as JSON (with --flat: a JSON array of paths)\n"
              "      --root DIR          resolve inside DIR instead of / (its ld.so.cache, ld.so.conf)\n"
              "      --with PATH         add a file or directory (and what its ELF files need)\n"
              "      --gconv CHARSET     add the gconv modules of CHARSET (\"all\": every module)\n"
              "      --nsswitch FILE     add the NSS modules that FILE (inside the root) names;\n"
              "                          default: the nsswitch.conf hull writes (files, dns: none)\n"
              "      --hwcaps LIST       glibc-hwcaps subdirectories to search, comma-separated\n"
              "                          (\"none\" for none); default: what this CPU supports\n"
              "      --copy-to DIR       copy the closure into DIR at the same paths and write a\n"
              "                          minimal /etc (passwd, group, nsswitch.conf, hosts, os-release)\n"
              "      --user NAME[:UID[:GID]]  with --copy-to: a user in /etc/passwd (UID 1000 and up)\n"
              "      --ca-certificates   with --copy-to: the host's /etc/ssl/certs/ca-certificates.crt\n"
              "      --tzdata            with --copy-to: the host's /usr/share/zoneinfo\n"
              "      --no-etc            with --copy-to: copy the closure only\n"
              "  -h, --help              this help\n"
              "\n"
              "Exit status: 0 when everything was found, 1 otherwise (each error names the\n"
              "chain that led to it) and for usage errors.\n",
              f);
}

static void log_sink(hull_log_level level, const char *msg, void *userdata) {
        (void) userdata;
        fprintf(stderr, "hull deps: %s%s\n", level == HULL_LOG_ERROR ? "" : "warning: ", msg);
}

static int usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int usage_error(const char *fmt, ...) {
        va_list ap;
        fprintf(stderr, "hull deps: ");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fprintf(stderr, "\nUsage: hull deps [options] PROGRAM... (see --help)\n");
        return 1; /* like the runtime's usage errors (runc's convention) */
}

/* ---- tree ---- */

static const char *annotation(const hull_deps_object *o) {
        switch (o->reason) {
        case HULL_DEPS_REASON_UNWIND: return " [dlopen: unwinder for pthread_cancel]";
        case HULL_DEPS_REASON_NSS: return " [dlopen: NSS]";
        case HULL_DEPS_REASON_GCONV: return " [dlopen: gconv]";
        default: break;
        }
        if (o->via == HULL_DEPS_VIA_LDCONF)
                return " [ld.so.conf; not in ld.so.cache]";
        return "";
}

static void print_root_line(const hull_deps_tree *t, size_t i, int indent) {
        const hull_deps_object *o = &t->objects[i];
        printf("%*s%s", indent, "", o->path ? o->path : o->name);
        if (o->type == HULL_DEPS_TYPE_MISSING)
                printf(" => not found");
        else if (o->type == HULL_DEPS_TYPE_SCRIPT)
                printf(" (#! %s%s%s)", o->script_interp, o->script_arg ? " " : "", o->script_arg ? o->script_arg : "");
        else if (o->type == HULL_DEPS_TYPE_FILE)
                printf(" (not ELF)");
        else if (o->elf->interp)
                printf(" (interpreter => %s)", o->elf->interp);
        else
                printf(" (%s)", hull_elf_kind_name(o->elf->kind));
        printf("\n");
}

static void print_children(const hull_deps_tree *t, size_t parent, int indent) {
        for (size_t i = parent + 1; i < t->n_objects; i++) {
                const hull_deps_object *o = &t->objects[i];
                if (o->loader != parent || o->reason == HULL_DEPS_REASON_INTERPRETER)
                        continue;
                if (o->reason == HULL_DEPS_REASON_SCRIPT) {
                        print_root_line(t, i, indent);
                } else if (o->type == HULL_DEPS_TYPE_MISSING)
                        printf("%*s%s => not found\n", indent, "", o->name);
                else if (o->path && strcmp(o->name, o->path) == 0)
                        printf("%*s%s%s\n", indent, "", o->path, annotation(o));
                else
                        printf("%*s%s => %s%s\n", indent, "", o->name, o->path, annotation(o));
                print_children(t, i, indent + 4);
        }
}

static void print_tree(const hull_deps *d) {
        for (size_t t = 0; t < d->n_trees; t++) {
                const hull_deps_tree *tr = &d->trees[t];
                if (tr->n_objects == 0)
                        continue;
                if (tr->parent != SIZE_MAX)
                        printf("# run through #!/usr/bin/env by %s\n", d->trees[tr->parent].program);
                print_root_line(tr, 0, 0);
                print_children(tr, 0, 4);
        }
}

/* ---- JSON ---- */

static json_t *str_or_null(const char *s) {
        return s ? json_string(s) : json_null();
}

static json_t *strv_json(char *const *v) {
        json_t *a = json_array();
        for (size_t i = 0; a && v && v[i]; i++)
                json_array_append_new(a, json_string(v[i]));
        return a;
}

static json_t *object_json(const hull_deps_object *o) {
        json_t *j = json_object(), *links = json_array(), *deps = json_array();
        if (!j || !links || !deps) {
                json_decref(j);
                json_decref(links);
                json_decref(deps);
                return NULL;
        }
        for (size_t i = 0; i < o->n_links; i++)
                json_array_append_new(links, json_pack("{s:s,s:s}", "path", o->links[i].path, "target", o->links[i].target));
        for (size_t i = 0; i < o->n_deps; i++)
                json_array_append_new(deps, json_integer((json_int_t) o->deps[i]));
        json_object_set_new(j, "name", json_string(o->name));
        json_object_set_new(j, "path", str_or_null(o->path));
        json_object_set_new(j, "realpath", str_or_null(o->realpath));
        json_object_set_new(j, "links", links);
        json_object_set_new(j, "type", json_string(hull_deps_type_name(o->type)));
        json_object_set_new(j, "reason", json_string(hull_deps_reason_name(o->reason)));
        json_object_set_new(j, "via", json_string(hull_deps_via_name(o->via)));
        json_object_set_new(j, "via_dir", str_or_null(o->via_dir));
        json_object_set_new(j, "loader", o->loader == SIZE_MAX ? json_null() : json_integer((json_int_t) o->loader));
        json_object_set_new(j, "deps", deps);
        if (o->type != HULL_DEPS_TYPE_MISSING) {
                char mode[8];
                snprintf(mode, sizeof(mode), "%04o", (unsigned) (o->mode & 07777));
                json_object_set_new(j, "mode", json_string(mode));
        }
        if (o->elf) {
                const hull_elf *e = o->elf;
                const char *m = hull_elf_machine_name(e->machine);
                json_object_set_new(j, "elf",
                                    json_pack("{s:i,s:s,s:o,s:s,s:o,s:o,s:o,s:o,s:o,s:I,s:b}", "class",
                                              e->elf_class == 2 ? 64 : 32, "data", e->data == 2 ? "msb" : "lsb",
                                              "machine", m ? json_string(m) : json_integer(e->machine), "kind",
                                              hull_elf_kind_name(e->kind), "interpreter", str_or_null(e->interp),
                                              "soname", str_or_null(e->soname), "rpath", str_or_null(e->rpath), "runpath",
                                              str_or_null(e->runpath), "needed", strv_json(e->needed), "flags_1",
                                              (json_int_t) e->flags_1, "imports_unwind",
                                              (e->imports & HULL_ELF_IMPORTS_UNWIND) != 0));
        }
        if (o->type == HULL_DEPS_TYPE_SCRIPT)
                json_object_set_new(j, "script", json_pack("{s:s,s:o}", "interpreter", o->script_interp, "argument",
                                                           str_or_null(o->script_arg)));
        if (o->default_dir)
                json_object_set_new(j, "default_dir", json_string(o->default_dir));
        if (o->hwcaps_baseline)
                json_object_set_new(j, "hwcaps_baseline", json_string(o->hwcaps_baseline));
        if (o->error)
                json_object_set_new(j, "error", json_string(o->error));
        return j;
}

static int print_json(const hull_deps *d, bool flat) {
        json_t *root;
        _cleanup_strv_ char **list = NULL;
        if (flat) {
                if (hull_deps_paths(d, &list) < 0)
                        return -ENOMEM;
                root = strv_json(list);
        } else {
                if (hull_deps_files(d, &list) < 0)
                        return -ENOMEM;
                json_t *progs = json_array();
                for (size_t t = 0; progs && t < d->n_trees; t++) {
                        const hull_deps_tree *tr = &d->trees[t];
                        json_t *objs = json_array();
                        for (size_t i = 0; objs && i < tr->n_objects; i++)
                                json_array_append_new(objs, object_json(&tr->objects[i]));
                        json_array_append_new(progs, json_pack("{s:s,s:o,s:o,s:o}", "program", tr->program, "parent",
                                                               tr->parent == SIZE_MAX ? json_null()
                                                                                      : json_integer((json_int_t) tr->parent),
                                                               "error", str_or_null(tr->error), "objects", objs));
                }
                root = json_pack("{s:o,s:o,s:o,s:I}", "programs", progs, "files", strv_json(list), "warnings",
                                 strv_json(d->warnings), "errors", (json_int_t) d->n_errors);
        }
        if (!root)
                return -ENOMEM;
        int r = json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
        json_decref(root);
        putchar('\n');
        return r < 0 ? -EIO : 0;
}

/* "NAME[:UID[:GID]]" */
static int parse_user(const char *arg, unsigned next_uid, hull_rootfs_user *u) {
        _cleanup_free_ char *copy = strdup(arg);
        if (!copy)
                return -ENOMEM;
        char *save = copy, *name = strsep(&save, ":"), *uid = strsep(&save, ":"), *gid = strsep(&save, ":");
        if (save || !*name)
                return -EINVAL;
        unsigned long v[2] = { next_uid, 0 };
        const char *f[2] = { uid, gid };
        for (int i = 0; i < 2; i++) {
                if (!f[i] || !*f[i]) {
                        v[i] = i ? v[0] : v[i];
                        continue;
                }
                char *end;
                errno = 0;
                v[i] = strtoul(f[i], &end, 10);
                if (errno || *end || f[i][0] == '-' || v[i] > UINT32_MAX - 1)
                        return -EINVAL;
        }
        u->name = strdup(name);
        u->uid = (uint32_t) v[0];
        u->gid = (uint32_t) v[1];
        return u->name ? 0 : -ENOMEM;
}

typedef struct args {
        bool flat, json, ca, tz, no_etc;
        const char *root, *nsswitch, *copy_to;
        char **with, **gconv, **hwcaps, **programs;
        hull_rootfs_user users[64];
        size_t n_users;
} args;

static void args_done(args *a) {
        hull_strv_free(a->with);
        hull_strv_free(a->gconv);
        hull_strv_free(a->hwcaps);
        hull_strv_free(a->programs);
        for (size_t i = 0; i < a->n_users; i++)
                free((char *) a->users[i].name);
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, args *a) {
        enum { O_FLAT = 256, O_JSON, O_ROOT, O_WITH, O_GCONV, O_NSSWITCH, O_HWCAPS, O_COPY_TO, O_USER, O_CA, O_TZ, O_NO_ETC };
        static const struct option longopts[] = {
                { "flat", no_argument, NULL, O_FLAT },
                { "json", no_argument, NULL, O_JSON },
                { "root", required_argument, NULL, O_ROOT },
                { "with", required_argument, NULL, O_WITH },
                { "gconv", required_argument, NULL, O_GCONV },
                { "nsswitch", required_argument, NULL, O_NSSWITCH },
                { "hwcaps", required_argument, NULL, O_HWCAPS },
                { "copy-to", required_argument, NULL, O_COPY_TO },
                { "user", required_argument, NULL, O_USER },
                { "ca-certificates", no_argument, NULL, O_CA },
                { "tzdata", no_argument, NULL, O_TZ },
                { "no-etc", no_argument, NULL, O_NO_ETC },
                { "help", no_argument, NULL, 'h' },
                {},
        };
        int c;
        optind = 1;
        opterr = 0;
        while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
                switch (c) {
                case O_FLAT: a->flat = true; break;
                case O_JSON: a->json = true; break;
                case O_ROOT: a->root = optarg; break;
                case O_NSSWITCH: a->nsswitch = optarg; break;
                case O_COPY_TO: a->copy_to = optarg; break;
                case O_CA: a->ca = true; break;
                case O_TZ: a->tz = true; break;
                case O_NO_ETC: a->no_etc = true; break;
                case O_WITH:
                        if (hull_strv_push(&a->with, optarg) < 0)
                                return 1;
                        break;
                case O_GCONV:
                        if (hull_strv_push(&a->gconv, optarg) < 0)
                                return 1;
                        break;
                case O_HWCAPS: {
                        hull_strv_free(a->hwcaps);
                        a->hwcaps = calloc(1, sizeof(char *));
                        _cleanup_free_ char *copy = strdup(optarg);
                        if (!a->hwcaps || !copy)
                                return 1;
                        for (char *save = copy, *w; (w = strsep(&save, ","));)
                                if (*w && strcmp(w, "none") != 0 && hull_strv_push(&a->hwcaps, w) < 0)
                                        return 1;
                        break;
                }
                case O_USER:
                        if (a->n_users == ELEMENTSOF(a->users))
                                return usage_error("too many --user options");
                        if (parse_user(optarg, 1000 + (unsigned) a->n_users, &a->users[a->n_users]) < 0)
                                return usage_error("--user %s: expected NAME[:UID[:GID]]", optarg);
                        a->n_users++;
                        break;
                case 'h': usage(stdout); return 0;
                default: return usage_error("unknown option or missing argument: %s", argv[optind - 1]);
                }
        }
        if (optind >= argc && !a->with)
                return usage_error("no PROGRAM given");
        if (!a->copy_to && (a->n_users || a->ca || a->tz || a->no_etc))
                return usage_error("--user, --ca-certificates, --tzdata and --no-etc need --copy-to");
        if (a->copy_to && a->nsswitch)
                return usage_error("--nsswitch does not go with --copy-to (the image gets hull's nsswitch.conf)");
        /* Relative program paths are relative to the current directory (on
         * this machine only: inside --root every path is absolute). */
        if (!(a->programs = calloc(1, sizeof(char *))))
                return 1;
        for (int i = optind; i < argc; i++) {
                char *p;
                if (argv[i][0] != '/' && !a->root) {
                        char cwd[PATH_MAX];
                        if (!getcwd(cwd, sizeof(cwd)))
                                return 1;
                        p = hull_strdup_printf("%s/%s", cwd, argv[i]);
                } else
                        p = strdup(argv[i]);
                if (hull_strv_consume(&a->programs, p) < 0)
                        return 1;
        }
        return -1;
}

static int copy_to(const args *a, hull_deps **ret, hull_error **err) {
        int r = hull_mkdir_p_at(AT_FDCWD, a->copy_to, 0755);
        if (r < 0)
                return hull_error_set(err, -r, "create %s", a->copy_to);
        _cleanup_close_ int destfd = open(a->copy_to, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (destfd < 0)
                return hull_error_set(err, errno, "open %s", a->copy_to);
        const char *sde = getenv("SOURCE_DATE_EPOCH");
        hull_rootfs_options ro = {
                .host_root = a->root, .programs = a->programs, .with = a->with, .gconv = a->gconv,
                .hwcaps = a->hwcaps, .users = a->users, .n_users = a->n_users, .ca_certificates = a->ca,
                .tzdata = a->tz, .no_etc = a->no_etc, .mtime = sde ? strtoll(sde, NULL, 10) : 0,
        };
        return hull_rootfs_assemble(destfd, &ro, ret, err);
}

static int run(const args *a) {
        hull_error *err = NULL;
        _cleanup_deps_ hull_deps *d = NULL;
        int r;
        if (a->copy_to)
                r = copy_to(a, &d, &err);
        else {
                hull_deps_options o = {
                        .root = a->root,
                        .with = a->with,
                        .gconv = a->gconv,
                        .nsswitch_path = a->nsswitch,
                        .hwcaps = a->hwcaps,
                        .flags = HULL_DEPS_KEEP_GOING,
                };
                r = hull_deps_resolve(&o, a->programs, &d, &err);
        }
        if (r < 0) {
                fprintf(stderr, "hull deps: %s\n", err ? err->msg : strerror(-r));
                hull_error_free(err);
                return 1;
        }
        int status = 0;
        if (a->json) {
                if (print_json(d, a->flat) < 0)
                        status = 1;
        } else if (a->flat) {
                _cleanup_strv_ char **paths = NULL;
                if (hull_deps_paths(d, &paths) < 0)
                        return 1;
                for (size_t i = 0; paths[i]; i++)
                        puts(paths[i]);
        } else if (!a->copy_to)
                print_tree(d);
        fflush(stdout);
        for (size_t t = 0; t < d->n_trees; t++) {
                bool shown = false;
                for (size_t i = 0; i < d->trees[t].n_objects; i++)
                        if (d->trees[t].objects[i].error) {
                                fprintf(stderr, "hull deps: %s\n", d->trees[t].objects[i].error);
                                shown = true;
                        }
                if (d->trees[t].error && !shown)
                        fprintf(stderr, "hull deps: %s\n", d->trees[t].error);
                if (d->trees[t].error)
                        status = 1;
        }
        return status;
}

int hull_cli_deps(int argc, char **argv) {
        args a = { 0 };
        hull_log_set_sink(log_sink, NULL, HULL_LOG_WARNING);
        int status = parse_args(argc, argv, &a);
        if (status < 0)
                status = run(&a);
        args_done(&a);
        return status;
}
