/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The tar writer and reader: round trips, reproducible directory archives,
 * and headers that lie. */
#include "helpers.h"

#include <sys/sysmacros.h>
#include <sys/time.h>

/* Reads every entry of an in-memory archive; returns 0 or the (negative)
 * error, whose message is put in msg. */
static int read_all(const void *data, size_t len, char *msg, size_t msize, size_t *ret_entries) {
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(data, len);
        hull_tar_reader *r = hull_tar_reader_new(in, "test.tar");
        int k;
        size_t n = 0;
        char buf[4096];
        while ((k = hull_tar_next(r, &(const hull_tar_entry *){ NULL }, &err)) > 0) {
                n++;
                ssize_t got;
                while ((got = hull_tar_read(r, buf, sizeof(buf), &err)) > 0)
                        ;
                if (got < 0) {
                        k = (int) got;
                        break;
                }
        }
        if (msg)
                snprintf(msg, msize, "%s", err ? err->msg : "");
        hull_error_free(err);
        hull_tar_reader_free(r);
        hull_istream_free(in);
        if (ret_entries)
                *ret_entries = n;
        return k;
}

static void round_trip(void **state) {
        char longname[301], longlink[201];
        memset(longname, 'n', 300);
        longname[300] = 0;
        for (int i = 50; i < 300; i += 50)
                longname[i] = '/';
        memset(longlink, 'l', 200);
        longlink[200] = 0;
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_DIR, "dir", NULL, 0755);
        th_tar_add(&t, HULL_TAR_REG, "dir/file", "hello", 04755);
        th_tar_add(&t, HULL_TAR_SYMLINK, "dir/sym", longlink, 0777);
        th_tar_add(&t, HULL_TAR_LINK, "dir/hard", "dir/file", 0644);
        th_tar_add(&t, HULL_TAR_REG, longname, "long", 0600);
        th_tar_add(&t, HULL_TAR_FIFO, "fifo", NULL, 0600);
        hull_error *err = NULL;
        hull_tar_xattr x[] = { { "security.capability", "\x01\x00\x00\x02\0bin", 9 }, { "user.k", "v", 1 } };
        hull_tar_entry e = { .path = "dev", .type = HULL_TAR_CHAR, .mode = 0666, .devmajor = 1, .devminor = 3,
                             .uid = 3000000, .gid = 7, .mtime = 99999999999LL, .xattrs = x, .n_xattrs = 2 };
        assert_int_equal(hull_tar_write_header(t.w, &e, &err), 0);
        hull_tar_entry neg = { .path = "old", .type = HULL_TAR_REG, .mode = 0644, .mtime = -5 };
        assert_int_equal(hull_tar_write_header(t.w, &neg, &err), 0);
        size_t len;
        const char *data = th_tar_end(&t, &len);
        assert_int_equal(len % 512, 0);

        hull_istream *in = hull_istream_mem_new(data, len);
        hull_tar_reader *r = hull_tar_reader_new(in, "rt");
        const hull_tar_entry *g;
        char buf[64];
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_string_equal(g->path, "dir/");
        assert_int_equal(g->type, HULL_TAR_DIR);
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_string_equal(g->path, "dir/file");
        assert_int_equal(g->mode, 04755);
        assert_int_equal(g->size, 5);
        assert_int_equal(hull_tar_read(r, buf, sizeof(buf), &err), 5);
        assert_memory_equal(buf, "hello", 5);
        assert_int_equal(hull_tar_read(r, buf, sizeof(buf), &err), 0);
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_int_equal(g->type, HULL_TAR_SYMLINK);
        assert_string_equal(g->linkname, longlink);
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_int_equal(g->type, HULL_TAR_LINK);
        assert_string_equal(g->linkname, "dir/file");
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_string_equal(g->path, longname);
        /* Data not read here is skipped by the next call. */
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_int_equal(g->type, HULL_TAR_FIFO);
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_int_equal(g->type, HULL_TAR_CHAR);
        assert_int_equal(g->devmajor, 1);
        assert_int_equal(g->devminor, 3);
        assert_int_equal(g->uid, 3000000);
        assert_int_equal(g->gid, 7);
        assert_int_equal(g->mtime, 99999999999LL);
        assert_int_equal(g->n_xattrs, 2);
        assert_string_equal(g->xattrs[0].name, "security.capability");
        assert_int_equal(g->xattrs[0].len, 9);
        assert_memory_equal(g->xattrs[0].value, "\x01\x00\x00\x02\0bin", 9);
        assert_int_equal(hull_tar_next(r, &g, &err), 1);
        assert_int_equal(g->mtime, -5);
        assert_int_equal(hull_tar_next(r, &g, &err), 0);
        assert_int_equal(hull_tar_next(r, &g, &err), 0);
        hull_tar_reader_free(r);
        hull_istream_free(in);
        /* GNU tar reads what we write. */
        char path[] = "/tmp/hull-test-tar.XXXXXX";
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, data, len), (ssize_t) len);
        close(fd);
        char cmd[256];
        snprintf(cmd, sizeof(cmd), "tar -tf %s >/dev/null", path);
        assert_int_equal(system(cmd), 0);
        unlink(path);
        th_tar_free(&t);
}

