/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The ELF reader and the #! parser on crafted files. */
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

#include "build/elf.h"
#include "craft.h"

static hull_elf *parse_ok(const uint8_t *b, size_t size) {
        hull_elf *e = NULL;
        hull_error *err = NULL;
        int r = hull_elf_parse_buffer(b, size, "crafted", HULL_ELF_PARSE_SYMBOLS, &e, &err);
        if (r < 0)
                fail_msg("parse failed: %s", err->msg);
        assert_null(err);
        return e;
}

/* Expects a failure whose message contains `want`; returns the code. */
static int parse_fails(const uint8_t *b, size_t size, const char *want) {
        hull_elf *e = NULL;
        hull_error *err = NULL;
        int r = hull_elf_parse_buffer(b, size, "crafted", HULL_ELF_PARSE_SYMBOLS, &e, &err);
        assert_true(r < 0);
        assert_null(e);
        assert_non_null(err);
        if (want && !strstr(err->msg, want))
                fail_msg("message \"%s\" lacks \"%s\"", err->msg, want);
        assert_true(strncmp(err->msg, "crafted", 7) == 0); /* names the file */
        hull_error_free(err);
        return r;
}

static void program64(void **state) {
        craft c = { .interp = "/lib64/ld-linux-x86-64.so.2", .needed = { "libfoo.so.1", "libc.so.6" },
                    .runpath = "$ORIGIN/../lib", .soname = "prog" };
        craft_layout l;
        uint8_t *b = craft_elf(&c, &l);
        hull_elf *e = parse_ok(b, l.size);
        assert_int_equal(e->elf_class, ELFCLASS64);
        assert_int_equal(e->data, ELFDATA2LSB);
        assert_int_equal(e->machine, EM_X86_64);
        assert_int_equal(e->kind, HULL_ELF_KIND_PROGRAM);
        assert_string_equal(e->interp, "/lib64/ld-linux-x86-64.so.2");
        assert_string_equal(e->needed[0], "libfoo.so.1");
        assert_string_equal(e->needed[1], "libc.so.6");
        assert_null(e->needed[2]);
        assert_string_equal(e->runpath, "$ORIGIN/../lib");
        assert_null(e->rpath);
        assert_string_equal(e->soname, "prog");
        assert_int_equal(e->imports, 0);
        hull_elf *d = hull_elf_dup(e);
        assert_string_equal(d->needed[1], "libc.so.6");
        hull_elf_free(d);
        hull_elf_free(e);
        free(b);
}

static void library32_big_endian(void **state) {
        craft c = { .bits = 32, .msb = true, .machine = EM_PPC, .needed = { "libc.so.6" }, .rpath = "/opt/a:/opt/b",
                    .soname = "libbig.so.1" };
        craft_layout l;
        uint8_t *b = craft_elf(&c, &l);
        hull_elf *e = parse_ok(b, l.size);
        assert_int_equal(e->elf_class, ELFCLASS32);
        assert_int_equal(e->data, ELFDATA2MSB);
        assert_int_equal(e->machine, EM_PPC);
        assert_int_equal(e->kind, HULL_ELF_KIND_LIBRARY);
        assert_null(e->interp);
        assert_string_equal(e->rpath, "/opt/a:/opt/b");
        assert_string_equal(e->soname, "libbig.so.1");
        assert_string_equal(e->needed[0], "libc.so.6");
        hull_elf_free(e);
        free(b);
}

static void static_and_static_pie(void **state) {
        craft st = { .type = ET_EXEC, .no_dynamic = true };
        craft_layout l;
        uint8_t *b = craft_elf(&st, &l);
        hull_elf *e = parse_ok(b, l.size);
        assert_int_equal(e->kind, HULL_ELF_KIND_STATIC);
        assert_false(e->has_dynamic);
        hull_elf_free(e);
        free(b);

        craft pie = { .flags_1 = DF_1_PIE | DF_1_NOW };
        b = craft_elf(&pie, &l);
        e = parse_ok(b, l.size);
        assert_int_equal(e->kind, HULL_ELF_KIND_STATIC_PIE);
        assert_true(e->has_dynamic);
        hull_elf_free(e);
        free(b);

        craft rel = { .type = ET_REL, .no_dynamic = true };
        b = craft_elf(&rel, &l);
        e = parse_ok(b, l.size);
        assert_int_equal(e->kind, HULL_ELF_KIND_OBJECT);
        hull_elf_free(e);
        free(b);
}

