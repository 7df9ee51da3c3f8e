/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Directory -> image: hull_image_commit() and hull_image_append(), the
 * builder's entry points (image.h).  A layer is streamed
 *   tar writer -> digest (diff_id) -> compressor -> digest -> store blob
 * then the config and the manifest are written as blobs and the name is
 * pointed at the manifest in one index.json update. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "image.h"
#include "layout.h"
#include "manifest.h"
#include "tar.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

void hull_image_opts_init(hull_image_opts *o) {
        memset(o, 0, sizeof(*o));
        o->source_date_epoch = -1;
        o->compression = HULL_COMPRESSION_GZIP;
}

int hull_image_source_date_epoch(int64_t *ret, hull_error **err) {
        const char *e = getenv("SOURCE_DATE_EPOCH");
        *ret = 0;
        if (!e || !*e)
                return 0;
        int64_t v = 0;
        for (const char *p = e; *p; p++) {
                if (*p < '0' || *p > '9' || v > 253402300799 / 10)
                        return hull_image_error_status(
                                err,
                                hull_error_set_raw(err, EINVAL, "SOURCE_DATE_EPOCH=\"%.40s\": expected seconds since 1970 (a non-negative integer)", e),
                                HULL_IMAGE_EXIT_USAGE);
                v = v * 10 + (*p - '0');
        }
        if (v > 253402300799)
                return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "SOURCE_DATE_EPOCH=%s: after the year 9999", e),
                                               HULL_IMAGE_EXIT_USAGE);
        *ret = v;
        return 0;
}

const char *hull_image_host_arch(const char **ret_variant) {
        const char *variant = NULL, *arch;
#if defined(__x86_64__)
        arch = "amd64";
#elif defined(__aarch64__)
        arch = "arm64";
#elif defined(__arm__)
        arch = "arm";
#if defined(__ARM_ARCH) && __ARM_ARCH >= 7
        variant = "v7";
#elif defined(__ARM_ARCH) && __ARM_ARCH == 6
        variant = "v6";
#else
        variant = "v5";
#endif
#elif defined(__i386__)
        arch = "386";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
        arch = "ppc64le";
#elif defined(__s390x__)
        arch = "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
        arch = "riscv64";
#elif defined(__loongarch64)
        arch = "loong64";
#else
        arch = "unknown";
#endif
        if (ret_variant)
                *ret_variant = variant;
        return arch;
}

static int usage(hull_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage(hull_error **err, const char *fmt, ...) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "%s", msg), HULL_IMAGE_EXIT_USAGE);
}

/* json_string() that refuses what is not UTF-8 instead of returning NULL. */
static int jstr(const char *what, const char *s, json_t **ret, hull_error **err) {
        json_t *v = json_string(s);
        if (!v)
                return usage(err, "%s: \"%.100s\" is not valid UTF-8", what, s);
        *ret = v;
        return 0;
}

static int set_str(json_t *obj, const char *key, const char *value, const char *what, hull_error **err) {
        json_t *v = NULL;
        int r = jstr(what, value, &v, err);
        if (r < 0)
                return r;
        if (json_object_set_new(obj, key, v) < 0)
                return hull_error_set(err, ENOMEM, "%s", what);
        return 0;
}

static int set_strv(json_t *obj, const char *key, char *const *v, const char *what, hull_error **err) {
        if (!v[0]) {
                json_object_del(obj, key);
                return 0;
        }
        json_t *a = json_array();
        for (; *v; v++) {
                json_t *s = NULL;
                int r = jstr(what, *v, &s, err);
                if (r < 0) {
                        json_decref(a);
                        return r;
                }
                json_array_append_new(a, s);
        }
        if (json_object_set_new(obj, key, a) < 0)
                return hull_error_set(err, ENOMEM, "%s", what);
        return 0;
}

/* Object `key` of obj, created when missing or not an object. */
static json_t *sub_object(json_t *obj, const char *key) {
        json_t *o = json_object_get(obj, key);
        if (json_is_object(o))
                return o;
        o = json_object();
        if (json_object_set_new(obj, key, o) < 0)
                return NULL;
        return o;
}

