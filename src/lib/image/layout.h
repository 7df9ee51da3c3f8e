/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The store: an OCI image layout (image-layout.md) that skopeo and umoci read.
 *
 *   STORE/oci-layout            {"imageLayoutVersion":"1.0.0"}
 *   STORE/index.json            one manifest descriptor per name, the name in
 *                               the org.opencontainers.image.ref.name annotation
 *   STORE/blobs/sha256/<hex>    content-addressed blobs
 *   STORE/.hull/lock            flock: shared by every user of the store,
 *                               exclusive while garbage is collected
 *   STORE/.hull/index.lock      flock: exclusive around index.json updates
 *   STORE/.hull/tmp/<txn>/      a writer's temporary files (locked by it)
 *
 * Writes are atomic: a blob is written to a temporary file, fsynced and
 * renamed into blobs/ (then blobs/sha256 is fsynced); index.json is replaced
 * the same way, last.  A writer that fails or is killed leaves index.json as
 * it was; the blobs it may have added are unreferenced and collected -- by
 * itself when no one else uses the store, else by the next writer that
 * finds its leftovers, or by the next `hull rmi`. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "image.h"
#include "manifest.h"
#include "stream.h"
#include "util/error.h"

#define HULL_STORE_CREATE 1u /* create the layout if missing */

/* Opens (or creates) the store at path and takes the shared lock (blocking
 * while a garbage collection runs).  A missing store without CREATE is an
 * ENOENT error with status NOT_FOUND. */
int hull_store_open(const char *path, unsigned flags, hull_store **ret, hull_error **err);
void hull_store_free(hull_store *s);
static inline void hull_store_freep(hull_store **s) {
        if (*s)
                hull_store_free(*s);
}
#define _cleanup_store_ __attribute__((cleanup(hull_store_freep)))

/* The store's directory fd (owned by the store). */
int hull_store_dirfd(hull_store *s);

/* The parsed index.json (an empty index when the file is missing).
 * Caller-owned. */
int hull_store_index(hull_store *s, hull_index **ret, hull_error **err);

/* Finds `ref` (name, digest, or digest prefix; see image.h) among the
 * index's entries.  Writes a copy of the descriptor into *ret
 * (hull_descriptor_done() it) and, when found by name, the normalized name
 * into *ret_name (may be NULL; caller-owned, NULL when found by digest).
 * Not found: ENOENT with status NOT_FOUND; an ambiguous prefix: EINVAL. */
int hull_store_resolve(hull_store *s, const char *ref, hull_descriptor *ret, char **ret_name, hull_error **err);

/* Reads a whole blob (at most max bytes; 0 = 16 MiB) and checks its digest.
 * *ret is NUL-terminated and caller-owned. */
int hull_store_read_blob(hull_store *s, const char *digest, size_t max, char **ret, size_t *ret_len,
                         hull_error **err);

/* Opens a blob for reading (O_RDONLY|O_CLOEXEC, caller-owned fd); the caller
 * verifies the digest while reading. */
int hull_store_open_blob(hull_store *s, const char *digest, int *ret_fd, uint64_t *ret_size, hull_error **err);

bool hull_store_has_blob(hull_store *s, const char *digest);

/* Reads a blob and checks it against desc (digest and size), then parses it
 * as a manifest / an image config. */
int hull_store_read_manifest(hull_store *s, const hull_descriptor *desc, hull_manifest **ret, hull_error **err);
int hull_store_read_config(hull_store *s, const hull_descriptor *desc, hull_image_config **ret, char **ret_json,
                           hull_error **err);

/* Collects every blob that no index.json entry reaches (through manifests
 * and nested indexes).  Takes the exclusive lock (waits for the other users
 * of the store), then returns to the shared one. */
int hull_store_gc(hull_store *s, size_t *ret_blobs, uint64_t *ret_bytes, hull_error **err);

/* ---- transactions: everything that adds blobs or changes names ---- */

typedef struct hull_store_txn hull_store_txn;

/* Starts a write: a temporary directory under .hull/tmp, locked.  Removes
 * the leftovers of writers that died, and collects what they may have added
 * when no one else uses the store. */
int hull_store_txn_begin(hull_store *s, hull_store_txn **ret, hull_error **err);

/* Aborts unless committed: removes the temporary files and, when no other
 * process uses the store, the blobs this transaction added. */
void hull_store_txn_free(hull_store_txn *t);
static inline void hull_store_txn_freep(hull_store_txn **t) {
        if (*t)
                hull_store_txn_free(*t);
}
#define _cleanup_txn_ __attribute__((cleanup(hull_store_txn_freep)))

/* Adds a blob from memory: written, fsynced, renamed into blobs/.  Writes
 * its digest into ret_digest. */
int hull_store_txn_put(hull_store_txn *t, const void *data, size_t len, char ret_digest[HULL_DIGEST_BUF],
                       hull_error **err);

/* A blob written as a stream: begin returns an ostream into a temporary
 * file; end (after everything was written and the stages above finished)
 * fsyncs it, computes its digest and size, checks them against `expect`
 * (may be NULL) and renames it into blobs/.  A blob begun and not ended is
 * discarded by the next begin or by txn_free. */
int hull_store_txn_blob_begin(hull_store_txn *t, hull_ostream **ret, hull_error **err);
int hull_store_txn_blob_end(hull_store_txn *t, const hull_descriptor *expect, char ret_digest[HULL_DIGEST_BUF],
                            uint64_t *ret_size, hull_error **err);

/* Adds an existing file (a staged archive member, in the txn's directory or
 * anywhere on the store's file system) as a blob: its digest is computed and
 * compared with `digest` (may be NULL) -- or, with `verified`, `digest` is
 * taken as the one the caller computed while writing the file -- then it is
 * fsynced and renamed into blobs/ (so it is gone from where it was). */
int hull_store_txn_adopt(hull_store_txn *t, int dirfd, const char *name, const char *digest, bool verified,
                         char ret_digest[HULL_DIGEST_BUF], hull_error **err);

/* The txn's temporary directory (for staging files). */
int hull_store_txn_dirfd(hull_store_txn *t);

/* Staged index changes, applied by commit in order: name NAME (normalized)
 * -> desc (replacing the name's previous image); remove every entry named
 * NAME or, with a digest, every entry of that manifest. */
int hull_store_txn_set_name(hull_store_txn *t, const char *name, const hull_descriptor *desc, hull_error **err);
int hull_store_txn_remove(hull_store_txn *t, const char *name_or_digest, hull_error **err);

/* Applies the staged index changes under the index lock: reads index.json,
 * changes it, writes it atomically (temporary file, fsync, rename, fsync of
 * the directory).  After a successful commit txn_free only cleans up. */
int hull_store_txn_commit(hull_store_txn *t, hull_error **err);