static void imports_unwind(void **state) {
        craft c = { .needed = { "libc.so.6" }, .undef = { "printf", "pthread_cancel" } };
        craft_layout l;
        uint8_t *b = craft_elf(&c, &l);
        hull_elf *e = parse_ok(b, l.size);
        assert_int_equal(e->imports, HULL_ELF_IMPORTS_UNWIND);
        hull_elf_free(e);
        free(b);
        craft c2 = { .bits = 32, .msb = true, .needed = { "libc.so.6" }, .undef = { "puts", "backtrace" } };
        b = craft_elf(&c2, &l);
        e = parse_ok(b, l.size);
        assert_int_equal(e->imports, HULL_ELF_IMPORTS_UNWIND);
        hull_elf_free(e);
        free(b);
}

/* Every prefix of a valid file parses or fails cleanly (ASan watches). */
static void truncated_everywhere(void **state) {
        craft cs[] = {
                { .interp = "/lib/ld.so", .needed = { "liba.so", "libb.so" }, .runpath = "/x", .undef = { "pthread_exit" } },
                { .bits = 32, .msb = true, .needed = { "libc.so.6" }, .soname = "s" },
        };
        for (size_t k = 0; k < 2; k++) {
                craft_layout l;
                uint8_t *b = craft_elf(&cs[k], &l);
                for (size_t n = 0; n < l.size; n++) {
                        uint8_t *copy = malloc(n ? n : 1);
                        memcpy(copy, b, n);
                        hull_elf *e = NULL;
                        hull_error *err = NULL;
                        int r = hull_elf_parse_buffer(copy, n, "crafted", HULL_ELF_PARSE_SYMBOLS, &e, &err);
                        if (r < 0) {
                                assert_non_null(err);
                                assert_null(e);
                                if (n >= 4)
                                        assert_int_equal(r, -EINVAL);
                                else
                                        assert_int_equal(r, -ENOEXEC);
                        } else
                                hull_elf_free(e);
                        hull_error_free(err);
                        free(copy);
                }
                free(b);
        }
}

static void truncated_message(void **state) {
        craft c = { .interp = "/lib/ld.so", .needed = { "liba.so" } };
        craft_layout l;
        uint8_t *b = craft_elf(&c, &l);
        parse_fails(b, l.phoff + 10, "program headers");
        parse_fails(b, 30, "ELF header");
        parse_fails(b, 10, "shorter than e_ident");
        free(b);
}

