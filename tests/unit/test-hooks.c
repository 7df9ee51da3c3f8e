/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Hooks run real programs: the state on stdin, exit status, timeout. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/container.h"
#include "util/fs.h"

static hull_spec *spec_with_hook(const char *script, int timeout) {
        char json[2048];
        snprintf(json, sizeof(json),
                 "{\"ociVersion\":\"1.0.2\",\"root\":{\"path\":\"r\"},\"hooks\":{\"poststart\":[{\"path\":\"/bin/sh\",\"args\":[\"sh\",\"-c\",\"%s\"]%s%d}]}}",
                 script, timeout ? ",\"timeout\":" : ",\"x\":", timeout);
        hull_spec *s = NULL;
        hull_error *err = NULL;
        if (hull_spec_parse(json, strlen(json), "config.json", &s, &err) < 0)
                fail_msg("%s", err->msg);
        return s;
}

static void state_reaches_stdin(void **state) {
        char out[] = "/tmp/hull-hook-test.XXXXXX";
        int fd = mkstemp(out);
        assert_true(fd >= 0);
        close(fd);
        char script[512];
        snprintf(script, sizeof(script), "cat > %s", out);
        hull_spec *s = spec_with_hook(script, 0);
        hull_error *err = NULL;
        assert_int_equal(hull_hooks_run(s, HULL_HOOK_POSTSTART, "{\"id\":1}", &err), 0);
        char *text = NULL;
        assert_int_equal(hull_read_file_at(-100, out, 0, &text, NULL), 0);
        assert_non_null(strstr(text, "id"));
        free(text);
        unlink(out);
        hull_spec_free(s);
}

static void failure_reports_status_and_output(void **state) {
        hull_spec *s = spec_with_hook("echo broken >&2; exit 3", 0);
        hull_error *err = NULL;
        assert_true(hull_hooks_run(s, HULL_HOOK_POSTSTART, "{}", &err) < 0);
        assert_non_null(strstr(err->msg, "poststart hook 0 (/bin/sh) failed with exit status 3: broken"));
        hull_error_free(err);
        hull_spec_free(s);
}

static void timeout_kills(void **state) {
        hull_spec *s = spec_with_hook("sleep 30", 1);
        hull_error *err = NULL;
        assert_true(hull_hooks_run(s, HULL_HOOK_POSTSTART, "{}", &err) < 0);
        assert_non_null(strstr(err->msg, "timed out after 1 seconds"));
        hull_error_free(err);
        hull_spec_free(s);
}

static void hook_ignoring_stdin_is_fine(void **state) {
        hull_spec *s = spec_with_hook("exec 0<&-; true", 0);
        hull_error *err = NULL;
        char big[8192];
        memset(big, 'x', sizeof(big) - 1);
        big[sizeof(big) - 1] = 0;
        assert_int_equal(hull_hooks_run(s, HULL_HOOK_POSTSTART, big, &err), 0);
        hull_spec_free(s);
}

int main(void) {
        signal(SIGPIPE, SIG_IGN);
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(state_reaches_stdin),
                cmocka_unit_test(failure_reports_status_and_output),
                cmocka_unit_test(timeout_kills),
                cmocka_unit_test(hook_ignoring_stdin_is_fine),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
