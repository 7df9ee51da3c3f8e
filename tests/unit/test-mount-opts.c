/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/mount.h>

#include <cmocka.h>

#include "runtime/mounts.h"

static void flags_and_data(void **state) {
        char *opts[] = { "nosuid", "noexec", "mode=755", "size=65536k", "ro", NULL };
        hull_mount_opts o;
        assert_int_equal(hull_mount_opts_parse(opts, &o), 0);
        assert_int_equal(o.flags, MS_NOSUID | MS_NOEXEC | MS_RDONLY);
        assert_string_equal(o.data, "mode=755,size=65536k");
        hull_mount_opts_done(&o);
}

static void later_option_wins(void **state) {
        char *opts[] = { "ro", "rw", "nosuid", "suid", NULL };
        hull_mount_opts o;
        assert_int_equal(hull_mount_opts_parse(opts, &o), 0);
        assert_int_equal(o.flags, 0);
        assert_int_equal(o.clear & MS_RDONLY, MS_RDONLY);
        assert_null(o.data);
        hull_mount_opts_done(&o);
}

static void propagation_and_recursive(void **state) {
        char *opts[] = { "rbind", "rprivate", "rro", "rnosuid", "tmpcopyup", NULL };
        hull_mount_opts o;
        assert_int_equal(hull_mount_opts_parse(opts, &o), 0);
        assert_int_equal(o.flags, MS_BIND | MS_REC);
        assert_int_equal(o.n_propagation, 1);
        assert_int_equal(o.propagation[0], MS_PRIVATE | MS_REC);
        assert_int_equal(o.attr_set, 0x1 | 0x2);
        assert_true(o.tmpcopyup);
        hull_mount_opts_done(&o);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(flags_and_data),
                cmocka_unit_test(later_option_wins),
                cmocka_unit_test(propagation_and_recursive),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
