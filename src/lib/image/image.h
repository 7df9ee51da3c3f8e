/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* libhull's image part: what `hull import/images/inspect/tag/rmi/save/load/
 * unpack` do, and what the builder calls to turn a root filesystem into an
 * image.
 *
 *   hull_store     an OCI image layout (layout.h): blobs/sha256/..., index.json
 *   references     "NAME[:TAG]" (":latest" when no tag), or a manifest digest
 *                  "sha256:<hex>" or a unique prefix of at least 4 of its hex
 *                  digits
 *
 * Every function returns 0 on success and a negative value with *err set on
 * failure; the error's `status` (see HULL_IMAGE_EXIT_*) tells the CLI which
 * exit status to use.  Nothing here prints or exits; warnings go to the log
 * sink.  Arguments are borrowed for the duration of the call; what a function
 * returns through ret_* is the caller's (the comments say how to free it).
 *
 * The builder, in short (hull_store_open() is in layout.h):
 *
 *     hull_store *s;
 *     hull_store_open(hull_cli_store_path(), HULL_STORE_CREATE, &s, &err);
 *     hull_image_opts o;
 *     hull_image_opts_init(&o);
 *     o.cmd = (char *const[]) { "/bin/app", NULL };
 *     o.created_by = "hull build: COPY app /bin/app";
 *     char digest[HULL_DIGEST_BUF];
 *     hull_image_commit(s, rootfs_fd, "app:1", &o, digest, &err);   (one layer)
 *     hull_image_append(s, "app:1", changes_fd, "app:2", &o, digest, &err);
 *     hull_image_append(s, "app:2", -1, "app:3", &o, digest, &err);  (config only)
 *     hull_store_free(s);
 *
 * and hull_image_unpack_rootfs() gives it a base image's tree to work in. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "digest.h"
#include "stream.h"
#include "util/error.h"

/* Exit statuses put into hull_error.status (0 = generic failure, 1). */
#define HULL_IMAGE_EXIT_FAILURE 1   /* I/O, permissions, out of space... */
#define HULL_IMAGE_EXIT_USAGE 2     /* bad flags or arguments */
#define HULL_IMAGE_EXIT_NOT_FOUND 3 /* no such image (or no such store) */
#define HULL_IMAGE_EXIT_INVALID 4   /* malformed or corrupt input: JSON, tar, digest mismatch */
#define HULL_IMAGE_EXIT_UNSAFE 5    /* an archive tried to write outside its root */

/* Sets the status of *err (when set and still 0); returns r. */
static inline int hull_image_error_status(hull_error **err, int r, int status) {
        if (err && *err && (*err)->status == 0)
                (*err)->status = status;
        return r;
}

typedef struct hull_store hull_store;

/* ---- references ---- */

/* Checks a reference and adds ":latest" when it has no tag.  NAME: lowercase
 * letters, digits and separators (. _ __ -), components joined by '/', an
 * optional registry host[:port]/ first; TAG: [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}.
 * *ret is owned by the caller.  Errors have status USAGE. */
int hull_image_ref_normalize(const char *ref, char **ret, hull_error **err);

/* ---- commit: a directory into an image (the builder's entry points) ---- */

typedef struct hull_image_opts {
        /* Image config fields (image-spec config.md).  A NULL pointer means
         * "inherit from the base image" (append) or "absent" (commit); an
         * empty vector ({ NULL }) or "" sets the field empty. */
        char *const *entrypoint;
        char *const *cmd;
        char *const *env;           /* "NAME=VALUE": added, or replacing NAME */
        char *const *labels;        /* "KEY=VALUE": added, or replacing KEY */
        char *const *exposed_ports; /* "80/tcp", "53/udp", "8080" (= 8080/tcp): added */
        char *const *volumes;       /* "/data": added */
        const char *workdir;
        const char *user;           /* "user", "uid", "user:group", "uid:gid" */
        const char *stop_signal;    /* "SIGTERM" */
        const char *architecture;   /* NULL: the base's, else the host's ("amd64", "arm64"...) */
        const char *variant;        /* "v7" for arm */
        const char *os;             /* NULL: the base's, else "linux" */
        const char *author;
        /* Manifest annotations, "KEY=VALUE" (org.opencontainers.image.*
         * from annotations.md, or anything else).  org.opencontainers.image.created
         * is always set (to `created`). */
        char *const *annotations;
        /* The history entry of this step. */
        const char *created_by;     /* NULL: "hull import" */
        const char *comment;
        /* Steps folded into this one, as `docker build --squash` folds a
         * Dockerfile's instructions into one layer: a history entry each
         * (created_by, empty_layer), before this step's own.  NULL-terminated;
         * NULL for none. */
        char *const *history;

        /* Reproducibility: `created` (config, history, annotation) is this
         * time, and every file's mtime is clamped to it.  -1 (the default):
         * $SOURCE_DATE_EPOCH, or 0 when it is not set. */
        int64_t source_date_epoch;
        bool keep_owner;            /* keep files' uids/gids (default: all 0:0) */
        bool overlay_whiteouts;     /* the directory is an overlayfs upper dir (see tar.h) */
        /* Host files written into the layer as if they were in the directory,
         * without a copy there (hull_tar_graft in tar.h); NULL: none. */
        const struct hull_tar_graft *grafts;
        size_t n_grafts;
        hull_compression compression; /* default gzip */
        int level;                  /* 0: the compressor's default */
        unsigned threads;           /* 0: online CPUs; never changes the output */

        /* Progress (may be NULL): phase "layer" with the bytes archived so far. */
        void (*progress)(void *userdata, const char *phase, uint64_t bytes);
        void *userdata;
} hull_image_opts;

/* Defaults: everything NULL/false, gzip, source_date_epoch -1. */
void hull_image_opts_init(hull_image_opts *o);

/* Commits the tree below dirfd as a one-layer image named `ref` (replacing
 * the image that had that name, which stays in the store when another name
 * still refers to it, else is collected later).  The same tree and options
 * give the same manifest digest on any machine, on any day, from any
 * directory.  Atomic: on failure or a crash the store is as it was.
 * Writes the manifest digest into ret_digest (may be NULL).
 * dirfd is only read; the caller keeps it. */
int hull_image_commit(hull_store *s, int dirfd, const char *ref, const hull_image_opts *o,
                      char ret_digest[HULL_DIGEST_BUF], hull_error **err);

/* Adds a layer made of the tree below dirfd on top of the image `base` (a
 * reference, see above) and stores the result as `ref`.  The tree holds the
 * changes only: new and modified files, whiteouts for deleted ones (".wh.NAME"
 * files, or overlayfs whiteouts with o->overlay_whiteouts).  dirfd < 0 adds
 * no layer: a config-only step (history entry with empty_layer).  Config
 * fields of o override the base's; history, diff_ids and layers are
 * extended.  The manifest gets org.opencontainers.image.base.digest (and
 * .base.name when `base` is a name).  Same guarantees as hull_image_commit(). */
int hull_image_append(hull_store *s, const char *base, int dirfd, const char *ref, const hull_image_opts *o,
                      char ret_digest[HULL_DIGEST_BUF], hull_error **err);

/* SOURCE_DATE_EPOCH as a number: 0 when unset; an error (status USAGE) when
 * it is not a non-negative integer. */
int hull_image_source_date_epoch(int64_t *ret, hull_error **err);

/* The host's architecture in OCI terms ("amd64", "arm64", "arm"...) and
 * variant (NULL, or "v7"...). */
const char *hull_image_host_arch(const char **ret_variant);

/* ---- reading ---- */

typedef struct hull_image_info {
        char *name;                          /* "busybox:latest"; NULL when untagged */
        char digest[HULL_DIGEST_BUF];        /* the manifest's */
        char config_digest[HULL_DIGEST_BUF];
        char *created;                       /* the config's, or NULL */
        char *architecture, *os;             /* the config's, or NULL */
        uint64_t size;                       /* manifest + config + layers, compressed */
        size_t n_layers;
} hull_image_info;

/* Every named (and untagged) image of the store, sorted by name (untagged
 * last).  A missing store is an empty list.  *ret is owned by the caller:
 * hull_image_infos_free(). */
int hull_image_list(hull_store *s, hull_image_info **ret, size_t *ret_n, hull_error **err);
void hull_image_infos_free(hull_image_info *v, size_t n);

/* A JSON document describing `ref`: {"Name", "Digest", "Tags", "Size",
 * "Manifest", "Config"} (the last two verbatim from the store).
 * *ret (NUL-terminated, pretty-printed) is owned by the caller. */
int hull_image_inspect(hull_store *s, const char *ref, char **ret, hull_error **err);

/* ---- names ---- */

/* Gives the image `src` (a reference) the name `dst` too. */
int hull_image_tag(hull_store *s, const char *src, const char *dst, hull_error **err);

/* Removes a name; a digest (or digest prefix) removes every name of that
 * image.  Then, unless `keep_blobs`, collects the blobs no image needs.
 * Writes the number of blobs removed and their bytes (may be NULL). */
int hull_image_remove(hull_store *s, const char *ref, bool keep_blobs, size_t *ret_blobs, uint64_t *ret_bytes,
                      hull_error **err);

/* ---- unpack ---- */

typedef struct hull_unpack_opts {
        /* Owner, device nodes, setuid/setgid bits and security.capability are
         * restored only when set (the default when running as root). */
        bool as_root;
        void (*progress)(void *userdata, const char *phase, uint64_t bytes);
        void *userdata;
        /* hull_image_bundle: when set, the host path of hull-init, bound
         * read-only at /dev/init and made the process's PID 1 (args become
         * ["/dev/init", "--", ...]), as `docker run --init` does with tini. */
        const char *init_path;
} hull_unpack_opts;

void hull_unpack_opts_init(hull_unpack_opts *o);

/* Extracts every layer of `ref`, in order, into the tree at rootfd (see
 * unpack.h for the safety rules).  Each blob is checked against its digest
 * before it is read and its uncompressed content against the config's
 * diff_id.  rootfd is the caller's. */
int hull_image_unpack_rootfs(hull_store *s, const char *ref, int rootfd, const hull_unpack_opts *o,
                             hull_error **err);

/* Writes an OCI runtime bundle at `dir` (which must not exist, or be an
 * empty directory): dir/rootfs and dir/config.json, the latter
 * `hull-runtime spec`'s default (rootless when not root) with process.args
 * (Entrypoint + Cmd), env, cwd, user (resolved in the rootfs' /etc/passwd and
 * /etc/group), terminal off, a writable root, and the annotations
 * conversion.md lists (os, architecture, author, created, stopSignal,
 * exposedPorts, labels).  On failure, what was created is removed. */
int hull_image_bundle(hull_store *s, const char *ref, const char *dir, const hull_unpack_opts *o, hull_error **err);

/* ---- archives ---- */

typedef enum hull_archive_format {
        HULL_ARCHIVE_OCI,    /* an OCI image layout in a tar (skopeo's oci-archive) */
        HULL_ARCHIVE_DOCKER, /* `docker save`'s format: manifest.json, config, layer tars */
        _HULL_ARCHIVE_FORMAT_MAX,
        HULL_ARCHIVE_AUTO = -1,
} hull_archive_format;

/* "oci-archive" (or "oci"), "docker-archive" (or "docker"); -1 if unknown. */
int hull_archive_format_from_name(const char *name);

/* Writes the images `refs` (NULL-terminated, at least one) as an archive to
 * fd.  The archive is reproducible: sorted entries, mtime 0, owner 0:0.
 * docker-archive layers are decompressed (docker load wants the layer tars
 * whose digests are the diff_ids). */
int hull_image_save(hull_store *s, char *const *refs, hull_archive_format f, int fd, hull_error **err);

/* Reads an archive (either format, plain or gzip/zstd-compressed) from fd
 * and adds its images to the store, under their names in the archive
 * (org.opencontainers.image.ref.name, RepoTags), or `name` when the archive
 * holds a single image.  Every blob is verified against its digest, every
 * docker layer against its diff_id, before anything is named.  Nested image
 * indexes are resolved to the host's platform.  *ret_names (may be NULL)
 * lists the names given, or the digest of untagged images; caller-owned. */
int hull_image_load(hull_store *s, int fd, const char *name, char ***ret_names, hull_error **err);

/* ---- Dockerfile-style changes (`hull import --change`) ---- */

/* What `--change` lines accumulate: CMD, ENTRYPOINT (JSON array or shell
 * form), ENV and LABEL (KEY=VALUE... or KEY VALUE), EXPOSE, VOLUME, WORKDIR,
 * USER, STOPSIGNAL.  Every pointer is owned by the struct. */
typedef struct hull_image_changes {
        char **entrypoint, **cmd; /* NULL: not changed */
        char **env, **labels, **exposed_ports, **volumes;
        char *workdir, *user, *stop_signal;
} hull_image_changes;

/* Parses one instruction into c.  Errors (status USAGE) quote the line. */
int hull_image_change_apply(hull_image_changes *c, const char *line, hull_error **err);
void hull_image_changes_done(hull_image_changes *c);
/* Points o's config fields at c's (borrowed: c must outlive o's use). */
void hull_image_changes_to_opts(const hull_image_changes *c, hull_image_opts *o);
