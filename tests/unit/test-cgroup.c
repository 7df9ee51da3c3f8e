/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Resolving cgroup paths on this host; creating and removing a real cgroup
 * with limits (as root). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/cgroup.h"
#include "util/fs.h"

static void default_path_is_per_id(void **state) {
        hull_cgroup *cg = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_cgroup_resolve(NULL, "abc", &cg, &err), 0);
        assert_string_equal(cg->path, "/hull/abc");
        for (size_t i = 0; i < cg->n; i++) {
                assert_non_null(strstr(cg->h[i].dir, "/hull/abc"));
                assert_true(strncmp(cg->h[i].dir, cg->h[i].mountpoint, strlen(cg->h[i].mountpoint)) == 0);
        }
        hull_cgroup_free(cg);
}

static void dotdot_refused(void **state) {
        hull_cgroup *cg = NULL;
        hull_error *err = NULL;
        assert_true(hull_cgroup_resolve("/a/../../etc", "x", &cg, &err) < 0);
        assert_non_null(strstr(err->msg, "linux.cgroupsPath"));
        hull_error_free(err);
}

static void create_limit_destroy(void **state) {
        if (geteuid() != 0 || hull_cgroup_detect_mode() == HULL_CGROUP_NONE)
                skip();
        char path[64];
        snprintf(path, sizeof(path), "/hull-unit-%d/c", (int) getpid());
        hull_cgroup *cg = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_cgroup_resolve(path, "c", &cg, &err), 0);
        hull_spec_resources res;
        memset(&res, 0, sizeof(res));
        res.memory_limit = res.memory_reservation = res.memory_swap = res.memory_swappiness = -1;
        res.cpu_shares = res.cpu_quota = res.cpu_period = res.cpu_burst = res.cpu_rt_runtime = res.cpu_rt_period = -1;
        res.memory_limit = 64 << 20;
        res.has_pids_limit = true;
        res.pids_limit = 42;
        if (hull_cgroup_create(cg, &res, HULL_CGROUP_CREATE_ALL, &err) < 0)
                fail_msg("%s", err->msg);
        bool saw_pids = false;
        for (size_t i = 0; i < cg->n; i++) {
                struct stat st;
                assert_int_equal(stat(cg->h[i].dir, &st), 0);
                if (!cg->h[i].v2 && strstr(cg->h[i].controllers, "pids")) {
                        char f[512], *text = NULL;
                        snprintf(f, sizeof(f), "%s/pids.max", cg->h[i].dir);
                        assert_int_equal(hull_read_file_at(AT_FDCWD, f, 0, &text, NULL), 0);
                        assert_string_equal(text, "42\n");
                        free(text);
                        saw_pids = true;
                }
        }
        if (hull_cgroup_detect_mode() != HULL_CGROUP_V2)
                assert_true(saw_pids);
        assert_int_equal(hull_cgroup_destroy(cg, true, &err), 0);
        for (size_t i = 0; i < cg->n; i++) {
                struct stat st;
                assert_int_not_equal(stat(cg->h[i].dir, &st), 0);
                /* and the parent we made */
                char parent[512];
                snprintf(parent, sizeof(parent), "%s", cg->h[i].dir);
                *strrchr(parent, '/') = 0;
                rmdir(parent);
        }
        hull_cgroup_free(cg);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(default_path_is_per_id),
                cmocka_unit_test(dotdot_refused),
                cmocka_unit_test(create_limit_destroy),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
