/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull's JSON reader and writer (util/json.c) against jansson's json_loadb
 * and json_dumps: the same verdict and the same tree for every text below,
 * errors that say where, the same text written.  tests/fuzz/json does the
 * same on generated texts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/json.h"

/* Parses text with both readers; checks that both accept or both refuse and
 * that accepted trees dump the same.  Returns whether hull's accepted. */
static bool same_as_jansson(const char *text, size_t len, size_t flags) {
        json_error_t je, he;
        json_t *want = json_loadb(text, len, flags, &je);
        json_t *got = hull_json_loadb(text, len, flags, &he);
        if (!want != !got)
                fail_msg("%.60s: jansson %s (%s), hull %s (%s)", text, want ? "accepts" : "refuses", want ? "" : je.text,
                         got ? "accepts" : "refuses", got ? "" : he.text);
        bool ok = got != NULL;
        if (got) {
                char *a = json_dumps(want, JSON_COMPACT | JSON_ENCODE_ANY);
                char *b = json_dumps(got, JSON_COMPACT | JSON_ENCODE_ANY);
                assert_non_null(a);
                assert_non_null(b);
                assert_string_equal(a, b);
                free(a);
                free(b);
        } else {
                assert_true(he.line >= 1);
                assert_true(he.position >= 0 && (size_t) he.position <= len);
                assert_true(he.text[0] != '\0');
        }
        json_decref(want);
        json_decref(got);
        return ok;
}

static const char *accepted[] = {
        "{}",
        "[]",
        " \t\r\n[ true , false , null , { } , [ ] , \"\" ] \n",
        "{\"a\":{\"b\":[1,2,{\"c\":\"d\"}]},\"e\":\"f\"}",
        "{\"z\":1,\"a\":2,\"m\":3}", /* key order kept */
        "{\"a\":1,\"b\":2,\"a\":3}",   /* without JSON_REJECT_DUPLICATES the last one wins */
        "[0,-0,1,-1,123456789012345678,-123456789012345678,1234567890123456789,9223372036854775807,-9223372036854775808]",
        "[0.5,-0.5e+10,1E-3,1e-400,1.7976931348623157e308,2.5e-3,0e0,-0.0]",
        "[\"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC\\ud83d\\ude00\\uD83D\\uDE00z\"]",
        "[\"\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \x7f\"]",
        "[\"\xf4\x8f\xbf\xbf\", \"\xef\xbf\xbf\"]", /* U+10FFFF, U+FFFF */
};

static const char *refused[] = {
        "",
        "   ",
        "\"top\"",
        "42",
        "{} x",
        "[1,]",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{1:2}",
        "[1 2]",
        "[01]",
        "[1.]",
        "[.5]",
        "[-]",
        "[1e]",
        "[1e+]",
        "[+1]",
        "[tru]",
        "[truex]",
        "[True]",
        "[nul]",
        "[9223372036854775808]",
        "[-9223372036854775809]",
        "[123456789012345678901234567890]",
        "[1e400]",
        "[-1e400]",
        "{\"k\\u0000\":1}",
        "[\"\\u0000\"]",
        "[\"\\ud800\"]",
        "[\"\\ud800x\"]",
        "[\"\\udc00\"]",
        "[\"\\ud800\\u0041\"]",
        "[\"\\ud800\\n\"]",
        "[\"\\x41\"]",
        "[\"\\u12G4\"]",
        "[\"\\u12\"]",
        "[\"\\",
        "[\"abc",
        "[\"a\tb\"]",
        "[\"a\nb\"]",
        "[\"\xc0\xaf\"]",             /* overlong '/' */
        "[\"\xe0\x80\xaf\"]",         /* overlong, 3 bytes */
        "[\"\xed\xa0\x80\"]",         /* an encoded surrogate */
        "[\"\xf4\x90\x80\x80\"]",     /* past U+10FFFF */
        "[\"\xf5\x80\x80\x80\"]",
        "[\"\x80\"]",
        "[\"\xe2\x82\"]",
        "[\"\xe2\x82",
        "[\xc3\xa9]",
        "[",
        "{",
        "{\"a\"",
        "{\"a\":",
        "[1",
        "]",
};

