/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "util/error.h"

static void set_appends_strerror(void **state) {
        hull_error *e = NULL;
        assert_int_equal(hull_error_set(&e, ENOENT, "open %s", "x"), -ENOENT);
        assert_non_null(e);
        assert_string_equal(e->msg, "open x: No such file or directory");
        assert_int_equal(e->errnum, ENOENT);
        hull_error_free(e);
}

static void first_error_wins(void **state) {
        hull_error *e = NULL;
        hull_error_set_raw(&e, EINVAL, "first");
        hull_error_set_raw(&e, EPERM, "second");
        assert_string_equal(e->msg, "first");
        assert_int_equal(hull_error_code(e), -EINVAL);
        hull_error_free(e);
}

static void prefix_adds_context(void **state) {
        hull_error *e = NULL;
        hull_error_set_raw(&e, EIO, "inner");
        assert_int_equal(hull_error_prefix(&e, "outer %d", 1), -EIO);
        assert_string_equal(e->msg, "outer 1: inner");
        hull_error_free(e);
}

static void null_err_is_allowed(void **state) {
        assert_int_equal(hull_error_set(NULL, EPERM, "x"), -EPERM);
        assert_int_equal(hull_error_set_raw(NULL, 0, "x"), -1);
        errno = 42;
        hull_error *e = NULL;
        hull_error_set(&e, EPERM, "keeps errno");
        assert_int_equal(errno, 42);
        hull_error_free(e);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(set_appends_strerror),
                cmocka_unit_test(first_error_wins),
                cmocka_unit_test(prefix_adds_context),
                cmocka_unit_test(null_err_is_allowed),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