static char *archive_dir(const char *dir, int64_t mtime_max, size_t *ret_len) {
        hull_error *err = NULL;
        th_tar t;
        th_tar_begin(&t);
        int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        hull_tar_dir_opts o = { .mtime_max = mtime_max };
        assert_int_equal(hull_tar_write_dir(t.w, fd, &o, &err), 0);
        close(fd);
        size_t len;
        const char *data = th_tar_end(&t, &len);
        char *copy = malloc(len);
        memcpy(copy, data, len);
        th_tar_free(&t);
        *ret_len = len;
        return copy;
}

static void set_mtime(const char *dir, const char *name, time_t t) {
        char p[4096];
        snprintf(p, sizeof(p), "%s/%s", dir, name);
        struct timespec ts[2] = { { .tv_sec = t }, { .tv_sec = t } };
        assert_int_equal(utimensat(AT_FDCWD, p, ts, AT_SYMLINK_NOFOLLOW), 0);
}

static void fill(const char *d, bool reverse, time_t when) {
        const char *names[] = { "b", "a", "c.txt", "a.b" };
        for (int k = 0; k < 4; k++) {
                int i = reverse ? 3 - k : k;
                th_write(d, names[i], names[i], 0644);
        }
        th_mkdir(d, "sub");
        th_write(d, "sub/z", "zzz", 0755);
        th_write(d, "sub/y", "yyy", 0600);
        char p[4096], q[4096];
        snprintf(p, sizeof(p), "%s/sub/y", d);
        snprintf(q, sizeof(q), "%s/hardlink", d);
        assert_int_equal(link(p, q), 0);
        snprintf(q, sizeof(q), "%s/link", d);
        assert_int_equal(symlink("sub/z", q), 0);
        const char *all[] = { "a", "b", "c.txt", "a.b", "sub/z", "sub/y", "link", "sub", "." };
        for (size_t i = 0; i < ELEMENTSOF(all); i++)
                set_mtime(d, all[i], when + (time_t) i);
}

