/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/strv.h"

static void push_and_copy(void **state) {
        char **v = NULL;
        assert_int_equal(hull_strv_push(&v, "a"), 0);
        assert_int_equal(hull_strv_push(&v, "b"), 0);
        assert_int_equal(hull_strv_length(v), 2);
        char **c = hull_strv_copy(v);
        assert_string_equal(c[1], "b");
        assert_null(c[2]);
        assert_true(hull_strv_contains(c, "a"));
        assert_false(hull_strv_contains(c, "z"));
        hull_strv_free(v);
        hull_strv_free(c);
}

static void env_set_replaces(void **state) {
        char **env = NULL;
        hull_env_set(&env, "PATH=/bin");
        hull_env_set(&env, "HOME=/root");
        hull_env_set(&env, "PATH=/usr/bin");
        assert_int_equal(hull_strv_length(env), 2);
        assert_string_equal(hull_env_get(env, "PATH"), "/usr/bin");
        assert_string_equal(hull_env_get(env, "HOME"), "/root");
        assert_null(hull_env_get(env, "PAT"));
        hull_strv_free(env);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(push_and_copy),
                cmocka_unit_test(env_set_replaces),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
