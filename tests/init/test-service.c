/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unit tests of hull-init's service file parser, signal names, durations,
 * addresses and user look-up (src/init). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "address.h"
#include "service.h"
#include "signals.h"
#include "user.h"
#include "util.h"

static int parse(struct svc_set *set, const char *text, const char *name, struct svc_error *err) {
        return svc_parse(set, "t.conf", text, strlen(text), name, err);
}

/* Parses and validates text; returns the first error message or "". */
static const char *error_of(const char *text, const char *name) {
        static struct svc_error err;
        struct svc_set set = { 0 };
        err.msg[0] = '\0';
        if (parse(&set, text, name, &err) == 0)
                svc_validate(&set, &err);
        svc_set_free(&set);
        return err.msg;
}

static void test_full_file(void **state) {
        struct svc_set set = { 0 };
        struct svc_error err;
        const char *text =
                "# two services\n"
                "[db]\n"
                "command = /usr/bin/db --data '/var/lib/my db' \"a \\\"b\\\"\"\n"
                "ready = unix /run/db.sock\n"
                "restart = on-failure\n"
                "restart-delay = 250ms\n"
                "restart-delay-max = 2s\n"
                "restart-limit = 3\n"
                "stop-signal = SIGINT\n"
                "grace = 1.5\n"
                "\n"
                "[web]\r\n"
                "  command=web\r\n"
                "after-ready = db\n"
                "env = A=1\n"
                "env = B=x=y\n"
                "directory = /srv\n"
                "main = yes\n"
                "prefix = no\n"
                "process-group = yes\n"
                "ready = tcp 127.0.0.1:8080\n";
        assert_int_equal(parse(&set, text, NULL, &err), 0);
        assert_int_equal(svc_validate(&set, &err), 0);
        assert_int_equal(set.n, 2);

        struct svc_conf *db = &set.v[0], *web = &set.v[1];
        assert_string_equal(db->name, "db");
        assert_int_equal(strv_len(db->argv), 4);
        assert_string_equal(db->argv[2], "/var/lib/my db");
        assert_string_equal(db->argv[3], "a \"b\"");
        assert_int_equal(db->ready, READY_UNIX);
        assert_string_equal(db->ready_addr, "/run/db.sock");
        assert_int_equal(db->restart, RESTART_ON_FAILURE);
        assert_int_equal(db->delay_ms, 250);
        assert_int_equal(db->delay_max_ms, 2000);
        assert_int_equal(db->limit, 3);
        assert_int_equal(db->stop_signal, 2);
        assert_int_equal(db->grace_ms, 1500);
        assert_int_equal(db->line, 2);

        assert_string_equal(web->argv[0], "web");
        assert_int_equal(web->ndeps, 1);
        assert_true(web->deps[0].ready);
        assert_int_equal(web->deps[0].index, 0);
        assert_string_equal(web->env[1], "B=x=y");
        assert_string_equal(web->dir, "/srv");
        assert_true(web->main);
        assert_int_equal(web->prefix, 0);
        assert_int_equal(web->group, 1);
        assert_int_equal(web->ready, READY_TCP);

        /* dependencies first */
        assert_int_equal(set.order[0], 0);
        assert_int_equal(set.order[1], 1);
        svc_set_free(&set);
}

static void test_directory_file(void **state) {
        struct svc_set set = { 0 };
        struct svc_error err;
        assert_int_equal(parse(&set, "command = sleep 1\nready = fd 3\n", "sleeper", &err), 0);
        assert_int_equal(set.n, 1);
        assert_string_equal(set.v[0].name, "sleeper");
        assert_int_equal(set.v[0].ready, READY_FD);
        assert_int_equal(set.v[0].ready_fd, 3);
        assert_int_equal(set.v[0].restart, RESTART_NO);
        assert_int_equal(set.v[0].limit, 5);
        svc_set_free(&set);
}

static void test_words(void **state) {
        const char *why = NULL;
        char **w = svc_split_words("  a\\ b 'c d' \"e\\\\f\" '' g\\'h", &why);
        assert_non_null(w);
        assert_int_equal(strv_len(w), 5);
        assert_string_equal(w[0], "a b");
        assert_string_equal(w[1], "c d");
        assert_string_equal(w[2], "e\\f");
        assert_string_equal(w[3], "");
        assert_string_equal(w[4], "g'h");
        strv_free(w);

        assert_null(svc_split_words("a 'b", &why));
        assert_string_equal(why, "unterminated ' quote");
        assert_null(svc_split_words("a \"b", &why));
        assert_string_equal(why, "unterminated \" quote");
        assert_null(svc_split_words("a \\", &why));
        assert_null(svc_split_words("   ", &why));
        assert_string_equal(why, "empty command");
}

