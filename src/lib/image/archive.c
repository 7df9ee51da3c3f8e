/* SPDX-License-Identifier: GPL-2.0-or-later */
/* `hull save` and `hull load`: oci-archive (an OCI image layout in a tar,
 * skopeo's format) and docker-archive (`docker save`'s: manifest.json, the
 * configs and uncompressed layer tars).
 *
 * Saving streams blobs out of the store, checking each one's digest.
 * Loading stages every regular member of the archive in the store's
 * transaction directory (under a name of its own, never the member's path,
 * hashing it on the way), then validates the whole image graph -- index,
 * manifests, configs, every blob against its digest and size, every docker
 * layer against its diff_id -- and only then moves blobs into the store and
 * names the images, in one index.json update. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image.h"
#include "layout.h"
#include "manifest.h"
#include "strset.h"
#include "tar.h"
#include "unpack.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/log.h"
#include "util/strv.h"

#define MAX_MEMBERS 100000

int hull_archive_format_from_name(const char *name) {
        if (!name)
                return -1;
        if (strcmp(name, "oci-archive") == 0 || strcmp(name, "oci") == 0)
                return HULL_ARCHIVE_OCI;
        if (strcmp(name, "docker-archive") == 0 || strcmp(name, "docker") == 0)
                return HULL_ARCHIVE_DOCKER;
        return -1;
}

static int invalid(hull_error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int invalid(hull_error **err, const char *fmt, ...) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_image_error_status(err, hull_error_set_raw(err, EBADMSG, "%s", msg), HULL_IMAGE_EXIT_INVALID);
}

/* ======================================================================
 * save
 * ====================================================================== */

typedef enum src_kind { SRC_DIR, SRC_MEM, SRC_BLOB, SRC_LAYER_TAR } src_kind;

typedef struct out_entry {
        char *name;
        src_kind kind;
        char *data; /* SRC_MEM */
        size_t len;
        hull_descriptor blob; /* SRC_BLOB, SRC_LAYER_TAR (the compressed blob) */
        char diff_id[HULL_DIGEST_BUF];
        int compression;
        uint64_t tar_size; /* SRC_LAYER_TAR, from the first pass */
} out_entry;

typedef struct out_list {
        out_entry *v;
        size_t n;
        hull_strset names;
} out_list;

static void out_list_done(out_list *l) {
        for (size_t i = 0; i < l->n; i++) {
                free(l->v[i].name);
                free(l->v[i].data);
                hull_descriptor_done(&l->v[i].blob);
        }
        free(l->v);
        hull_strset_done(&l->names);
}

/* Adds an entry unless one of that name exists.  Returns the entry or NULL
 * (already there: *dup set; or out of memory). */
static out_entry *out_add(out_list *l, const char *name, src_kind kind, bool *dup) {
        *dup = false;
        int r = hull_strset_add(&l->names, name);
        if (r <= 0) {
                *dup = r == 0;
                return NULL;
        }
        out_entry *n = realloc(l->v, (l->n + 1) * sizeof(*n));
        if (!n)
                return NULL;
        l->v = n;
        out_entry *e = &l->v[l->n];
        memset(e, 0, sizeof(*e));
        if (!(e->name = strdup(name)))
                return NULL;
        e->kind = kind;
        l->n++;
        return e;
}

static int add_mem(out_list *l, const char *name, char *data, hull_error **err) {
        bool dup;
        out_entry *e = out_add(l, name, SRC_MEM, &dup);
        if (!e) {
                free(data);
                return dup ? 0 : hull_error_set(err, ENOMEM, "save");
        }
        e->data = data;
        e->len = strlen(data);
        return 0;
}

static int add_blob(out_list *l, const char *name, const hull_descriptor *d, src_kind kind, hull_error **err) {
        bool dup;
        out_entry *e = out_add(l, name, kind, &dup);
        if (!e)
                return dup ? 0 : hull_error_set(err, ENOMEM, "save");
        if (hull_descriptor_copy(&e->blob, d) < 0)
                return hull_error_set(err, ENOMEM, "save");
        return 0;
}

static int cmp_entry(const void *a, const void *b) {
        return strcmp(((const out_entry *) a)->name, ((const out_entry *) b)->name);
}

/* The decompressed layer, streamed to out (NULL: only measured); checks the
 * blob's digest and the diff_id.  Writes the uncompressed size. */
static int layer_stream(hull_store *s, const out_entry *e, hull_ostream *out, uint64_t *ret_size, hull_error **err) {
        _cleanup_close_ int fd = -1;
        int r = hull_store_open_blob(s, e->blob.digest, &fd, NULL, err);
        if (r < 0)
                return r;
        char what[128];
        snprintf(what, sizeof(what), "layer %s", e->blob.digest);
        _cleanup_istream_ hull_istream *file = hull_istream_fd_new(fd, what);
        _cleanup_istream_ hull_istream *blob = file ? hull_istream_digest_new(file) : NULL;
        _cleanup_istream_ hull_istream *dec = NULL;
        if (!blob)
                return hull_error_set(err, ENOMEM, "save");
        if ((r = hull_istream_decompress_new(blob, (hull_compression) e->compression, what, &dec, err)) < 0)
                return r;
        _cleanup_istream_ hull_istream *diff = hull_istream_digest_new(dec);
        if (!diff)
                return hull_error_set(err, ENOMEM, "save");
        _cleanup_ostream_ hull_ostream *sink = out ? NULL : hull_ostream_digest_new(NULL);
        if (!out && !sink)
                return hull_error_set(err, ENOMEM, "save");
        if ((r = hull_stream_copy(diff, out ? out : sink, err)) < 0)
                return r;
        char got[HULL_DIGEST_BUF];
        uint64_t size;
        hull_istream_digest_get(blob, got, NULL);
        if (strcmp(got, e->blob.digest) != 0)
                return invalid(err, "blob %s is corrupt: its content has digest %s", e->blob.digest, got);
        hull_istream_digest_get(diff, got, &size);
        if (strcmp(got, e->diff_id) != 0)
                return invalid(err, "layer %s: uncompressed content has digest %s, the config's diff_id is %s", e->blob.digest, got,
                               e->diff_id);
        if (ret_size)
                *ret_size = size;
        return 0;
}