static int merge_env(json_t *cc, char *const *env, hull_error **err) {
        json_t *a = json_object_get(cc, "Env");
        if (!json_is_array(a)) {
                a = json_array();
                json_object_set_new(cc, "Env", a);
        }
        for (; *env; env++) {
                const char *eq = strchr(*env, '=');
                if (!eq || eq == *env)
                        return usage(err, "environment variable \"%.100s\": expected NAME=VALUE", *env);
                size_t klen = (size_t) (eq - *env) + 1;
                json_t *s = NULL;
                int r = jstr("Env", *env, &s, err);
                if (r < 0)
                        return r;
                bool replaced = false;
                for (size_t i = 0; i < json_array_size(a) && !replaced; i++) {
                        const char *old = json_string_value(json_array_get(a, i));
                        if (old && strncmp(old, *env, klen) == 0) {
                                json_array_set(a, i, s);
                                replaced = true;
                        }
                }
                if (replaced)
                        json_decref(s);
                else
                        json_array_append_new(a, s);
        }
        return 0;
}

static int merge_labels(json_t *cc, char *const *labels, hull_error **err) {
        json_t *o = sub_object(cc, "Labels");
        if (!o)
                return hull_error_set(err, ENOMEM, "Labels");
        for (; *labels; labels++) {
                const char *eq = strchr(*labels, '=');
                if (!eq || eq == *labels)
                        return usage(err, "label \"%.100s\": expected KEY=VALUE", *labels);
                _cleanup_free_ char *key = strndup(*labels, (size_t) (eq - *labels));
                if (!key)
                        return hull_error_set(err, ENOMEM, "Labels");
                json_t *chk = json_string(key);
                if (!chk)
                        return usage(err, "label \"%.100s\": not valid UTF-8", *labels);
                json_decref(chk);
                int r = set_str(o, key, eq + 1, "Labels", err);
                if (r < 0)
                        return r;
        }
        return 0;
}

static int normalize_port(const char *p, char **ret, hull_error **err) {
        char *end;
        errno = 0;
        long n = strtol(p, &end, 10);
        if (errno || end == p || n < 1 || n > 65535 || (*end && *end != '/'))
                return usage(err, "exposed port \"%.100s\": expected PORT[/tcp|/udp|/sctp]", p);
        const char *proto = *end ? end + 1 : "tcp";
        if (strcmp(proto, "tcp") != 0 && strcmp(proto, "udp") != 0 && strcmp(proto, "sctp") != 0)
                return usage(err, "exposed port \"%.100s\": protocol must be tcp, udp or sctp", p);
        if (asprintf(ret, "%ld/%s", n, proto) < 0)
                return hull_error_set(err, ENOMEM, "ExposedPorts");
        return 0;
}

static int add_keys(json_t *cc, const char *key, char *const *v, bool ports, hull_error **err) {
        json_t *o = sub_object(cc, key);
        if (!o)
                return hull_error_set(err, ENOMEM, "%s", key);
        for (; *v; v++) {
                _cleanup_free_ char *k = NULL;
                if (ports) {
                        int r = normalize_port(*v, &k, err);
                        if (r < 0)
                                return r;
                } else {
                        if ((*v)[0] != '/')
                                return usage(err, "volume \"%.100s\": expected an absolute path", *v);
                        json_t *chk = json_string(*v);
                        if (!chk)
                                return usage(err, "volume \"%.100s\": not valid UTF-8", *v);
                        json_decref(chk);
                        if (!(k = strdup(*v)))
                                return hull_error_set(err, ENOMEM, "%s", key);
                }
                json_object_set_new(o, k, json_object());
        }
        return 0;
}

