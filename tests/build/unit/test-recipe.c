/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Hullfile parser: each instruction, continuations, the escape
 * directive, quotes, variable substitution, JSON and shell forms, and every
 * error with its line and column. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "build/recipe.h"
#include "image/image.h"
#include "util/strv.h"

static hull_recipe *parse_args(const char *text, char *const *build_args) {
        hull_recipe *r = NULL;
        hull_error *err = NULL;
        int k = hull_recipe_parse(text, strlen(text), "Hullfile", build_args, &r, &err);
        if (k < 0)
                fail_msg("parse failed: %s", err ? err->msg : "?");
        return r;
}

static hull_recipe *parse(const char *text) {
        return parse_args(text, NULL);
}

/* The error message of a recipe that must fail (status INVALID). */
static char *parse_error(const char *text) {
        hull_recipe *r = NULL;
        hull_error *err = NULL;
        int k = hull_recipe_parse(text, strlen(text), "Hullfile", NULL, &r, &err);
        assert_true(k < 0);
        assert_null(r);
        assert_non_null(err);
        assert_int_equal(err->status, HULL_IMAGE_EXIT_INVALID);
        char *m = strdup(err->msg);
        hull_error_free(err);
        return m;
}

#define assert_error(text, expect)                                     \
        do {                                                           \
                char *_m = parse_error(text);                          \
                if (strncmp(_m, expect, strlen(expect)) != 0)          \
                        fail_msg("got \"%s\", expected \"%s...\"", _m, expect); \
                free(_m);                                              \
        } while (0)

/* The arguments of step i joined with '|'. */
static void assert_args(const hull_recipe *r, size_t i, const char *expect) {
        assert_true(i < r->n_steps);
        char buf[4096] = "";
        for (char **a = r->steps[i].args; *a; a++) {
                if (a != r->steps[i].args)
                        strcat(buf, "|");
                strcat(buf, *a);
        }
        assert_string_equal(buf, expect);
}

