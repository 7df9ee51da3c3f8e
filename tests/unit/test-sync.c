/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "runtime/sync.h"

static void message_round_trip_with_fd(void **state) {
        int sp[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        int p[2];
        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(hull_sync_send(sp[0], HULL_SYNC_PTY, 0, 7, "hello", p[1]), 0);
        hull_sync_msg m;
        int fd = -1;
        assert_int_equal(hull_sync_recv(sp[1], &m, &fd), 0);
        assert_int_equal(m.type, HULL_SYNC_PTY);
        assert_int_equal(m.status, 7);
        assert_string_equal(m.text, "hello");
        assert_true(fd >= 0);
        assert_int_equal(write(fd, "x", 1), 1);
        char c;
        assert_int_equal(read(p[0], &c, 1), 1);
        assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
        close(fd), close(p[0]), close(p[1]), close(sp[0]), close(sp[1]);
}

static void error_message_becomes_error(void **state) {
        int sp[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        hull_error *in = NULL;
        hull_error_set_raw(&in, ENOENT, "exec: \"x\": executable file not found in $PATH");
        in->status = 127;
        assert_int_equal(hull_sync_send_error(sp[0], in), 0);
        hull_error *out = NULL;
        assert_true(hull_sync_expect(sp[1], HULL_SYNC_READY, "create", NULL, NULL, &out) < 0);
        assert_string_equal(out->msg, in->msg);
        assert_int_equal(out->status, 127);
        assert_int_equal(out->errnum, ENOENT);
        hull_error_free(in);
        hull_error_free(out);
        close(sp[0]), close(sp[1]);
}

static void eof_names_the_step(void **state) {
        int sp[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        close(sp[0]);
        hull_error *out = NULL;
        assert_int_equal(hull_sync_expect(sp[1], HULL_SYNC_READY, "create", NULL, NULL, &out), -EPIPE);
        assert_non_null(strstr(out->msg, "create: the container process exited unexpectedly"));
        hull_error_free(out);
        close(sp[1]);
}

static void wrong_type_is_protocol_error(void **state) {
        int sp[2];
        assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp), 0);
        assert_int_equal(hull_sync_send(sp[0], HULL_SYNC_GO, 0, 0, NULL, -1), 0);
        hull_error *out = NULL;
        assert_int_equal(hull_sync_expect(sp[1], HULL_SYNC_READY, "create", NULL, NULL, &out), -EPROTO);
        hull_error_free(out);
        close(sp[0]), close(sp[1]);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(message_round_trip_with_fd),
                cmocka_unit_test(error_message_becomes_error),
                cmocka_unit_test(eof_names_the_step),
                cmocka_unit_test(wrong_type_is_protocol_error),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
