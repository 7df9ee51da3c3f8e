/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The prefetch stream: the same bytes, the inner error at the right point,
 * and a clean stop whenever the reader gives up. */
#include "helpers.h"

#include <stdatomic.h>
#include <time.h>

/* An inner stream over a buffer that hands out at most `chunk` bytes a read
 * (varying), then fails with EIO "boom" when fail_at is reached (SIZE_MAX:
 * never), or never ends at all when endless. */
typedef struct test_istream {
        hull_istream base;
        const unsigned char *data;
        size_t len, pos, chunk, fail_at;
        bool endless, slow;
        atomic_size_t reads;
} test_istream;

static ssize_t t_read(hull_istream *s, void *buf, size_t len, hull_error **err) {
        test_istream *t = (test_istream *) s;
        atomic_fetch_add(&t->reads, 1);
        if (t->slow)
                usleep(20000);
        if (t->endless) {
                size_t n = len < t->chunk ? len : t->chunk;
                memset(buf, 'x', n);
                return (ssize_t) n;
        }
        if (t->pos >= t->fail_at) {
                int r = hull_error_set_raw(err, EIO, "boom at %zu", t->pos);
                (*err)->status = 42;
                return r;
        }
        size_t n = t->len - t->pos;
        size_t c = 1 + (t->pos * 7919) % t->chunk;
        if (n > c)
                n = c;
        if (n > len)
                n = len;
        if (t->fail_at != SIZE_MAX && n > t->fail_at - t->pos)
                n = t->fail_at - t->pos;
        memcpy(buf, t->data + t->pos, n);
        t->pos += n;
        return (ssize_t) n;
}

static void t_free(hull_istream *s) {
        (void) s;
}

static void t_init(test_istream *t, const void *data, size_t len, size_t chunk) {
        memset(t, 0, sizeof(*t));
        t->base.read = t_read;
        t->base.free = t_free;
        t->data = data;
        t->len = len;
        t->chunk = chunk;
        t->fail_at = SIZE_MAX;
}

static unsigned char *random_bytes(size_t n, unsigned seed) {
        unsigned char *p = malloc(n ? n : 1);
        assert_non_null(p);
        for (size_t i = 0; i < n; i++) {
                seed = seed * 1103515245u + 12345u;
                p[i] = (unsigned char) (seed >> 16);
        }
        return p;
}

static void same_bytes(void **state) {
        (void) state;
        static const size_t sizes[] = { 0, 1, 511, 4096, 65535, 262144, 262145, (1u << 20) + 7, 3u << 20 };
        static const struct {
                unsigned n;
                size_t size;
        } rings[] = { { 1, 1 }, { 2, 7 }, { 3, 4096 }, { 8, 1u << 18 }, { 0, 0 } };
        for (size_t i = 0; i < sizeof(sizes) / sizeof(*sizes); i++)
                for (size_t k = 0; k < sizeof(rings) / sizeof(*rings); k++) {
                        if (rings[k].size < 64 && sizes[i] > 300000)
                                continue; /* byte-sized buffers: slow, and the small sizes cover them */
                        _cleanup_free_ unsigned char *data = random_bytes(sizes[i], (unsigned) (i * 31 + k));
                        _cleanup_free_ unsigned char *got = malloc(sizes[i] + 1);
                        assert_non_null(got);
                        test_istream t;
                        t_init(&t, data, sizes[i], 1000 + 3000 * k);
                        hull_istream *p = hull_istream_prefetch_new(&t.base, rings[k].n, rings[k].size);
                        assert_non_null(p);
                        size_t pos = 0;
                        for (unsigned step = 0;; step++) {
                                size_t want = 1 + (step * 4099u) % 70000;
                                if (want > sizes[i] + 1 - pos)
                                        want = sizes[i] + 1 - pos;
                                hull_error *err = NULL;
                                ssize_t n = hull_istream_read(p, got + pos, want, &err);
                                assert_null(err);
                                assert_true(n >= 0);
                                if (n == 0)
                                        break;
                                pos += (size_t) n;
                                assert_true(pos <= sizes[i]);
                        }
                        assert_int_equal(pos, sizes[i]);
                        assert_memory_equal(got, data, sizes[i]);
                        char c;
                        assert_int_equal(hull_istream_read(p, &c, 1, NULL), 0); /* the end stays the end */
                        hull_istream_free(p);
                }
}

static void inner_error(void **state) {
        (void) state;
        _cleanup_free_ unsigned char *data = random_bytes(1u << 20, 7);
        static const size_t fail_at[] = { 0, 1, 4096, 300001 };
        for (size_t i = 0; i < sizeof(fail_at) / sizeof(*fail_at); i++) {
                test_istream t;
                t_init(&t, data, 1u << 20, 5000);
                t.fail_at = fail_at[i];
                hull_istream *p = hull_istream_prefetch_new(&t.base, 4, 8192);
                assert_non_null(p);
                _cleanup_free_ unsigned char *got = malloc(1u << 20);
                size_t pos = 0;
                hull_error *err = NULL;
                ssize_t n;
                while ((n = hull_istream_read(p, got + pos, 3333, &err)) > 0)
                        pos += (size_t) n;
                /* Every byte before the failure, then the failure itself. */
                assert_int_equal(pos, fail_at[i]);
                assert_memory_equal(got, data, pos);
                assert_int_equal(n, -EIO);
                assert_int_equal(errno, EIO);
                assert_non_null(err);
                assert_int_equal(err->errnum, EIO);
                assert_int_equal(err->status, 42);
                char want[64];
                snprintf(want, sizeof(want), "boom at %zu", fail_at[i]);
                assert_string_equal(err->msg, want);
                hull_error_free(err);
                err = NULL;
                /* And again on the next read. */
                assert_int_equal(hull_istream_read(p, got, 10, &err), -EIO);
                assert_non_null(err);
                assert_string_equal(err->msg, want);
                hull_error_free(err);
                assert_int_equal(hull_istream_read(p, got, 10, NULL), -EIO);
                hull_istream_free(p);
        }
}

/* The reader stops early: the thread, blocked on a full ring (or in a slow
 * read), is stopped and joined, and inner is not read afterwards. */
static void early_free(void **state) {
        (void) state;
        for (int mode = 0; mode < 3; mode++) {
                test_istream t;
                t_init(&t, NULL, 0, 1000);
                t.endless = true;
                t.slow = mode == 2;
                hull_istream *p = hull_istream_prefetch_new(&t.base, 2, 4096);
                assert_non_null(p);
                if (mode >= 1) {
                        char c;
                        assert_int_equal(hull_istream_read(p, &c, 1, NULL), 1);
                        assert_int_equal(c, 'x');
                }
                if (mode == 1) {
                        /* Wait for the ring to fill: the count of reads stops growing. */
                        size_t last = (size_t) -1;
                        for (int i = 0; i < 200; i++) {
                                size_t now = atomic_load(&t.reads);
                                if (now == last && now >= 8)
                                        break;
                                last = now;
                                usleep(5000);
                        }
                        /* 2 buffers of 4096 bytes in reads of 1000, plus the slot read from. */
                        assert_true(atomic_load(&t.reads) <= 15);
                }
                hull_istream_free(p);
                size_t after = atomic_load(&t.reads);
                usleep(20000);
                assert_int_equal(atomic_load(&t.reads), after);
        }
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(same_bytes),
                cmocka_unit_test(inner_error),
                cmocka_unit_test(early_free),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