static void test_errors(void **state) {
        static const struct {
                const char *text, *name, *want;
        } cases[] = {
                { "[a]\ncommand = x\nbogus = 1\n", NULL, "t.conf:3: unknown key 'bogus'" },
                { "[a]\ncommand x\n", NULL, "t.conf:2: expected KEY = VALUE" },
                { "command = x\n", NULL, "t.conf:1: a key before the first [NAME] section" },
                { "[a b]\n", NULL, "t.conf:1: 'a b' is not a service name" },
                { "[a\n", NULL, "t.conf:1: expected [NAME]" },
                { "# nothing\n", NULL, "t.conf:1: no [NAME] section: the file defines no service" },
                { "[a]\ncommand = x\ncommand = y\n", NULL, "t.conf:3: 'command' is already set on line 2" },
                { "[a]\ncommand = x\nrestart = sometimes\n", NULL,
                  "t.conf:3: restart: expected no, on-failure or always, not 'sometimes'" },
                { "[a]\ncommand = x\ngrace = soon\n", NULL, "t.conf:3: grace: 'soon' is not a duration" },
                { "[a]\ncommand = x\nstop-signal = SIGFOO\n", NULL, "t.conf:3: stop-signal: 'SIGFOO' is not a signal" },
                { "[a]\ncommand = x\nready = fd 2\n", NULL, "t.conf:3: ready: fd must be a number from 3 to 1023" },
                { "[a]\ncommand = x\nready = tcp 99999\n", NULL, "t.conf:3: ready: '99999' is not PORT" },
                { "[a]\ncommand = x\nready = unix rel.sock\n", NULL, "t.conf:3: ready: 'rel.sock' is not an absolute" },
                { "[a]\ncommand = x\nready = soon\n", NULL, "t.conf:3: ready: expected none, exit" },
                { "[a]\ncommand = 'x\n", NULL, "t.conf:2: command: unterminated ' quote" },
                { "[a]\ncommand =\n", NULL, "t.conf:2: 'command' needs a value" },
                { "[a]\ncommand = x\nmain = maybe\n", NULL, "t.conf:3: main: expected yes or no, not 'maybe'" },
                { "[a]\ncommand = x\nenv = =x\n", NULL, "t.conf:3: env: expected NAME=VALUE" },
                { "[a]\ncommand = x\ndirectory = srv\n", NULL, "t.conf:3: directory must be an absolute path" },
                { "[a]\ncommand = x\nrestart-limit = -1\n", NULL, "t.conf:3: restart-limit: '-1' is not a number" },
                { "[a]\ncommand = x\nafter = b\n", NULL, "t.conf:3: unknown service 'b'" },
                { "[a]\ncommand = x\nafter = a\n", NULL, "t.conf:3: service 'a' depends on itself" },
                { "[a]\nafter = b\n[b]\ncommand = y\n", NULL, "t.conf:1: service 'a' has no command" },
                { "[a]\ncommand = x\n[a]\ncommand = y\n", NULL, "t.conf:3: service 'a' is already defined at t.conf:1" },
                { "[a]\ncommand = x\nmain = yes\n[b]\ncommand = y\nmain = yes\n", NULL,
                  "t.conf:6: 'a' and 'b' are both the main service" },
                { "[a]\ncommand = x\nafter = c\n[b]\ncommand = y\nafter-ready = a\n[c]\ncommand = z\nafter = b\n", NULL,
                  "dependency cycle: a -> c -> b -> a" },
                { "[a]\ncommand = x\nrestart-delay = 5s\nrestart-delay-max = 1s\n", NULL,
                  "t.conf:4: restart-delay-max is shorter than restart-delay" },
                { "[a]\ncommand = x\n", "web", "t.conf:1: a file of a service directory has no [section]" },
                { "command = x\n", "bad name", "t.conf:1: 'bad name' is not a service name" },
        };
        for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
                const char *got = error_of(cases[i].text, cases[i].name);
                if (!strstr(got, cases[i].want))
                        fail_msg("case %zu: got \"%s\", want \"%s\"", i, got, cases[i].want);
        }
}

static void test_nul_byte(void **state) {
        struct svc_set set = { 0 };
        struct svc_error err;
        const char text[] = "[a]\ncommand = x\0y\n";
        assert_int_equal(svc_parse(&set, "t.conf", text, sizeof(text) - 1, NULL, &err), -1);
        assert_string_equal(err.msg, "t.conf:2: NUL byte");
        assert_int_equal(set.n, 0);
        svc_set_free(&set);
}