static void verdicts_match_jansson(void **state) {
        for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++)
                assert_true(same_as_jansson(accepted[i], strlen(accepted[i]), 0));
        for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
                assert_false(same_as_jansson(refused[i], strlen(refused[i]), 0));
        /* The flags. */
        assert_true(same_as_jansson("\"top\"", 5, JSON_DECODE_ANY));
        assert_true(same_as_jansson(" -12.5e1 ", 9, JSON_DECODE_ANY));
        assert_true(same_as_jansson("null", 4, JSON_DECODE_ANY));
        assert_false(same_as_jansson("9223372036854775808", 19, JSON_DECODE_ANY));
        assert_false(same_as_jansson("{\"a\":1,\"b\":2,\"a\":3}", 19, JSON_REJECT_DUPLICATES));
        assert_false(same_as_jansson("[{\"a\":1},{\"b\":{\"a\\u0062\":1,\"ab\":2}}]", 38, JSON_REJECT_DUPLICATES));
        assert_true(same_as_jansson("[{\"a\":1},{\"a\":1}]", 17, JSON_REJECT_DUPLICATES));
        assert_true(same_as_jansson("[\"a\\u0000b\"]", 12, JSON_ALLOW_NUL));
        assert_false(same_as_jansson("{\"a\\u0000b\":1}", 14, JSON_ALLOW_NUL));
}

/* jansson refuses the 2049th level; the 2048th passes. */
static void depth_limit_is_janssons(void **state) {
        for (size_t levels = 2046; levels <= 2049; levels++) {
                size_t len = 2 * levels + 1;
                char *t = malloc(len + 1);
                assert_non_null(t);
                memset(t, '[', levels);
                t[levels] = '1';
                memset(t + levels + 1, ']', levels);
                t[len] = '\0';
                assert_true(same_as_jansson(t, len, 0) == (levels < 2048));
                /* Empty arrays: the innermost one is the deepest value. */
                memmove(t + levels, t + levels + 1, levels);
                assert_true(same_as_jansson(t, len - 1, 0) == (levels <= 2048));
                free(t);
        }
}

/* A NUL byte is never JSON: refused wherever it is (jansson's lexer lets a
 * NUL that ends a value through, see tests/fuzz/json). */
static void nul_bytes_are_refused(void **state) {
        json_error_t e;
        assert_null(hull_json_loadb("[1]\0", 4, 0, &e));
        assert_null(hull_json_loadb("1\0", 2, JSON_DECODE_ANY, &e));
        assert_null(hull_json_loadb("[\"a\0\"]", 6, 0, &e));
        assert_null(hull_json_loadb("[\0]", 3, 0, &e));
        /* hull_json_loads reads up to the first NUL, as json_loads does. */
        json_t *j = hull_json_loads("[1]\0garbage", 0, &e);
        assert_non_null(j);
        json_decref(j);
}

static void errors_say_where(void **state) {
        json_error_t e;
        const char *t = "{\n  \"a\": 1,\n  \"b\": tru\n}";
        assert_null(hull_json_loadb(t, strlen(t), 0, &e));
        assert_int_equal(e.line, 3);
        assert_int_equal(e.column, 8);
        assert_int_equal(e.position, (int) (strstr(t, "tru") - t));
        assert_string_equal(e.text, "invalid token near 'tru'");
        assert_int_equal(json_error_code(&e), json_error_invalid_syntax);

        /* Columns count characters, not bytes. */
        t = "[\"\xc3\xa9\xc3\xa9\", x]";
        assert_null(hull_json_loadb(t, strlen(t), 0, &e));
        assert_int_equal(e.line, 1);
        assert_int_equal(e.column, 8);
        assert_int_equal(e.position, 9);

        t = "{\"ociVersion\":\"1\",\"ociVersion\":\"1\"}";
        assert_null(hull_json_loadb(t, strlen(t), JSON_REJECT_DUPLICATES, &e));
        assert_string_equal(e.text, "duplicate object key \"ociVersion\" near '\"ociVersion\"'");
        assert_int_equal(e.column, 19);
        assert_int_equal(json_error_code(&e), json_error_duplicate_key);

        t = "[1, 2";
        assert_null(hull_json_loadb(t, strlen(t), 0, &e));
        assert_string_equal(e.text, "',' or ']' expected near end of input");
        assert_int_equal(json_error_code(&e), json_error_invalid_syntax);

        t = "[\"a\tb\"]";
        assert_null(hull_json_loadb(t, strlen(t), 0, &e));
        assert_string_equal(e.text, "control character in a string at byte 0x09");

        t = "[9223372036854775808]";
        assert_null(hull_json_loadb(t, strlen(t), 0, &e));
        assert_string_equal(e.text, "too big integer near '9223372036854775808'");
        assert_int_equal(json_error_code(&e), json_error_numeric_overflow);

        assert_null(hull_json_loadb("{}", 2, JSON_DECODE_INT_AS_REAL, &e));
        assert_string_equal(e.text, "unsupported flags");
        assert_int_equal(json_error_code(&e), json_error_invalid_argument);

        /* Success leaves no message; NULL for the error is fine. */
        json_t *j = hull_json_loadb("{\"a\":[1]}", 9, 0, &e);
        assert_non_null(j);
        assert_string_equal(e.text, "");
        json_decref(j);
        assert_null(hull_json_loadb("{", 1, 0, NULL));
}

