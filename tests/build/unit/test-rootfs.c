/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The root filesystem assembly from a crafted host root: the closure at the
 * same paths with its symlink chains and modes, /etc, the links for
 * ld.so.conf-only libraries, fixed times, determinism, refusals. */
#define _XOPEN_SOURCE 700
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "build/rootfs.h"
#include "craft.h"
#include "util/fs.h"

static char host[64], dest[64], dest2[64], outside[64];

static const char sysdirs[] = "\0/lib/x86_64-linux-gnu/\0/usr/lib/x86_64-linux-gnu/\0/lib/\0/usr/lib/\0";
#define INTERP "/lib64/ld-linux-x86-64.so.2"
#define LIBDIR "/usr/lib/x86_64-linux-gnu"

static void put(const char *path, const craft *c, unsigned mode) {
        char p[512];
        snprintf(p, sizeof(p), "%s%s", host, path);
        assert_int_equal(craft_write(p, c), 0);
        assert_int_equal(chmod(p, mode), 0);
}

static void put_text(const char *path, const char *text) {
        char p[512];
        snprintf(p, sizeof(p), "%s%s", host, path);
        assert_int_equal(write_file(p, text, strlen(text), 0644), 0);
}

static void link_(const char *target, const char *path) {
        char p[512], d[512];
        snprintf(p, sizeof(p), "%s%s", host, path);
        snprintf(d, sizeof(d), "%s", p);
        *strrchr(d, '/') = 0;
        assert_int_equal(mkdirs(d), 0);
        assert_int_equal(symlink(target, p), 0);
}

static int setup(void **state) {
        snprintf(host, sizeof(host), "/tmp/hull-test-host.XXXXXX");
        snprintf(dest, sizeof(dest), "/tmp/hull-test-dest.XXXXXX");
        snprintf(dest2, sizeof(dest2), "/tmp/hull-test-dest2.XXXXXX");
        snprintf(outside, sizeof(outside), "/tmp/hull-test-out.XXXXXX");
        if (!mkdtemp(host) || !mkdtemp(dest) || !mkdtemp(dest2) || !mkdtemp(outside))
                return -1;
        char p[512];
        snprintf(p, sizeof(p), "%s" LIBDIR, host);
        mkdirs(p);
        link_("usr/lib", "/lib");
        link_("/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2", INTERP);
        craft ld = { .soname = "ld-linux-x86-64.so.2", .extra = sysdirs, .extra_size = sizeof(sysdirs) };
        put(LIBDIR "/ld-linux-x86-64.so.2", &ld, 0755);
        craft libc = { .soname = "libc.so.6", .needed = { "ld-linux-x86-64.so.2" } };
        put(LIBDIR "/libc.so.6", &libc, 0755);
        craft foo = { .soname = "libfoo.so.1", .needed = { "libc.so.6" } };
        put(LIBDIR "/libfoo.so.1.2.3", &foo, 0644);
        link_("libfoo.so.1.2.3", LIBDIR "/libfoo.so.1");
        craft cached = { .soname = "libcached.so.1", .needed = { "libc.so.6" } };
        put("/opt/vendor/lib/libcached.so.1", &cached, 0644);
        cache_entry e[] = { { 0x0303, "libcached.so.1", "/opt/vendor/lib/libcached.so.1", -1 } };
        size_t size;
        uint8_t *b = craft_ldcache(e, 1, NULL, false, &size);
        snprintf(p, sizeof(p), "%s/etc/ld.so.cache", host);
        write_file(p, b, size, 0644);
        free(b);
        craft prog = { .interp = INTERP, .needed = { "libfoo.so.1", "libcached.so.1", "libc.so.6" } };
        put("/usr/bin/prog", &prog, 04755);
        put_text("/usr/bin/script", "#!/usr/bin/prog\n");
        return 0;
}

static int teardown(void **state) {
        hull_rm_rf_at(AT_FDCWD, host);
        hull_rm_rf_at(AT_FDCWD, dest);
        hull_rm_rf_at(AT_FDCWD, dest2);
        hull_rm_rf_at(AT_FDCWD, outside);
        return 0;
}

