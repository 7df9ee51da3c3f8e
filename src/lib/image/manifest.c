/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Image manifest, index and config JSON: parsing (every error names the
 * input and the JSON path) and the manifest's serialization. */
#include "manifest.h"

#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "stream.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

#define PATH_BUF 256

typedef struct pctx {
        const char *where;
        hull_error **err;
} pctx;

static int fail(pctx *c, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(pctx *c, const char *path, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        int r = *path ? hull_error_set_raw(c->err, EINVAL, "%s: %s: %s", c->where, path, msg)
                      : hull_error_set_raw(c->err, EINVAL, "%s: %s", c->where, msg);
        return hull_image_error_status(c->err, r, HULL_IMAGE_EXIT_INVALID);
}

static int oom(pctx *c) {
        return hull_error_set(c->err, ENOMEM, "%s", c->where);
}

static void join(char *buf, const char *base, const char *key) {
        if (base && *base)
                snprintf(buf, PATH_BUF, "%s.%s", base, key);
        else
                snprintf(buf, PATH_BUF, "%s", key);
}

static const char *type_name(const json_t *v) {
        switch (json_typeof(v)) {
        case JSON_OBJECT: return "an object";
        case JSON_ARRAY: return "an array";
        case JSON_STRING: return "a string";
        case JSON_INTEGER: return "an integer";
        case JSON_REAL: return "a number";
        case JSON_TRUE:
        case JSON_FALSE: return "a boolean";
        case JSON_NULL: return "null";
        }
        return "something else";
}

static int load(pctx *c, const char *json, size_t len, json_t **ret) {
        json_error_t je;
        json_t *root = hull_json_loadb(json, len, JSON_REJECT_DUPLICATES, &je);
        if (!root)
                return fail(c, "", "invalid JSON at line %d, column %d: %s", je.line, je.column, je.text);
        if (!json_is_object(root)) {
                int r = fail(c, "", "expected a JSON object, got %s", type_name(root));
                json_decref(root);
                return r;
        }
        *ret = root;
        return 0;
}

/* Returns 1 (set), 0 (absent or null), <0 (error). */
static int get_string(pctx *c, json_t *obj, const char *base, const char *key, bool required, char **ret) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return required ? fail(c, p, "required string is missing") : 0;
        if (!json_is_string(v))
                return fail(c, p, "expected a string, got %s", type_name(v));
        if (strlen(json_string_value(v)) != json_string_length(v))
                return fail(c, p, "string contains a NUL byte");
        char *s = strdup(json_string_value(v));
        if (!s)
                return oom(c);
        free(*ret);
        *ret = s;
        return 1;
}

static int get_strv(pctx *c, json_t *obj, const char *base, const char *key, char ***ret) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_array(v))
                return fail(c, p, "expected an array of strings, got %s", type_name(v));
        size_t n = json_array_size(v);
        char **out = calloc(n + 1, sizeof(char *));
        if (!out)
                return oom(c);
        for (size_t i = 0; i < n; i++) {
                json_t *e = json_array_get(v, i);
                if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e)) {
                        hull_strv_free(out);
                        char pi[PATH_BUF];
                        snprintf(pi, sizeof(pi), "%s[%zu]", p, i);
                        return fail(c, pi, "expected a string, got %s", json_is_string(e) ? "a string with a NUL byte" : type_name(e));
                }
                if (!(out[i] = strdup(json_string_value(e)))) {
                        hull_strv_free(out);
                        return oom(c);
                }
        }
        hull_strv_free(*ret);
        *ret = out;
        return 1;
}

/* The keys of an object whose values are objects ("ExposedPorts": {"80/tcp": {}}). */
static int get_keys(pctx *c, json_t *obj, const char *base, const char *key, char ***ret) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_object(v))
                return fail(c, p, "expected an object, got %s", type_name(v));
        _cleanup_strv_ char **out = calloc(1, sizeof(char *));
        if (!out)
                return oom(c);
        const char *k;
        json_t *val;
        json_object_foreach(v, k, val) {
                if (hull_strv_push(&out, k) < 0)
                        return oom(c);
        }
        hull_strv_free(*ret);
        *ret = TAKE_PTR(out);
        return 1;
}