static void test_every_instruction(void **state) {
        (void) state;
        hull_recipe *r = parse("FROM scratch\n"
                               "COPY --chown=app:app --chmod=0640 a b /dst/\n"
                               "ADD x.tar.gz /opt\n"
                               "ENV A=1\n"
                               "ARG V=2\n"
                               "WORKDIR /w\n"
                               "USER app:grp\n"
                               "ENTRYPOINT [\"/bin/app\", \"-v\"]\n"
                               "CMD [\"run\"]\n"
                               "SHELL [\"/bin/bash\", \"-c\"]\n"
                               "LABEL k=v\n"
                               "EXPOSE 80\n"
                               "STOPSIGNAL SIGINT\n"
                               "VOLUME /data\n"
                               "MAINTAINER me <me@example.org>\n"
                               "PROGRAM /bin/sh /usr/bin/env\n"
                               "WITH /etc/ssl\n"
                               "ETC --user app --user svc:1500:100\n"
                               "CA_CERTIFICATES\n"
                               "TZDATA\n"
                               "GCONV UTF-16 all\n"
                               "INIT\n");
        static const hull_recipe_op ops[] = {
                HULL_RECIPE_FROM,  HULL_RECIPE_COPY,   HULL_RECIPE_ADD,        HULL_RECIPE_ENV,        HULL_RECIPE_ARG,
                HULL_RECIPE_WORKDIR, HULL_RECIPE_USER, HULL_RECIPE_ENTRYPOINT, HULL_RECIPE_CMD,        HULL_RECIPE_SHELL,
                HULL_RECIPE_LABEL, HULL_RECIPE_EXPOSE, HULL_RECIPE_STOPSIGNAL, HULL_RECIPE_VOLUME,     HULL_RECIPE_MAINTAINER,
                HULL_RECIPE_PROGRAM, HULL_RECIPE_WITH, HULL_RECIPE_ETC,        HULL_RECIPE_CA_CERTIFICATES,
                HULL_RECIPE_TZDATA, HULL_RECIPE_GCONV, HULL_RECIPE_INIT,
        };
        assert_int_equal(r->n_steps, sizeof(ops) / sizeof(ops[0]));
        for (size_t i = 0; i < r->n_steps; i++) {
                assert_int_equal(r->steps[i].op, ops[i]);
                assert_int_equal(r->steps[i].pos.line, i + 1);
                assert_int_equal(r->steps[i].pos.column, 1);
                assert_string_equal(hull_recipe_op_name(ops[i]), r->steps[i].text[0] == 'F' ? "FROM" : hull_recipe_op_name(ops[i]));
        }
        assert_args(r, 0, "scratch");
        assert_args(r, 1, "a|b|/dst/");
        assert_string_equal(r->steps[1].chown, "app:app");
        assert_string_equal(r->steps[1].chmod, "0640");
        assert_int_equal(r->steps[1].arg_pos[0].column, 35);
        assert_int_equal(r->steps[1].arg_pos[2].column, 39);
        assert_args(r, 2, "x.tar.gz|/opt");
        assert_args(r, 3, "A=1");
        assert_args(r, 4, "V=2");
        assert_args(r, 5, "/w");
        assert_args(r, 6, "app:grp");
        assert_args(r, 7, "/bin/app|-v");
        assert_args(r, 8, "run");
        assert_args(r, 9, "/bin/bash|-c");
        assert_args(r, 10, "k=v");
        assert_args(r, 11, "80/tcp");
        assert_args(r, 12, "SIGINT");
        assert_args(r, 13, "/data");
        assert_args(r, 14, "me <me@example.org>");
        assert_args(r, 15, "/bin/sh|/usr/bin/env");
        assert_args(r, 16, "/etc/ssl");
        assert_args(r, 17, "app:1000:1000|svc:1500:100");
        assert_args(r, 20, "UTF-16|all");
        assert_string_equal(r->steps[7].text, "ENTRYPOINT [\"/bin/app\", \"-v\"]");
        assert_true(hull_recipe_op_is_fs(HULL_RECIPE_COPY));
        assert_false(hull_recipe_op_is_fs(HULL_RECIPE_ENV));
        hull_recipe_free(r);
}

static void test_keywords_case_and_comments(void **state) {
        (void) state;
        hull_recipe *r = parse("  # a comment\n\n   from scratch\n\tcopy a /b # not a comment\n# end\n");
        assert_int_equal(r->n_steps, 2);
        assert_int_equal(r->steps[0].pos.line, 3);
        assert_int_equal(r->steps[0].pos.column, 4);
        assert_args(r, 1, "a|/b|#|not|a|comment");
        assert_string_equal(r->steps[1].text, "COPY a /b # not a comment");
        hull_recipe_free(r);
}

static void test_continuation(void **state) {
        (void) state;
        hull_recipe *r = parse("FROM scratch\n"
                               "COPY a \\\n"
                               "# a comment inside\n"
                               "\n"
                               "   b \\  \n"
                               "  /dst/\n"
                               "CMD echo \\\n"
                               "hi\r\n"
                               "ENV X=1 \\");
        assert_int_equal(r->n_steps, 4);
        assert_args(r, 1, "a|b|/dst/");
        assert_int_equal(r->steps[1].arg_pos[1].line, 5);
        assert_int_equal(r->steps[1].arg_pos[1].column, 4);
        assert_int_equal(r->steps[1].arg_pos[2].line, 6);
        assert_int_equal(r->steps[1].arg_pos[2].column, 3);
        assert_args(r, 2, "/bin/sh|-c|echo hi");
        assert_args(r, 3, "X=1");
        hull_recipe_free(r);
}

