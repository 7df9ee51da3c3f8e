/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Digests, streams, and the reproducible compressors. */
#include "helpers.h"

#include <zlib.h>

#include "image/digest.h"
#include "image/image.h"

static void digest_vectors(void **state) {
        char d[HULL_DIGEST_BUF];
        assert_int_equal(hull_digest_data("", 0, d), 0);
        assert_string_equal(d, "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assert_int_equal(hull_digest_data("abc", 3, d), 0);
        assert_string_equal(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        /* Streaming in pieces gives the same digest. */
        hull_hash *h = hull_hash_new();
        hull_hash_update(h, "a", 1);
        hull_hash_update(h, "bc", 2);
        char d2[HULL_DIGEST_BUF];
        hull_hash_final(h, d2);
        hull_hash_free(h);
        assert_string_equal(d, d2);
}

static void digest_validation(void **state) {
        assert_true(hull_digest_is_valid("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_false(hull_digest_is_valid("sha256:E3B0C44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_false(hull_digest_is_valid("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85"));
        assert_false(hull_digest_is_valid("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b8555"));
        assert_false(hull_digest_is_valid("sha512:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        assert_false(hull_digest_is_valid("sha256:../../../../etc/passwd"));
        assert_false(hull_digest_is_valid(NULL));
}

/* Deterministic pseudo-random bytes, half compressible. */
static char *test_data(size_t n) {
        char *p = malloc(n);
        assert_non_null(p);
        uint64_t x = 0x9e3779b97f4a7c15ull;
        for (size_t i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                p[i] = (i / 4096) % 2 ? (char) x : (char) ('a' + i % 7);
        }
        return p;
}

/* Compresses data at `level` (0: the default), writing in chunks of `chunk`. */
static char *compress_level(hull_compression c, int level, unsigned threads, const char *data, size_t n, size_t chunk,
                            size_t *ret_len) {
        hull_error *err = NULL;
        hull_ostream *mem = hull_ostream_mem_new(), *z = NULL;
        assert_int_equal(hull_ostream_compress_new(mem, c, level, threads, &z, &err), 0);
        for (size_t off = 0; off < n; off += chunk)
                assert_int_equal(hull_ostream_write(z, data + off, n - off < chunk ? n - off : chunk, &err), 0);
        assert_int_equal(hull_ostream_finish(z, &err), 0);
        size_t len;
        const char *out = hull_ostream_mem_data(mem, &len);
        char *copy = malloc(len ? len : 1);
        memcpy(copy, out, len);
        *ret_len = len;
        hull_ostream_free(z);
        hull_ostream_free(mem);
        return copy;
}

static char *compress_data(hull_compression c, unsigned threads, const char *data, size_t n, size_t chunk, size_t *ret_len) {
        return compress_level(c, 0, threads, data, n, chunk, ret_len);
}

static char *decompress(hull_compression c, const char *data, size_t n, size_t *ret_len) {
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(data, n), *d = NULL;
        assert_int_equal(hull_istream_decompress_new(in, c, "test", &d, &err), 0);
        hull_ostream *mem = hull_ostream_mem_new();
        int r = hull_stream_copy(d, mem, &err);
        if (r < 0) {
                hull_error_free(err);
                hull_istream_free(d);
                hull_istream_free(in);
                hull_ostream_free(mem);
                return NULL;
        }
        size_t len;
        const char *out = hull_ostream_mem_data(mem, &len);
        char *copy = malloc(len + 1);
        memcpy(copy, out, len);
        *ret_len = len;
        hull_istream_free(d);
        hull_istream_free(in);
        hull_ostream_free(mem);
        return copy;
}

static void round_trip_and_reproducible(hull_compression c) {
        size_t sizes[] = { 0, 1, 1000, (1u << 20) - 1, 1u << 20, (1u << 20) + 1, 5u << 20 };
        for (size_t i = 0; i < ELEMENTSOF(sizes); i++) {
                size_t n = sizes[i], l1, l2, l3, back;
                char *data = test_data(n ? n : 1);
                char *a = compress_data(c, 1, data, n, 65536, &l1);
                char *b = compress_data(c, 2, data, n, 7777, &l2);
                char *d = compress_data(c, 4, data, n, n ? n : 1, &l3);
                /* The same bytes whatever the thread count and write sizes. */
                assert_int_equal(l1, l2);
                assert_memory_equal(a, b, l1);
                assert_int_equal(l1, l3);
                assert_memory_equal(a, d, l1);
                char *plain = decompress(HULL_COMPRESSION_AUTO, a, l1, &back);
                assert_non_null(plain);
                assert_int_equal(back, n);
                assert_memory_equal(plain, data, n);
                free(plain);
                free(a);
                free(b);
                free(d);
                free(data);
        }
}

static void gzip_round_trip(void **state) {
        round_trip_and_reproducible(HULL_COMPRESSION_GZIP);
}

static void zstd_round_trip(void **state) {
        round_trip_and_reproducible(HULL_COMPRESSION_ZSTD);
}

static void gzip_header_has_no_name_or_time(void **state) {
        size_t n;
        char *z = compress_data(HULL_COMPRESSION_GZIP, 1, "hello", 5, 5, &n);
        const unsigned char want[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
        assert_memory_equal(z, want, 10);
        free(z);
}

static void gzip_readable_by_gzip(void **state) {
        /* A multi-block stream (pigz style) that plain gzip must accept. */
        size_t n = 3u << 20, len;
        char *data = test_data(n);
        char *z = compress_data(HULL_COMPRESSION_GZIP, 2, data, n, n, &len);
        char path[] = "/tmp/hull-test-gz.XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, z, len), (ssize_t) len);
        close(fd);
        char cmd[512];
        snprintf(cmd, sizeof(cmd), "gzip -t < %s", path);
        assert_int_equal(system(cmd), 0);
        /* Every member, not just the first: gzip and Python's gzip. */
        snprintf(cmd, sizeof(cmd), "test \"$(gzip -dc < %s | wc -c)\" = %zu", path, n);
        assert_int_equal(system(cmd), 0);
        if (system("command -v python3 >/dev/null") == 0) {
                snprintf(cmd, sizeof(cmd), "python3 -c 'import gzip,sys; sys.exit(len(gzip.open(sys.argv[1]).read()) != %zu)' %s", n,
                         path);
                assert_int_equal(system(cmd), 0);
        }
        unlink(path);
        free(z);
        free(data);
}

/* Inflates every gzip member of z with zlib alone; returns how many there
 * were and checks that each decodes to its share of data. */
static unsigned count_members(const char *z, size_t len, const char *data, size_t n) {
        unsigned members = 0;
        size_t in = 0, out = 0;
        unsigned char *buf = malloc(n + 1);
        assert_non_null(buf);
        while (in < len) {
                z_stream s = { 0 };
                assert_int_equal(inflateInit2(&s, 15 + 16), Z_OK);
                s.next_in = (unsigned char *) z + in;
                s.avail_in = (uInt) (len - in);
                s.next_out = buf + out;
                s.avail_out = (uInt) (n + 1 - out);
                assert_int_equal(inflate(&s, Z_FINISH), Z_STREAM_END);
                in = len - s.avail_in;
                out = n + 1 - s.avail_out;
                inflateEnd(&s);
                members++;
        }
        assert_int_equal(out, n);
        assert_memory_equal(buf, data, n);
        free(buf);
        return members;
}

static void gzip_members(void **state) {
        /* One member per started 1 MiB block, never an empty one at the end. */
        struct {
                size_t n;
                unsigned members;
        } cases[] = { { 0, 1 }, { 5, 1 }, { 1u << 20, 1 }, { (1u << 20) + 1, 2 }, { 3u << 20, 3 }, { (3u << 20) + 1, 4 } };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                size_t n = cases[i].n, len;
                char *data = test_data(n ? n : 1);
                char *z = compress_data(HULL_COMPRESSION_GZIP, 2, data, n, 100000, &len);
                assert_int_equal(count_members(z, len, data, n), cases[i].members);
                free(z);
                free(data);
        }
}

static void gzip_multi_member_decode(void **state) {
        /* cat a.gz b.gz: our own members, and one that zlib wrote. */
        size_t la, lb, back;
        char *a = compress_data(HULL_COMPRESSION_GZIP, 1, "hello ", 6, 6, &la);
        char *b = compress_data(HULL_COMPRESSION_GZIP, 1, "world", 5, 5, &lb);
        unsigned char zbuf[128];
        z_stream s = { 0 };
        assert_int_equal(deflateInit2(&s, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
        s.next_in = (unsigned char *) "!";
        s.avail_in = 1;
        s.next_out = zbuf;
        s.avail_out = sizeof(zbuf);
        assert_int_equal(deflate(&s, Z_FINISH), Z_STREAM_END);
        size_t lz = sizeof(zbuf) - s.avail_out;
        deflateEnd(&s);
        char *cat = malloc(la + lb + lz);
        memcpy(cat, a, la);
        memcpy(cat + la, b, lb);
        memcpy(cat + la + lb, zbuf, lz);
        for (int c = HULL_COMPRESSION_GZIP; c != HULL_COMPRESSION_ZSTD; c = HULL_COMPRESSION_AUTO) {
                char *plain = decompress((hull_compression) c, cat, la + lb + lz, &back);
                assert_non_null(plain);
                assert_int_equal(back, 12);
                assert_memory_equal(plain, "hello world!", 12);
                free(plain);
                if (c == HULL_COMPRESSION_AUTO)
                        break;
        }
        /* A corrupt second member is still an error. */
        cat[la + lb / 2] ^= 0x55;
        assert_null(decompress(HULL_COMPRESSION_GZIP, cat, la + lb + lz, &back));
        free(cat);
        free(a);
        free(b);
        /* Many members, read through the decoder's 64 KiB input buffer. */
        size_t n = (5u << 20) + 12345, len;
        char *data = test_data(n);
        char *z = compress_data(HULL_COMPRESSION_GZIP, 2, data, n, n, &len);
        char *plain = decompress(HULL_COMPRESSION_AUTO, z, len, &back);
        assert_non_null(plain);
        assert_int_equal(back, n);
        assert_memory_equal(plain, data, n);
        free(plain);
        free(z);
        free(data);
}

static void gzip_same_bytes_any_threads(void **state) {
        /* Every level gives the same bytes for 1..16 threads and any write
         * sizes; levels 1-12 are libdeflate's, 0 is 6, 13 is refused. */
        size_t n = (4u << 20) + 777;
        char *data = test_data(n);
        int levels[] = { 1, 6, 9, 12 };
        unsigned threads[] = { 1, 2, 3, 4, 16 };
        size_t chunks[] = { 4096, 65536, 1u << 20, 3000001 };
        for (size_t l = 0; l < ELEMENTSOF(levels); l++) {
                size_t ref_len;
                char *ref = compress_level(HULL_COMPRESSION_GZIP, levels[l], 1, data, n, n, &ref_len);
                for (size_t t = 0; t < ELEMENTSOF(threads); t++) {
                        size_t len;
                        char *z = compress_level(HULL_COMPRESSION_GZIP, levels[l], threads[t], data, n,
                                                 chunks[t % ELEMENTSOF(chunks)], &len);
                        assert_int_equal(len, ref_len);
                        assert_memory_equal(z, ref, len);
                        free(z);
                }
                free(ref);
        }
        size_t l0, l6;
        char *d0 = compress_level(HULL_COMPRESSION_GZIP, 0, 2, data, n, n, &l0);
        char *d6 = compress_level(HULL_COMPRESSION_GZIP, 6, 2, data, n, n, &l6);
        assert_int_equal(l0, l6);
        assert_memory_equal(d0, d6, l0);
        free(d0);
        free(d6);
        hull_error *err = NULL;
        hull_ostream *mem = hull_ostream_mem_new(), *z = NULL;
        assert_int_not_equal(hull_ostream_compress_new(mem, HULL_COMPRESSION_GZIP, 13, 1, &z, &err), 0);
        assert_non_null(err);
        hull_error_free(err);
        hull_ostream_free(mem);
        free(data);
}

static void detection(void **state) {
        size_t n;
        char *p = decompress(HULL_COMPRESSION_AUTO, "plain text", 10, &n);
        assert_non_null(p);
        assert_int_equal(n, 10);
        free(p);
        assert_null(decompress(HULL_COMPRESSION_AUTO, "BZh91AY&SY", 10, &n));
        assert_null(decompress(HULL_COMPRESSION_AUTO, "\xfd" "7zXZ\0\0\0", 8, &n));
        /* A layer declared gzip that is not. */
        assert_null(decompress(HULL_COMPRESSION_GZIP, "plain text", 10, &n));
}

static void truncated_and_corrupt(void **state) {
        size_t n = 200000, len, back;
        char *data = test_data(n);
        for (int c = HULL_COMPRESSION_GZIP; c <= HULL_COMPRESSION_ZSTD; c++) {
                char *z = compress_data((hull_compression) c, 1, data, n, n, &len);
                assert_null(decompress((hull_compression) c, z, len / 2, &back));
                assert_null(decompress((hull_compression) c, z, len - 1, &back));
                z[len / 2] ^= 0x55;
                char *bad = decompress((hull_compression) c, z, len, &back);
                /* Corruption is caught by the format's checksum at the latest. */
                assert_null(bad);
                free(z);
        }
        /* Trailing junk after a gzip stream. */
        char *z = compress_data(HULL_COMPRESSION_GZIP, 1, "abc", 3, 3, &len);
        char *junk = malloc(len + 4);
        memcpy(junk, z, len);
        memcpy(junk + len, "junk", 4);
        assert_null(decompress(HULL_COMPRESSION_GZIP, junk, len + 4, &back));
        free(junk);
        free(z);
        free(data);
}

static void digest_stages(void **state) {
        hull_error *err = NULL;
        hull_ostream *mem = hull_ostream_mem_new();
        hull_ostream *d = hull_ostream_digest_new(mem);
        assert_int_equal(hull_ostream_write(d, "ab", 2, &err), 0);
        assert_int_equal(hull_ostream_write(d, "c", 1, &err), 0);
        char dg[HULL_DIGEST_BUF];
        uint64_t size;
        hull_ostream_digest_get(d, dg, &size);
        assert_int_equal(size, 3);
        assert_string_equal(dg, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        hull_ostream_free(d);
        hull_ostream_free(mem);
        hull_istream *in = hull_istream_mem_new("abc", 3);
        hull_istream *id = hull_istream_digest_new(in);
        char buf[8];
        assert_int_equal(hull_istream_read_full(id, buf, 3, "x", &err), 0);
        hull_istream_digest_get(id, dg, &size);
        assert_string_equal(dg, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_int_not_equal(hull_istream_read_full(id, buf, 1, "x", &err), 0);
        assert_non_null(err);
        hull_error_free(err);
        hull_istream_free(id);
        hull_istream_free(in);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(digest_vectors),
                cmocka_unit_test(digest_validation),
                cmocka_unit_test(digest_stages),
                cmocka_unit_test(gzip_round_trip),
                cmocka_unit_test(zstd_round_trip),
                cmocka_unit_test(gzip_header_has_no_name_or_time),
                cmocka_unit_test(gzip_readable_by_gzip),
                cmocka_unit_test(gzip_members),
                cmocka_unit_test(gzip_multi_member_decode),
                cmocka_unit_test(gzip_same_bytes_any_threads),
                cmocka_unit_test(detection),
                cmocka_unit_test(truncated_and_corrupt),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