static void kv_free(hull_image_kv *kv, size_t n) {
        for (size_t i = 0; i < n; i++) {
                free(kv[i].key);
                free(kv[i].value);
        }
        free(kv);
}

static int get_kv(pctx *c, json_t *obj, const char *base, const char *key, hull_image_kv **ret, size_t *ret_n) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_object(v))
                return fail(c, p, "expected an object of strings, got %s", type_name(v));
        size_t n = json_object_size(v), i = 0;
        hull_image_kv *kv = calloc(n ? n : 1, sizeof(*kv));
        if (!kv)
                return oom(c);
        const char *k;
        json_t *val;
        json_object_foreach(v, k, val) {
                if (!json_is_string(val) || strlen(json_string_value(val)) != json_string_length(val)) {
                        kv_free(kv, i);
                        char pk[PATH_BUF];
                        join(pk, p, k);
                        return fail(c, pk, "expected a string, got %s", type_name(val));
                }
                kv[i].key = strdup(k);
                kv[i].value = strdup(json_string_value(val));
                i++;
                if (!kv[i - 1].key || !kv[i - 1].value) {
                        kv_free(kv, i);
                        return oom(c);
                }
        }
        kv_free(*ret, *ret_n);
        *ret = kv;
        *ret_n = i;
        return 1;
}

static int get_digest(pctx *c, json_t *obj, const char *base, const char *key, char ret[HULL_DIGEST_BUF]) {
        char p[PATH_BUF];
        join(p, base, key);
        json_t *v = json_object_get(obj, key);
        if (!v || json_is_null(v))
                return fail(c, p, "required digest is missing");
        if (!json_is_string(v))
                return fail(c, p, "expected a string, got %s", type_name(v));
        const char *s = json_string_value(v);
        if (!hull_digest_is_valid(s) || json_string_length(v) != HULL_DIGEST_LEN) {
                if (strncmp(s, "sha512:", 7) == 0)
                        return fail(c, p, "sha512 digests are not supported (only sha256)");
                return fail(c, p, "expected sha256:<64 lowercase hex digits>");
        }
        memcpy(ret, s, HULL_DIGEST_BUF);
        return 1;
}

void hull_descriptor_done(hull_descriptor *d) {
        if (!d)
                return;
        free(d->media_type);
        kv_free(d->annotations, d->n_annotations);
        free(d->architecture);
        free(d->os);
        free(d->variant);
        memset(d, 0, sizeof(*d));
}

int hull_descriptor_copy(hull_descriptor *dst, const hull_descriptor *src) {
        memset(dst, 0, sizeof(*dst));
        memcpy(dst->digest, src->digest, HULL_DIGEST_BUF);
        dst->size = src->size;
        dst->has_platform = src->has_platform;
        if ((src->media_type && !(dst->media_type = strdup(src->media_type))) ||
            (src->architecture && !(dst->architecture = strdup(src->architecture))) ||
            (src->os && !(dst->os = strdup(src->os))) || (src->variant && !(dst->variant = strdup(src->variant))))
                goto oom;
        if (src->n_annotations > 0) {
                dst->annotations = calloc(src->n_annotations, sizeof(hull_image_kv));
                if (!dst->annotations)
                        goto oom;
                for (size_t i = 0; i < src->n_annotations; i++) {
                        dst->annotations[i].key = strdup(src->annotations[i].key);
                        dst->annotations[i].value = strdup(src->annotations[i].value);
                        dst->n_annotations++;
                        if (!dst->annotations[i].key || !dst->annotations[i].value)
                                goto oom;
                }
        }
        return 0;
oom:
        hull_descriptor_done(dst);
        return -ENOMEM;
}

