/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull unpack`: an image's layers onto a root filesystem, and an OCI
 * runtime bundle whose config.json is converted from the image config as
 * image-spec conversion.md says. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "layout.h"
#include "manifest.h"
#include "spec/spec.h"
#include "unpack.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int invalid(hull_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int invalid(hull_error **err, const char *fmt, ...) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_image_error_status(err, hull_error_set_raw(err, EBADMSG, "%s", msg), HULL_IMAGE_EXIT_INVALID);
}

/* Reads the rest of a stream (a tar's zero padding still counts in its digest). */
static int drain(hull_istream *in, hull_error **err) {
        char buf[16384];
        for (;;) {
                ssize_t n = hull_istream_read(in, buf, sizeof(buf), err);
                if (n <= 0)
                        return (int) n;
        }
}

static int unpack_one(hull_store *s, int rootfd, const hull_descriptor *l, const char *diff_id, size_t idx,
                      const hull_unpack_opts *o, hull_error **err) {
        int comp = hull_layer_media_type_compression(l->media_type);
        if (comp < 0)
                return invalid(err, "layer %zu (%s): media type %s cannot be unpacked", idx, l->digest, l->media_type);
        _cleanup_close_ int fd = -1;
        uint64_t size;
        int r = hull_store_open_blob(s, l->digest, &fd, &size, err);
        if (r < 0)
                return r;
        /* The whole blob is checked before any of it is trusted. */
        char got[HULL_DIGEST_BUF];
        uint64_t got_size;
        if ((r = hull_digest_fd(fd, got, &got_size)) < 0)
                return hull_error_set(err, -r, "read layer %s", l->digest);
        if (strcmp(got, l->digest) != 0)
                return invalid(err, "layer %zu: blob %s does not match its digest (its content has %s): refused", idx, l->digest, got);
        if (got_size != l->size)
                return invalid(err, "layer %zu: blob %s has %" PRIu64 " bytes, its descriptor says %" PRIu64 ": refused", idx,
                               l->digest, got_size, l->size);
        if (lseek(fd, 0, SEEK_SET) < 0)
                return hull_error_set(err, errno, "read layer %s", l->digest);

        char what[128];
        snprintf(what, sizeof(what), "layer %s", l->digest);
        _cleanup_istream_ hull_istream *file = hull_istream_fd_new(fd, what);
        _cleanup_istream_ hull_istream *dec = NULL;
        if (!file)
                return hull_error_set(err, ENOMEM, "%s", what);
        if ((r = hull_istream_decompress_new(file, (hull_compression) comp, what, &dec, err)) < 0)
                return r;
        _cleanup_istream_ hull_istream *diff = hull_istream_digest_new(dec);
        if (!diff)
                return hull_error_set(err, ENOMEM, "%s", what);
        if ((r = hull_unpack_layer(rootfd, diff, what, o, err)) < 0 || (r = drain(diff, err)) < 0)
                return r;
        hull_istream_digest_get(diff, got, NULL);
        if (strcmp(got, diff_id) != 0)
                return invalid(err, "layer %zu (%s): uncompressed content has digest %s, the config's diff_id is %s", idx, l->digest,
                               got, diff_id);
        return 0;
}

static int load_image(hull_store *s, const char *ref, hull_manifest **ret_m, hull_image_config **ret_c, char **ret_cjson,
                      hull_error **err) {
        hull_descriptor d = { 0 };
        int r = hull_store_resolve(s, ref, &d, NULL, err);
        if (r < 0)
                return r;
        if (!hull_media_type_is_manifest(d.media_type)) {
                r = invalid(err, "%s: %s is not an image manifest", ref, d.media_type);
                hull_descriptor_done(&d);
                return r;
        }
        r = hull_store_read_manifest(s, &d, ret_m, err);
        hull_descriptor_done(&d);
        if (r < 0)
                return r;
        if ((r = hull_store_read_config(s, &(*ret_m)->config, ret_c, ret_cjson, err)) < 0)
                return r;
        if ((*ret_c)->n_diff_ids != (*ret_m)->n_layers)
                return invalid(err, "%s: %zu layers but %zu diff_ids in its config", ref, (*ret_m)->n_layers, (*ret_c)->n_diff_ids);
        return 0;
}

static int unpack_layers(hull_store *s, const char *ref, const hull_manifest *m, const hull_image_config *c, int rootfd,
                         const hull_unpack_opts *o, hull_error **err) {
        for (size_t i = 0; i < m->n_layers; i++) {
                int r = unpack_one(s, rootfd, &m->layers[i], c->diff_ids[i], i, o, err);
                if (r < 0)
                        return hull_error_prefix(err, "unpack %s", ref);
        }
        return 0;
}

int hull_image_unpack_rootfs(hull_store *s, const char *ref, int rootfd, const hull_unpack_opts *o,
                             hull_error **err) {
        _cleanup_manifest_ hull_manifest *m = NULL;
        _cleanup_image_config_ hull_image_config *c = NULL;
        hull_unpack_opts defaults;
        if (!o) {
                hull_unpack_opts_init(&defaults);
                o = &defaults;
        }
        int r = load_image(s, ref, &m, &c, NULL, err);
        if (r < 0)
                return r;
        return unpack_layers(s, ref, m, c, rootfd, o, err);
}

/* ---- config.json ---- */

typedef struct pw_entry {
        char *name;
        uint32_t uid, gid;
        char *home;
} pw_entry;

/* Reads rootfs/etc/<file> through the root, as the container would. */
static char *read_in_root(int rootfd, const char *path) {
        _cleanup_close_ int fd = hull_open_in_root(rootfd, path, O_RDONLY | O_NOCTTY, 0);
        if (fd < 0)
                return NULL;
        char *buf = NULL;
        size_t len;
        char p[HULL_FD_PATH_MAX];
        if (hull_read_file_at(AT_FDCWD, hull_fd_path(fd, p, sizeof(p)), 4u << 20, &buf, &len) < 0)
                return NULL;
        return buf;
}

static bool parse_u32(const char *s, uint32_t *ret) {
        if (!*s)
                return false;
        uint64_t v = 0;
        for (; *s; s++) {
                if (*s < '0' || *s > '9')
                        return false;
                v = v * 10 + (uint64_t) (*s - '0');
                if (v > 0xfffffffeu)
                        return false;
        }
        *ret = (uint32_t) v;
        return true;
}

/* Field `n` (0-based) of a ':'-separated line, copied into buf. */
static const char *field(const char *line, unsigned n, char *buf, size_t size) {
        for (unsigned i = 0; i < n; i++) {
                line = strchr(line, ':');
                if (!line)
                        return NULL;
                line++;
        }
        size_t len = strcspn(line, ":");
        if (len >= size)
                len = size - 1;
        memcpy(buf, line, len);
        buf[len] = 0;
        return buf;
}

/* Finds a passwd entry by name or by uid (name NULL). */
static bool pw_lookup(const char *passwd, const char *name, uint32_t uid, pw_entry *ret) {
        if (!passwd)
                return false;
        for (const char *line = passwd; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0)) {
                char l[1024], f0[256], f2[32], f3[32], f5[512];
                size_t len = strcspn(line, "\n");
                if (len >= sizeof(l) || len == 0 || line[0] == '#')
                        continue;
                memcpy(l, line, len);
                l[len] = 0;
                uint32_t u, g;
                if (!field(l, 0, f0, sizeof(f0)) || !field(l, 2, f2, sizeof(f2)) || !field(l, 3, f3, sizeof(f3)) ||
                    !parse_u32(f2, &u) || !parse_u32(f3, &g))
                        continue;
                if (name ? strcmp(f0, name) == 0 : u == uid) {
                        ret->name = strdup(f0);
                        ret->uid = u;
                        ret->gid = g;
                        ret->home = field(l, 5, f5, sizeof(f5)) && *f5 ? strdup(f5) : NULL;
                        return true;
                }
        }
        return false;
}

/* The gid of a group name, and (user != NULL) the groups listing user. */
static bool group_lookup(const char *group, const char *name, uint32_t *ret_gid) {
        if (!group)
                return false;
        for (const char *line = group; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0)) {
                char l[4096], f0[256], f2[32];
                size_t len = strcspn(line, "\n");
                if (len >= sizeof(l) || len == 0)
                        continue;
                memcpy(l, line, len);
                l[len] = 0;
                uint32_t g;
                if (field(l, 0, f0, sizeof(f0)) && field(l, 2, f2, sizeof(f2)) && parse_u32(f2, &g) && strcmp(f0, name) == 0) {
                        *ret_gid = g;
                        return true;
                }
        }
        return false;
}

static json_t *member_gids(const char *group, const char *user, uint32_t primary) {
        json_t *a = json_array();
        if (!group || !a)
                return a;
        for (const char *line = group; *line; line += strcspn(line, "\n") + (line[strcspn(line, "\n")] ? 1 : 0)) {
                char l[4096], f2[32], f3[4096];
                size_t len = strcspn(line, "\n");
                if (len >= sizeof(l) || len == 0)
                        continue;
                memcpy(l, line, len);
                l[len] = 0;
                uint32_t g;
                if (!field(l, 2, f2, sizeof(f2)) || !parse_u32(f2, &g) || !field(l, 3, f3, sizeof(f3)) || g == primary)
                        continue;
                for (char *save = NULL, *m = strtok_r(f3, ",", &save); m; m = strtok_r(NULL, ",", &save))
                        if (strcmp(m, user) == 0) {
                                json_array_append_new(a, json_integer(g));
                                break;
                        }
        }
        return a;
}

/* Config.User -> process.user, resolved in the rootfs (conversion.md). */
static int resolve_user(int rootfd, const char *spec, bool rootless, json_t *process, char **ret_home,
                        hull_error **err) {
        *ret_home = NULL;
        if (!spec || !*spec)
                spec = "0";
        _cleanup_free_ char *user = strdup(spec);
        if (!user)
                return hull_error_set(err, ENOMEM, "user");
        char *group = strchr(user, ':');
        if (group)
                *group++ = 0;
        _cleanup_free_ char *passwd = read_in_root(rootfd, "etc/passwd");
        _cleanup_free_ char *groupf = read_in_root(rootfd, "etc/group");
        pw_entry pw = { 0 };
        uint32_t uid, gid = 0;
        bool numeric = parse_u32(user, &uid);
        bool found = numeric ? pw_lookup(passwd, NULL, uid, &pw) : pw_lookup(passwd, user, 0, &pw);
        if (!numeric && !found)
                return invalid(err, "image user \"%s\" is not in the image's /etc/passwd", user);
        if (found) {
                uid = pw.uid;
                gid = pw.gid;
        }
        if (group && *group && !parse_u32(group, &gid) && !group_lookup(groupf, group, &gid)) {
                free(pw.name);
                free(pw.home);
                return invalid(err, "image group \"%s\" is not in the image's /etc/group", group);
        }
        json_t *u = json_pack("{s:I, s:I}", "uid", (json_int_t) uid, "gid", (json_int_t) gid);
        if (!numeric && !group) {
                json_t *extra = member_gids(groupf, pw.name, gid);
                if (json_array_size(extra) > 0)
                        json_object_set_new(u, "additionalGids", extra);
                else
                        json_decref(extra);
        }
        json_object_set_new(process, "user", u);
        if (rootless && (uid != 0 || gid != 0))
                hull_warn("the image runs as %u:%u, but a rootless config.json maps only uid and gid 0", (unsigned) uid,
                          (unsigned) gid);
        *ret_home = pw.home;
        free(pw.name);
        return 0;
}

static bool env_has(json_t *env, const char *name) {
        size_t n = strlen(name);
        for (size_t i = 0; i < json_array_size(env); i++) {
                const char *e = json_string_value(json_array_get(env, i));
                if (e && strncmp(e, name, n) == 0 && e[n] == '=')
                        return true;
        }
        return false;
}

static json_t *strv_json(char **v) {
        json_t *a = json_array();
        for (; v && *v; v++)
                json_array_append_new(a, json_string(*v));
        return a;
}

/* process.args behind hull-init, which is bound read-only from the host at
 * /dev/init (on the container's /dev tmpfs: the image's rootfs is untouched). */
static int wrap_with_init(json_t *root, const char *init_path, hull_error **err) {
        struct stat st;
        if (stat(init_path, &st) < 0)
                return hull_error_set(err, errno, "--init: %s", init_path);
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
                return hull_error_set_raw(err, EACCES, "--init: %s is not an executable file", init_path);
        json_t *process = json_object_get(root, "process");
        json_t *args = json_object_get(process, "args");
        json_t *wrapped = json_pack("[s, s]", "/dev/init", "--");
        size_t i;
        json_t *a;
        json_array_foreach(args, i, a)
                json_array_append(wrapped, a);
        json_object_set_new(process, "args", wrapped);
        json_t *mounts = json_object_get(root, "mounts");
        json_array_append_new(mounts, json_pack("{s:s, s:s, s:s, s:[s, s, s, s]}", "destination", "/dev/init", "type",
                                                "bind", "source", init_path, "options", "bind", "ro", "nosuid", "nodev"));
        return 0;
}

static int make_config(const hull_image_config *c, int rootfd, bool rootless, const char *init_path, char **ret,
                       hull_error **err) {
        _cleanup_free_ char *def = hull_spec_default_json(rootless, getuid(), getgid());
        json_t *root = def ? hull_json_loads(def, 0, NULL) : NULL;
        json_t *process = json_object_get(root, "process");
        if (!root || !process) {
                json_decref(root);
                return hull_error_set(err, ENOMEM, "config.json");
        }
        json_object_set_new(process, "terminal", json_false());
        json_t *args = json_array();
        for (char **p = c->entrypoint; p && *p; p++)
                json_array_append_new(args, json_string(*p));
        for (char **p = c->cmd; p && *p; p++)
                json_array_append_new(args, json_string(*p));
        if (json_array_size(args) > 0)
                json_object_set_new(process, "args", args);
        else {
                json_decref(args);
                hull_warn("the image has neither Entrypoint nor Cmd: config.json runs \"sh\"");
        }
        _cleanup_free_ char *home = NULL;
        int r = resolve_user(rootfd, c->user, rootless, process, &home, err);
        if (r < 0) {
                json_decref(root);
                return r;
        }
        json_t *env = strv_json(c->env);
        if (!env_has(env, "PATH"))
                json_array_insert_new(env, 0, json_string(DEFAULT_PATH));
        if (!env_has(env, "HOME")) {
                _cleanup_free_ char *h = NULL;
                if (asprintf(&h, "HOME=%s", home ? home : "/") >= 0)
                        json_array_append_new(env, json_string(h));
        }
        json_object_set_new(process, "env", env);
        json_object_set_new(process, "cwd", json_string(c->workdir && *c->workdir ? c->workdir : "/"));
        json_object_set_new(json_object_get(root, "root"), "readonly", json_false());

        json_t *ann = json_object();
        json_object_set_new(ann, "org.opencontainers.image.os", json_string(c->os));
        json_object_set_new(ann, "org.opencontainers.image.architecture", json_string(c->architecture));
        if (c->variant)
                json_object_set_new(ann, "org.opencontainers.image.variant", json_string(c->variant));
        if (c->author)
                json_object_set_new(ann, "org.opencontainers.image.author", json_string(c->author));
        if (c->created)
                json_object_set_new(ann, "org.opencontainers.image.created", json_string(c->created));
        if (c->stop_signal)
                json_object_set_new(ann, "org.opencontainers.image.stopSignal", json_string(c->stop_signal));
        if (c->exposed_ports && c->exposed_ports[0]) {
                size_t len = 1;
                for (char **p = c->exposed_ports; *p; p++)
                        len += strlen(*p) + 1;
                _cleanup_free_ char *joined = calloc(1, len);
                for (char **p = c->exposed_ports; joined && *p; p++) {
                        if (p != c->exposed_ports)
                                strcat(joined, ",");
                        strcat(joined, *p);
                }
                if (joined)
                        json_object_set_new(ann, "org.opencontainers.image.exposedPorts", json_string(joined));
        }
        for (size_t i = 0; i < c->n_labels; i++) {
                /* Labels win over the implicit annotations; those that
                 * runtimes act on (crun's run.oci.*) are not converted. */
                if (hull_startswith(c->labels[i].key, "run.oci.")) {
                        hull_warn("label %s not converted to an annotation: runtimes act on it", c->labels[i].key);
                        continue;
                }
                json_object_set_new(ann, c->labels[i].key, json_string(c->labels[i].value));
        }
        json_object_set_new(root, "annotations", ann);
        if (init_path && (r = wrap_with_init(root, init_path, err)) < 0) {
                json_decref(root);
                return r;
        }
        *ret = json_dumps(root, JSON_INDENT(8) | JSON_PRESERVE_ORDER);
        json_decref(root);
        return *ret ? 0 : hull_error_set(err, ENOMEM, "config.json");
}

int hull_image_bundle(hull_store *s, const char *ref, const char *dir, const hull_unpack_opts *o, hull_error **err) {
        hull_unpack_opts defaults;
        if (!o) {
                hull_unpack_opts_init(&defaults);
                o = &defaults;
        }
        _cleanup_manifest_ hull_manifest *m = NULL;
        _cleanup_image_config_ hull_image_config *c = NULL;
        int r = load_image(s, ref, &m, &c, NULL, err);
        if (r < 0)
                return r;
        if (c->os && strcmp(c->os, "linux") != 0)
                hull_warn("%s is an image for %s, not linux", ref, c->os);

        bool created = true;
        if (mkdir(dir, 0700) < 0) {
                if (errno != EEXIST)
                        return hull_error_set(err, errno, "create the bundle directory %s", dir);
                created = false;
        }
        _cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return hull_error_set(err, errno, "open %s", dir);
        if (!created) {
                _cleanup_close_ int probe = fcntl(dfd, F_DUPFD_CLOEXEC, 3);
                DIR *d = probe >= 0 ? fdopendir(probe) : NULL;
                if (!d)
                        return hull_error_set(err, errno, "read %s", dir);
                probe = -1;
                struct dirent *de;
                bool empty = true;
                while ((de = readdir(d)))
                        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
                                empty = false;
                closedir(d);
                if (!empty)
                        return hull_error_set_raw(err, EEXIST, "%s exists and is not empty: refusing to unpack into it", dir);
        }
        _cleanup_close_ int rootfd = -1;
        _cleanup_free_ char *config = NULL;
        if (mkdirat(dfd, "rootfs", 0755) < 0) {
                r = hull_error_set(err, errno, "create %s/rootfs", dir);
                goto fail;
        }
        rootfd = openat(dfd, "rootfs", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (rootfd < 0) {
                r = hull_error_set(err, errno, "open %s/rootfs", dir);
                goto fail;
        }
        if ((r = unpack_layers(s, ref, m, c, rootfd, o, err)) < 0)
                goto fail;
        if ((r = make_config(c, rootfd, !o->as_root, o->init_path, &config, err)) < 0)
                goto fail;
        if ((r = hull_write_atomic_at(dfd, "config.json", config, strlen(config), 0644, HULL_WRITE_DURABLE, err)) < 0)
                goto fail;
        return 0;
fail:
        if (created)
                (void) hull_rm_rf_at(AT_FDCWD, dir);
        else {
                (void) hull_rm_rf_at(dfd, "rootfs");
                (void) unlinkat(dfd, "config.json", 0);
        }
        return r;
}