/* An ostream stage that writes an entry's data through the tar writer. */
typedef struct tar_data_ostream {
        hull_ostream base;
        hull_tar_writer *w;
} tar_data_ostream;

static int tdo_write(hull_ostream *s, const void *buf, size_t len, hull_error **err) {
        return hull_tar_write_data(((tar_data_ostream *) s)->w, buf, len, err);
}

static void tdo_free(hull_ostream *s) {
        (void) s;
}

static int write_entry(hull_store *s, hull_tar_writer *w, out_entry *e, hull_error **err) {
        hull_tar_entry h = { .path = e->name, .mode = 0644, .type = HULL_TAR_REG };
        int r;
        switch (e->kind) {
        case SRC_DIR:
                h.type = HULL_TAR_DIR;
                h.mode = 0755;
                return hull_tar_write_header(w, &h, err);
        case SRC_MEM:
                h.size = e->len;
                if ((r = hull_tar_write_header(w, &h, err)) < 0)
                        return r;
                return hull_tar_write_data(w, e->data, e->len, err);
        case SRC_BLOB: {
                _cleanup_close_ int fd = -1;
                uint64_t size;
                if ((r = hull_store_open_blob(s, e->blob.digest, &fd, &size, err)) < 0)
                        return r;
                if (size != e->blob.size)
                        return invalid(err, "blob %s: size %" PRIu64 ", its descriptor says %" PRIu64, e->blob.digest, size,
                                       e->blob.size);
                h.size = size;
                if ((r = hull_tar_write_header(w, &h, err)) < 0)
                        return r;
                _cleanup_istream_ hull_istream *in = hull_istream_fd_new(fd, e->blob.digest);
                _cleanup_istream_ hull_istream *dig = in ? hull_istream_digest_new(in) : NULL;
                _cleanup_free_ char *buf = malloc(1 << 17);
                if (!dig || !buf)
                        return hull_error_set(err, ENOMEM, "save");
                uint64_t left = size;
                while (left > 0) {
                        ssize_t n = hull_istream_read(dig, buf, left < (1 << 17) ? (size_t) left : (1 << 17), err);
                        if (n < 0)
                                return (int) n;
                        if (n == 0)
                                return hull_error_set_raw(err, EIO, "blob %s shrank while it was read", e->blob.digest);
                        if ((r = hull_tar_write_data(w, buf, (size_t) n, err)) < 0)
                                return r;
                        left -= (uint64_t) n;
                }
                char got[HULL_DIGEST_BUF];
                hull_istream_digest_get(dig, got, NULL);
                if (strcmp(got, e->blob.digest) != 0)
                        return invalid(err, "blob %s is corrupt: its content has digest %s", e->blob.digest, got);
                return 0;
        }
        case SRC_LAYER_TAR: {
                h.size = e->tar_size;
                if ((r = hull_tar_write_header(w, &h, err)) < 0)
                        return r;
                tar_data_ostream t = { .base = { .write = tdo_write, .free = tdo_free }, .w = w };
                uint64_t size;
                if ((r = layer_stream(s, e, &t.base, &size, err)) < 0)
                        return r;
                if (size != e->tar_size)
                        return hull_error_set_raw(err, EIO, "layer %s changed while it was read", e->blob.digest);
                return 0;
        }
        }
        return 0;
}

typedef struct saved_image {
        char *name; /* NULL when saved by digest */
        hull_descriptor desc;
        hull_manifest *m;
        hull_image_config *c;
} saved_image;

static int collect(hull_store *s, char *const *refs, saved_image **ret, size_t *ret_n, hull_error **err) {
        size_t n = hull_strv_length(refs);
        saved_image *v = calloc(n + 1, sizeof(*v));
        if (!v)
                return hull_error_set(err, ENOMEM, "save");
        *ret = v;
        *ret_n = 0;
        for (size_t i = 0; i < n; i++) {
                saved_image *x = &v[i];
                (*ret_n)++;
                int r = hull_store_resolve(s, refs[i], &x->desc, &x->name, err);
                if (r < 0)
                        return r;
                if (!hull_media_type_is_manifest(x->desc.media_type))
                        return invalid(err, "%s: %s is not an image manifest", refs[i], x->desc.media_type);
                if ((r = hull_store_read_manifest(s, &x->desc, &x->m, err)) < 0 ||
                    (r = hull_store_read_config(s, &x->m->config, &x->c, NULL, err)) < 0)
                        return hull_error_prefix(err, "save %s", refs[i]);
                if (x->c->n_diff_ids != x->m->n_layers)
                        return invalid(err, "%s: %zu layers but %zu diff_ids", refs[i], x->m->n_layers, x->c->n_diff_ids);
        }
        return 0;
}