static void absurd_offsets_and_sizes(void **state) {
        craft c = { .interp = "/lib/ld.so", .needed = { "liba.so" }, .runpath = "/r" };
        craft_layout l;
        uint8_t *b = craft_elf(&c, &l);
        uint8_t *m = malloc(l.size);

        /* e_phoff far past the end */
        memcpy(m, b, l.size);
        craft_put(m + 32, 0x7fffffffffffff00ull, 8, false);
        parse_fails(m, l.size, "past the end");
        /* e_phoff + size wrapping around */
        memcpy(m, b, l.size);
        craft_put(m + 32, UINT64_MAX - 8, 8, false);
        parse_fails(m, l.size, "past the end");
        /* e_phentsize wrong */
        memcpy(m, b, l.size);
        craft_put(m + 54, 40, 2, false);
        parse_fails(m, l.size, "e_phentsize");
        /* e_phnum huge */
        memcpy(m, b, l.size);
        craft_put(m + 56, 0xfff0, 2, false);
        parse_fails(m, l.size, "e_phnum");
        /* PN_XNUM without section headers, then with an absurd sh_info */
        memcpy(m, b, l.size);
        craft_put(m + 56, PN_XNUM, 2, false);
        parse_fails(m, l.size, "PN_XNUM");
        uint8_t *x = calloc(1, l.size + 64);
        memcpy(x, b, l.size);
        craft_put(x + 56, PN_XNUM, 2, false);
        craft_put(x + 40, l.size, 8, false); /* e_shoff */
        craft_put(x + 58, 64, 2, false);     /* e_shentsize */
        craft_put(x + l.size + 44, 0xffffffffu, 4, false);
        parse_fails(x, l.size + 64, "e_phnum");
        craft_put(x + l.size + 44, l.phnum, 4, false); /* the right count works */
        hull_elf_free(parse_ok(x, l.size + 64));
        free(x);
        /* PT_INTERP: offset out of range, absurd size, not terminated */
        size_t interp_ph = l.phoff + l.phentsize;
        memcpy(m, b, l.size);
        craft_put(m + interp_ph + 8, l.size + 100, 8, false);
        parse_fails(m, l.size, "PT_INTERP");
        memcpy(m, b, l.size);
        craft_put(m + interp_ph + 32, 1 << 20, 8, false);
        parse_fails(m, l.size, "PT_INTERP");
        memcpy(m, b, l.size);
        m[l.interp_off + strlen("/lib/ld.so")] = 'x';
        parse_fails(m, l.size, "NUL-terminated");
        /* PT_DYNAMIC: huge, out of range */
        size_t dyn_ph = l.phoff + 2 * l.phentsize;
        memcpy(m, b, l.size);
        craft_put(m + dyn_ph + 32, 1ull << 40, 8, false);
        parse_fails(m, l.size, "PT_DYNAMIC");
        memcpy(m, b, l.size);
        craft_put(m + dyn_ph + 8, 1ull << 40, 8, false);
        parse_fails(m, l.size, "PT_DYNAMIC");
        /* DT_STRTAB out of every segment; DT_STRSZ absurd; DT_NEEDED beyond DT_STRSZ */
        size_t strtab_dyn = l.dyn_off + 16 * 3; /* NEEDED, RUNPATH, FLAGS_1, then STRTAB */
        memcpy(m, b, l.size);
        assert_int_equal(m[strtab_dyn], DT_STRTAB);
        craft_put(m + strtab_dyn + 8, 0x10000000, 8, false);
        parse_fails(m, l.size, "DT_STRTAB");
        memcpy(m, b, l.size);
        craft_put(m + strtab_dyn + 16 + 8, 1ull << 40, 8, false);
        parse_fails(m, l.size, "DT_STRSZ");
        memcpy(m, b, l.size);
        craft_put(m + strtab_dyn + 16 + 8, l.size, 8, false);
        parse_fails(m, l.size, "DT_STRTAB");
        memcpy(m, b, l.size);
        craft_put(m + l.dyn_off + 8, 0x7fff, 8, false);
        parse_fails(m, l.size, "DT_NEEDED #1");
        /* a string that runs to the end of DT_STRSZ without a NUL */
        memcpy(m, b, l.size);
        craft_put(m + strtab_dyn + 16 + 8, 4, 8, false);
        parse_fails(m, l.size, "not NUL-terminated");
        free(m);
        free(b);
}

static void not_elf(void **state) {
        assert_int_equal(parse_fails((const uint8_t *) "#!/bin/sh\n", 10, "not an ELF file"), -ENOEXEC);
        assert_int_equal(parse_fails((const uint8_t *) "", 0, "not an ELF file"), -ENOEXEC);
        uint8_t bad[64] = { 0x7f, 'E', 'L', 'F', 3, 1, 1 };
        parse_fails(bad, sizeof(bad), "class");
        bad[4] = 2;
        bad[5] = 7;
        parse_fails(bad, sizeof(bad), "byte order");
        bad[5] = 1;
        bad[6] = 9;
        parse_fails(bad, sizeof(bad), "version");
}

