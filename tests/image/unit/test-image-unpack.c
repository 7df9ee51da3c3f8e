/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Layer extraction: whiteouts, and one hostile layer per path-traversal
 * class; after each, nothing exists outside the root. */
#include "helpers.h"

#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "image/image.h"
#include "image/unpack.h"

static char *root, *outside;

static int setup(void **state) {
        root = th_mkdtemp("root");
        outside = th_mkdtemp("outside");
        return 0;
}

static int teardown(void **state) {
        th_rmtree(root);
        th_rmtree(outside);
        root = outside = NULL;
        return 0;
}

/* Extracts the tar; returns 0 or the error status (3, 4, 5...) or -1. */
static int unpack(th_tar *t, bool as_root, char **ret_msg) {
        size_t len;
        const char *data = th_tar_end(t, &len);
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(data, len);
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        assert_true(fd >= 0);
        hull_unpack_opts o = { .as_root = as_root };
        int r = hull_unpack_layer(fd, in, "test layer", &o, &err);
        close(fd);
        hull_istream_free(in);
        th_tar_free(t);
        if (ret_msg)
                *ret_msg = err ? strdup(err->msg) : NULL;
        int status = r < 0 ? (err && err->status ? err->status : -1) : 0;
        hull_error_free(err);
        return status;
}

static void assert_refused(th_tar *t, int status, const char *needle) {
        char *msg = NULL;
        int r = unpack(t, geteuid() == 0, &msg);
        if (r != status || !msg || !strstr(msg, needle))
                fail_msg("expected status %d and \"%s\", got %d \"%s\"", status, needle, r, msg ? msg : "");
        free(msg);
        assert_int_equal(th_count(outside), 0);
}

static void basic(void **state) {
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_DIR, "./", NULL, 0755);
        th_tar_add(&t, HULL_TAR_DIR, "./etc/", NULL, 0755);
        th_tar_add(&t, HULL_TAR_REG, "./etc/hostname", "box\n", 0644);
        th_tar_add(&t, HULL_TAR_REG, "deep/implicit/parents", "p", 0600);
        th_tar_add(&t, HULL_TAR_SYMLINK, "etc/link", "hostname", 0777);
        th_tar_add(&t, HULL_TAR_LINK, "etc/hard", "etc/hostname", 0644);
        th_tar_add(&t, HULL_TAR_FIFO, "fifo", NULL, 0640);
        th_tar_add(&t, HULL_TAR_REG, "suid", "x", 04755);
        /* A later entry replaces an earlier one, of another type too. */
        th_tar_add(&t, HULL_TAR_REG, "replaced", "file", 0644);
        th_tar_add(&t, HULL_TAR_DIR, "replaced", NULL, 0700);
        assert_int_equal(unpack(&t, false, NULL), 0);
        char *s = th_read(root, "etc/hostname");
        assert_string_equal(s, "box\n");
        free(s);
        s = th_read(root, "deep/implicit/parents");
        assert_string_equal(s, "p");
        free(s);
        char p[4096], l[64];
        snprintf(p, sizeof(p), "%s/etc/link", root);
        ssize_t n = readlink(p, l, sizeof(l));
        assert_int_equal(n, 8);
        struct stat a, b;
        snprintf(p, sizeof(p), "%s/etc/hard", root);
        assert_int_equal(stat(p, &a), 0);
        snprintf(p, sizeof(p), "%s/etc/hostname", root);
        assert_int_equal(stat(p, &b), 0);
        assert_int_equal(a.st_ino, b.st_ino);
        snprintf(p, sizeof(p), "%s/fifo", root);
        assert_int_equal(lstat(p, &a), 0);
        assert_true(S_ISFIFO(a.st_mode));
        assert_int_equal(a.st_mode & 07777, 0640);
        /* Not as root: no setuid bit. */
        snprintf(p, sizeof(p), "%s/suid", root);
        assert_int_equal(stat(p, &a), 0);
        assert_int_equal(a.st_mode & 07777, 0755);
        snprintf(p, sizeof(p), "%s/replaced", root);
        assert_int_equal(lstat(p, &a), 0);
        assert_true(S_ISDIR(a.st_mode));
}