static void saved_free(saved_image *v, size_t n) {
        for (size_t i = 0; v && i < n; i++) {
                free(v[i].name);
                hull_descriptor_done(&v[i].desc);
                hull_manifest_free(v[i].m);
                hull_image_config_free(v[i].c);
        }
        free(v);
}

static int plan_oci(const saved_image *v, size_t n, out_list *l, hull_error **err) {
        bool dup;
        int r;
        if (!out_add(l, "blobs", SRC_DIR, &dup) || !out_add(l, "blobs/sha256", SRC_DIR, &dup))
                return hull_error_set(err, ENOMEM, "save");
        json_t *index = json_pack("{s:i, s:s, s:[]}", "schemaVersion", 2, "mediaType", HULL_MT_OCI_INDEX, "manifests");
        json_t *ms = json_object_get(index, "manifests");
        for (size_t i = 0; i < n; i++) {
                const saved_image *x = &v[i];
                char name[96];
                const hull_descriptor *blobs[2] = { &x->desc, &x->m->config };
                for (size_t k = 0; k < 2 + x->m->n_layers; k++) {
                        const hull_descriptor *d = k < 2 ? blobs[k] : &x->m->layers[k - 2];
                        snprintf(name, sizeof(name), "blobs/sha256/%s", hull_digest_hex(d->digest));
                        if ((r = add_blob(l, name, d, SRC_BLOB, err)) < 0) {
                                json_decref(index);
                                return r;
                        }
                }
                json_t *e = json_pack("{s:s, s:s, s:I}", "mediaType", HULL_MT_OCI_MANIFEST, "digest", x->desc.digest, "size",
                                      (json_int_t) x->desc.size);
                if (x->name)
                        json_object_set_new(e, "annotations", json_pack("{s:s}", HULL_ANNOTATION_REF_NAME, x->name));
                json_object_set_new(e, "platform", json_pack("{s:s, s:s}", "architecture", x->c->architecture, "os", x->c->os));
                if (x->c->variant)
                        json_object_set_new(json_object_get(e, "platform"), "variant", json_string(x->c->variant));
                json_array_append_new(ms, e);
        }
        char *text = json_dumps(index, JSON_COMPACT);
        json_decref(index);
        if (!text)
                return hull_error_set(err, ENOMEM, "save");
        if ((r = add_mem(l, "index.json", text, err)) < 0)
                return r;
        char *layout = strdup("{\"imageLayoutVersion\":\"1.0.0\"}");
        if (!layout)
                return hull_error_set(err, ENOMEM, "save");
        return add_mem(l, "oci-layout", layout, err);
}

static int plan_docker(hull_store *s, const saved_image *v, size_t n, out_list *l, hull_error **err) {
        json_t *manifest = json_array();
        int r;
        for (size_t i = 0; i < n; i++) {
                const saved_image *x = &v[i];
                /* One manifest.json entry per image, with all its names. */
                json_t *same = NULL;
                for (size_t j = 0; j < i && !same; j++)
                        if (strcmp(v[j].desc.digest, x->desc.digest) == 0)
                                same = json_array_get(manifest, j);
                if (same) {
                        if (x->name)
                                json_array_append_new(json_object_get(same, "RepoTags"), json_string(x->name));
                        json_array_append(manifest, same);
                        continue;
                }
                char name[96];
                snprintf(name, sizeof(name), "%s.json", hull_digest_hex(x->m->config.digest));
                if ((r = add_blob(l, name, &x->m->config, SRC_BLOB, err)) < 0)
                        goto fail;
                json_t *layers = json_array();
                for (size_t k = 0; k < x->m->n_layers; k++) {
                        const hull_descriptor *d = &x->m->layers[k];
                        int comp = hull_layer_media_type_compression(d->media_type);
                        if (comp < 0) {
                                json_decref(layers);
                                r = invalid(err, "layer %s: media type %s cannot be saved as a docker layer", d->digest, d->media_type);
                                goto fail;
                        }
                        snprintf(name, sizeof(name), "%s.tar", hull_digest_hex(x->c->diff_ids[k]));
                        json_array_append_new(layers, json_string(name));
                        size_t before = l->n;
                        if ((r = add_blob(l, name, d, SRC_LAYER_TAR, err)) < 0) {
                                json_decref(layers);
                                goto fail;
                        }
                        if (l->n > before) {
                                out_entry *e = &l->v[l->n - 1];
                                e->compression = comp;
                                memcpy(e->diff_id, x->c->diff_ids[k], HULL_DIGEST_BUF);
                                /* First pass: the size the tar header needs (and the checks). */
                                if ((r = layer_stream(s, e, NULL, &e->tar_size, err)) < 0) {
                                        json_decref(layers);
                                        goto fail;
                                }
                        }
                }
                snprintf(name, sizeof(name), "%s.json", hull_digest_hex(x->m->config.digest));
                json_t *tags = json_array();
                if (x->name)
                        json_array_append_new(tags, json_string(x->name));
                json_array_append_new(manifest, json_pack("{s:s, s:o, s:o}", "Config", name, "RepoTags", tags, "Layers", layers));
        }
        /* Drop the repeated entries (kept above only to index by position). */
        for (size_t i = json_array_size(manifest); i-- > 0;)
                for (size_t j = 0; j < i; j++)
                        if (json_array_get(manifest, j) == json_array_get(manifest, i)) {
                                json_array_remove(manifest, i);
                                break;
                        }
        char *text = json_dumps(manifest, JSON_COMPACT);
        json_decref(manifest);
        if (!text)
                return hull_error_set(err, ENOMEM, "save");
        return add_mem(l, "manifest.json", text, err);
fail:
        json_decref(manifest);
        return r;
}

