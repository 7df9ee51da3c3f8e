/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* SHA-256 (FIPS 180-4), for cache keys in the runtime, which must not load
 * libcrypto on every start.  The image store uses libcrypto's. */
typedef struct hull_sha256 {
        uint32_t h[8];
        uint64_t len;
        uint8_t buf[64];
        size_t fill;
} hull_sha256;

void hull_sha256_init(hull_sha256 *s);
void hull_sha256_update(hull_sha256 *s, const void *data, size_t len);
void hull_sha256_final(hull_sha256 *s, uint8_t out[32]);
/* A digest (32 bytes, this one's or libcrypto's) in lower-case hex: 65 bytes
 * with the NUL. */
void hull_sha256_digest_hex(const uint8_t d[32], char out[65]);
/* Lower-case hex of the digest of data: 65 bytes with the NUL. */
void hull_sha256_hex(const void *data, size_t len, char out[65]);