static void setuid_and_devices_as_root(void **state) {
        if (geteuid() != 0) {
                print_message("# needs root: not run\n");
                return;
        }
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_REG, "suid", "x", 04755);
        hull_error *err = NULL;
        hull_tar_entry e = { .path = "null", .type = HULL_TAR_CHAR, .mode = 0666, .devmajor = 1, .devminor = 3, .uid = 12, .gid = 34 };
        assert_int_equal(hull_tar_write_header(t.w, &e, &err), 0);
        assert_int_equal(unpack(&t, true, NULL), 0);
        struct stat st;
        char p[4096];
        snprintf(p, sizeof(p), "%s/suid", root);
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_mode & 07777, 04755);
        snprintf(p, sizeof(p), "%s/null", root);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISCHR(st.st_mode));
        assert_int_equal(st.st_rdev, makedev(1, 3));
        assert_int_equal(st.st_uid, 12);
        assert_int_equal(st.st_gid, 34);
}

static void devices_skipped_unless_root(void **state) {
        th_tar t;
        th_tar_begin(&t);
        hull_error *err = NULL;
        hull_tar_entry e = { .path = "sda", .type = HULL_TAR_BLOCK_DEV, .mode = 0666, .devmajor = 8, .devminor = 0 };
        assert_int_equal(hull_tar_write_header(t.w, &e, &err), 0);
        assert_int_equal(unpack(&t, false, NULL), 0);
        assert_false(th_exists(root, "sda"));
}

static void whiteouts(void **state) {
        th_tar lower;
        th_tar_begin(&lower);
        th_tar_add(&lower, HULL_TAR_DIR, "a", NULL, 0755);
        th_tar_add(&lower, HULL_TAR_REG, "a/x", "x", 0644);
        th_tar_add(&lower, HULL_TAR_DIR, "a/sub", NULL, 0755);
        th_tar_add(&lower, HULL_TAR_REG, "a/sub/y", "y", 0644);
        th_tar_add(&lower, HULL_TAR_REG, "b", "b", 0644);
        th_tar_add(&lower, HULL_TAR_DIR, "d", NULL, 0755);
        th_tar_add(&lower, HULL_TAR_REG, "d/old", "old", 0644);
        th_tar_add(&lower, HULL_TAR_REG, "keep", "k", 0644);
        assert_int_equal(unpack(&lower, false, NULL), 0);

        th_tar upper;
        th_tar_begin(&upper);
        th_tar_add(&upper, HULL_TAR_REG, ".wh.b", "", 0);
        th_tar_add(&upper, HULL_TAR_DIR, "a", NULL, 0755);
        th_tar_add(&upper, HULL_TAR_REG, "a/.wh..wh..opq", "", 0);
        th_tar_add(&upper, HULL_TAR_REG, "a/new", "n", 0644);
        /* Entries of this layer that come before the opaque marker stay. */
        th_tar_add(&upper, HULL_TAR_DIR, "d", NULL, 0755);
        th_tar_add(&upper, HULL_TAR_REG, "d/+plus", "p", 0644);
        th_tar_add(&upper, HULL_TAR_REG, "d/.wh..wh..opq", "", 0);
        /* A whiteout never hides what its own layer made. */
        th_tar_add(&upper, HULL_TAR_REG, "mine", "m", 0644);
        th_tar_add(&upper, HULL_TAR_REG, ".wh.mine", "", 0);
        /* Whiteouts of missing things, AUFS metadata: no-ops. */
        th_tar_add(&upper, HULL_TAR_REG, ".wh.nothing", "", 0);
        th_tar_add(&upper, HULL_TAR_REG, "nodir/.wh.x", "", 0);
        th_tar_add(&upper, HULL_TAR_REG, ".wh..wh.plnk", "", 0);
        assert_int_equal(unpack(&upper, false, NULL), 0);

        assert_false(th_exists(root, "b"));
        assert_false(th_exists(root, ".wh.b"));
        assert_false(th_exists(root, "a/x"));
        assert_false(th_exists(root, "a/sub"));
        assert_false(th_exists(root, "a/.wh..wh..opq"));
        assert_true(th_exists(root, "a/new"));
        assert_false(th_exists(root, "d/old"));
        assert_true(th_exists(root, "d/+plus"));
        assert_true(th_exists(root, "mine"));
        assert_true(th_exists(root, "keep"));
        assert_false(th_exists(root, ".wh..wh.plnk"));
}

static void dotdot(void **state) {
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_REG, "../escape", "x", 0644);
        assert_refused(&t, HULL_IMAGE_EXIT_UNSAFE, "\"..\"");
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_DIR, "a", NULL, 0755);
        th_tar_add(&t, HULL_TAR_REG, "a/../../escape", "x", 0644);
        assert_refused(&t, HULL_IMAGE_EXIT_UNSAFE, "\"..\"");
}

static void absolute(void **state) {
        th_tar t;
        char p[4096];
        snprintf(p, sizeof(p), "%s/abs", outside);
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_REG, p, "x", 0644);
        assert_refused(&t, HULL_IMAGE_EXIT_UNSAFE, "absolute path");
}