int hull_image_save(hull_store *s, char *const *refs, hull_archive_format f, int fd, hull_error **err) {
        if (!refs || !refs[0])
                return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "save: no image"), HULL_IMAGE_EXIT_USAGE);
        if (f != HULL_ARCHIVE_OCI && f != HULL_ARCHIVE_DOCKER)
                return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "save: unknown archive format"), HULL_IMAGE_EXIT_USAGE);
        saved_image *v = NULL;
        size_t n = 0;
        out_list l = { 0 };
        int r = collect(s, refs, &v, &n, err);
        if (r >= 0)
                r = f == HULL_ARCHIVE_OCI ? plan_oci(v, n, &l, err) : plan_docker(s, v, n, &l, err);
        if (r >= 0) {
                qsort(l.v, l.n, sizeof(out_entry), cmp_entry);
                _cleanup_ostream_ hull_ostream *out = hull_ostream_fd_new(fd, "the archive");
                _cleanup_tar_writer_ hull_tar_writer *w = out ? hull_tar_writer_new(out) : NULL;
                if (!w)
                        r = hull_error_set(err, ENOMEM, "save");
                for (size_t i = 0; r >= 0 && i < l.n; i++)
                        r = write_entry(s, w, &l.v[i], err);
                if (r >= 0)
                        r = hull_tar_writer_finish(w, err);
        }
        out_list_done(&l);
        saved_free(v, n);
        return r < 0 ? r : 0;
}

/* ======================================================================
 * load
 * ====================================================================== */

typedef struct member {
        char *name;
        char *link;       /* for links: the target's name */
        char file[24];    /* staged file, "" for links */
        char digest[HULL_DIGEST_BUF];
        uint64_t size;
        bool adopted;
} member;

typedef struct loader {
        hull_store *s;
        hull_store_txn *t;
        int dfd; /* the txn's staging directory */
        member *m;
        size_t n;
        hull_strset adopted;
        char **names; /* what was loaded */
        hull_error **err;
} loader;

static void loader_done(loader *L) {
        for (size_t i = 0; i < L->n; i++) {
                free(L->m[i].name);
                free(L->m[i].link);
        }
        free(L->m);
        hull_strset_done(&L->adopted);
        hull_strv_free(L->names);
}

/* A symlink's target, relative to the member's directory, as an archive
 * name; ".." may not climb above the archive's root. */
