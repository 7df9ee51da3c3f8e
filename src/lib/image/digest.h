/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Content digests: "sha256:" followed by 64 lowercase hex digits, the only
 * algorithm the store writes or accepts (image-spec descriptor.md makes
 * sha256 the one every implementation must support). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HULL_DIGEST_PREFIX "sha256:"
#define HULL_DIGEST_LEN (7 + 64)
#define HULL_DIGEST_BUF (HULL_DIGEST_LEN + 1)

/* A streaming SHA-256 (OpenSSL libcrypto; util/sha256.h is the runtime's
 * dependency-free one). */
typedef struct hull_hash hull_hash;

/* Returns a new context, or NULL when out of memory. */
hull_hash *hull_hash_new(void);
void hull_hash_update(hull_hash *h, const void *data, size_t len);
/* Writes "sha256:<hex>" into ret; the context is reset and may be reused. */
void hull_hash_final(hull_hash *h, char ret[HULL_DIGEST_BUF]);
void hull_hash_free(hull_hash *h);
static inline void hull_hash_freep(hull_hash **h) {
        if (*h)
                hull_hash_free(*h);
}
#define _cleanup_hash_ __attribute__((cleanup(hull_hash_freep)))

/* The digest of a buffer.  Returns 0 or -ENOMEM. */
int hull_digest_data(const void *data, size_t len, char ret[HULL_DIGEST_BUF]);

/* The digest and size of what remains to read from fd (read to EOF).
 * Returns 0 or -errno. */
int hull_digest_fd(int fd, char ret[HULL_DIGEST_BUF], uint64_t *ret_size);

/* True for "sha256:" + 64 lowercase hex digits and nothing else. */
bool hull_digest_is_valid(const char *d);

/* The hex part of a valid digest. */
static inline const char *hull_digest_hex(const char *d) {
        return d + 7;
}
