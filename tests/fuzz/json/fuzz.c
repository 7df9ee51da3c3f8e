/* SPDX-License-Identifier: GPL-2.0-or-later */
/* hull's JSON reader against jansson's: the first byte picks the flags
 * (bit 0 JSON_REJECT_DUPLICATES, bit 1 JSON_DECODE_ANY, bit 2 JSON_ALLOW_NUL),
 * the rest is the text.  Both must accept the same texts and build the same
 * trees: same values, same key order, same numbers (their compact dumps are
 * equal byte for byte), and hull's writer must write what jansson's writes
 * (compact, and as bits 3-5 of the first byte pick: indented, sorted, with a
 * real precision).  A refusal must say where: a line, a column and a
 * byte offset inside the text, and a message.
 *
 * One difference is on purpose: a NUL byte in the text.  JSON has none outside
 * strings and none raw inside them; hull's reader refuses every text that has
 * one, while jansson's lexer takes a NUL that it reads ahead for the end of
 * its buffer and so accepts "1\0" (with JSON_DECODE_ANY) and "[1]\0". */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        if (size < 1)
                return 0;
        size_t flags = 0;
        if (data[0] & 1)
                flags |= JSON_REJECT_DUPLICATES;
        if (data[0] & 2)
                flags |= JSON_DECODE_ANY;
        if (data[0] & 4)
                flags |= JSON_ALLOW_NUL;
        const char *text = (const char *) data + 1;
        size_t len = size - 1;
        json_error_t je, he;
        json_t *want = json_loadb(text, len, flags, &je);
        json_t *got = hull_json_loadb(text, len, flags, &he);
        if (memchr(text, '\0', len)) {
                if (got)
                        abort();
                json_decref(want);
                want = NULL;
        } else if (!want != !got)
                abort();
        if (!got) {
                if (he.line < 1 || he.column < 0 || he.position < 0 || (size_t) he.position > len || !he.text[0])
                        abort();
                if (!memchr(he.text, '\0', JSON_ERROR_TEXT_LENGTH - 1))
                        abort();
        } else {
                size_t dflags = JSON_COMPACT | JSON_ENCODE_ANY;
                char *a = json_dumps(want, dflags), *b = json_dumps(got, dflags);
                if (!a || !b || strcmp(a, b) != 0 || !json_equal(want, got))
                        abort();
                free(a);
                free(b);
                /* hull's writer against jansson's: compact, and one more way
                 * picked by bits 3-5 of the first byte. */
                static const size_t ways[] = {
                        0,
                        JSON_INDENT(2),
                        JSON_INDENT(3) | JSON_SORT_KEYS,
                        JSON_COMPACT | JSON_SORT_KEYS,
                        JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY,
                        JSON_COMPACT | JSON_REAL_PRECISION(5),
                        JSON_INDENT(31) | JSON_REAL_PRECISION(1),
                        JSON_SORT_KEYS | JSON_ENCODE_ANY,
                };
                size_t more = ways[(data[0] >> 3) & 7];
                for (int k = 0; k < 2; k++) {
                        size_t f = k ? more : JSON_COMPACT | JSON_ENCODE_ANY;
                        char *x = json_dumps(want, f), *y = hull_json_dumps(got, f);
                        if (!x != !y || (x && strcmp(x, y) != 0))
                                abort();
                        free(x);
                        free(y);
                }
        }
        json_decref(want);
        json_decref(got);
        return 0;
}
