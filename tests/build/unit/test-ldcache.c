/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ld.so.cache reader: crafted caches in both byte orders, corrupt ones,
 * and this machine's /etc/ld.so.cache. */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/ldcache.h"
#include "craft.h"

static const cache_entry entries[] = {
        { 0x0303, "libfoo.so.1", "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libfoo.so.1", 1 },
        { 0x0303, "libfoo.so.1", "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libfoo.so.1", 0 },
        { 0x0303, "libfoo.so.1", "/usr/lib/x86_64-linux-gnu/libfoo.so.1", -1 },
        { 0x0003, "libfoo.so.1", "/usr/lib/i386-linux-gnu/libfoo.so.1", -1 },
        { 0x0001, "ld-linux.so.2", "/lib/ld-linux.so.2", -1 },
        { 0x0303, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", -1 },
};
static const char *const hwcaps_names[] = { "x86-64-v2", "x86-64-v3", NULL };
#define ELEMENTSOF_ENTRIES (sizeof(entries) / sizeof(entries[0]))
static const cache_entry plain[] = {
        { 0x0303, "libfoo.so.1", "/usr/lib/x86_64-linux-gnu/libfoo.so.1", -1 },
        { 0x0303, "libc.so.6", "/lib/x86_64-linux-gnu/libc.so.6", -1 },
};

static hull_ldcache *parse_ok(const uint8_t *b, size_t size) {
        hull_ldcache *c = NULL;
        hull_error *err = NULL;
        if (hull_ldcache_parse(b, size, "cache", &c, &err) < 0)
                fail_msg("parse failed: %s", err->msg);
        return c;
}

static void parse_fails(const uint8_t *b, size_t size, const char *want) {
        hull_ldcache *c = NULL;
        hull_error *err = NULL;
        assert_true(hull_ldcache_parse(b, size, "cache", &c, &err) < 0);
        assert_null(c);
        if (!strstr(err->msg, want))
                fail_msg("\"%s\" lacks \"%s\"", err->msg, want);
        assert_true(strncmp(err->msg, "cache: ", 7) == 0);
        hull_error_free(err);
}

static void lookups(bool msb) {
        size_t size;
        uint8_t *b = craft_ldcache(entries, ELEMENTSOF_ENTRIES, hwcaps_names, msb, &size);
        hull_ldcache *c = parse_ok(b, size);
        assert_int_equal(c->n_entries, 6);
        assert_int_equal(c->big_endian, msb);
        assert_string_equal(c->hwcaps[0], "x86-64-v2");
        assert_string_equal(c->entries[0].hwcaps, "x86-64-v3");

        char *none[] = { NULL };
        char *v2[] = { "x86-64-v2", NULL };
        char *v3[] = { "x86-64-v3", "x86-64-v2", NULL };
        int32_t x64 = hull_ldcache_flags_for(ELFCLASS64, EM_X86_64, 0);
        assert_int_equal(x64, 0x0303);
        const hull_ldcache_entry *e = hull_ldcache_lookup(c, "libfoo.so.1", x64, none);
        assert_string_equal(e->value, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
        e = hull_ldcache_lookup(c, "libfoo.so.1", x64, NULL);
        assert_string_equal(e->value, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
        e = hull_ldcache_lookup(c, "libfoo.so.1", x64, v2);
        assert_string_equal(e->value, "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v2/libfoo.so.1");
        e = hull_ldcache_lookup(c, "libfoo.so.1", x64, v3);
        assert_string_equal(e->value, "/usr/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libfoo.so.1");
        /* i386: only the libc6 entry without the x86-64 bit */
        e = hull_ldcache_lookup(c, "libfoo.so.1", hull_ldcache_flags_for(ELFCLASS32, EM_386, 0), v3);
        assert_string_equal(e->value, "/usr/lib/i386-linux-gnu/libfoo.so.1");
        /* plain FLAG_ELF entries match every machine, like _dl_cache_check_flags */
        e = hull_ldcache_lookup(c, "ld-linux.so.2", x64, NULL);
        assert_string_equal(e->value, "/lib/ld-linux.so.2");
        /* unknown machine: any libc6 entry, the ELF header decides */
        assert_non_null(hull_ldcache_lookup(c, "libc.so.6", -1, NULL));
        assert_null(hull_ldcache_lookup(c, "libc.so.6", 0x0a03, NULL));
        assert_null(hull_ldcache_lookup(c, "libnope.so", x64, NULL));
        hull_ldcache_free(c);
        free(b);
}

static void little_endian(void **state) {
        lookups(false);
}

static void big_endian(void **state) {
        lookups(true);
}

static void corrupt(void **state) {
        size_t size;
        uint8_t *b = craft_ldcache(entries, ELEMENTSOF_ENTRIES, hwcaps_names, false, &size);
        uint8_t *m = malloc(size);
        parse_fails(b, 10, "not an ld.so.cache");
        memcpy(m, b, size);
        memcpy(m, "ld.so-1.7.0", 11);
        parse_fails(m, size, "old-format header");
        memcpy(m, b, size);
        craft_put(m + 20, 0x10000000, 4, false);
        parse_fails(m, size, "entries, more than fit");
        memcpy(m, b, size);
        craft_put(m + 24, 0x10000000, 4, false);
        parse_fails(m, size, "string table");
        memcpy(m, b, size);
        m[28] = 1;
        parse_fails(m, size, "byte-order");
        memcpy(m, b, size);
        craft_put(m + 48 + 4, (uint32_t) size + 5, 4, false); /* key of entry 0 */
        parse_fails(m, size, "entry 0: key offset");
        size_t psize;
        uint8_t *pc = craft_ldcache(plain, 2, NULL, false, &psize);
        pc[psize - 1] = 'x'; /* the last string loses its NUL */
        parse_fails(pc, psize, "entry 1: the value at offset");
        free(pc);
        memcpy(m, b, size);
        craft_put(m + 32, (uint32_t) size - 4, 4, false); /* extension directory cut short */
        parse_fails(m, size, "extension_offset");
        memcpy(m, b, size);
        craft_put(m + 48 + 16, (1ULL << 62) | 7, 8, false); /* hwcaps index out of range */
        parse_fails(m, size, "glibc-hwcaps subdirectory 7");
        /* extension section out of range */
        uint32_t ext = 0;
        for (int i = 0; i < 4; i++)
                ext |= (uint32_t) b[32 + i] << (8 * i);
        memcpy(m, b, size);
        craft_put(m + ext + 4, 0x7fffffff, 4, false);
        parse_fails(m, size, "sections");
        memcpy(m, b, size);
        craft_put(m + ext + 8 + 12, 0x7fffffff, 4, false);
        parse_fails(m, size, "outside the file");
        /* every prefix fails or parses, never reads outside */
        for (size_t n = 0; n < size; n++) {
                uint8_t *p = malloc(n ? n : 1);
                memcpy(p, b, n);
                hull_ldcache *c = NULL;
                hull_error *err = NULL;
                if (hull_ldcache_parse(p, n, "cache", &c, &err) == 0)
                        hull_ldcache_free(c);
                hull_error_free(err);
                free(p);
        }
        free(m);
        free(b);
}

static void compat_format(void **state) {
        /* the pre-2.32 layout: an old-format table first, the new one 8-aligned after it */
        size_t size;
        uint8_t *b = craft_ldcache(plain, 2, NULL, false, &size);
        size_t old = (16 + 2 * 12 + 7) & ~(size_t) 7;
        uint8_t *m = calloc(1, old + size);
        memcpy(m, "ld.so-1.7.0", 11);
        uint32_t two = 2;
        memcpy(m + 12, &two, 4);
        memcpy(m + old, b, size);
        hull_ldcache *c = parse_ok(m, old + size);
        assert_int_equal(c->n_entries, 2);
        assert_string_equal(hull_ldcache_lookup(c, "libc.so.6", 0x0303, NULL)->value, "/lib/x86_64-linux-gnu/libc.so.6");
        hull_ldcache_free(c);
        free(m);
        free(b);
}

static void this_machine(void **state) {
        hull_ldcache *c = NULL;
        hull_error *err = NULL;
        int root = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_int_equal(hull_ldcache_load_at(root, "/etc/ld.so.cache", &c, &err), 0);
        if (!c) {
                close(root);
                skip();
        }
        assert_true(c->n_entries > 10);
        assert_non_null(c->generator);
        const hull_ldcache_entry *e = hull_ldcache_lookup(c, "libc.so.6", 0x0303, NULL);
        assert_non_null(e);
        assert_true(access(e->value, F_OK) == 0);
        hull_ldcache_free(c);
        /* a missing cache is no error */
        assert_int_equal(hull_ldcache_load_at(root, "/nonexistent/ld.so.cache", &c, &err), 0);
        assert_null(c);
        close(root);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(little_endian),
                cmocka_unit_test(big_endian),
                cmocka_unit_test(corrupt),
                cmocka_unit_test(compat_format),
                cmocka_unit_test(this_machine),
        };
        return cmocka_run_group_tests_name("ldcache", tests, NULL, NULL);
}