static int parse_descriptor(pctx *c, json_t *v, const char *p, hull_descriptor *d) {
        if (!json_is_object(v))
                return fail(c, p, "expected a descriptor object, got %s", type_name(v));
        int r = get_string(c, v, p, "mediaType", true, &d->media_type);
        if (r < 0)
                return r;
        if ((r = get_digest(c, v, p, "digest", d->digest)) < 0)
                return r;
        char ps[PATH_BUF];
        join(ps, p, "size");
        json_t *size = json_object_get(v, "size");
        if (!size)
                return fail(c, ps, "required integer is missing");
        if (!json_is_integer(size) || json_integer_value(size) < 0)
                return fail(c, ps, "expected a non-negative integer, got %s", type_name(size));
        d->size = (uint64_t) json_integer_value(size);
        if ((r = get_kv(c, v, p, "annotations", &d->annotations, &d->n_annotations)) < 0)
                return r;
        json_t *plat = json_object_get(v, "platform");
        if (plat && !json_is_null(plat)) {
                char pp[PATH_BUF];
                join(pp, p, "platform");
                if (!json_is_object(plat))
                        return fail(c, pp, "expected an object, got %s", type_name(plat));
                d->has_platform = true;
                if ((r = get_string(c, plat, pp, "architecture", true, &d->architecture)) < 0 ||
                    (r = get_string(c, plat, pp, "os", true, &d->os)) < 0 ||
                    (r = get_string(c, plat, pp, "variant", false, &d->variant)) < 0)
                        return r;
        }
        return 0;
}

static int check_schema(pctx *c, json_t *root) {
        json_t *v = json_object_get(root, "schemaVersion");
        if (!v)
                return fail(c, "schemaVersion", "required integer is missing");
        if (!json_is_integer(v) || json_integer_value(v) != 2)
                return fail(c, "schemaVersion", "expected 2");
        return 0;
}

bool hull_media_type_is_manifest(const char *mt) {
        return mt && (strcmp(mt, HULL_MT_OCI_MANIFEST) == 0 || strcmp(mt, HULL_MT_DOCKER_MANIFEST) == 0);
}

bool hull_media_type_is_index(const char *mt) {
        return mt && (strcmp(mt, HULL_MT_OCI_INDEX) == 0 || strcmp(mt, HULL_MT_DOCKER_LIST) == 0);
}

int hull_layer_media_type_compression(const char *mt) {
        if (!mt)
                return -1;
        if (strcmp(mt, HULL_MT_OCI_LAYER_GZIP) == 0 || strcmp(mt, HULL_MT_DOCKER_LAYER_GZIP) == 0)
                return HULL_COMPRESSION_GZIP;
        if (strcmp(mt, HULL_MT_OCI_LAYER_ZSTD) == 0)
                return HULL_COMPRESSION_ZSTD;
        if (strcmp(mt, HULL_MT_OCI_LAYER) == 0 || strcmp(mt, HULL_MT_DOCKER_LAYER) == 0)
                return HULL_COMPRESSION_NONE;
        return -1;
}

const char *hull_layer_media_type(int compression) {
        switch (compression) {
        case HULL_COMPRESSION_GZIP: return HULL_MT_OCI_LAYER_GZIP;
        case HULL_COMPRESSION_ZSTD: return HULL_MT_OCI_LAYER_ZSTD;
        default: return HULL_MT_OCI_LAYER;
        }
}

void hull_manifest_free(hull_manifest *m) {
        if (!m)
                return;
        free(m->media_type);
        hull_descriptor_done(&m->config);
        for (size_t i = 0; i < m->n_layers; i++)
                hull_descriptor_done(&m->layers[i]);
        free(m->layers);
        kv_free(m->annotations, m->n_annotations);
        free(m);
}