static void directory_is_reproducible(void **state) {
        char *d1 = th_mkdtemp("tar1"), *d2 = th_mkdtemp("tar2");
        fill(d1, false, 1000000);
        fill(d2, true, 2000000);
        size_t l1, l2, l3, l4;
        char *a = archive_dir(d1, 0, &l1), *b = archive_dir(d2, 0, &l2);
        assert_int_equal(l1, l2);
        assert_memory_equal(a, b, l1);
        /* Clamped to SOURCE_DATE_EPOCH: both trees are newer than 500000. */
        char *c = archive_dir(d1, 500000, &l3), *e = archive_dir(d2, 500000, &l4);
        assert_int_equal(l3, l4);
        assert_memory_equal(c, e, l3);
        assert_memory_not_equal(a, c, l1 < l3 ? l1 : l3);

        /* Order: depth first, names sorted bytewise; the hardlink's first
         * path in that order is the file. */
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(c, l3);
        hull_tar_reader *r = hull_tar_reader_new(in, "dir");
        const char *want[] = { "a", "a.b", "b", "c.txt", "hardlink", "link", "sub/", "sub/y", "sub/z" };
        const hull_tar_entry *g;
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                assert_int_equal(hull_tar_next(r, &g, &err), 1);
                assert_string_equal(g->path, want[i]);
                assert_int_equal(g->uid, 0);
                assert_true(g->mtime <= 500000);
                if (strcmp(want[i], "sub/y") == 0) {
                        assert_int_equal(g->type, HULL_TAR_LINK);
                        assert_string_equal(g->linkname, "hardlink");
                }
                if (strcmp(want[i], "link") == 0)
                        assert_string_equal(g->linkname, "sub/z");
        }
        assert_int_equal(hull_tar_next(r, &g, &err), 0);
        hull_tar_reader_free(r);
        hull_istream_free(in);
        free(a);
        free(b);
        free(c);
        free(e);
        th_rmtree(d1);
        th_rmtree(d2);
}

/* Grafts: files of another tree merged into the directories they name,
 * sorted with the real entries, a real entry of the same name winning, a
 * graft without its directory left out, a path given twice written once. */