static void symlink_then_file_through_it(void **state) {
        /* The symlink names the outside directory; the file through it
         * must not land there.  Resolved in the root, the path does not
         * exist: refused. */
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "link", outside, 0777);
        char p[4096];
        th_tar_add(&t, HULL_TAR_REG, "link/pwned", "x", 0644);
        char *msg = NULL;
        unpack(&t, false, &msg);
        free(msg);
        assert_int_equal(th_count(outside), 0);
        /* Relative climbing: "../../.." resolves to the root itself, so the
         * file lands inside. */
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_DIR, "etc", NULL, 0755);
        th_tar_add(&t, HULL_TAR_SYMLINK, "up", "../../../../../../..", 0777);
        th_tar_add(&t, HULL_TAR_REG, "up/etc/inside", "x", 0644);
        assert_int_equal(unpack(&t, false, NULL), 0);
        assert_true(th_exists(root, "etc/inside"));
        assert_int_equal(th_count(outside), 0);
        /* An absolute symlink to a directory that exists in the root. */
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "abs", "/etc", 0777);
        th_tar_add(&t, HULL_TAR_REG, "abs/through", "x", 0644);
        assert_int_equal(unpack(&t, false, NULL), 0);
        assert_true(th_exists(root, "etc/through"));
        snprintf(p, sizeof(p), "/etc/through");
        assert_false(access(p, F_OK) == 0);
}

static void hardlinks_outside(void **state) {
        th_write(outside, "secret", "s", 0600);
        char p[4096];
        snprintf(p, sizeof(p), "%s/secret", outside);
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_LINK, "hl", "../secret", 0644);
        char *msg = NULL;
        assert_int_equal(unpack(&t, false, &msg), HULL_IMAGE_EXIT_UNSAFE);
        assert_non_null(strstr(msg, "outside the root"));
        free(msg);
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_LINK, "hl", p, 0644);
        assert_int_equal(unpack(&t, false, NULL), HULL_IMAGE_EXIT_UNSAFE);
        /* Through a symlink to the outside directory: resolved in the root. */
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "out", outside, 0777);
        th_tar_add(&t, HULL_TAR_LINK, "hl", "out/secret", 0644);
        assert_int_equal(unpack(&t, false, NULL), HULL_IMAGE_EXIT_INVALID);
        /* To a symlink that points outside: the link is to the symlink. */
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "sym", p, 0777);
        th_tar_add(&t, HULL_TAR_LINK, "hl2", "sym", 0644);
        assert_int_equal(unpack(&t, false, NULL), 0);
        struct stat st;
        assert_int_equal(stat(p, &st), 0);
        assert_int_equal(st.st_nlink, 1);
        snprintf(p, sizeof(p), "%s/hl2", root);
        assert_int_equal(lstat(p, &st), 0);
        assert_true(S_ISLNK(st.st_mode));
        /* To a directory. */
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_DIR, "dir", NULL, 0755);
        th_tar_add(&t, HULL_TAR_LINK, "dl", "dir", 0644);
        assert_int_equal(unpack(&t, false, NULL), HULL_IMAGE_EXIT_INVALID);
        /* To nothing. */
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_LINK, "nl", "missing", 0644);
        assert_int_equal(unpack(&t, false, NULL), HULL_IMAGE_EXIT_INVALID);
        assert_int_equal(th_count(outside), 1);
}

static void symlink_loops(void **state) {
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "l1", "l2", 0777);
        th_tar_add(&t, HULL_TAR_SYMLINK, "l2", "l1", 0777);
        th_tar_add(&t, HULL_TAR_REG, "l1/x", "x", 0644);
        assert_refused(&t, HULL_IMAGE_EXIT_INVALID, "");
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "self", "self/self", 0777);
        th_tar_add(&t, HULL_TAR_REG, "self/x", "x", 0644);
        assert_refused(&t, HULL_IMAGE_EXIT_INVALID, "");
}

static void file_where_dir_expected(void **state) {
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_REG, "f", "x", 0644);
        th_tar_add(&t, HULL_TAR_REG, "f/x", "x", 0644);
        assert_refused(&t, HULL_IMAGE_EXIT_INVALID, "not a directory");
}