int hull_manifest_parse(const char *json, size_t len, const char *where, hull_manifest **ret, hull_error **err) {
        pctx c = { where, err };
        json_t *root = NULL;
        int r = load(&c, json, len, &root);
        if (r < 0)
                return r;
        _cleanup_manifest_ hull_manifest *m = calloc(1, sizeof(*m));
        if (!m) {
                json_decref(root);
                return oom(&c);
        }
        if ((r = check_schema(&c, root)) < 0 || (r = get_string(&c, root, "", "mediaType", false, &m->media_type)) < 0)
                goto out;
        if (m->media_type && !hull_media_type_is_manifest(m->media_type)) {
                r = fail(&c, "mediaType", "\"%s\" is not an image manifest", m->media_type);
                goto out;
        }
        if (!m->media_type && json_object_get(root, "manifests")) {
                r = fail(&c, "", "an image index, not a manifest");
                goto out;
        }
        json_t *cfg = json_object_get(root, "config");
        if (!cfg) {
                r = fail(&c, "config", "required descriptor is missing");
                goto out;
        }
        if ((r = parse_descriptor(&c, cfg, "config", &m->config)) < 0)
                goto out;
        json_t *layers = json_object_get(root, "layers");
        if (!layers || !json_is_array(layers)) {
                r = fail(&c, "layers", layers ? "expected an array, got %s" : "required array is missing",
                         layers ? type_name(layers) : "");
                goto out;
        }
        m->layers = calloc(json_array_size(layers) + 1, sizeof(hull_descriptor));
        if (!m->layers) {
                r = oom(&c);
                goto out;
        }
        for (size_t i = 0; i < json_array_size(layers); i++) {
                char p[PATH_BUF];
                snprintf(p, sizeof(p), "layers[%zu]", i);
                m->n_layers++;
                if ((r = parse_descriptor(&c, json_array_get(layers, i), p, &m->layers[i])) < 0)
                        goto out;
        }
        if ((r = get_kv(&c, root, "", "annotations", &m->annotations, &m->n_annotations)) < 0)
                goto out;
        *ret = TAKE_PTR(m);
        r = 0;
out:
        json_decref(root);
        return r;
}

void hull_index_free(hull_index *x) {
        if (!x)
                return;
        for (size_t i = 0; i < x->n_manifests; i++)
                hull_descriptor_done(&x->manifests[i]);
        free(x->manifests);
        free(x);
}

int hull_index_parse(const char *json, size_t len, const char *where, hull_index **ret, hull_error **err) {
        pctx c = { where, err };
        json_t *root = NULL;
        int r = load(&c, json, len, &root);
        if (r < 0)
                return r;
        _cleanup_index_ hull_index *x = calloc(1, sizeof(*x));
        _cleanup_free_ char *mt = NULL;
        if (!x) {
                json_decref(root);
                return oom(&c);
        }
        if ((r = check_schema(&c, root)) < 0 || (r = get_string(&c, root, "", "mediaType", false, &mt)) < 0)
                goto out;
        if (mt && !hull_media_type_is_index(mt)) {
                r = fail(&c, "mediaType", "\"%s\" is not an image index", mt);
                goto out;
        }
        json_t *ms = json_object_get(root, "manifests");
        if (!ms || !json_is_array(ms)) {
                r = fail(&c, "manifests", ms ? "expected an array, got %s" : "required array is missing",
                         ms ? type_name(ms) : "");
                goto out;
        }
        x->manifests = calloc(json_array_size(ms) + 1, sizeof(hull_descriptor));
        if (!x->manifests) {
                r = oom(&c);
                goto out;
        }
        for (size_t i = 0; i < json_array_size(ms); i++) {
                char p[PATH_BUF];
                snprintf(p, sizeof(p), "manifests[%zu]", i);
                x->n_manifests++;
                if ((r = parse_descriptor(&c, json_array_get(ms, i), p, &x->manifests[i])) < 0)
                        goto out;
        }
        *ret = TAKE_PTR(x);
        r = 0;
out:
        json_decref(root);
        return r;
}

void hull_image_config_free(hull_image_config *c) {
        if (!c)
                return;
        free(c->created);
        free(c->author);
        free(c->architecture);
        free(c->os);
        free(c->variant);
        free(c->user);
        free(c->workdir);
        free(c->stop_signal);
        hull_strv_free(c->env);
        hull_strv_free(c->entrypoint);
        hull_strv_free(c->cmd);
        hull_strv_free(c->exposed_ports);
        hull_strv_free(c->volumes);
        kv_free(c->labels, c->n_labels);
        hull_strv_free(c->diff_ids);
        for (size_t i = 0; i < c->n_history; i++) {
                free(c->history[i].created);
                free(c->history[i].created_by);
                free(c->history[i].author);
                free(c->history[i].comment);
        }
        free(c->history);
        free(c);
}