/* The writer makes jansson's text, for every way hull writes JSON. */
static void writer_matches_jansson(void **state) {
        static const size_t ways[] = {
                0, JSON_COMPACT, JSON_INDENT(2), JSON_INDENT(4) | JSON_PRESERVE_ORDER, JSON_INDENT(8),
                JSON_SORT_KEYS | JSON_COMPACT, JSON_INDENT(3) | JSON_SORT_KEYS, JSON_COMPACT | JSON_REAL_PRECISION(4),
        };
        const char *docs[] = {
                "{}",
                "[]",
                "{\"b\":[1,{\"c\":[]},{}],\"a\":\"x\\u0001\\u001f\\t\\n\\r\\b\\f\\\"\\\\/\",\"e\":[[]]}",
                "{\"z\":1,\"a\":{\"y\":[2,1],\"x\":null},\"ab\":true,\"\":false,\"aa\":\"\\u00e9\\ud83d\\ude00\"}",
                "[1.5,-0.0,1e300,1e-300,123456789.125,0.1,2e20,1E5,3.0e-5,-7,9223372036854775807,-9223372036854775808]",
        };
        for (size_t d = 0; d < sizeof(docs) / sizeof(docs[0]); d++) {
                json_t *j = json_loads(docs[d], 0, NULL);
                assert_non_null(j);
                for (size_t w = 0; w < sizeof(ways) / sizeof(ways[0]); w++) {
                        char *want = json_dumps(j, ways[w]), *got = hull_json_dumps(j, ways[w]);
                        assert_non_null(want);
                        assert_non_null(got);
                        assert_string_equal(got, want);
                        free(want);
                        free(got);
                }
                json_decref(j);
        }
        /* The default config, as hull-runtime spec writes it. */
        json_t *big = json_pack("{s:s, s:{s:[s,s], s:I}, s:[{s:s, s:[s]}]}", "ociVersion", "1.0.2", "process", "args",
                                "sleep", "1", "uid", (json_int_t) 1000, "mounts", "destination", "/proc", "options",
                                "nosuid");
        char *want = json_dumps(big, JSON_INDENT(8)), *got = hull_json_dumps(big, JSON_INDENT(8));
        assert_string_equal(got, want);
        free(want);
        free(got);
        json_decref(big);
        /* Objects at jansson's depth limit, written sorted (the keys go on
         * the heap, not in each level's frame). */
        size_t levels = 2047;
        char *deep = malloc(levels * 5 + levels + 2);
        assert_non_null(deep);
        char *p = deep;
        for (size_t i = 0; i < levels; i++, p += 5)
                memcpy(p, "{\"a\":", 5);
        *p++ = '1';
        memset(p, '}', levels);
        p[levels] = '\0';
        json_t *dj = hull_json_loads(deep, 0, NULL);
        assert_non_null(dj);
        want = json_dumps(dj, JSON_SORT_KEYS | JSON_COMPACT);
        got = hull_json_dumps(dj, JSON_SORT_KEYS | JSON_COMPACT);
        assert_non_null(got);
        assert_string_equal(got, want);
        free(want);
        free(got);
        json_decref(dj);
        free(deep);
        /* What json_dumps refuses, and flags it does not support. */
        json_t *s = json_string("x");
        assert_null(hull_json_dumps(s, JSON_COMPACT));
        got = hull_json_dumps(s, JSON_ENCODE_ANY);
        assert_string_equal(got, "\"x\"");
        free(got);
        assert_null(hull_json_dumps(s, JSON_ENCODE_ANY | JSON_ENSURE_ASCII));
        assert_null(hull_json_dumps(NULL, JSON_ENCODE_ANY));
        json_decref(s);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(verdicts_match_jansson),
                cmocka_unit_test(depth_limit_is_janssons),
                cmocka_unit_test(nul_bytes_are_refused),
                cmocka_unit_test(errors_say_where),
                cmocka_unit_test(writer_matches_jansson),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