static int link_target(const char *member_name, const char *target, bool symlink, char **ret) {
        if (target[0] == '/')
                return -EPERM;
        _cleanup_free_ char *joined = NULL;
        const char *slash = strrchr(member_name, '/');
        if (symlink && slash) {
                if (asprintf(&joined, "%.*s/%s", (int) (slash - member_name), member_name, target) < 0)
                        return -ENOMEM;
        } else if (!(joined = strdup(target)))
                return -ENOMEM;
        char *out = calloc(1, strlen(joined) + 1);
        if (!out)
                return -ENOMEM;
        size_t len = 0;
        for (char *save = NULL, *c = strtok_r(joined, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
                if (strcmp(c, ".") == 0)
                        continue;
                if (strcmp(c, "..") == 0) {
                        if (len == 0) {
                                free(out);
                                return -EPERM;
                        }
                        char *up = strrchr(out, '/');
                        len = up ? (size_t) (up - out) : 0;
                        out[len] = 0;
                        continue;
                }
                if (len)
                        out[len++] = '/';
                strcpy(out + len, c);
                len += strlen(c);
        }
        *ret = out;
        return 0;
}

static const member *find(const loader *L, const char *name) {
        for (unsigned hops = 0; hops < 8; hops++) {
                const member *m = NULL;
                for (size_t i = L->n; i-- > 0 && !m;) /* the last of duplicates wins, as in tar */
                        if (strcmp(L->m[i].name, name) == 0)
                                m = &L->m[i];
                if (!m || !m->link)
                        return m;
                name = m->link;
        }
        return NULL;
}

static int stage(loader *L, hull_istream *in, hull_error **err) {
        _cleanup_tar_reader_ hull_tar_reader *r = hull_tar_reader_new(in, "archive");
        _cleanup_free_ char *buf = malloc(1 << 17);
        if (!r || !buf)
                return hull_error_set(err, ENOMEM, "load");
        for (;;) {
                const hull_tar_entry *e;
                int k = hull_tar_next(r, &e, err);
                if (k <= 0)
                        return k;
                _cleanup_free_ char *name = NULL;
                int c = hull_unpack_clean_path(e->path, &name);
                if (c == -EPERM)
                        return hull_image_error_status(
                                err, hull_error_set_raw(err, EPERM, "%s: %s: refused", hull_tar_where(r), e->path[0] == '/' ? "absolute path" : "path has a \"..\" component"),
                                HULL_IMAGE_EXIT_UNSAFE);
                if (c < 0)
                        return hull_error_set(err, -c, "%s", hull_tar_where(r));
                if (e->type == HULL_TAR_DIR)
                        continue;
                if (e->type != HULL_TAR_REG && e->type != HULL_TAR_SYMLINK && e->type != HULL_TAR_LINK)
                        return invalid(err, "%s: unexpected entry type '%c' in an image archive", hull_tar_where(r), e->type);
                if (L->n >= MAX_MEMBERS)
                        return invalid(err, "archive: more than %d members", MAX_MEMBERS);
                member *nm = realloc(L->m, (L->n + 1) * sizeof(*nm));
                if (!nm)
                        return hull_error_set(err, ENOMEM, "load");
                L->m = nm;
                member *m = &L->m[L->n];
                memset(m, 0, sizeof(*m));
                m->name = TAKE_PTR(name);
                L->n++;
                if (e->type != HULL_TAR_REG) {
                        c = link_target(m->name, e->linkname, e->type == HULL_TAR_SYMLINK, &m->link);
                        if (c == -EPERM)
                                return hull_image_error_status(
                                        err, hull_error_set_raw(err, EPERM, "%s: link target \"%.200s\" is outside the archive: refused", hull_tar_where(r), e->linkname),
                                        HULL_IMAGE_EXIT_UNSAFE);
                        if (c < 0)
                                return hull_error_set(err, -c, "load");
                        continue;
                }
                snprintf(m->file, sizeof(m->file), "m%zu", L->n - 1);
                _cleanup_close_ int fd = openat(L->dfd, m->file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0644);
                if (fd < 0)
                        return hull_error_set(err, errno, "stage %s", m->name);
                _cleanup_ostream_ hull_ostream *file = hull_ostream_fd_new(fd, m->name);
                _cleanup_ostream_ hull_ostream *dig = file ? hull_ostream_digest_new(file) : NULL;
                if (!dig)
                        return hull_error_set(err, ENOMEM, "load");
                for (;;) {
                        ssize_t got = hull_tar_read(r, buf, 1 << 17, err);
                        if (got < 0)
                                return (int) got;
                        if (got == 0)
                                break;
                        if ((k = hull_ostream_write(dig, buf, (size_t) got, err)) < 0)
                                return k;
                }
                hull_ostream_digest_get(dig, m->digest, &m->size);
        }
}

/* A member's content, read whole (JSON documents). */
static int member_read(loader *L, const member *m, char **ret, size_t *ret_len, hull_error **err) {
        if (m->size > HULL_JSON_MAX)
                return invalid(err, "archive member %s: %" PRIu64 " bytes is too big for a JSON document", m->name, m->size);
        int r = hull_read_file_at(L->dfd, m->file, HULL_JSON_MAX, ret, ret_len);
        return r < 0 ? hull_error_set(err, -r, "read archive member %s", m->name) : 0;
}

/* The member holding blob d (blobs/sha256/<hex>), checked against d. */
static int blob_member(loader *L, const hull_descriptor *d, const member **ret, hull_error **err) {
        char name[96];
        snprintf(name, sizeof(name), "blobs/sha256/%s", hull_digest_hex(d->digest));
        const member *m = find(L, name);
        *ret = m;
        if (!m)
                return 0;
        if (strcmp(m->digest, d->digest) != 0)
                return invalid(err, "archive member %s does not match its digest (its content has %s): refused", name, m->digest);
        if (m->size != d->size)
                return invalid(err, "archive member %s: %" PRIu64 " bytes, its descriptor says %" PRIu64, name, m->size, d->size);
        return 0;
}

static int adopt(loader *L, const member *m, hull_error **err) {
        int r = hull_strset_add(&L->adopted, m->digest);
        if (r < 0)
                return hull_error_set(err, ENOMEM, "load");
        if (r == 0 || hull_store_has_blob(L->s, m->digest))
                return 0;
        return hull_store_txn_adopt(L->t, L->dfd, m->file, m->digest, true, NULL, err);
}

/* Platform matching for nested indexes: linux and the host's architecture. */
static bool platform_matches(const hull_descriptor *d) {
        const char *variant, *arch = hull_image_host_arch(&variant);
        if (!d->has_platform || !d->os || strcmp(d->os, "linux") != 0 || !d->architecture || strcmp(d->architecture, arch) != 0)
                return false;
        return !variant || !d->variant || strcmp(variant, d->variant) == 0;
}

static int name_image(loader *L, const char *name, const hull_descriptor *md, hull_error **err) {
        if (name) {
                int r = hull_store_txn_set_name(L->t, name, md, err);
                if (r < 0)
                        return r;
                _cleanup_free_ char *norm = NULL;
                if (hull_image_ref_normalize(name, &norm, err) < 0 || hull_strv_consume(&L->names, TAKE_PTR(norm)) < 0)
                        return hull_error_set(err, ENOMEM, "load");
                return 0;
        }
        int r = hull_store_txn_set_name(L->t, NULL, md, err);
        if (r < 0)
                return r;
        return hull_strv_push(&L->names, md->digest) < 0 ? hull_error_set(err, ENOMEM, "load") : 0;
}

static int load_oci_manifest(loader *L, hull_descriptor *d, unsigned depth, hull_error **err) {
        const member *m;
        int r = blob_member(L, d, &m, err);
        if (r < 0)
                return r;
        if (!m)
                return invalid(err, "manifest %s is missing from the archive", d->digest);
        _cleanup_free_ char *buf = NULL;
        size_t len;
        if ((r = member_read(L, m, &buf, &len, err)) < 0)
                return r;
        char where[128];
        if (hull_media_type_is_index(d->media_type)) {
                if (depth > 4)
                        return invalid(err, "image indexes nested more than 4 deep");
                snprintf(where, sizeof(where), "image index %s", d->digest);
                _cleanup_index_ hull_index *x = NULL;
                if ((r = hull_index_parse(buf, len, where, &x, err)) < 0)
                        return r;
                for (size_t i = 0; i < x->n_manifests; i++)
                        if (platform_matches(&x->manifests[i])) {
                                /* The platform's manifest replaces the index. */
                                hull_descriptor_done(d);
                                if (hull_descriptor_copy(d, &x->manifests[i]) < 0)
                                        return hull_error_set(err, ENOMEM, "load");
                                return load_oci_manifest(L, d, depth + 1, err);
                        }
                const char *variant, *arch = hull_image_host_arch(&variant);
                return invalid(err, "image index %s has no manifest for linux/%s", d->digest, arch);
        }
        snprintf(where, sizeof(where), "manifest %s", d->digest);
        _cleanup_manifest_ hull_manifest *man = NULL;
        if ((r = hull_manifest_parse(buf, len, where, &man, err)) < 0)
                return r;
        const member *cm;
        if ((r = blob_member(L, &man->config, &cm, err)) < 0)
                return r;
        if (!cm && !hull_store_has_blob(L->s, man->config.digest))
                return invalid(err, "config %s of manifest %s is missing from the archive", man->config.digest, d->digest);
        if (cm) {
                _cleanup_free_ char *cbuf = NULL;
                _cleanup_image_config_ hull_image_config *c = NULL;
                snprintf(where, sizeof(where), "image config %s", man->config.digest);
                if ((r = member_read(L, cm, &cbuf, &len, err)) < 0 || (r = hull_image_config_parse(cbuf, len, where, &c, err)) < 0)
                        return r;
                if (c->n_diff_ids != man->n_layers)
                        return invalid(err, "manifest %s: %zu layers but %zu diff_ids in its config", d->digest, man->n_layers,
                                       c->n_diff_ids);
                if ((r = adopt(L, cm, err)) < 0)
                        return r;
        }
        for (size_t i = 0; i < man->n_layers; i++) {
                const member *lm;
                if ((r = blob_member(L, &man->layers[i], &lm, err)) < 0)
                        return r;
                if (!lm && !hull_store_has_blob(L->s, man->layers[i].digest))
                        return invalid(err, "layer %s of manifest %s is missing from the archive", man->layers[i].digest, d->digest);
                if (lm && (r = adopt(L, lm, err)) < 0)
                        return r;
        }
        if ((r = adopt(L, m, err)) < 0)
                return r;
        if (!d->media_type || !hull_media_type_is_manifest(d->media_type)) {
                free(d->media_type);
                if (!(d->media_type = strdup(man->media_type ? man->media_type : HULL_MT_OCI_MANIFEST)))
                        return hull_error_set(err, ENOMEM, "load");
        }
        return 0;
}

static int load_oci(loader *L, const char *name, hull_error **err) {
        const member *im = find(L, "index.json");
        if (!im)
                return invalid(err, "archive: an OCI layout without index.json");
        _cleanup_free_ char *buf = NULL;
        size_t len;
        _cleanup_index_ hull_index *x = NULL;
        int r = member_read(L, im, &buf, &len, err);
        if (r < 0 || (r = hull_index_parse(buf, len, "index.json in the archive", &x, err)) < 0)
                return r;
        if (x->n_manifests == 0)
                return invalid(err, "archive: index.json lists no image");
        if (name && x->n_manifests > 1)
                return hull_image_error_status(
                        err, hull_error_set_raw(err, EINVAL, "the archive holds %zu images: a name can be given to one only", x->n_manifests),
                        HULL_IMAGE_EXIT_USAGE);
        for (size_t i = 0; i < x->n_manifests; i++) {
                hull_descriptor *d = &x->manifests[i];
                const char *ref = hull_image_kv_get(d->annotations, d->n_annotations, HULL_ANNOTATION_REF_NAME);
                const char *ctrd = hull_image_kv_get(d->annotations, d->n_annotations, "io.containerd.image.name");
                if ((r = load_oci_manifest(L, d, 0, err)) < 0)
                        return r;
                const char *n = name;
                if (!n && ctrd)
                        n = ctrd;
                if (!n && ref && (strchr(ref, ':') || strchr(ref, '/')))
                        n = ref;
                if (!n && ref)
                        hull_warn("image %s is named only \"%s\" in the archive: loaded without a name (use --tag)", d->digest, ref);
                _cleanup_free_ char *norm = NULL;
                if (n && hull_image_ref_normalize(n, &norm, NULL) < 0) {
                        hull_warn("image %s: \"%s\" is not a valid image name: loaded without a name", d->digest, n);
                        n = NULL;
                }
                hull_descriptor md = *d;
                md.annotations = NULL;
                md.n_annotations = 0;
                if ((r = name_image(L, n, &md, err)) < 0)
                        return r;
        }
        return 0;
}

static int docker_layer(loader *L, const member *lm, const char *diff_id, hull_descriptor *ret, hull_error **err) {
        _cleanup_close_ int fd = openat(L->dfd, lm->file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
                return hull_error_set(err, errno, "open archive member %s", lm->name);
        char what[256];
        snprintf(what, sizeof(what), "archive member %s", lm->name);
        _cleanup_istream_ hull_istream *in = hull_istream_fd_new(fd, what);
        _cleanup_istream_ hull_istream *dec = NULL;
        if (!in)
                return hull_error_set(err, ENOMEM, "load");
        int r = hull_istream_decompress_new(in, HULL_COMPRESSION_AUTO, what, &dec, err);
        if (r < 0)
                return r;
        _cleanup_istream_ hull_istream *diff = hull_istream_digest_new(dec);
        hull_ostream *blob;
        if (!diff)
                return hull_error_set(err, ENOMEM, "load");
        if ((r = hull_store_txn_blob_begin(L->t, &blob, err)) < 0)
                return r;
        _cleanup_ostream_ hull_ostream *gz = NULL;
        if ((r = hull_ostream_compress_new(blob, HULL_COMPRESSION_GZIP, 0, 0, &gz, err)) < 0 ||
            (r = hull_stream_copy(diff, gz, err)) < 0 || (r = hull_ostream_finish(gz, err)) < 0)
                return r;
        char got[HULL_DIGEST_BUF];
        hull_istream_digest_get(diff, got, NULL);
        if (strcmp(got, diff_id) != 0)
                return invalid(err, "archive member %s: its content has digest %s, the config's diff_id is %s: refused", lm->name, got,
                               diff_id);
        if ((r = hull_store_txn_blob_end(L->t, NULL, ret->digest, &ret->size, err)) < 0)
                return r;
        if (!(ret->media_type = strdup(HULL_MT_OCI_LAYER_GZIP)))
                return hull_error_set(err, ENOMEM, "load");
        return 0;
}

/* "<64 hex>.json" or "blobs/sha256/<64 hex>": the digest the name promises. */
static bool name_digest(const char *name, char ret[HULL_DIGEST_BUF]) {
        const char *base = strrchr(name, '/');
        base = base ? base + 1 : name;
        size_t n = strlen(base);
        if (n == 69 && strcmp(base + 64, ".json") == 0)
                n = 64;
        if (n != 64)
                return false;
        snprintf(ret, HULL_DIGEST_BUF, HULL_DIGEST_PREFIX "%.64s", base);
        return hull_digest_is_valid(ret);
}

static int load_docker(loader *L, const char *name, hull_error **err) {
        const member *mm = find(L, "manifest.json");
        _cleanup_free_ char *buf = NULL;
        size_t len;
        int r = member_read(L, mm, &buf, &len, err);
        if (r < 0)
                return r;
        json_error_t je;
        json_t *root = hull_json_loadb(buf, len, JSON_REJECT_DUPLICATES, &je);
        if (!json_is_array(root) || json_array_size(root) == 0) {
                json_decref(root);
                return invalid(err, "manifest.json in the archive: expected a non-empty array of images%s%s", root ? "" : ": ",
                               root ? "" : je.text);
        }
        if (name && json_array_size(root) > 1) {
                json_decref(root);
                return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "the archive holds %zu images: a name can be given to one only", json_array_size(root)),
                                               HULL_IMAGE_EXIT_USAGE);
        }
        /* Layers shared between images are converted once. */
        _cleanup_strv_ char **done_names = NULL;
        hull_descriptor *done = NULL;
        size_t n_done = 0;
        for (size_t i = 0; i < json_array_size(root) && r >= 0; i++) {
                json_t *item = json_array_get(root, i);
                char p[64];
                snprintf(p, sizeof(p), "manifest.json[%zu]", i);
                const char *cfg_name = json_string_value(json_object_get(item, "Config"));
                json_t *layers = json_object_get(item, "Layers");
                json_t *tags = json_object_get(item, "RepoTags");
                if (!cfg_name || !json_is_array(layers) || (tags && !json_is_null(tags) && !json_is_array(tags))) {
                        r = invalid(err, "%s: expected {\"Config\": string, \"RepoTags\": [strings], \"Layers\": [strings]}", p);
                        break;
                }
                const member *cm = find(L, cfg_name);
                if (!cm || !*cm->file) {
                        r = invalid(err, "%s: config %s is missing from the archive", p, cfg_name);
                        break;
                }
                char promised[HULL_DIGEST_BUF];
                if (name_digest(cfg_name, promised) && strcmp(promised, cm->digest) != 0) {
                        r = invalid(err, "%s: config %s does not match its digest (its content has %s): refused", p, cfg_name, cm->digest);
                        break;
                }
                _cleanup_free_ char *cbuf = NULL;
                _cleanup_image_config_ hull_image_config *c = NULL;
                char where[128];
                snprintf(where, sizeof(where), "image config %s", cm->digest);
                if ((r = member_read(L, cm, &cbuf, &len, err)) < 0 || (r = hull_image_config_parse(cbuf, len, where, &c, err)) < 0)
                        break;
                if (c->n_diff_ids != json_array_size(layers)) {
                        r = invalid(err, "%s: %zu layers but %zu diff_ids in its config", p, json_array_size(layers), c->n_diff_ids);
                        break;
                }
                _cleanup_manifest_ hull_manifest *man = calloc(1, sizeof(*man));
                if (!man || !(man->layers = calloc(json_array_size(layers) + 1, sizeof(hull_descriptor)))) {
                        r = hull_error_set(err, ENOMEM, "load");
                        break;
                }
                for (size_t k = 0; k < json_array_size(layers) && r >= 0; k++) {
                        const char *ln = json_string_value(json_array_get(layers, k));
                        const member *lm = ln ? find(L, ln) : NULL;
                        if (!lm || !*lm->file) {
                                r = invalid(err, "%s.Layers[%zu]: %s is missing from the archive", p, k, ln ? ln : "(not a string)");
                                break;
                        }
                        hull_descriptor *dst = &man->layers[man->n_layers++];
                        const hull_descriptor *prev = NULL;
                        for (size_t j = 0; j < n_done && !prev; j++)
                                if (strcmp(done_names[j], lm->name) == 0)
                                        prev = &done[j];
                        if (prev) {
                                if (hull_descriptor_copy(dst, prev) < 0)
                                        r = hull_error_set(err, ENOMEM, "load");
                                continue;
                        }
                        if ((r = docker_layer(L, lm, c->diff_ids[k], dst, err)) < 0)
                                break;
                        hull_descriptor *nd = realloc(done, (n_done + 1) * sizeof(*nd));
                        if (!nd || hull_strv_push(&done_names, lm->name) < 0) {
                                if (nd)
                                        done = nd;
                                r = hull_error_set(err, ENOMEM, "load");
                                break;
                        }
                        done = nd;
                        if (hull_descriptor_copy(&done[n_done++], dst) < 0)
                                r = hull_error_set(err, ENOMEM, "load");
                }
                if (r < 0)
                        break;
                if ((r = adopt(L, cm, err)) < 0)
                        break;
                memcpy(man->config.digest, cm->digest, HULL_DIGEST_BUF);
                man->config.size = cm->size;
                if (!(man->config.media_type = strdup(HULL_MT_OCI_CONFIG))) {
                        r = hull_error_set(err, ENOMEM, "load");
                        break;
                }
                _cleanup_free_ char *text = hull_manifest_to_json(man);
                if (!text) {
                        r = hull_error_set(err, ENOMEM, "load");
                        break;
                }
                hull_descriptor md = { .media_type = (char *) HULL_MT_OCI_MANIFEST, .size = strlen(text), .has_platform = true,
                                       .architecture = c->architecture, .os = c->os, .variant = c->variant };
                if ((r = hull_store_txn_put(L->t, text, strlen(text), md.digest, err)) < 0)
                        break;
                size_t named = 0;
                if (name)
                        r = name_image(L, name, &md, err), named++;
                for (size_t k = 0; !name && tags && k < json_array_size(tags) && r >= 0; k++) {
                        const char *tag = json_string_value(json_array_get(tags, k));
                        _cleanup_free_ char *norm = NULL;
                        if (!tag || hull_image_ref_normalize(tag, &norm, NULL) < 0) {
                                hull_warn("%s.RepoTags[%zu]: not a valid image name: ignored", p, k);
                                continue;
                        }
                        r = name_image(L, norm, &md, err);
                        named++;
                }
                if (r >= 0 && named == 0)
                        r = name_image(L, NULL, &md, err);
        }
        for (size_t j = 0; j < n_done; j++)
                hull_descriptor_done(&done[j]);
        free(done);
        json_decref(root);
        return r < 0 ? r : 0;
}