static int parse_history(pctx *c, json_t *root, hull_image_config *cfg) {
        json_t *h = json_object_get(root, "history");
        if (!h || json_is_null(h))
                return 0;
        if (!json_is_array(h))
                return fail(c, "history", "expected an array, got %s", type_name(h));
        cfg->history = calloc(json_array_size(h) + 1, sizeof(hull_image_history));
        if (!cfg->history)
                return oom(c);
        for (size_t i = 0; i < json_array_size(h); i++) {
                char p[PATH_BUF];
                snprintf(p, sizeof(p), "history[%zu]", i);
                json_t *e = json_array_get(h, i);
                if (!json_is_object(e))
                        return fail(c, p, "expected an object, got %s", type_name(e));
                hull_image_history *x = &cfg->history[i];
                cfg->n_history++;
                int r;
                if ((r = get_string(c, e, p, "created", false, &x->created)) < 0 ||
                    (r = get_string(c, e, p, "created_by", false, &x->created_by)) < 0 ||
                    (r = get_string(c, e, p, "author", false, &x->author)) < 0 ||
                    (r = get_string(c, e, p, "comment", false, &x->comment)) < 0)
                        return r;
                json_t *el = json_object_get(e, "empty_layer");
                if (el && !json_is_null(el)) {
                        if (!json_is_boolean(el)) {
                                char pe[PATH_BUF];
                                join(pe, p, "empty_layer");
                                return fail(c, pe, "expected a boolean, got %s", type_name(el));
                        }
                        x->empty_layer = json_is_true(el);
                }
        }
        return 0;
}

int hull_image_config_parse(const char *json, size_t len, const char *where, hull_image_config **ret,
                            hull_error **err) {
        pctx c = { where, err };
        json_t *root = NULL;
        int r = load(&c, json, len, &root);
        if (r < 0)
                return r;
        _cleanup_image_config_ hull_image_config *cfg = calloc(1, sizeof(*cfg));
        _cleanup_free_ char *type = NULL;
        if (!cfg) {
                json_decref(root);
                return oom(&c);
        }
        if ((r = get_string(&c, root, "", "created", false, &cfg->created)) < 0 ||
            (r = get_string(&c, root, "", "author", false, &cfg->author)) < 0 ||
            (r = get_string(&c, root, "", "architecture", true, &cfg->architecture)) < 0 ||
            (r = get_string(&c, root, "", "os", true, &cfg->os)) < 0 ||
            (r = get_string(&c, root, "", "variant", false, &cfg->variant)) < 0)
                goto out;
        json_t *cc = json_object_get(root, "config");
        if (cc && !json_is_null(cc)) {
                if (!json_is_object(cc)) {
                        r = fail(&c, "config", "expected an object, got %s", type_name(cc));
                        goto out;
                }
                if ((r = get_string(&c, cc, "config", "User", false, &cfg->user)) < 0 ||
                    (r = get_string(&c, cc, "config", "WorkingDir", false, &cfg->workdir)) < 0 ||
                    (r = get_string(&c, cc, "config", "StopSignal", false, &cfg->stop_signal)) < 0 ||
                    (r = get_strv(&c, cc, "config", "Env", &cfg->env)) < 0 ||
                    (r = get_strv(&c, cc, "config", "Entrypoint", &cfg->entrypoint)) < 0 ||
                    (r = get_strv(&c, cc, "config", "Cmd", &cfg->cmd)) < 0 ||
                    (r = get_keys(&c, cc, "config", "ExposedPorts", &cfg->exposed_ports)) < 0 ||
                    (r = get_keys(&c, cc, "config", "Volumes", &cfg->volumes)) < 0 ||
                    (r = get_kv(&c, cc, "config", "Labels", &cfg->labels, &cfg->n_labels)) < 0)
                        goto out;
        }
        json_t *rootfs = json_object_get(root, "rootfs");
        if (!rootfs || !json_is_object(rootfs)) {
                r = fail(&c, "rootfs", rootfs ? "expected an object, got %s" : "required object is missing",
                         rootfs ? type_name(rootfs) : "");
                goto out;
        }
        if ((r = get_string(&c, rootfs, "rootfs", "type", true, &type)) < 0)
                goto out;
        if (strcmp(type, "layers") != 0) {
                r = fail(&c, "rootfs.type", "expected \"layers\", got \"%s\"", type);
                goto out;
        }
        json_t *ids = json_object_get(rootfs, "diff_ids");
        if (!ids || !json_is_array(ids)) {
                r = fail(&c, "rootfs.diff_ids", ids ? "expected an array, got %s" : "required array is missing",
                         ids ? type_name(ids) : "");
                goto out;
        }
        cfg->diff_ids = calloc(json_array_size(ids) + 1, sizeof(char *));
        if (!cfg->diff_ids) {
                r = oom(&c);
                goto out;
        }
        for (size_t i = 0; i < json_array_size(ids); i++) {
                json_t *e = json_array_get(ids, i);
                char p[PATH_BUF];
                snprintf(p, sizeof(p), "rootfs.diff_ids[%zu]", i);
                if (!json_is_string(e) || !hull_digest_is_valid(json_string_value(e)) ||
                    json_string_length(e) != HULL_DIGEST_LEN) {
                        r = fail(&c, p, "expected sha256:<64 lowercase hex digits>");
                        goto out;
                }
                if (!(cfg->diff_ids[i] = strdup(json_string_value(e)))) {
                        r = oom(&c);
                        goto out;
                }
                cfg->n_diff_ids++;
        }
        if ((r = parse_history(&c, root, cfg)) < 0)
                goto out;
        *ret = TAKE_PTR(cfg);
        r = 0;
out:
        json_decref(root);
        return r;
}