static void test_signals(void **state) {
        char buf[16];
        assert_int_equal(sig_parse("TERM", false), 15);
        assert_int_equal(sig_parse("sigterm", false), 15);
        assert_int_equal(sig_parse("9", false), 9);
        assert_int_equal(sig_parse("RTMIN", false), 34);
        assert_int_equal(sig_parse("RTMIN+3", false), 37);
        assert_int_equal(sig_parse("RTMAX-1", false), 63);
        assert_int_equal(sig_parse("0", false), -1);
        assert_int_equal(sig_parse("0", true), 0);
        assert_int_equal(sig_parse("65", false), -1);
        assert_int_equal(sig_parse("RTMIN-1", false), -1);
        assert_int_equal(sig_parse("", false), -1);
        assert_string_equal(sig_name(15, buf, sizeof(buf)), "TERM");
        assert_string_equal(sig_name(36, buf, sizeof(buf)), "RTMIN+2");
        assert_string_equal(sig_name(33, buf, sizeof(buf)), "33");
}

static void test_durations(void **state) {
        uint64_t ms;
        assert_int_equal(parse_duration("10", &ms), 0);
        assert_int_equal(ms, 10000);
        assert_int_equal(parse_duration("1.5", &ms), 0);
        assert_int_equal(ms, 1500);
        assert_int_equal(parse_duration("250ms", &ms), 0);
        assert_int_equal(ms, 250);
        assert_int_equal(parse_duration("2s", &ms), 0);
        assert_int_equal(ms, 2000);
        assert_int_equal(parse_duration("1m", &ms), 0);
        assert_int_equal(ms, 60000);
        assert_int_equal(parse_duration("0", &ms), 0);
        assert_int_equal(ms, 0);
        assert_int_equal(parse_duration("", &ms), -1);
        assert_int_equal(parse_duration("x", &ms), -1);
        assert_int_equal(parse_duration("5h", &ms), -1);
        assert_int_equal(parse_duration("99999999999999999999", &ms), -1);
}

static void test_addresses(void **state) {
        struct tcp_addr a;
        assert_int_equal(tcp_addr_parse("8080", &a), 0);
        assert_int_equal(a.ss.ss_family, AF_INET);
        assert_int_equal(tcp_addr_parse("10.0.0.1:80", &a), 0);
        assert_int_equal(tcp_addr_parse("localhost:80", &a), 0);
        assert_int_equal(tcp_addr_parse("[::1]:80", &a), 0);
        assert_int_equal(a.ss.ss_family, AF_INET6);
        assert_int_equal(tcp_addr_parse("example.com:80", &a), -1);
        assert_int_equal(tcp_addr_parse("::1:80", &a), -1);
        assert_int_equal(tcp_addr_parse("1.2.3.4:0", &a), -1);
        assert_int_equal(tcp_addr_parse("[::1]80", &a), -1);
}

static void write_tmp(char *path, const char *text) {
        int fd = mkstemp(path);
        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t) strlen(text));
        close(fd);
}

static void test_users(void **state) {
        char passwd[] = "/tmp/hull-init-passwd.XXXXXX", group[] = "/tmp/hull-init-group.XXXXXX";
        struct user_ids ids;
        const char *why;
        write_tmp(passwd, "root:x:0:0:root:/root:/bin/sh\nweb:x:100:101::/srv:/bin/false\nbroken\n");
        write_tmp(group, "root:x:0:\nweb:x:101:\nlog:x:200:web,other\nadm:x:4:other\n");

        assert_int_equal(user_resolve("web", passwd, group, &ids, &why), 0);
        assert_int_equal(ids.uid, 100);
        assert_int_equal(ids.gid, 101);
        assert_int_equal(ids.ngroups, 2);
        assert_int_equal(ids.groups[0], 101);
        assert_int_equal(ids.groups[1], 200);
        free(ids.groups);

        assert_int_equal(user_resolve("web:adm", passwd, group, &ids, &why), 0);
        assert_int_equal(ids.gid, 4);
        free(ids.groups);

        assert_int_equal(user_resolve("1234", passwd, group, &ids, &why), 0);
        assert_int_equal(ids.uid, 1234);
        assert_int_equal(ids.gid, 0);
        free(ids.groups);

        assert_int_equal(user_resolve("1234:55", passwd, group, &ids, &why), 0);
        assert_int_equal(ids.gid, 55);
        free(ids.groups);

        assert_int_equal(user_resolve("nobody-here", passwd, group, &ids, &why), -1);
        assert_string_equal(why, "no such user in /etc/passwd");
        assert_int_equal(user_resolve("web:nogroup", passwd, group, &ids, &why), -1);
        assert_string_equal(why, "no such group in /etc/group");
        unlink(passwd);
        unlink(group);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_full_file), cmocka_unit_test(test_directory_file),
                cmocka_unit_test(test_words),     cmocka_unit_test(test_errors),
                cmocka_unit_test(test_nul_byte),  cmocka_unit_test(test_signals),
                cmocka_unit_test(test_durations), cmocka_unit_test(test_addresses),
                cmocka_unit_test(test_users),
        };
        return cmocka_run_group_tests_name("init-service", tests, NULL, NULL);
}