static void test_escape_directive(void **state) {
        (void) state;
        hull_recipe *r = parse("# syntax=docker/dockerfile:1\n"
                               "# escape=`\n"
                               "FROM scratch\n"
                               "COPY c:\\src `\n"
                               "  /dst/\n"
                               "ENV P=a`$b\n");
        assert_args(r, 1, "c:\\src|/dst/");
        assert_args(r, 2, "P=a$b");
        hull_recipe_free(r);
        /* after the first instruction it is a comment */
        r = parse("FROM scratch\n# escape=`\nENV A=x\\ y\n");
        assert_args(r, 1, "A=x y");
        hull_recipe_free(r);
        assert_error("# escape=x\nFROM scratch\n", "Hullfile:1:10: escape: expected \\ or `");
        assert_error("# escape=`\n# escape=\\\nFROM scratch\n", "Hullfile:2:10: the escape directive is given twice");
}

static void test_quotes_and_escapes(void **state) {
        (void) state;
        hull_recipe *r = parse("FROM scratch\n"
                               "ENV A=1\n"
                               "ENV Q1='$A b' Q2=\"$A b\" Q3=\\$A Q4=a\\ b Q5=\"x\\\"y\" Q6=\"\\q\" E=\"\"\n");
        assert_args(r, 2, "Q1=$A b|Q2=1 b|Q3=$A|Q4=a b|Q5=x\"y|Q6=\\q|E=");
        hull_recipe_free(r);
}

static void test_substitution(void **state) {
        (void) state;
        char *const bargs[] = { "V=9", "UNUSED=1", NULL };
        hull_recipe *r = parse_args("ARG G=global\n"
                                    "FROM scratch\n"
                                    "ARG G\n"
                                    "ARG V=1 W\n"
                                    "ENV A=${V} B=$V C=${W:-dflt} D=${V:+alt} E=${NOPE:+alt} F=$G G2=${V}x$ H=${W:-${G}}\n"
                                    "ENV A=changed B=$A\n"
                                    "ENV L legacy $A and $B\n"
                                    "WORKDIR /$A\n"
                                    "CMD echo $A\n"
                                    "CMD [\"$A\"]\n"
                                    "LABEL v=$V\n"
                                    "EXPOSE $V\n"
                                    "COPY [\"$A\", \"/x/\"]\n"
                                    "USER ${A}\n",
                                    bargs);
        assert_args(r, 2, "G=global");
        assert_args(r, 3, "V=9|W=");
        assert_args(r, 4, "A=9|B=9|C=dflt|D=alt|E=|F=global|G2=9x$|H=global");
        /* values from before the instruction */
        assert_args(r, 5, "A=changed|B=9");
        assert_args(r, 6, "L=legacy changed and 9");
        assert_args(r, 7, "/changed");
        assert_args(r, 8, "/bin/sh|-c|echo $A");
        assert_args(r, 9, "$A");
        assert_args(r, 10, "v=9");
        assert_args(r, 11, "9/tcp");
        assert_args(r, 12, "changed|/x/");
        assert_args(r, 13, "changed");
        assert_string_equal(r->unused_build_args[0], "UNUSED");
        assert_null(r->unused_build_args[1]);
        hull_recipe_free(r);
        /* an ARG before FROM is seen by FROM only */
        r = parse("ARG S=scratch\nFROM $S\nENV X=${S:-none}\n");
        assert_args(r, 2, "X=none");
        hull_recipe_free(r);
}

static void test_command_forms(void **state) {
        (void) state;
        hull_recipe *r = parse("FROM scratch\n"
                               "CMD [\"a\", \"b c\"]\n"
                               "CMD []\n"
                               "CMD [ -f /x ] && echo yes\n"
                               "SHELL [\"/bin/bash\", \"-e\", \"-c\"]\n"
                               "ENTRYPOINT exec app \"$@\"\n"
                               "VOLUME [\"/a\", \"/b\"]\n"
                               "VOLUME /c /d\n");
        assert_args(r, 1, "a|b c");
        assert_args(r, 2, "");
        assert_null(r->steps[2].args[0]);
        assert_args(r, 3, "/bin/sh|-c|[ -f /x ] && echo yes");
        assert_args(r, 5, "/bin/bash|-e|-c|exec app \"$@\"");
        assert_args(r, 6, "/a|/b");
        assert_args(r, 7, "/c|/d");
        hull_recipe_free(r);
}

