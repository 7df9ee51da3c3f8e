/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 digests through OpenSSL's EVP interface, streaming. */
#include "digest.h"

#include <errno.h>
#include <openssl/evp.h>
#include <string.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/sha256.h"

struct hull_hash {
        EVP_MD_CTX *ctx;
};

hull_hash *hull_hash_new(void) {
        hull_hash *h = calloc(1, sizeof(*h));
        if (!h)
                return NULL;
        h->ctx = EVP_MD_CTX_new();
        if (!h->ctx || EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
                EVP_MD_CTX_free(h->ctx);
                free(h);
                return NULL;
        }
        return h;
}

void hull_hash_update(hull_hash *h, const void *data, size_t len) {
        if (len > 0)
                (void) EVP_DigestUpdate(h->ctx, data, len);
}

void hull_hash_final(hull_hash *h, char ret[HULL_DIGEST_BUF]) {
        unsigned char md[EVP_MAX_MD_SIZE];
        unsigned n = 0;
        (void) EVP_DigestFinal_ex(h->ctx, md, &n);
        memcpy(ret, HULL_DIGEST_PREFIX, 7);
        hull_sha256_digest_hex(md, ret + 7); /* and the NUL at ret[HULL_DIGEST_LEN] */
        (void) EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL);
}

void hull_hash_free(hull_hash *h) {
        if (!h)
                return;
        EVP_MD_CTX_free(h->ctx);
        free(h);
}

int hull_digest_data(const void *data, size_t len, char ret[HULL_DIGEST_BUF]) {
        _cleanup_hash_ hull_hash *h = hull_hash_new();
        if (!h)
                return -ENOMEM;
        hull_hash_update(h, data, len);
        hull_hash_final(h, ret);
        return 0;
}

int hull_digest_fd(int fd, char ret[HULL_DIGEST_BUF], uint64_t *ret_size) {
        _cleanup_hash_ hull_hash *h = hull_hash_new();
        _cleanup_free_ char *buf = malloc(1 << 17);
        if (!h || !buf)
                return -ENOMEM;
        uint64_t total = 0;
        for (;;) {
                ssize_t n = read(fd, buf, 1 << 17);
                if (n < 0) {
                        if (errno == EINTR)
                                continue;
                        return -errno;
                }
                if (n == 0)
                        break;
                hull_hash_update(h, buf, (size_t) n);
                total += (uint64_t) n;
        }
        hull_hash_final(h, ret);
        if (ret_size)
                *ret_size = total;
        return 0;
}

bool hull_digest_is_valid(const char *d) {
        if (!d || strncmp(d, HULL_DIGEST_PREFIX, 7) != 0)
                return false;
        for (size_t i = 0; i < 64; i++) {
                char c = d[7 + i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
                        return false;
        }
        return d[HULL_DIGEST_LEN] == 0;
}