static bool valid_signal(const char *s) {
        if (!*s)
                return true;
        const char *p = hull_startswith(s, "SIG") ? s + 3 : s;
        if (!*p)
                return false;
        bool digits = true;
        for (const char *q = p; *q; q++) {
                if (*q < '0' || *q > '9')
                        digits = false;
                if (!((*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '+' || *q == '-'))
                        return false;
        }
        return strlen(p) <= 16 && (digits ? p == s : true);
}

/* The config document: the base's (unknown fields kept) with o applied. */
static int build_config(json_t *cfg, const hull_image_opts *o, const char *created, const char *diff_id,
                        bool has_base, hull_error **err) {
        int r;
        if ((r = set_str(cfg, "created", created, "created", err)) < 0)
                return r;
        if (o->author && (r = set_str(cfg, "author", o->author, "author", err)) < 0)
                return r;
        const char *host_variant, *host_arch = hull_image_host_arch(&host_variant);
        const char *base_arch = has_base ? json_string_value(json_object_get(cfg, "architecture")) : NULL;
        const char *arch = o->architecture ? o->architecture : base_arch ? base_arch : host_arch;
        const char *variant = o->variant;
        if (!variant && !o->architecture && !has_base)
                variant = host_variant;
        if (!variant && has_base && (!o->architecture || (base_arch && strcmp(base_arch, o->architecture) == 0)))
                variant = json_string_value(json_object_get(cfg, "variant"));
        _cleanup_free_ char *variant_copy = variant ? strdup(variant) : NULL;
        if ((r = set_str(cfg, "architecture", arch, "architecture", err)) < 0)
                return r;
        if (variant_copy && *variant_copy) {
                if ((r = set_str(cfg, "variant", variant_copy, "variant", err)) < 0)
                        return r;
        } else
                json_object_del(cfg, "variant");
        const char *os = o->os ? o->os : has_base ? json_string_value(json_object_get(cfg, "os")) : NULL;
        _cleanup_free_ char *os_copy = os ? strdup(os) : NULL;
        os = os_copy;
        if ((r = set_str(cfg, "os", os ? os : "linux", "os", err)) < 0)
                return r;

        json_t *cc = sub_object(cfg, "config");
        if (!cc)
                return hull_error_set(err, ENOMEM, "config");
        if (o->user && (r = (*o->user ? set_str(cc, "User", o->user, "User", err) : (json_object_del(cc, "User"), 0))) < 0)
                return r;
        if (o->exposed_ports && (r = add_keys(cc, "ExposedPorts", o->exposed_ports, true, err)) < 0)
                return r;
        if (o->env && (r = merge_env(cc, o->env, err)) < 0)
                return r;
        if (o->entrypoint && (r = set_strv(cc, "Entrypoint", o->entrypoint, "Entrypoint", err)) < 0)
                return r;
        if (o->cmd && (r = set_strv(cc, "Cmd", o->cmd, "Cmd", err)) < 0)
                return r;
        if (o->volumes && (r = add_keys(cc, "Volumes", o->volumes, false, err)) < 0)
                return r;
        if (o->workdir) {
                if (*o->workdir && o->workdir[0] != '/')
                        return usage(err, "working directory \"%.100s\": expected an absolute path", o->workdir);
                if ((r = (*o->workdir ? set_str(cc, "WorkingDir", o->workdir, "WorkingDir", err)
                                      : (json_object_del(cc, "WorkingDir"), 0))) < 0)
                        return r;
        }
        if (o->labels && (r = merge_labels(cc, o->labels, err)) < 0)
                return r;
        if (o->stop_signal) {
                if (!valid_signal(o->stop_signal))
                        return usage(err, "stop signal \"%.100s\": expected a signal name (SIGTERM) or number", o->stop_signal);
                if ((r = (*o->stop_signal ? set_str(cc, "StopSignal", o->stop_signal, "StopSignal", err)
                                          : (json_object_del(cc, "StopSignal"), 0))) < 0)
                        return r;
        }
        if (json_object_size(cc) == 0)
                json_object_del(cfg, "config");

        json_t *rootfs = sub_object(cfg, "rootfs");
        if (!rootfs)
                return hull_error_set(err, ENOMEM, "rootfs");
        json_object_set_new(rootfs, "type", json_string("layers"));
        json_t *ids = json_object_get(rootfs, "diff_ids");
        if (!json_is_array(ids)) {
                ids = json_array();
                json_object_set_new(rootfs, "diff_ids", ids);
        }
        if (diff_id)
                json_array_append_new(ids, json_string(diff_id));

        json_t *history = json_object_get(cfg, "history");
        if (!json_is_array(history)) {
                history = json_array();
                json_object_set_new(cfg, "history", history);
        }
        for (char *const *f = o->history; f && *f; f++) {
                json_t *e = json_object();
                json_array_append_new(history, e);
                json_object_set_new(e, "created", json_string(created));
                if ((r = set_str(e, "created_by", *f, "created_by", err)) < 0)
                        return r;
                json_object_set_new(e, "empty_layer", json_true());
        }
        json_t *h = json_object();
        json_array_append_new(history, h);
        json_object_set_new(h, "created", json_string(created));
        if ((r = set_str(h, "created_by", o->created_by ? o->created_by : "hull import", "created_by", err)) < 0)
                return r;
        if (o->author && (r = set_str(h, "author", o->author, "author", err)) < 0)
                return r;
        if (o->comment && (r = set_str(h, "comment", o->comment, "comment", err)) < 0)
                return r;
        if (!diff_id)
                json_object_set_new(h, "empty_layer", json_true());
        return 0;
}

static int cmp_kv(const void *a, const void *b) {
        return strcmp(((const hull_image_kv *) a)->key, ((const hull_image_kv *) b)->key);
}

static int kv_add(hull_image_kv **kv, size_t *n, const char *key, size_t klen, const char *value, hull_error **err) {
        for (size_t i = 0; i < *n; i++)
                if (strlen((*kv)[i].key) == klen && strncmp((*kv)[i].key, key, klen) == 0) {
                        char *v = strdup(value);
                        if (!v)
                                return hull_error_set(err, ENOMEM, "annotations");
                        free((*kv)[i].value);
                        (*kv)[i].value = v;
                        return 0;
                }
        hull_image_kv *x = realloc(*kv, (*n + 1) * sizeof(*x));
        if (!x)
                return hull_error_set(err, ENOMEM, "annotations");
        *kv = x;
        x[*n].key = strndup(key, klen);
        x[*n].value = strdup(value);
        (*n)++;
        if (!x[*n - 1].key || !x[*n - 1].value)
                return hull_error_set(err, ENOMEM, "annotations");
        return 0;
}

static int annotations(hull_manifest *m, const hull_image_opts *o, const char *created, const char *base_name,
                       const char *base_digest, hull_error **err) {
        int r = kv_add(&m->annotations, &m->n_annotations, HULL_ANNOTATION_CREATED, strlen(HULL_ANNOTATION_CREATED), created, err);
        if (r >= 0 && base_digest)
                r = kv_add(&m->annotations, &m->n_annotations, HULL_ANNOTATION_BASE_DIGEST,
                           strlen(HULL_ANNOTATION_BASE_DIGEST), base_digest, err);
        if (r >= 0 && base_name)
                r = kv_add(&m->annotations, &m->n_annotations, HULL_ANNOTATION_BASE_NAME, strlen(HULL_ANNOTATION_BASE_NAME),
                           base_name, err);
        for (char *const *a = o->annotations; r >= 0 && a && *a; a++) {
                const char *eq = strchr(*a, '=');
                if (!eq || eq == *a)
                        return usage(err, "annotation \"%.100s\": expected KEY=VALUE", *a);
                json_t *chk = json_string(*a);
                if (!chk)
                        return usage(err, "annotation \"%.100s\": not valid UTF-8", *a);
                json_decref(chk);
                r = kv_add(&m->annotations, &m->n_annotations, *a, (size_t) (eq - *a), eq + 1, err);
        }
        if (r < 0)
                return r;
        qsort(m->annotations, m->n_annotations, sizeof(hull_image_kv), cmp_kv);
        return 0;
}

static void tar_progress(void *userdata, uint64_t bytes) {
        const hull_image_opts *o = userdata;
        o->progress(o->userdata, "layer", bytes);
}

/* Streams the tree below dirfd into a new layer blob. */
static int write_layer(hull_store_txn *t, int dirfd, const hull_image_opts *o, int64_t epoch, hull_descriptor *ret,
                       char diff_id[HULL_DIGEST_BUF], hull_error **err) {
        hull_ostream *blob;
        int r = hull_store_txn_blob_begin(t, &blob, err);
        if (r < 0)
                return r;
        _cleanup_ostream_ hull_ostream *comp = NULL;
        if ((r = hull_ostream_compress_new(blob, o->compression, o->level, o->threads, &comp, err)) < 0)
                return r;
        _cleanup_ostream_ hull_ostream *diff = hull_ostream_digest_new(comp);
        if (!diff)
                return hull_error_set(err, ENOMEM, "layer");
        _cleanup_tar_writer_ hull_tar_writer *w = hull_tar_writer_new(diff);
        if (!w)
                return hull_error_set(err, ENOMEM, "layer");
        hull_tar_dir_opts to = {
                .mtime_max = epoch,
                .keep_owner = o->keep_owner,
                .overlay_whiteouts = o->overlay_whiteouts,
                .progress = o->progress ? tar_progress : NULL,
                .userdata = (void *) o,
                .grafts = o->grafts,
                .n_grafts = o->n_grafts,
        };
        if ((r = hull_tar_write_dir(w, dirfd, &to, err)) < 0 || (r = hull_tar_writer_finish(w, err)) < 0 ||
            (r = hull_ostream_finish(comp, err)) < 0)
                return hull_error_prefix(err, "write the layer");
        hull_ostream_digest_get(diff, diff_id, NULL);
        if ((r = hull_store_txn_blob_end(t, NULL, ret->digest, &ret->size, err)) < 0)
                return r;
        if (!(ret->media_type = strdup(hull_layer_media_type(o->compression))))
                return hull_error_set(err, ENOMEM, "layer");
        return 0;
}

static int format_created(int64_t epoch, char buf[32]) {
        time_t t = (time_t) epoch;
        struct tm tm;
        if (!gmtime_r(&t, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
                return -EINVAL;
        return 0;
}

int hull_image_append(hull_store *s, const char *base, int dirfd, const char *ref, const hull_image_opts *opts,
                      char ret_digest[HULL_DIGEST_BUF], hull_error **err) {
        hull_image_opts defaults;
        if (!opts) {
                hull_image_opts_init(&defaults);
                opts = &defaults;
        }
        if (opts->compression < 0 || opts->compression >= _HULL_COMPRESSION_MAX)
                return usage(err, "unknown compression");
        _cleanup_free_ char *name = NULL;
        int r = hull_image_ref_normalize(ref, &name, err);
        if (r < 0)
                return r;
        int64_t epoch = opts->source_date_epoch;
        if (epoch < 0 && (r = hull_image_source_date_epoch(&epoch, err)) < 0)
                return r;
        char created[32];
        if (format_created(epoch, created) < 0)
                return usage(err, "source date epoch %lld is out of range", (long long) epoch);

        /* The base: its manifest and its config document (kept verbatim
         * where o does not change it). */
        _cleanup_manifest_ hull_manifest *m = calloc(1, sizeof(*m));
        if (!m)
                return hull_error_set(err, ENOMEM, "commit");
        json_t *cfg = NULL;
        hull_descriptor base_desc = { 0 };
        _cleanup_free_ char *base_name = NULL;
        if (base) {
                _cleanup_manifest_ hull_manifest *bm = NULL;
                _cleanup_image_config_ hull_image_config *bc = NULL;
                _cleanup_free_ char *bjson = NULL;
                if ((r = hull_store_resolve(s, base, &base_desc, &base_name, err)) < 0)
                        return r;
                if ((r = hull_store_read_manifest(s, &base_desc, &bm, err)) < 0 ||
                    (r = hull_store_read_config(s, &bm->config, &bc, &bjson, err)) < 0) {
                        hull_descriptor_done(&base_desc);
                        return hull_error_prefix(err, "base image %s", base);
                }
                if (bc->n_diff_ids != bm->n_layers) {
                        hull_descriptor_done(&base_desc);
                        return hull_image_error_status(
                                err, hull_error_set_raw(err, EINVAL, "base image %s: %zu layers but %zu diff_ids", base, bm->n_layers, bc->n_diff_ids),
                                HULL_IMAGE_EXIT_INVALID);
                }
                cfg = hull_json_loads(bjson, 0, NULL);
                m->layers = calloc(bm->n_layers + 1, sizeof(hull_descriptor));
                if (!cfg || !m->layers) {
                        json_decref(cfg);
                        hull_descriptor_done(&base_desc);
                        return hull_error_set(err, ENOMEM, "commit");
                }
                for (size_t i = 0; i < bm->n_layers; i++) {
                        hull_descriptor *l = &m->layers[m->n_layers];
                        int c = hull_layer_media_type_compression(bm->layers[i].media_type);
                        memcpy(l->digest, bm->layers[i].digest, HULL_DIGEST_BUF);
                        l->size = bm->layers[i].size;
                        l->media_type = strdup(c >= 0 ? hull_layer_media_type(c) : bm->layers[i].media_type);
                        m->n_layers++;
                        if (!l->media_type) {
                                json_decref(cfg);
                                hull_descriptor_done(&base_desc);
                                return hull_error_set(err, ENOMEM, "commit");
                        }
                }
        } else {
                m->layers = calloc(1, sizeof(hull_descriptor));
                cfg = json_object();
                if (!cfg || !m->layers) {
                        json_decref(cfg);
                        return hull_error_set(err, ENOMEM, "commit");
                }
                /* The key order of a new config: created, author, architecture,
                 * variant, os, config, rootfs, history. */
                json_object_set_new(cfg, "created", json_string(created));
                if (opts->author)
                        json_object_set_new(cfg, "author", json_string(""));
                json_object_set_new(cfg, "architecture", json_string(""));
                json_object_set_new(cfg, "variant", json_string(""));
                json_object_set_new(cfg, "os", json_string(""));
                json_object_set_new(cfg, "config", json_object());
        }

        _cleanup_txn_ hull_store_txn *t = NULL;
        if ((r = hull_store_txn_begin(s, &t, err)) < 0)
                goto out;
        char diff_id[HULL_DIGEST_BUF];
        bool has_layer = dirfd >= 0;
        if (has_layer) {
                hull_descriptor *l = realloc(m->layers, (m->n_layers + 1) * sizeof(*l));
                if (!l) {
                        r = hull_error_set(err, ENOMEM, "commit");
                        goto out;
                }
                m->layers = l;
                memset(&m->layers[m->n_layers], 0, sizeof(*l));
                m->n_layers++;
                if ((r = write_layer(t, dirfd, opts, epoch, &m->layers[m->n_layers - 1], diff_id, err)) < 0)
                        goto out;
        }
        if ((r = build_config(cfg, opts, created, has_layer ? diff_id : NULL, base != NULL, err)) < 0)
                goto out;
        {
                _cleanup_free_ char *text = json_dumps(cfg, JSON_COMPACT);
                if (!text) {
                        r = hull_error_set(err, ENOMEM, "commit");
                        goto out;
                }
                if ((r = hull_store_txn_put(t, text, strlen(text), m->config.digest, err)) < 0)
                        goto out;
                m->config.size = strlen(text);
                if (!(m->config.media_type = strdup(HULL_MT_OCI_CONFIG))) {
                        r = hull_error_set(err, ENOMEM, "commit");
                        goto out;
                }
        }
        if ((r = annotations(m, opts, created, base ? base_name : NULL, base ? base_desc.digest : NULL, err)) < 0)
                goto out;
        {
                _cleanup_free_ char *text = hull_manifest_to_json(m);
                if (!text) {
                        r = hull_error_set(err, ENOMEM, "commit");
                        goto out;
                }
                hull_descriptor md = { .media_type = (char *) HULL_MT_OCI_MANIFEST, .size = strlen(text), .has_platform = true };
                md.architecture = (char *) json_string_value(json_object_get(cfg, "architecture"));
                md.os = (char *) json_string_value(json_object_get(cfg, "os"));
                md.variant = (char *) json_string_value(json_object_get(cfg, "variant"));
                if ((r = hull_store_txn_put(t, text, strlen(text), md.digest, err)) < 0 ||
                    (r = hull_store_txn_set_name(t, name, &md, err)) < 0 || (r = hull_store_txn_commit(t, err)) < 0)
                        goto out;
                if (ret_digest)
                        memcpy(ret_digest, md.digest, HULL_DIGEST_BUF);
        }
        r = 0;
out:
        json_decref(cfg);
        hull_descriptor_done(&base_desc);
        if (r < 0)
                hull_error_prefix(err, "commit %s", name);
        return r;
}

int hull_image_commit(hull_store *s, int dirfd, const char *ref, const hull_image_opts *o,
                      char ret_digest[HULL_DIGEST_BUF], hull_error **err) {
        if (dirfd < 0)
                return usage(err, "commit %s: no directory", ref ? ref : "");
        return hull_image_append(s, NULL, dirfd, ref, o, ret_digest, err);
}
