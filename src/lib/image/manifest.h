/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Image JSON (image-spec manifest.md, image-index.md, config.md,
 * descriptor.md): parsed into plain structs, every error naming the input and
 * the JSON path ("manifest sha256:...: layers[2].digest: expected
 * sha256:<64 hex digits>").  Unknown fields are ignored.  Docker's v2 schema 2
 * media types are accepted when reading.  Every pointer in these structs is
 * owned by the struct that holds it. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "util/error.h"

#define HULL_MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define HULL_MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define HULL_MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define HULL_MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define HULL_MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define HULL_MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define HULL_MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define HULL_MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define HULL_MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define HULL_MT_DOCKER_LAYER "application/vnd.docker.image.rootfs.diff.tar"
#define HULL_MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"

#define HULL_ANNOTATION_REF_NAME "org.opencontainers.image.ref.name"
#define HULL_ANNOTATION_CREATED "org.opencontainers.image.created"
#define HULL_ANNOTATION_BASE_NAME "org.opencontainers.image.base.name"
#define HULL_ANNOTATION_BASE_DIGEST "org.opencontainers.image.base.digest"

/* JSON documents and blobs read whole are at most this big. */
#define HULL_JSON_MAX (16u << 20)

typedef struct hull_image_kv {
        char *key, *value;
} hull_image_kv;

typedef struct hull_descriptor {
        char *media_type;
        char digest[HULL_DIGEST_BUF];
        uint64_t size;
        hull_image_kv *annotations;
        size_t n_annotations;
        bool has_platform;
        char *architecture, *os, *variant;
} hull_descriptor;

typedef struct hull_manifest {
        char *media_type; /* NULL when the document has none */
        hull_descriptor config;
        hull_descriptor *layers;
        size_t n_layers;
        hull_image_kv *annotations;
        size_t n_annotations;
} hull_manifest;

typedef struct hull_index {
        hull_descriptor *manifests;
        size_t n_manifests;
} hull_index;

typedef struct hull_image_history {
        char *created, *created_by, *author, *comment;
        bool empty_layer;
} hull_image_history;

typedef struct hull_image_config {
        char *created, *author, *architecture, *os, *variant;
        /* config */
        char *user, *workdir, *stop_signal;
        char **env, **entrypoint, **cmd; /* NULL when absent */
        char **exposed_ports, **volumes; /* the keys of the objects; NULL when absent */
        hull_image_kv *labels;
        size_t n_labels;
        /* rootfs */
        char **diff_ids;
        size_t n_diff_ids;
        hull_image_history *history;
        size_t n_history;
} hull_image_config;

/* Parse `json` (len bytes, need not be NUL-terminated); `where` names it in
 * errors.  Errors: EINVAL with status INVALID.  *ret is caller-owned. */
int hull_manifest_parse(const char *json, size_t len, const char *where, hull_manifest **ret, hull_error **err);
int hull_index_parse(const char *json, size_t len, const char *where, hull_index **ret, hull_error **err);
int hull_image_config_parse(const char *json, size_t len, const char *where, hull_image_config **ret,
                            hull_error **err);

void hull_manifest_free(hull_manifest *m);
void hull_index_free(hull_index *x);
void hull_image_config_free(hull_image_config *c);
void hull_descriptor_done(hull_descriptor *d);
/* A deep copy into *dst.  Returns 0 or -ENOMEM. */
int hull_descriptor_copy(hull_descriptor *dst, const hull_descriptor *src);

static inline void hull_manifest_freep(hull_manifest **m) {
        if (*m)
                hull_manifest_free(*m);
}
static inline void hull_index_freep(hull_index **x) {
        if (*x)
                hull_index_free(*x);
}
static inline void hull_image_config_freep(hull_image_config **c) {
        if (*c)
                hull_image_config_free(*c);
}
#define _cleanup_manifest_ __attribute__((cleanup(hull_manifest_freep)))
#define _cleanup_index_ __attribute__((cleanup(hull_index_freep)))
#define _cleanup_image_config_ __attribute__((cleanup(hull_image_config_freep)))

/* The value of key, or NULL. */
const char *hull_image_kv_get(const hull_image_kv *kv, size_t n, const char *key);

bool hull_media_type_is_manifest(const char *mt);
bool hull_media_type_is_index(const char *mt);
/* The compression of a layer media type; -1 for one that is not a layer hull
 * can unpack (foreign layers, unknown types). */
int hull_layer_media_type_compression(const char *mt);
const char *hull_layer_media_type(int compression);

/* Serializes a manifest (OCI media types, compact, fixed key order).
 * Returns a caller-owned string or NULL when out of memory. */
char *hull_manifest_to_json(const hull_manifest *m);