static void test_workdir_expose_etc(void **state) {
        (void) state;
        hull_recipe *r = parse("FROM scratch\nWORKDIR /a\nWORKDIR b/./c\nWORKDIR ../../..\nWORKDIR d//\n"
                               "EXPOSE 53/UDP 8000-8002/sctp\n"
                               "ETC\nETC --user=a:7 --user b\n"
                               "STOPSIGNAL 9\nSTOPSIGNAL SIGRTMIN+3\n");
        assert_args(r, 1, "/a");
        assert_args(r, 2, "/a/b/c");
        assert_args(r, 3, "/");
        assert_args(r, 4, "/d");
        assert_args(r, 5, "53/udp|8000/sctp|8001/sctp|8002/sctp");
        assert_args(r, 6, "");
        assert_args(r, 7, "a:7:7|b:1001:1001");
        hull_recipe_free(r);
}

static void test_errors(void **state) {
        (void) state;
        assert_error("", "Hullfile:1:1: no FROM");
        assert_error("COPY a /b\n", "Hullfile:1:1: COPY before FROM");
        assert_error("FROM debian:12\n", "Hullfile:1:6: FROM debian:12 needs RUN support (a later issue); only FROM scratch");
        assert_error("FROM scratch\nFROM scratch\n", "Hullfile:2:1: a second FROM");
        assert_error("FROM --platform=linux/arm64 scratch\n", "Hullfile:1:6: FROM takes no flags");
        assert_error("FROM scratch\n  FOO bar\n", "Hullfile:2:3: unknown instruction \"FOO\"");
        assert_error("FROM scratch\nRUN make\n", "Hullfile:2:1: RUN needs a base image");
        assert_error("FROM scratch\nHEALTHCHECK NONE\n", "Hullfile:2:1: HEALTHCHECK is not supported");
        assert_error("FROM scratch\nCMD [\"a\", ]\n", "Hullfile:2:11: bad JSON form");
        assert_error("FROM scratch\nCMD ['a']\n", "Hullfile:2:6: bad JSON form: strings take double quotes");
        assert_error("FROM scratch\nCMD [\"a\", 1]\n", "Hullfile:2:5: bad JSON form: element 1 is not a string");
        assert_error("FROM scratch\nCMD\n", "Hullfile:2:1: CMD needs a command");
        assert_error("FROM scratch\nSHELL /bin/sh\n", "Hullfile:2:1: SHELL needs the JSON form");
        assert_error("FROM scratch\nENV A=${B?x}\n", "Hullfile:2:10: unsupported variable syntax");
        assert_error("FROM scratch\nENV A=${1}\n", "Hullfile:2:7: bad variable syntax: expected a name");
        assert_error("FROM scratch\nENV A=${B\n", "Hullfile:2:7: bad variable syntax: missing \"}\"");
        assert_error("FROM scratch\nENV A=${B:-x\n", "Hullfile:2:7: bad variable syntax: missing \"}\"");
        assert_error("FROM scratch\nENV A=\"x\n", "Hullfile:2:7: unterminated double quote");
        assert_error("FROM scratch\nENV A='x\n", "Hullfile:2:7: unterminated single quote");
        assert_error("FROM scratch\nENV A\n", "Hullfile:2:5: ENV A needs a value");
        assert_error("FROM scratch\nENV\n", "Hullfile:2:1: ENV needs KEY=VALUE");
        assert_error("FROM scratch\nLABEL a=1 b\n", "Hullfile:2:11: LABEL: expected KEY=VALUE, got \"b\"");
        assert_error("FROM scratch\nLABEL =1\n", "Hullfile:2:7: LABEL: empty key");
        assert_error("FROM scratch\nARG 1x\n", "Hullfile:2:5: ARG: \"1x\" is not a variable name");
        assert_error("FROM scratch\nCOPY a\n", "Hullfile:2:1: COPY needs a source and a destination");
        assert_error("FROM scratch\nCOPY --chmod=999 a b\n", "Hullfile:2:6: --chmod=999: expected an octal mode");
        assert_error("FROM scratch\nCOPY --chown= a b\n", "Hullfile:2:6: --chown= needs a value");
        assert_error("FROM scratch\nCOPY --from=x a b\n", "Hullfile:2:6: --from=x: copying from another stage");
        assert_error("FROM scratch\nADD --checksum=x a b\n", "Hullfile:2:5: unknown flag --checksum=x");
        assert_error("FROM scratch\nUSER a b\n", "Hullfile:2:6: USER takes one argument");
        assert_error("FROM scratch\nWORKDIR\n", "Hullfile:2:1: WORKDIR needs an argument");
        assert_error("FROM scratch\nSTOPSIGNAL sigterm\n", "Hullfile:2:12: STOPSIGNAL: \"sigterm\" is not a signal");
        assert_error("FROM scratch\nSTOPSIGNAL 99\n", "Hullfile:2:12: STOPSIGNAL: \"99\" is not a signal");
        assert_error("FROM scratch\nEXPOSE 80 0\n", "Hullfile:2:11: EXPOSE: \"0\" is not a port");
        assert_error("FROM scratch\nEXPOSE 70000\n", "Hullfile:2:8: EXPOSE: \"70000\" is not a port");
        assert_error("FROM scratch\nEXPOSE 80/foo\n", "Hullfile:2:8: EXPOSE: \"80/foo\": the protocol");
        assert_error("FROM scratch\nEXPOSE 9-8\n", "Hullfile:2:8: EXPOSE: \"9-8\" is not a port");
        assert_error("FROM scratch\nVOLUME [\"\"]\n", "Hullfile:2:8: VOLUME: empty path");
        assert_error("FROM scratch\nPROGRAM bin/sh\n", "Hullfile:2:9: PROGRAM bin/sh: expected an absolute path");
        assert_error("FROM scratch\nWITH\n", "Hullfile:2:1: WITH needs a path");
        assert_error("FROM scratch\nGCONV\n", "Hullfile:2:1: GCONV needs a character set");
        assert_error("FROM scratch\nETC app\n", "Hullfile:2:5: ETC: unexpected \"app\"");
        assert_error("FROM scratch\nETC --user Root\n", "Hullfile:2:12: ETC --user Root: expected NAME");
        assert_error("FROM scratch\nETC --user a:x\n", "Hullfile:2:12: ETC --user a:x: expected NAME");
        assert_error("FROM scratch\nINIT now\n", "Hullfile:2:6: INIT takes no arguments");
        assert_error("FROM scratch\nTZDATA x\n", "Hullfile:2:8: TZDATA takes no arguments");
        assert_error("FROM scratch\nMAINTAINER\n", "Hullfile:2:1: MAINTAINER needs a name");
        /* a continuation: the column on the line where the token is */
        assert_error("FROM scratch\nENV A=1 \\\n   B=\"x\n", "Hullfile:3:6: unterminated double quote");
}

static void test_nul_byte(void **state) {
        (void) state;
        hull_recipe *r = NULL;
        hull_error *err = NULL;
        assert_true(hull_recipe_parse("FROM scratch\nA\0B", 16, "Hullfile", NULL, &r, &err) < 0);
        assert_string_equal(err->msg, "Hullfile:2:2: a NUL byte: not a text file");
        hull_error_free(err);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_every_instruction),
                cmocka_unit_test(test_keywords_case_and_comments),
                cmocka_unit_test(test_continuation),
                cmocka_unit_test(test_escape_directive),
                cmocka_unit_test(test_quotes_and_escapes),
                cmocka_unit_test(test_substitution),
                cmocka_unit_test(test_command_forms),
                cmocka_unit_test(test_workdir_expose_etc),
                cmocka_unit_test(test_errors),
                cmocka_unit_test(test_nul_byte),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
