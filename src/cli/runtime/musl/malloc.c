/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull-runtime's malloc, in its musl build only (src/meson.build).
 *
 * hull-runtime lives for a few milliseconds and makes a few hundred small
 * allocations (the config's JSON tree, the spec).  musl's own malloc gives
 * memory back to the kernel as soon as it is free (munmap, madvise: on two
 * CPUs each is a TLB shootdown, and a page fault to get the page again); with
 * it `create` was 0.7 ms slower than with glibc, more than musl's faster
 * start saves (bench/scale/README.md).  This one keeps what it has:
 *
 *  - blocks of 16 B to 64 KiB in power-of-two classes, each class with a free
 *    list, carved from 1 MiB arenas that are never unmapped;
 *  - larger blocks are a mapping of their own, unmapped when freed.
 *
 * Every block has a 16-byte header just before it: for a class block
 * { class, 0 }, for a mapping { length of the mapping, offset of the block in
 * it }.  Blocks are 16-byte aligned, as malloc's must be on x86-64.
 *
 * No lock: the one thread hull-runtime starts (create's network namespace,
 * hull_netns_ahead) allocates nothing, and a forked child has its own copy
 * of all of this. */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#define HDR 16u
#define MIN_SHIFT 4u                  /* 16 B */
#define NCLASS 13u                    /* 16 B << 12 = 64 KiB */
#define ARENA (1u << 20)
#define PAGE 4096u

typedef struct header {
        size_t a; /* class, or the mapping's length */
        size_t b; /* 0 for a class block, else the block's offset in its mapping */
} header;

typedef struct free_block {
        struct free_block *next;
} free_block;

static free_block *free_lists[NCLASS];
static char *arena_next, *arena_end;

void *malloc(size_t n);
void free(void *p);
void *calloc(size_t count, size_t size);
void *realloc(void *p, size_t n);
void *aligned_alloc(size_t align, size_t n);
int posix_memalign(void **ret, size_t align, size_t n);
void *memalign(size_t align, size_t n);
size_t malloc_usable_size(void *p);

static header *hdr_of(void *p) {
        return (header *) ((char *) p - HDR);
}

static unsigned class_of(size_t n) {
        unsigned c = 0;
        while (((size_t) 1 << (c + MIN_SHIFT)) < n)
                c++;
        return c;
}

/* A block in a mapping of its own, at offset off (HDR, or a page for
 * alignments up to a page). */
static void *map_block(size_t n, size_t off) {
        if (n > SIZE_MAX - off - PAGE) {
                errno = ENOMEM;
                return NULL;
        }
        size_t len = (n + off + PAGE - 1) & ~(size_t) (PAGE - 1);
        char *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED) {
                errno = ENOMEM;
                return NULL;
        }
        header *h = (header *) (m + off - HDR);
        h->a = len;
        h->b = off;
        return m + off;
}

/* Not named malloc: gcc turns "malloc, then memset 0" into a call of
 * calloc, which would then call itself. */
static void *alloc(size_t n) {
        if (n > ((size_t) 1 << (MIN_SHIFT + NCLASS - 1)))
                return map_block(n, HDR);
        unsigned c = class_of(n ? n : 1);
        free_block *f = free_lists[c];
        if (f) {
                free_lists[c] = f->next;
                return f;
        }
        size_t need = HDR + ((size_t) 1 << (c + MIN_SHIFT));
        if ((size_t) (arena_end - arena_next) < need) {
                /* What is left of the old arena is lost: at most 64 KiB. */
                char *m = mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (m == MAP_FAILED) {
                        errno = ENOMEM;
                        return NULL;
                }
                arena_next = m;
                arena_end = m + ARENA;
        }
        header *h = (header *) arena_next;
        arena_next += need;
        h->a = c;
        h->b = 0;
        return (char *) h + HDR;
}

void *malloc(size_t n) {
        return alloc(n);
}

void free(void *p) {
        if (!p)
                return;
        header *h = hdr_of(p);
        if (h->b) {
                int e = errno; /* free must not change errno (POSIX 2024) */
                munmap((char *) p - h->b, h->a);
                errno = e;
                return;
        }
        free_block *f = p;
        f->next = free_lists[h->a];
        free_lists[h->a] = f;
}

size_t malloc_usable_size(void *p) {
        if (!p)
                return 0;
        header *h = hdr_of(p);
        return h->b ? h->a - h->b : (size_t) 1 << (h->a + MIN_SHIFT);
}

void *calloc(size_t count, size_t size) {
        if (size && count > SIZE_MAX / size) {
                errno = ENOMEM;
                return NULL;
        }
        void *p = alloc(count * size);
        if (p)
                memset(p, 0, count * size);
        return p;
}

void *realloc(void *p, size_t n) {
        if (!p)
                return alloc(n);
        size_t have = malloc_usable_size(p);
        if (n <= have)
                return p;
        void *q = alloc(n);
        if (!q)
                return NULL;
        memcpy(q, p, have);
        free(p);
        return q;
}

void *aligned_alloc(size_t align, size_t n) {
        if (align == 0 || (align & (align - 1)) || align > PAGE) {
                errno = EINVAL;
                return NULL;
        }
        return align <= HDR ? alloc(n) : map_block(n, PAGE);
}

void *memalign(size_t align, size_t n) {
        return aligned_alloc(align, n);
}

int posix_memalign(void **ret, size_t align, size_t n) {
        if (align < sizeof(void *))
                return EINVAL;
        void *p = aligned_alloc(align, n);
        if (!p)
                return errno;
        *ret = p;
        return 0;
}