static void from_fd(void **state) {
        craft c = { .bits = 32, .msb = true, .interp = "/lib/ld.so.1", .needed = { "libm.so.6", "libc.so.6" },
                    .undef = { "thrd_exit" } };
        char path[] = "/tmp/hull-test-elf.XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        craft_layout l;
        uint8_t *b = craft_elf(&c, &l);
        assert_int_equal(write(fd, b, l.size), (ssize_t) l.size);
        hull_elf *e = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_elf_parse_fd(fd, path, HULL_ELF_PARSE_SYMBOLS, &e, &err), 0);
        assert_string_equal(e->interp, "/lib/ld.so.1");
        assert_string_equal(e->needed[1], "libc.so.6");
        assert_int_equal(e->imports, HULL_ELF_IMPORTS_UNWIND);
        hull_elf_free(e);
        uint8_t cls, data;
        uint16_t machine;
        assert_int_equal(hull_elf_read_ident_fd(fd, &cls, &data, &machine), 0);
        assert_int_equal(cls, ELFCLASS32);
        assert_int_equal(data, ELFDATA2MSB);
        assert_int_equal(machine, EM_386);
        /* the file shrinks: fails naming the file */
        assert_int_equal(ftruncate(fd, 40), 0);
        assert_true(hull_elf_parse_fd(fd, path, 0, &e, &err) < 0);
        assert_non_null(strstr(err->msg, path));
        hull_error_free(err);
        close(fd);
        unlink(path);
        free(b);
}

static void script(const char *text, int want_r, const char *interp, const char *arg, unsigned col,
                   const char *want_msg) {
        hull_script s = { 0 };
        hull_error *err = NULL;
        int r = hull_script_parse(text, strlen(text), "s.sh", &s, &err);
        assert_int_equal(r, want_r);
        if (r < 0) {
                if (!strstr(err->msg, want_msg))
                        fail_msg("\"%s\" lacks \"%s\"", err->msg, want_msg);
                hull_error_free(err);
                return;
        }
        if (r == 0)
                return;
        assert_string_equal(s.interp, interp);
        if (arg)
                assert_string_equal(s.arg, arg);
        else
                assert_null(s.arg);
        assert_int_equal(s.interp_column, col);
        hull_script_done(&s);
}

static void scripts(void **state) {
        script("#!/bin/sh\necho hi\n", 1, "/bin/sh", NULL, 3, NULL);
        script("#! /usr/bin/env python3\n", 1, "/usr/bin/env", "python3", 4, NULL);
        script("#!/usr/bin/env  -S python3 -u  \t\n", 1, "/usr/bin/env", "-S python3 -u", 3, NULL);
        script("#!/bin/sh", 1, "/bin/sh", NULL, 3, NULL);
        script("#!/bin/sh\r\n", 1, "/bin/sh\r", NULL, 3, NULL); /* what the kernel runs, too */
        script("#!\n", -ENOEXEC, NULL, NULL, 0, "s.sh:1:3: the #! line holds no interpreter");
        script("#!   \t  \n", -ENOEXEC, NULL, NULL, 0, "s.sh:1:3");
        script("echo hi\n", 0, NULL, NULL, 0, NULL);
        script("#", 0, NULL, NULL, 0, NULL);
        /* longer than 256 bytes: fine when the name ends in the buffer */
        char longline[400];
        snprintf(longline, sizeof(longline), "#!/bin/sh %0300d\n", 0);
        hull_script s = { 0 };
        hull_error *err = NULL;
        assert_int_equal(hull_script_parse(longline, strlen(longline), "s.sh", &s, &err), 1);
        assert_string_equal(s.interp, "/bin/sh");
        assert_int_equal(strlen(s.arg), 255 - 10); /* the kernel's buffer ends the argument */
        assert_int_equal(s.arg_column, 11);
        hull_script_done(&s);
        char cut[400];
        memset(cut, 'a', sizeof(cut));
        memcpy(cut, "#!/", 3);
        cut[sizeof(cut) - 1] = 0;
        script(cut, -ENOEXEC, NULL, NULL, 0, "s.sh:1:3: the #! line is longer than 256 bytes");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(program64),
                cmocka_unit_test(library32_big_endian),
                cmocka_unit_test(static_and_static_pie),
                cmocka_unit_test(imports_unwind),
                cmocka_unit_test(truncated_everywhere),
                cmocka_unit_test(truncated_message),
                cmocka_unit_test(absurd_offsets_and_sizes),
                cmocka_unit_test(not_elf),
                cmocka_unit_test(from_fd),
                cmocka_unit_test(scripts),
        };
        return cmocka_run_group_tests_name("elf", tests, NULL, NULL);
}