static void bad_whiteouts_and_root(void **state) {
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_REG, "a/.wh..", "", 0);
        assert_refused(&t, HULL_IMAGE_EXIT_UNSAFE, "invalid whiteout");
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_REG, ".wh.", "", 0);
        assert_refused(&t, HULL_IMAGE_EXIT_UNSAFE, "invalid whiteout");
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "./", outside, 0777);
        assert_refused(&t, HULL_IMAGE_EXIT_UNSAFE, "replace the root");
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_SYMLINK, "empty", "", 0777);
        assert_refused(&t, HULL_IMAGE_EXIT_INVALID, "empty target");
}

static void truncated_layer(void **state) {
        th_tar t;
        th_tar_begin(&t);
        th_tar_add(&t, HULL_TAR_REG, "big", "0123456789", 0644);
        size_t len;
        const char *data = th_tar_end(&t, &len);
        hull_error *err = NULL;
        hull_istream *in = hull_istream_mem_new(data, 520);
        int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_unpack_opts o = { 0 };
        assert_true(hull_unpack_layer(fd, in, "cut", &o, &err) < 0);
        assert_non_null(strstr(err->msg, "truncated"));
        assert_int_equal(err->status, HULL_IMAGE_EXIT_INVALID);
        hull_error_free(err);
        close(fd);
        hull_istream_free(in);
        th_tar_free(&t);
}

static void xattrs_round_trip(void **state) {
        /* Kept: user.* always, security.capability as root; trusted.* never. */
        th_write(outside, "f", "x", 0755);
        char p[4096];
        snprintf(p, sizeof(p), "%s/f", outside);
        if (setxattr(p, "user.k", "v1", 2, 0) < 0) {
                print_message("# no user xattrs on this file system: not run\n");
                unlink(p);
                return;
        }
        static const char cap[20] = { 1, 0, 0, 2, 0, 0x20 };
        bool as_root = geteuid() == 0;
        if (as_root) {
                assert_int_equal(setxattr(p, "security.capability", cap, sizeof(cap), 0), 0);
                assert_int_equal(setxattr(p, "trusted.no", "x", 1, 0), 0);
        }
        th_tar t;
        th_tar_begin(&t);
        hull_error *err = NULL;
        int fd = open(outside, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        hull_tar_dir_opts o = { 0 };
        assert_int_equal(hull_tar_write_dir(t.w, fd, &o, &err), 0);
        close(fd);
        unlink(p);
        assert_int_equal(unpack(&t, as_root, NULL), 0);
        char v[64];
        snprintf(p, sizeof(p), "%s/f", root);
        assert_int_equal(getxattr(p, "user.k", v, sizeof(v)), 2);
        assert_memory_equal(v, "v1", 2);
        if (as_root) {
                assert_int_equal(getxattr(p, "security.capability", v, sizeof(v)), (ssize_t) sizeof(cap));
                assert_memory_equal(v, cap, sizeof(cap));
                assert_int_equal(getxattr(p, "trusted.no", v, sizeof(v)), -1);
        }
}

static void clean_paths(void **state) {
        char *p;
        assert_int_equal(hull_unpack_clean_path("./a//b/./c/", &p), 0);
        assert_string_equal(p, "a/b/c");
        free(p);
        assert_int_equal(hull_unpack_clean_path(".", &p), 0);
        assert_string_equal(p, "");
        free(p);
        assert_int_equal(hull_unpack_clean_path("a/..b/c..", &p), 0);
        free(p);
        assert_int_equal(hull_unpack_clean_path("a/../b", &p), -EPERM);
        assert_int_equal(hull_unpack_clean_path("..", &p), -EPERM);
        assert_int_equal(hull_unpack_clean_path("/etc", &p), -EPERM);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(clean_paths),
                cmocka_unit_test_setup_teardown(basic, setup, teardown),
                cmocka_unit_test_setup_teardown(setuid_and_devices_as_root, setup, teardown),
                cmocka_unit_test_setup_teardown(devices_skipped_unless_root, setup, teardown),
                cmocka_unit_test_setup_teardown(whiteouts, setup, teardown),
                cmocka_unit_test_setup_teardown(dotdot, setup, teardown),
                cmocka_unit_test_setup_teardown(absolute, setup, teardown),
                cmocka_unit_test_setup_teardown(symlink_then_file_through_it, setup, teardown),
                cmocka_unit_test_setup_teardown(hardlinks_outside, setup, teardown),
                cmocka_unit_test_setup_teardown(symlink_loops, setup, teardown),
                cmocka_unit_test_setup_teardown(file_where_dir_expected, setup, teardown),
                cmocka_unit_test_setup_teardown(bad_whiteouts_and_root, setup, teardown),
                cmocka_unit_test_setup_teardown(truncated_layer, setup, teardown),
                cmocka_unit_test_setup_teardown(xattrs_round_trip, setup, teardown),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