const char *hull_image_kv_get(const hull_image_kv *kv, size_t n, const char *key) {
        for (size_t i = 0; i < n; i++)
                if (strcmp(kv[i].key, key) == 0)
                        return kv[i].value;
        return NULL;
}

static json_t *descriptor_json(const hull_descriptor *d) {
        json_t *o = json_object();
        if (!o)
                return NULL;
        json_object_set_new(o, "mediaType", json_string(d->media_type ? d->media_type : ""));
        json_object_set_new(o, "digest", json_string(d->digest));
        json_object_set_new(o, "size", json_integer((json_int_t) d->size));
        if (d->n_annotations > 0) {
                json_t *a = json_object();
                for (size_t i = 0; i < d->n_annotations; i++)
                        json_object_set_new(a, d->annotations[i].key, json_string(d->annotations[i].value));
                json_object_set_new(o, "annotations", a);
        }
        if (d->has_platform) {
                json_t *p = json_pack("{s:s, s:s}", "architecture", d->architecture ? d->architecture : "", "os",
                                      d->os ? d->os : "");
                if (p && d->variant)
                        json_object_set_new(p, "variant", json_string(d->variant));
                json_object_set_new(o, "platform", p);
        }
        return o;
}

char *hull_manifest_to_json(const hull_manifest *m) {
        json_t *root = json_object();
        if (!root)
                return NULL;
        json_object_set_new(root, "schemaVersion", json_integer(2));
        json_object_set_new(root, "mediaType", json_string(HULL_MT_OCI_MANIFEST));
        json_object_set_new(root, "config", descriptor_json(&m->config));
        json_t *layers = json_array();
        for (size_t i = 0; i < m->n_layers; i++)
                json_array_append_new(layers, descriptor_json(&m->layers[i]));
        json_object_set_new(root, "layers", layers);
        if (m->n_annotations > 0) {
                json_t *a = json_object();
                for (size_t i = 0; i < m->n_annotations; i++)
                        json_object_set_new(a, m->annotations[i].key, json_string(m->annotations[i].value));
                json_object_set_new(root, "annotations", a);
        }
        char *s = json_dumps(root, JSON_COMPACT);
        json_decref(root);
        return s;
}
