/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "util/fs.h"

static char tmp[256];
static char outside[256];

static int setup(void **state) {
        snprintf(tmp, sizeof(tmp), "/tmp/hull-test-fs.XXXXXX");
        snprintf(outside, sizeof(outside), "/tmp/hull-test-out.XXXXXX");
        if (!mkdtemp(tmp) || !mkdtemp(outside))
                return -1;
        return 0;
}

static int teardown(void **state) {
        hull_rm_rf_at(AT_FDCWD, tmp);
        hull_rm_rf_at(AT_FDCWD, outside);
        return 0;
}

static int rootfd(void) {
        int fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        return fd;
}

static void mkpath_creates_dirs_and_file(void **state) {
        int r = rootfd();
        int fd = hull_mkpath_in_root(r, "/a/b/c", 0755, false);
        assert_true(fd >= 0);
        close(fd);
        fd = hull_mkpath_in_root(r, "/a/b/file", 0755, true);
        assert_true(fd >= 0);
        close(fd);
        char p[512];
        struct stat st;
        snprintf(p, sizeof(p), "%s/a/b/c", tmp);
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISDIR(st.st_mode));
        snprintf(p, sizeof(p), "%s/a/b/file", tmp);
        assert_int_equal(stat(p, &st), 0);
        assert_true(S_ISREG(st.st_mode));
        close(r);
}

static void absolute_symlink_stays_in_root(void **state) {
        int r = rootfd();
        char link[512], target[512];
        snprintf(link, sizeof(link), "%s/evil", tmp);
        assert_int_equal(symlink(outside, link), 0);
        int fd = hull_mkpath_in_root(r, "/evil/sub", 0755, false);
        if (fd >= 0)
                close(fd);
        /* Whatever happened, nothing was created in the real target. */
        snprintf(target, sizeof(target), "%s/sub", outside);
        assert_int_not_equal(access(target, F_OK), 0);
        close(r);
}

static void relative_escape_stays_in_root(void **state) {
        int r = rootfd();
        char link[512], target[512];
        snprintf(link, sizeof(link), "%s/up", tmp);
        assert_int_equal(symlink("../../../../../../../../tmp", link), 0);
        const char *base = strrchr(outside, '/') + 1;
        char rel[512];
        snprintf(rel, sizeof(rel), "/up/%s/x", base);
        int fd = hull_mkpath_in_root(r, rel, 0755, false);
        if (fd >= 0)
                close(fd);
        snprintf(target, sizeof(target), "%s/x", outside);
        assert_int_not_equal(access(target, F_OK), 0);
        close(r);
}

static void open_in_root_resolves_like_chroot(void **state) {
        int r = rootfd();
        char p[512];
        snprintf(p, sizeof(p), "%s/etc", tmp);
        mkdir(p, 0755);
        snprintf(p, sizeof(p), "%s/etc/hostname", tmp);
        FILE *f = fopen(p, "w");
        fputs("inside", f);
        fclose(f);
        snprintf(p, sizeof(p), "%s/link", tmp);
        assert_int_equal(symlink("/etc/hostname", p), 0);
        int fd = hull_open_in_root(r, "/link", O_RDONLY, 0);
        assert_true(fd >= 0);
        char buf[32] = { 0 };
        assert_int_equal(read(fd, buf, sizeof(buf) - 1), 6);
        assert_string_equal(buf, "inside");
        close(fd);
        close(r);
}

static void write_atomic_and_read(void **state) {
        int r = rootfd();
        hull_error *err = NULL;
        assert_int_equal(hull_write_atomic_at(r, "state.json", "{}", 2, 0600, 0, &err), 0);
        assert_int_equal(hull_write_atomic_at(r, "state.json", "{\"a\":1}", 7, 0600, HULL_WRITE_DURABLE, &err), 0);
        char *text = NULL;
        size_t len = 0;
        assert_int_equal(hull_read_file_at(r, "state.json", 0, &text, &len), 0);
        assert_int_equal(len, 7);
        assert_string_equal(text, "{\"a\":1}");
        free(text);
        /* no temp file left */
        assert_int_not_equal(faccessat(r, ".state.json.tmp", F_OK, 0), 0);
        close(r);
}

static void rm_rf_does_not_follow_symlinks(void **state) {
        char p[512], keep[512];
        snprintf(keep, sizeof(keep), "%s/keep", outside);
        FILE *f = fopen(keep, "w");
        fclose(f);
        snprintf(p, sizeof(p), "%s/tree/sub", tmp);
        assert_int_equal(hull_mkdir_p_at(AT_FDCWD, p, 0755), 0);
        snprintf(p, sizeof(p), "%s/tree/sub/link", tmp);
        assert_int_equal(symlink(outside, p), 0);
        snprintf(p, sizeof(p), "%s/tree", tmp);
        assert_int_equal(hull_rm_rf_at(AT_FDCWD, p), 0);
        assert_int_not_equal(access(p, F_OK), 0);
        assert_int_equal(access(keep, F_OK), 0);
}

static void read_file_limit(void **state) {
        int r = rootfd();
        hull_error *err = NULL;
        assert_int_equal(hull_write_atomic_at(r, "big", "0123456789", 10, 0600, 0, &err), 0);
        char *text = NULL;
        assert_int_equal(hull_read_file_at(r, "big", 4, &text, NULL), -EFBIG);
        assert_int_equal(hull_read_file_at(r, "missing", 0, &text, NULL), -ENOENT);
        close(r);
}

/* /proc/PID/stat by field number, with a command that has spaces and
 * parentheses (this test's own comm, set below). */
static void proc_stat_fields(void **state) {
        (void) state;
        assert_int_equal(prctl(PR_SET_NAME, "a) (b c", 0, 0, 0), 0);
        char st = 0;
        unsigned long long v[23];
        assert_int_equal(hull_proc_stat(0, &st, v, 23), 23);
        assert_int_equal(st, 'R');
        assert_int_equal(v[4], (unsigned long long) getppid()); /* ppid */
        assert_int_equal(v[5], (unsigned long long) getpgrp()); /* pgrp */
        unsigned long long w[23];
        assert_int_equal(hull_proc_stat(getpid(), NULL, w, 23), 23);
        assert_int_equal(w[22], v[22]); /* starttime */
        unsigned long long all[64];
        int n = hull_proc_stat(0, NULL, all, 64);
        assert_true(n >= 52 && n < 64); /* fields up to 52 since Linux 3.5 */
        assert_int_equal(all[n], 0);     /* nothing past the last */
        assert_int_equal(hull_proc_stat(999999999, NULL, v, 23), -ENOENT);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test_setup_teardown(mkpath_creates_dirs_and_file, setup, teardown),
                cmocka_unit_test_setup_teardown(absolute_symlink_stays_in_root, setup, teardown),
                cmocka_unit_test_setup_teardown(relative_escape_stays_in_root, setup, teardown),
                cmocka_unit_test_setup_teardown(open_in_root_resolves_like_chroot, setup, teardown),
                cmocka_unit_test_setup_teardown(write_atomic_and_read, setup, teardown),
                cmocka_unit_test_setup_teardown(rm_rf_does_not_follow_symlinks, setup, teardown),
                cmocka_unit_test_setup_teardown(read_file_limit, setup, teardown),
                cmocka_unit_test(proc_stat_fields),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
