/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Listing, inspecting, naming and removing images (image.h). */
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "layout.h"
#include "manifest.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

void hull_image_infos_free(hull_image_info *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].name);
                free(v[i].created);
                free(v[i].architecture);
                free(v[i].os);
        }
        free(v);
}

static int cmp_info(const void *a, const void *b) {
        const hull_image_info *x = a, *y = b;
        if (!x->name || !y->name) {
                if (x->name || y->name)
                        return x->name ? -1 : 1;
        } else {
                int c = strcmp(x->name, y->name);
                if (c)
                        return c;
        }
        return strcmp(x->digest, y->digest);
}

/* Fills what the manifest and config say; a broken image keeps what was found. */
static void describe(hull_store *s, const hull_descriptor *d, hull_image_info *info) {
        _cleanup_error_ hull_error *e = NULL;
        _cleanup_manifest_ hull_manifest *m = NULL;
        _cleanup_image_config_ hull_image_config *c = NULL;
        info->size = d->size;
        if (!hull_media_type_is_manifest(d->media_type) || hull_store_read_manifest(s, d, &m, &e) < 0) {
                if (e)
                        hull_warn("image %s: %s", info->name ? info->name : d->digest, e->msg);
                return;
        }
        memcpy(info->config_digest, m->config.digest, HULL_DIGEST_BUF);
        info->n_layers = m->n_layers;
        info->size += m->config.size;
        for (size_t i = 0; i < m->n_layers; i++)
                info->size += m->layers[i].size;
        if (hull_store_read_config(s, &m->config, &c, NULL, &e) < 0) {
                hull_warn("image %s: %s", info->name ? info->name : d->digest, e->msg);
                return;
        }
        info->created = c->created ? strdup(c->created) : NULL;
        info->architecture = c->architecture ? strdup(c->architecture) : NULL;
        info->os = c->os ? strdup(c->os) : NULL;
}

int hull_image_list(hull_store *s, hull_image_info **ret, size_t *ret_n, hull_error **err) {
        *ret = NULL;
        *ret_n = 0;
        if (!s)
                return 0;
        _cleanup_index_ hull_index *x = NULL;
        int r = hull_store_index(s, &x, err);
        if (r < 0)
                return r;
        hull_image_info *v = calloc(x->n_manifests + 1, sizeof(*v));
        if (!v)
                return hull_error_set(err, ENOMEM, "list images");
        for (size_t i = 0; i < x->n_manifests; i++) {
                const hull_descriptor *d = &x->manifests[i];
                const char *n = hull_image_kv_get(d->annotations, d->n_annotations, HULL_ANNOTATION_REF_NAME);
                memcpy(v[i].digest, d->digest, HULL_DIGEST_BUF);
                if (n && !(v[i].name = strdup(n))) {
                        hull_image_infos_free(v, i + 1);
                        return hull_error_set(err, ENOMEM, "list images");
                }
                describe(s, d, &v[i]);
        }
        qsort(v, x->n_manifests, sizeof(*v), cmp_info);
        *ret = v;
        *ret_n = x->n_manifests;
        return 0;
}

int hull_image_inspect(hull_store *s, const char *ref, char **ret, hull_error **err) {
        hull_descriptor d = { 0 };
        _cleanup_free_ char *name = NULL, *mjson = NULL, *cjson = NULL;
        _cleanup_manifest_ hull_manifest *m = NULL;
        _cleanup_index_ hull_index *x = NULL;
        size_t mlen;
        int r = hull_store_resolve(s, ref, &d, &name, err);
        if (r < 0)
                return r;
        if (!hull_media_type_is_manifest(d.media_type)) {
                r = hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "%s: %s is not an image manifest", ref, d.media_type),
                                            HULL_IMAGE_EXIT_INVALID);
                goto out;
        }
        if ((r = hull_store_read_blob(s, d.digest, 0, &mjson, &mlen, err)) < 0 ||
            (r = hull_store_read_manifest(s, &d, &m, err)) < 0 || (r = hull_store_read_config(s, &m->config, NULL, &cjson, err)) < 0 ||
            (r = hull_store_index(s, &x, err)) < 0)
                goto out;
        json_t *tags = json_array();
        for (size_t i = 0; i < x->n_manifests; i++) {
                const char *n = hull_image_kv_get(x->manifests[i].annotations, x->manifests[i].n_annotations,
                                                  HULL_ANNOTATION_REF_NAME);
                if (n && strcmp(x->manifests[i].digest, d.digest) == 0)
                        json_array_append_new(tags, json_string(n));
        }
        uint64_t size = d.size + m->config.size;
        for (size_t i = 0; i < m->n_layers; i++)
                size += m->layers[i].size;
        json_t *doc = json_object();
        json_object_set_new(doc, "Name", name ? json_string(name) : json_null());
        json_object_set_new(doc, "Digest", json_string(d.digest));
        json_object_set_new(doc, "Tags", tags);
        json_object_set_new(doc, "Size", json_integer((json_int_t) size));
        json_object_set_new(doc, "Manifest", hull_json_loads(mjson, 0, NULL));
        json_object_set_new(doc, "Config", hull_json_loads(cjson, 0, NULL));
        *ret = json_dumps(doc, JSON_INDENT(2));
        json_decref(doc);
        r = *ret ? 0 : hull_error_set(err, ENOMEM, "inspect %s", ref);
out:
        hull_descriptor_done(&d);
        return r;
}

int hull_image_tag(hull_store *s, const char *src, const char *dst, hull_error **err) {
        hull_descriptor d = { 0 };
        _cleanup_free_ char *norm = NULL;
        int r = hull_image_ref_normalize(dst, &norm, err);
        if (r < 0)
                return r;
        if ((r = hull_store_resolve(s, src, &d, NULL, err)) < 0)
                return r;
        _cleanup_txn_ hull_store_txn *t = NULL;
        if ((r = hull_store_txn_begin(s, &t, err)) >= 0 && (r = hull_store_txn_set_name(t, norm, &d, err)) >= 0)
                r = hull_store_txn_commit(t, err);
        hull_descriptor_done(&d);
        return r < 0 ? hull_error_prefix(err, "tag %s as %s", src, dst) : 0;
}

int hull_image_remove(hull_store *s, const char *ref, bool keep_blobs, size_t *ret_blobs, uint64_t *ret_bytes,
                      hull_error **err) {
        hull_descriptor d = { 0 };
        _cleanup_free_ char *name = NULL;
        int r = hull_store_resolve(s, ref, &d, &name, err);
        if (r < 0)
                return r;
        _cleanup_txn_ hull_store_txn *t = NULL;
        if ((r = hull_store_txn_begin(s, &t, err)) >= 0 &&
            (r = hull_store_txn_remove(t, name ? name : d.digest, err)) >= 0)
                r = hull_store_txn_commit(t, err);
        hull_descriptor_done(&d);
        if (r < 0)
                return hull_error_prefix(err, "remove %s", ref);
        hull_store_txn_free(TAKE_PTR(t));
        if (ret_blobs)
                *ret_blobs = 0;
        if (ret_bytes)
                *ret_bytes = 0;
        if (!keep_blobs && (r = hull_store_gc(s, ret_blobs, ret_bytes, err)) < 0)
                return r;
        return 0;
}
