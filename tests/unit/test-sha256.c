/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull's SHA-256 (the runtime's seccomp cache key): FIPS 180-4's examples,
 * and every length from 0 to 300 bytes, fed in uneven pieces, against
 * OpenSSL's libcrypto. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>

#include "util/sha256.h"

static void fips_examples(void **state) {
        char hex[65];
        hull_sha256_hex("", 0, hex);
        assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        hull_sha256_hex("abc", 3, hex);
        assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
        hull_sha256_hex(two, strlen(two), hex);
        assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
        /* One million 'a': the buffer's every path, many blocks. */
        char *a = malloc(1000000);
        assert_non_null(a);
        memset(a, 'a', 1000000);
        hull_sha256_hex(a, 1000000, hex);
        assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
        free(a);
}

static void same_as_libcrypto(void **state) {
        uint8_t data[300];
        for (size_t i = 0; i < sizeof(data); i++)
                data[i] = (uint8_t) (i * 131 + 7);
        for (size_t len = 0; len <= sizeof(data); len++) {
                uint8_t want[32], got[32];
                unsigned wlen = 0;
                assert_int_equal(EVP_Digest(data, len, want, &wlen, EVP_sha256(), NULL), 1);
                assert_int_equal(wlen, 32);
                /* In pieces of 1, 2, 3... bytes: updates across block ends. */
                hull_sha256 s;
                hull_sha256_init(&s);
                for (size_t off = 0, step = 1; off < len; off += step, step++)
                        hull_sha256_update(&s, data + off, step < len - off ? step : len - off);
                hull_sha256_final(&s, got);
                assert_memory_equal(got, want, 32);
                char hex[65], whex[65];
                hull_sha256_hex(data, len, hex);
                for (int i = 0; i < 32; i++)
                        snprintf(whex + 2 * i, 3, "%02x", want[i]);
                assert_string_equal(hex, whex);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(fips_examples),
                cmocka_unit_test(same_as_libcrypto),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