static int assemble(const char *into, const hull_rootfs_options *opt, hull_error **err) {
        hull_rootfs_options o = *opt;
        char *const none[] = { NULL };
        o.host_root = host;
        o.hwcaps = none;
        int fd = open(into, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        int r = hull_rootfs_assemble(fd, &o, NULL, err);
        close(fd);
        return r;
}

static void assemble_ok(const char *into, const hull_rootfs_options *opt) {
        hull_error *err = NULL;
        if (assemble(into, opt, &err) < 0)
                fail_msg("assemble: %s", err->msg);
}

static void assemble_fails(const char *into, const hull_rootfs_options *opt, const char *want) {
        hull_error *err = NULL;
        assert_true(assemble(into, opt, &err) < 0);
        if (!strstr(err->msg, want))
                fail_msg("\"%s\" lacks \"%s\"", err->msg, want);
        hull_error_free(err);
}

static char *slurp(const char *base, const char *path) {
        char p[512];
        snprintf(p, sizeof(p), "%s%s", base, path);
        char *s = NULL;
        int r = hull_read_file_at(AT_FDCWD, p, 0, &s, NULL);
        if (r < 0)
                fail_msg("read %s: %s", p, strerror(-r));
        return s;
}

static void expect_link(const char *path, const char *target) {
        char p[512], t[512];
        snprintf(p, sizeof(p), "%s%s", dest, path);
        ssize_t n = readlink(p, t, sizeof(t) - 1);
        if (n < 0)
                fail_msg("%s is not a symlink", path);
        t[n] = 0;
        assert_string_equal(t, target);
}

static mode_t mode_of(const char *base, const char *path) {
        char p[512];
        struct stat st;
        snprintf(p, sizeof(p), "%s%s", base, path);
        if (lstat(p, &st) < 0)
                fail_msg("%s is missing", p);
        return st.st_mode;
}

static char *programs[] = { "/usr/bin/script", NULL };

static void closure_and_etc(void **state) {
        hull_rootfs_user users[] = { { "app", 1000, 1000, NULL, NULL }, { "svc", 999, 0, "/srv", "/bin/false" } };
        hull_rootfs_options o = { .programs = programs, .users = users, .n_users = 2, .mtime = 1700000000 };
        assemble_ok(dest, &o);
        expect_link("/lib", "usr/lib");
        expect_link(INTERP, "/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2");
        expect_link(LIBDIR "/libfoo.so.1", "libfoo.so.1.2.3");
        assert_int_equal(mode_of(dest, "/usr/bin/prog") & 07777, 04755);
        assert_int_equal(mode_of(dest, "/usr/bin/script") & 07777, 0644);
        assert_int_equal(mode_of(dest, LIBDIR "/libfoo.so.1.2.3") & 07777, 0644);
        assert_true(S_ISDIR(mode_of(dest, "/lib64")));
        /* found only through ld.so.cache: a link in the first default directory */
        expect_link(LIBDIR "/libcached.so.1", "/opt/vendor/lib/libcached.so.1");
        assert_true(S_ISREG(mode_of(dest, "/opt/vendor/lib/libcached.so.1")));
        /* the host's cache is not copied: the image needs none */
        char p[512];
        snprintf(p, sizeof(p), "%s/etc/ld.so.cache", dest);
        assert_int_equal(access(p, F_OK), -1);
        char *s = slurp(dest, "/etc/passwd");
        assert_string_equal(s, "root:x:0:0:root:/root:/bin/sh\n"
                               "svc:x:999:0:svc:/srv:/bin/false\n"
                               "app:x:1000:1000:app:/home/app:/bin/sh\n"
                               "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
        free(s);
        s = slurp(dest, "/etc/group");
        assert_string_equal(s, "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n");
        free(s);
        s = slurp(dest, "/etc/nsswitch.conf");
        assert_string_equal(s, hull_deps_minimal_nsswitch);
        free(s);
        s = slurp(dest, "/etc/hosts");
        assert_non_null(strstr(s, "127.0.0.1\tlocalhost\n"));
        free(s);
        s = slurp(dest, "/etc/os-release");
        assert_non_null(strstr(s, "ID=hull\n"));
        assert_non_null(strstr(s, "built by hull"));
        free(s);
        assert_int_equal(mode_of(dest, "/tmp") & 07777, 01777);
        assert_int_equal(mode_of(dest, "/root") & 07777, 0700);
        assert_int_equal(mode_of(dest, "/etc/passwd") & 07777, 0644);
        struct stat st;
        snprintf(p, sizeof(p), "%s/home/app", dest);
        assert_int_equal(stat(p, &st), 0);
        if (geteuid() == 0)
                assert_int_equal(st.st_uid, 1000);
        /* assembling again over the result works and changes nothing */
        assemble_ok(dest, &o);
}

static time_t want_mtime;
static int bad_mtimes;
static int check_mtime(const char *path, const struct stat *st, int flag, struct FTW *f) {
        if (st->st_mtime != want_mtime) {
                fprintf(stderr, "mtime of %s is %ld\n", path, (long) st->st_mtime);
                bad_mtimes++;
        }
        return 0;
}

static char *listing;
static size_t listing_len;
static const char *listing_base;
static int list_one(const char *path, const struct stat *st, int flag, struct FTW *f) {
        char line[1024], target[512] = "";
        if (S_ISLNK(st->st_mode)) {
                ssize_t n = readlink(path, target, sizeof(target) - 1);
                target[n > 0 ? n : 0] = 0;
        }
        int n = snprintf(line, sizeof(line), "%s %o %ld %ld %s\n", path + strlen(listing_base), (unsigned) st->st_mode,
                         S_ISREG(st->st_mode) ? (long) st->st_size : 0L, (long) st->st_mtime, target);
        listing = realloc(listing, listing_len + (size_t) n + 1);
        memcpy(listing + listing_len, line, (size_t) n + 1);
        listing_len += (size_t) n;
        return 0;
}

static char *tree_listing(const char *base) {
        listing = NULL;
        listing_len = 0;
        listing_base = base;
        assert_int_equal(nftw(base, list_one, 32, FTW_PHYS), 0);
        return listing;
}

static void deterministic(void **state) {
        hull_rootfs_options o = { .programs = programs, .mtime = 1234567890 };
        assemble_ok(dest, &o);
        assemble_ok(dest2, &o);
        want_mtime = 1234567890;
        bad_mtimes = 0;
        assert_int_equal(nftw(dest, check_mtime, 32, FTW_PHYS), 0);
        assert_int_equal(bad_mtimes, 0);
        char *a = tree_listing(dest), *b = tree_listing(dest2);
        assert_string_equal(a, b);
        free(a);
        free(b);
}

static void no_etc_and_extras(void **state) {
        put_text("/etc/ssl/certs/ca-certificates.crt", "-----BEGIN CERTIFICATE-----\n");
        put_text("/usr/share/zoneinfo/Etc/UTC", "TZif2");
        link_("Etc/UTC", "/usr/share/zoneinfo/UTC");
        put_text("/usr/share/zoneinfo/Europe/Paris", "TZif2");
        hull_rootfs_options o = { .programs = programs, .no_etc = true, .ca_certificates = true, .tzdata = true };
        assemble_ok(dest, &o);
        char p[512];
        snprintf(p, sizeof(p), "%s/etc/passwd", dest);
        assert_int_equal(access(p, F_OK), -1);
        free(slurp(dest, "/etc/ssl/certs/ca-certificates.crt"));
        free(slurp(dest, "/usr/share/zoneinfo/Europe/Paris"));
        expect_link("/usr/share/zoneinfo/UTC", "Etc/UTC");
        /* asked for but missing on the host */
        snprintf(p, sizeof(p), "%s/etc/ssl/certs/ca-certificates.crt", host);
        unlink(p);
        assemble_fails(dest2, &o, "ca-certificates package");
}

static void refusals(void **state) {
        /* a user that cannot be */
        hull_rootfs_user bad[] = { { "Bad:name", 1000, 1000, NULL, NULL } };
        hull_rootfs_options o = { .programs = programs, .users = bad, .n_users = 1 };
        assemble_fails(dest, &o, "user \"Bad:name\"");
        hull_rootfs_user zero[] = { { "toor", 0, 0, NULL, NULL } };
        o.users = zero;
        assemble_fails(dest, &o, "uid 0 is root's");
        hull_rootfs_user twice[] = { { "a", 1000, 1000, NULL, NULL }, { "b", 1000, 1000, NULL, NULL } };
        o.users = twice;
        o.n_users = 2;
        assemble_fails(dest, &o, "given twice");
        /* a missing library fails with the chain */
        craft p = { .interp = INTERP, .needed = { "libgone.so.3" } };
        put("/usr/bin/broken", &p, 0755);
        char *broken[] = { "/usr/bin/broken", NULL };
        hull_rootfs_options ob = { .programs = broken };
        assemble_fails(dest, &ob, "/usr/bin/broken needs libgone.so.3: not found in ld.so.cache");
        /* the destination's own symlinks cannot send writes outside it */
        char d[512];
        snprintf(d, sizeof(d), "%s/usr", dest2);
        assert_int_equal(symlink(outside, d), 0);
        hull_rootfs_options o2 = { .programs = programs };
        assemble_fails(dest2, &o2, "/usr exists and is not a directory");
        char e[512];
        snprintf(e, sizeof(e), "%s/bin", outside);
        assert_int_equal(access(e, F_OK), -1);
        /* a host directory where the destination has a file, a fifo on the host */
        char fifo[512];
        snprintf(fifo, sizeof(fifo), "%s/opt/fifo", host);
        assert_int_equal(mkfifo(fifo, 0644), 0);
        int hfd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC), dfd = open(dest, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_error *err = NULL;
        assert_true(hull_rootfs_copy_path(hfd, dfd, "/opt/fifo", true, &err) < 0);
        assert_non_null(strstr(err->msg, "device, fifo or socket"));
        hull_error_free(err);
        close(hfd);
        close(dfd);
}

/* A destination that already has entries (an earlier result, changed):
 * files are replaced whole, a symlink where a file goes is replaced (never
 * followed), a directory where a file goes is refused. */
static void existing_entries(void **state) {
        char *const progs[] = { "/usr/bin/prog", NULL };
        hull_rootfs_options o = { .programs = progs, .no_etc = true };
        assemble_ok(dest, &o);
        char p[512], q[512];
        /* a stale, longer file */
        snprintf(p, sizeof(p), "%s" LIBDIR "/libc.so.6", dest);
        struct stat want, got;
        assert_int_equal(stat(p, &want), 0);
        assert_int_equal(unlink(p), 0);
        char junk[65536];
        memset(junk, 'x', sizeof(junk));
        assert_int_equal(write_file(p, junk, sizeof(junk), 0600), 0);
        /* a symlink to a file outside where a file goes */
        snprintf(q, sizeof(q), "%s/victim", outside);
        assert_int_equal(write_file(q, "keep", 4, 0644), 0);
        snprintf(p, sizeof(p), "%s" LIBDIR "/libfoo.so.1.2.3", dest);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(symlink(q, p), 0);
        assemble_ok(dest, &o);
        snprintf(p, sizeof(p), "%s" LIBDIR "/libc.so.6", dest);
        assert_int_equal(lstat(p, &got), 0);
        assert_int_equal(got.st_size, want.st_size);
        assert_int_equal(got.st_mode, want.st_mode);
        snprintf(p, sizeof(p), "%s" LIBDIR "/libfoo.so.1.2.3", dest);
        assert_int_equal(lstat(p, &got), 0);
        assert_true(S_ISREG(got.st_mode));
        assert_int_equal(got.st_mode & 07777, 0644);
        char *s = NULL;
        size_t len = 0;
        assert_int_equal(hull_read_file_at(AT_FDCWD, q, 0, &s, &len), 0);
        assert_string_equal(s, "keep");
        free(s);
        /* no temp files left */
        snprintf(p, sizeof(p), "%s" LIBDIR "/.libc.so.6.hull-tmp", dest);
        assert_int_equal(access(p, F_OK), -1);
        /* a directory where a file goes */
        snprintf(p, sizeof(p), "%s/usr/bin/prog", dest);
        assert_int_equal(unlink(p), 0);
        assert_int_equal(mkdir(p, 0755), 0);
        assemble_fails(dest, &o, "/usr/bin/prog exists and is a directory");
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(closure_and_etc, setup, teardown),
                cmocka_unit_test_setup_teardown(deterministic, setup, teardown),
                cmocka_unit_test_setup_teardown(no_etc_and_extras, setup, teardown),
                cmocka_unit_test_setup_teardown(refusals, setup, teardown),
                cmocka_unit_test_setup_teardown(existing_entries, setup, teardown),
        };
        return cmocka_run_group_tests_name("rootfs", tests, NULL, NULL);
}
