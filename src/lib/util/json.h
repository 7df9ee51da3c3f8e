/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

#include <jansson.h>
#include <stddef.h>

/* hull's JSON reader: jansson's json_loadb(), read in one pass over the
 * buffer.  It accepts what json_loadb() accepts (RFC 8259 text that is valid
 * UTF-8, with jansson's limits: integers that fit json_int_t, reals that do
 * not overflow, no \u0000 in keys, 2048 levels of nesting) and builds the
 * same jansson tree, keys in the order of the text; tests/fuzz/json checks
 * both against jansson.  One difference: a NUL byte anywhere is refused
 * (jansson's lexer lets one through at the end of a value: "[1]\0").
 *
 * Why not jansson's own: its lexer takes the text a byte at a time through a
 * callback and copies every byte of every token into a growing buffer.  On
 * config.json (6 KB) that is 130 us warm and more than 200 us in a fresh
 * process, where hull-runtime reads it once per `create`
 * (bench/scale/README.md); this reader builds the same tree in a fraction of
 * that.
 *
 * flags: JSON_REJECT_DUPLICATES, JSON_DECODE_ANY and JSON_ALLOW_NUL, as in
 * jansson; any other bit is refused ("unsupported flags").  On failure it
 * returns NULL and, when error is not NULL, fills in jansson's json_error_t
 * (and json_error_code()): the line, the column (in characters) and the
 * byte offset where the faulty token starts -- jansson gives the place after
 * what it had read -- and a message of hull's that quotes the text there.
 * Returns a new reference. */
json_t *hull_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *error);

/* The same for a NUL-terminated string (the text ends at the first NUL, as
 * with json_loads()). */
json_t *hull_json_loads(const char *s, size_t flags, json_error_t *error);

/* hull's JSON writer: the text that json_dumps() makes of j, byte for byte
 * (tests/fuzz/json compares them), in one pass into one buffer.  jansson's
 * json_dumps() calls back for every token and checks every object and array
 * against a table of the ones it is in (against cycles, which hull's trees do
 * not have): 40 us for a 1.5 KB state.json, which `create` writes twice.
 *
 * flags: JSON_INDENT(n), JSON_COMPACT, JSON_SORT_KEYS, JSON_PRESERVE_ORDER
 * (objects keep their order anyway), JSON_ENCODE_ANY and
 * JSON_REAL_PRECISION(n); NULL for any other, and where json_dumps() gives
 * NULL.  Strings must be valid UTF-8, as jansson's constructors and
 * hull_json_loadb() make them; they are written as they are, with only '"',
 * '\\' and control characters escaped.  Returns a malloc'd string. */
char *hull_json_dumps(const json_t *j, size_t flags);
