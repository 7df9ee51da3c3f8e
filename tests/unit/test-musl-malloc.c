/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull-runtime's own malloc (src/cli/runtime/musl/malloc.c), linked with musl
 * as in hull-runtime's musl build.  TAP on stdout.  Every live block is filled
 * with a pattern of its own and checked after each round of operations: two
 * blocks that overlapped, or a block that moved without its contents, show. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t malloc_usable_size(void *p);

static int n_test, n_failed;

static void check(int ok, const char *what) {
        n_test++;
        if (!ok)
                n_failed++;
        printf("%s %d - %s\n", ok ? "ok" : "not ok", n_test, what);
}

#define SLOTS 512
static unsigned char *blk[SLOTS];
static size_t len[SLOTS];

static unsigned rnd_state = 12345;
static unsigned rnd(void) {
        rnd_state = rnd_state * 1103515245u + 12345u;
        return rnd_state >> 8;
}

static size_t rnd_size(void) {
        switch (rnd() % 8) {
        case 0:
                return 0;
        case 1:
                return 100000 + rnd() % 300000; /* a mapping of its own */
        case 2:
                return 1000 + rnd() % 70000;    /* across the largest class */
        default:
                return rnd() % 600;
        }
}

static void fill(int i) {
        for (size_t k = 0; k < len[i]; k++)
                blk[i][k] = (unsigned char) (i * 31 + k);
}

static int intact(int i) {
        for (size_t k = 0; k < len[i]; k++)
                if (blk[i][k] != (unsigned char) (i * 31 + k))
                        return 0;
        return 1;
}

static int all_intact(void) {
        for (int i = 0; i < SLOTS; i++)
                if (blk[i] && !intact(i))
                        return 0;
        return 1;
}

int main(void) {
        printf("1..9\n");

        int aligned = 1, usable = 1;
        for (int round = 0; round < 20000; round++) {
                int i = (int) (rnd() % SLOTS);
                if (!blk[i]) {
                        len[i] = rnd_size();
                        blk[i] = malloc(len[i]);
                        if (!blk[i])
                                abort();
                } else if (rnd() % 2) {
                        size_t n = rnd_size();
                        unsigned char *q = realloc(blk[i], n);
                        if (!q)
                                abort();
                        /* what was there is still there, up to the smaller size */
                        size_t keep = n < len[i] ? n : len[i];
                        for (size_t k = 0; k < keep; k++)
                                if (q[k] != (unsigned char) (i * 31 + k))
                                        usable = 0;
                        blk[i] = q;
                        len[i] = n;
                } else {
                        free(blk[i]);
                        blk[i] = NULL;
                        continue;
                }
                aligned &= ((uintptr_t) blk[i] % 16) == 0;
                usable &= malloc_usable_size(blk[i]) >= len[i];
                fill(i);
                if (round % 1000 == 0 && !all_intact())
                        break;
        }
        check(all_intact(), "20000 mallocs, reallocs and frees: no block overlaps another or loses its contents");
        check(aligned, "every block is 16-byte aligned");
        check(usable, "malloc_usable_size covers the size asked for; realloc keeps the contents");
        for (int i = 0; i < SLOTS; i++)
                free(blk[i]);

        /* calloc zeroes a block that was used before */
        unsigned char *a = malloc(200);
        memset(a, 0xff, 200);
        free(a);
        unsigned char *b = calloc(50, 4);
        int zero = b != NULL;
        for (int k = 0; b && k < 200; k++)
                zero &= b[k] == 0;
        check(zero && b == a, "calloc zeroes a reused block");
        free(b);

        errno = 0;
        volatile size_t half = SIZE_MAX / 2; /* not known to the compiler */
        void *o = calloc(half, 4);
        check(o == NULL && errno == ENOMEM, "calloc: an overflowing size is ENOMEM");

        void *al = aligned_alloc(256, 1000);
        check(al && (uintptr_t) al % 256 == 0 && malloc_usable_size(al) >= 1000, "aligned_alloc(256)");
        free(al);
        void *pm = NULL;
        check(posix_memalign(&pm, 4096, 10) == 0 && (uintptr_t) pm % 4096 == 0, "posix_memalign(4096)");
        free(pm);

        errno = EBADF;
        free(malloc(1 << 20));
        check(errno == EBADF, "free (of a mapping) keeps errno");

        void *z = malloc(0);
        check(z != NULL && malloc_usable_size(z) >= 1, "malloc(0) is a unique block");
        free(z);
        return n_failed ? 1 : 0;
}