int hull_image_load(hull_store *s, int fd, const char *name, char ***ret_names, hull_error **err) {
        _cleanup_free_ char *norm = NULL;
        int r;
        if (name && (r = hull_image_ref_normalize(name, &norm, err)) < 0)
                return r;
        _cleanup_txn_ hull_store_txn *t = NULL;
        if ((r = hull_store_txn_begin(s, &t, err)) < 0)
                return r;
        loader L = { .s = s, .t = t, .dfd = hull_store_txn_dirfd(t), .err = err };
        _cleanup_istream_ hull_istream *in = hull_istream_fd_new(fd, "the archive");
        _cleanup_istream_ hull_istream *dec = NULL;
        if (!in)
                r = hull_error_set(err, ENOMEM, "load");
        else if ((r = hull_istream_decompress_new(in, HULL_COMPRESSION_AUTO, "the archive", &dec, err)) >= 0 &&
                 (r = stage(&L, dec, err)) >= 0) {
                if (find(&L, "manifest.json"))
                        r = load_docker(&L, norm, err);
                else if (find(&L, "index.json"))
                        r = load_oci(&L, norm, err);
                else
                        r = invalid(err, "neither an OCI archive (no index.json) nor a docker archive (no manifest.json)");
        }
        if (r >= 0)
                r = hull_store_txn_commit(t, err);
        if (r >= 0 && ret_names)
                *ret_names = TAKE_PTR(L.names);
        loader_done(&L);
        return r < 0 ? hull_error_prefix(err, "load") : 0;
}
