/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "runtime/runtime.h"

static void names_and_numbers(void **state) {
        assert_int_equal(hull_signal_from_string("TERM"), SIGTERM);
        assert_int_equal(hull_signal_from_string("SIGTERM"), SIGTERM);
        assert_int_equal(hull_signal_from_string("sigkill"), SIGKILL);
        assert_int_equal(hull_signal_from_string("9"), 9);
        assert_int_equal(hull_signal_from_string("USR1"), SIGUSR1);
        assert_int_equal(hull_signal_from_string("RTMIN+2"), SIGRTMIN + 2);
        assert_int_equal(hull_signal_from_string("RTMAX-1"), SIGRTMAX - 1);
        assert_int_equal(hull_signal_from_string("NOPE"), -1);
        assert_int_equal(hull_signal_from_string("0"), -1);
        assert_int_equal(hull_signal_from_string("99"), -1);
        assert_int_equal(hull_signal_from_string("9x"), -1);
        assert_int_equal(hull_signal_from_string(""), -1);
}

static void container_ids(void **state) {
        assert_true(hull_container_id_valid("abc-1_2.3+x"));
        assert_false(hull_container_id_valid(""));
        assert_false(hull_container_id_valid("."));
        assert_false(hull_container_id_valid(".."));
        assert_false(hull_container_id_valid("a/b"));
        assert_false(hull_container_id_valid("a b"));
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(names_and_numbers),
                cmocka_unit_test(container_ids),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