static void directory_with_grafts(void **state) {
        char *d = th_mkdtemp("graft"), *h = th_mkdtemp("host");
        th_write(d, "b", "b", 0644);
        th_mkdir(d, "sub");
        char sub[4096];
        snprintf(sub, sizeof(sub), "%s/sub", d);
        assert_int_equal(chmod(sub, 0755), 0);
        th_write(d, "sub/y", "real", 0600);
        th_write(h, "a", "host a", 04750);
        th_mkdir(h, "sub");
        th_write(h, "sub/x", "host x", 0755);
        th_write(h, "sub/y", "host y", 0755);
        th_write(h, "sub/z-", "host z", 0644);
        int hostfd = open(h, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(hostfd >= 0);
        const hull_tar_graft grafts[] = {
                { "sub/z-", hostfd, "/sub/z-", 7, 8, 900 }, { "sub/y", hostfd, "/sub/y", 7, 8, 900 },
                { "a", hostfd, "/a", 7, 8, 900 },            { "nodir/a", hostfd, "/a", 7, 8, 900 },
                { "sub/x", hostfd, "/sub/x", 7, 8, 900 },    { "sub/x", hostfd, "/sub/x", 7, 8, 900 },
        };
        hull_error *err = NULL;
        th_tar t;
        th_tar_begin(&t);
        int fd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        hull_tar_dir_opts o = { .mtime_max = 500, .keep_owner = true, .grafts = grafts, .n_grafts = ELEMENTSOF(grafts) };
        assert_int_equal(hull_tar_write_dir(t.w, fd, &o, &err), 0);
        close(fd);
        close(hostfd);
        size_t len;
        const char *data = th_tar_end(&t, &len);

        hull_istream *in = hull_istream_mem_new(data, len);
        hull_tar_reader *r = hull_tar_reader_new(in, "grafts");
        const struct {
                const char *path, *data;
                uint32_t mode;
                bool graft;
        } want[] = {
                { "a", "host a", 04750, true },  { "b", "b", 0644, false },         { "sub/", "", 0755, false },
                { "sub/x", "host x", 0755, true }, { "sub/y", "real", 0600, false }, { "sub/z-", "host z", 0644, true },
        };
        const hull_tar_entry *g;
        for (size_t i = 0; i < ELEMENTSOF(want); i++) {
                assert_int_equal(hull_tar_next(r, &g, &err), 1);
                assert_string_equal(g->path, want[i].path);
                assert_int_equal(g->mode, want[i].mode);
                char buf[64] = { 0 };
                assert_int_equal(hull_tar_read(r, buf, sizeof(buf) - 1, &err), (ssize_t) strlen(want[i].data));
                assert_string_equal(buf, want[i].data);
                if (want[i].graft) {
                        assert_int_equal(g->type, HULL_TAR_REG);
                        assert_int_equal(g->uid, 7);
                        assert_int_equal(g->gid, 8);
                        assert_int_equal(g->mtime, 500);
                        assert_int_equal(g->n_xattrs, 0);
                }
        }
        assert_int_equal(hull_tar_next(r, &g, &err), 0);
        hull_tar_reader_free(r);
        hull_istream_free(in);
        th_tar_free(&t);
        th_rmtree(d);
        th_rmtree(h);
}

/* ---- hostile headers ---- */

static void octal(unsigned char *h, size_t off, size_t n, uint64_t v) {
        char tmp[32];
        snprintf(tmp, sizeof(tmp), "%0*llo", (int) (n - 1), (unsigned long long) v);
        memcpy(h + off, tmp, n - 1);
        h[off + n - 1] = 0;
}

static void checksum(unsigned char *h) {
        unsigned sum = 0;
        memset(h + 148, ' ', 8);
        for (int i = 0; i < 512; i++)
                sum += h[i];
        char tmp[16];
        snprintf(tmp, sizeof(tmp), "%06o", sum);
        memcpy(h + 148, tmp, 6);
        h[154] = 0;
}

static void header(unsigned char *h, const char *name, char type, uint64_t size) {
        memset(h, 0, 512);
        memcpy(h, name, strlen(name) < 100 ? strlen(name) : 100);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        h[156] = (unsigned char) type;
        memcpy(h + 257, "ustar\0" "00", 8);
        checksum(h);
}

/* An archive: a metadata header of `type` with payload, then a file. */
static size_t with_meta(unsigned char *buf, char type, const char *payload, size_t plen) {
        header(buf, "meta", type, plen);
        memset(buf + 512, 0, 2048);
        memcpy(buf + 512, payload, plen);
        size_t off = 512 + (plen + 511) / 512 * 512;
        header(buf + off, "file", '0', 0);
        memset(buf + off + 512, 0, 1024);
        return off + 1536;
}

static void expect_error(const void *data, size_t len, const char *needle) {
        char msg[1024];
        int r = read_all(data, len, msg, sizeof(msg), NULL);
        if (r >= 0 || !strstr(msg, needle))
                fail_msg("expected an error with \"%s\", got %d \"%s\"", needle, r, msg);
}

static void truncated_header(void **state) {
        unsigned char b[1024];
        header(b, "file", '0', 0);
        expect_error(b, 300, "truncated");
}

static void bad_checksum(void **state) {
        unsigned char b[1536] = { 0 };
        header(b, "file", '0', 0);
        b[0] = 'F';
        expect_error(b, sizeof(b), "checksum");
}

static void huge_size(void **state) {
        /* A base-256 size of 2^62 with 10 bytes of data: truncated, and
         * nothing is allocated for it. */
        unsigned char b[2048] = { 0 };
        header(b, "big", '0', 0);
        memset(b + 124, 0, 12);
        b[124] = 0x80;
        b[128] = 0x40;
        checksum(b);
        expect_error(b, sizeof(b), "truncated");
        /* A size that overflows 63 bits. */
        memset(b + 124, 0xff, 12);
        b[124] = 0x80;
        checksum(b);
        expect_error(b, sizeof(b), "invalid size");
        /* Octal with garbage. */
        header(b, "x", '0', 0);
        memcpy(b + 124, "0000000001x\0", 12);
        checksum(b);
        expect_error(b, sizeof(b), "invalid size");
}

static void pax_bogus_lengths(void **state) {
        unsigned char b[8192];
        static const struct {
                const char *payload, *needle;
                size_t len; /* 0: strlen */
        } cases[] = {
                { "999 path=x\n", "out of range" },
                { "3 path=x\n", "out of range" },
                { "abc path=x\n", "malformed pax record length" },
                { "12 path=abc", "out of range" },
                { "11 path=abc", "newline" },
                { "11 pathabc\n", "malformed pax record" },
                { "7 =abc\n", "malformed pax record" },
                { "12 size=-12\n", "invalid number" },
                { "32 size=99999999999999999999999\n", "invalid number" },
                { "14 path=a\0b/c\n", "NUL", 14 },
                { "31 GNU.sparse.map=0,10,20,30,4\n", "sparse" },
                { "18446744073709551627 path=x\n", "out of range" },
        };
        for (size_t i = 0; i < ELEMENTSOF(cases); i++) {
                size_t plen = cases[i].len ? cases[i].len : strlen(cases[i].payload);
                size_t len = with_meta(b, 'x', cases[i].payload, plen);
                expect_error(b, len, cases[i].needle);
        }
        /* A valid one: the path and size it sets are used. */
        size_t len = with_meta(b, 'x', "27 path=from/pax/header/ok\n", 27);
        size_t n;
        assert_int_equal(read_all(b, len, NULL, 0, &n), 0);
        assert_int_equal(n, 1);
}

static void meta_limits(void **state) {
        unsigned char b[4096];
        /* A GNU long name bigger than 1 MiB is refused before reading it. */
        header(b, "././@LongLink", 'L', (2u << 20));
        memset(b + 512, 0, 1024);
        expect_error(b, 1536, "at most");
        /* Unknown entry types. */
        header(b, "sparse", 'S', 0);
        memset(b + 512, 0, 1024);
        expect_error(b, 1536, "unsupported entry type 'S'");
        header(b, "weird", 1, 0);
        memset(b + 512, 0, 1024);
        expect_error(b, 1536, "unsupported entry type 0x01");
        /* An extended header and then the end. */
        header(b, "meta", 'x', 12);
        memcpy(b + 512, "12 path=ab\n\n", 12);
        memset(b + 1024, 0, 1024);
        expect_error(b, 2048, "without an entry");
        /* Seventeen extended headers for one entry. */
        unsigned char *many = calloc(40, 512);
        for (int i = 0; i < 17; i++) {
                header(many + 1024 * i, "meta", 'x', 11);
                memcpy(many + 1024 * i + 512, "11 path=ab\n", 11);
        }
        expect_error(many, 40 * 512, "more than 16");
        free(many);
        /* An entry cut short in its data. */
        header(b, "short", '0', 5000);
        memset(b + 512, 'x', 1024);
        expect_error(b, 1536, "truncated");
}

static void gnu_long_names(void **state) {
        unsigned char b[8192] = { 0 };
        char name[700];
        memset(name, 'g', 699);
        name[699] = 0;
        header(b, "././@LongLink", 'L', 700);
        memcpy(b + 512, name, 700);
        header(b + 512 + 1024, "short", '0', 0);
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(b, sizeof(b));
        hull_tar_reader *r = hull_tar_reader_new(in, "gnu");
        const hull_tar_entry *e;
        assert_int_equal(hull_tar_next(r, &e, &err), 1);
        assert_string_equal(e->path, name);
        hull_tar_reader_free(r);
        hull_istream_free(in);
}

static void empty_and_eof(void **state) {
        /* No end blocks at all, one, or none of anything: a clean end. */
        size_t n;
        assert_int_equal(read_all("", 0, NULL, 0, &n), 0);
        unsigned char b[1024];
        header(b, "f", '0', 0);
        assert_int_equal(read_all(b, 512, NULL, 0, &n), 0);
        assert_int_equal(n, 1);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(round_trip),
                cmocka_unit_test(directory_is_reproducible),
                cmocka_unit_test(directory_with_grafts),
                cmocka_unit_test(truncated_header),
                cmocka_unit_test(bad_checksum),
                cmocka_unit_test(huge_size),
                cmocka_unit_test(pax_bogus_lengths),
                cmocka_unit_test(meta_limits),
                cmocka_unit_test(gnu_long_names),
                cmocka_unit_test(empty_and_eof),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
