/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cleanup.h"

#define MAX_DEPTH 2048 /* jansson's JSON_PARSER_MAX_DEPTH: a value at depth 2049 is refused */
#define SUPPORTED_FLAGS ((size_t) (JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL))
#define DUMP_FLAGS                                                                                               \
        (JSON_MAX_INDENT | JSON_COMPACT | JSON_SORT_KEYS | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY | JSON_REAL_PRECISION(0x1F))

typedef struct reader {
        const unsigned char *start, *p, *end;
        size_t flags;
        size_t depth;
        json_error_t *error;
        char *buf; /* decoded strings with escapes, and numbers for strtoll/strtod */
        size_t buf_cap;
} reader;

/* Bytes that may stand in a string as they are, in the fast loop: printable
 * ASCII but '"' and '\\'. */
static const unsigned char plain[256] = {
        [0x20 ... 0x21] = 1, /* '"' is 0x22 */
        [0x23 ... 0x5b] = 1, /* '\\' is 0x5c */
        [0x5d ... 0x7f] = 1,
};

/* The escapes of control characters, for the reader and the writer:
 * escape_letters[i] after a backslash stands for escaped_chars[i]. */
static const char escape_letters[] = "bfnrt", escaped_chars[] = "\b\f\n\r\t";

static bool is_digit(unsigned char c) {
        return c >= '0' && c <= '9';
}

static bool is_alpha(unsigned char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int hex_value(unsigned char c) {
        if (is_digit(c))
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* The four hex digits at p, checked beforehand. */
static uint32_t hex4(const unsigned char *p) {
        return (uint32_t) (hex_value(p[0]) << 12 | hex_value(p[1]) << 8 | hex_value(p[2]) << 4 | hex_value(p[3]));
}

/* The length of the valid UTF-8 sequence that starts at p (a byte >= 0x80),
 * or 0: no overlong forms, no surrogates, nothing past U+10FFFF, no sequence
 * cut by the end of the text. */
static size_t utf8_sequence(const unsigned char *p, const unsigned char *end) {
        size_t n;
        uint32_t v;
        if (p[0] >= 0xc2 && p[0] <= 0xdf)
                n = 2, v = p[0] & 0x1fu;
        else if (p[0] >= 0xe0 && p[0] <= 0xef)
                n = 3, v = p[0] & 0x0fu;
        else if (p[0] >= 0xf0 && p[0] <= 0xf4)
                n = 4, v = p[0] & 0x07u;
        else
                return 0;
        if ((size_t) (end - p) < n)
                return 0;
        for (size_t i = 1; i < n; i++) {
                if ((p[i] & 0xc0) != 0x80)
                        return 0;
                v = v << 6 | (p[i] & 0x3fu);
        }
        if (n == 3 && (v < 0x800 || (v >= 0xd800 && v <= 0xdfff)))
                return 0;
        if (n == 4 && (v < 0x10000 || v > 0x10ffff))
                return 0;
        return n;
}

static size_t utf8_put(char *d, uint32_t v) {
        if (v < 0x80) {
                d[0] = (char) v;
                return 1;
        }
        if (v < 0x800) {
                d[0] = (char) (0xc0 | v >> 6);
                d[1] = (char) (0x80 | (v & 0x3f));
                return 2;
        }
        if (v < 0x10000) {
                d[0] = (char) (0xe0 | v >> 12);
                d[1] = (char) (0x80 | (v >> 6 & 0x3f));
                d[2] = (char) (0x80 | (v & 0x3f));
                return 3;
        }
        d[0] = (char) (0xf0 | v >> 18);
        d[1] = (char) (0x80 | (v >> 12 & 0x3f));
        d[2] = (char) (0x80 | (v >> 6 & 0x3f));
        d[3] = (char) (0x80 | (v & 0x3f));
        return 4;
}

/* Fills r->error for a fault at `at`: its line, its column in characters
 * (as jansson counts them), its byte offset, and the message with the text
 * found there.  Called once per failed parse, at the innermost point. */
__attribute__((format(printf, 4, 5))) static void fail(reader *r, const unsigned char *at, enum json_error_code code,
                                                       const char *fmt, ...) {
        json_error_t *e = r->error;
        if (!e)
                return;
        char msg[JSON_ERROR_TEXT_LENGTH];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        int line = 1, column = 0;
        for (const unsigned char *q = r->start; q < at; q++) {
                if (*q == '\n')
                        line++, column = 0;
                else if ((*q & 0xc0) != 0x80)
                        column++;
        }
        /* The context: the structural character, or the run of printable
         * ASCII up to the next space or structural character (at most 20). */
        size_t n = 0;
        if (at < r->end && strchr("{}[]:,", *at) && *at)
                n = 1;
        else
                while (n < 20 && at + n < r->end && at[n] > 0x20 && at[n] < 0x7f && !strchr("{}[]:,", at[n]))
                        n++;
        char *t = e->text;
        size_t cap = JSON_ERROR_TEXT_LENGTH - 1; /* the last byte holds the code, as jansson keeps it */
        if (code == json_error_invalid_argument)
                snprintf(t, cap, "%s", msg);
        else if (at == r->end)
                snprintf(t, cap, "%s near end of input", msg);
        else if (n > 0)
                snprintf(t, cap, "%s near '%.*s'", msg, (int) n, (const char *) at);
        else
                snprintf(t, cap, "%s at byte 0x%02x", msg, *at);
        e->line = line;
        e->column = at < r->end ? column + 1 : column;
        e->position = (int) (at - r->start);
        e->text[JSON_ERROR_TEXT_LENGTH - 1] = (char) code;
}

static void *out_of_memory(reader *r) {
        fail(r, r->p, json_error_out_of_memory, "out of memory");
        return NULL;
}

/* v, or NULL after fail() when making it ran out of memory. */
static json_t *made(reader *r, json_t *v) {
        return v ? v : out_of_memory(r);
}

static void skip_space(reader *r) {
        while (r->p < r->end && (*r->p == ' ' || *r->p == '\n' || *r->p == '\r' || *r->p == '\t'))
                r->p++;
}

/* A buffer of at least n bytes, r->buf, kept for the whole parse. */
static char *scratch(reader *r, size_t n) {
        if (n > r->buf_cap) {
                size_t cap = r->buf_cap ? r->buf_cap : 256;
                while (cap < n)
                        cap *= 2;
                char *b = realloc(r->buf, cap);
                if (!b)
                        return NULL;
                r->buf = b;
                r->buf_cap = cap;
        }
        return r->buf;
}

/* Decodes the escapes of the string between s and q (checked by read_string)
 * into d, which has room for q - s bytes; returns the decoded length, or -1
 * after fail() on a \u escape that is half of a surrogate pair. */
static ssize_t decode_escapes(reader *r, const unsigned char *s, const unsigned char *q, char *d) {
        char *d0 = d;
        while (s < q) {
                if (*s != '\\') {
                        *d++ = (char) *s++;
                        continue;
                }
                const unsigned char *esc = s;
                s += 2;
                if (esc[1] != 'u') {
                        const char *l = strchr(escape_letters, esc[1]);
                        *d++ = l ? escaped_chars[l - escape_letters] : (char) esc[1]; /* '"', '\\', '/': themselves */
                        continue;
                }
                uint32_t v = hex4(s);
                s += 4;
                if (v >= 0xd800 && v <= 0xdbff) {
                        if (q - s < 6 || s[0] != '\\' || s[1] != 'u') {
                                fail(r, esc, json_error_invalid_syntax, "invalid Unicode '\\u%04X' (a lone surrogate)", v);
                                return -1;
                        }
                        uint32_t w = hex4(s + 2);
                        if (w < 0xdc00 || w > 0xdfff) {
                                fail(r, esc, json_error_invalid_syntax,
                                     "invalid Unicode '\\u%04X\\u%04X' (not a surrogate pair)", v, w);
                                return -1;
                        }
                        s += 6;
                        v = 0x10000 + ((v - 0xd800) << 10) + (w - 0xdc00);
                } else if (v >= 0xdc00 && v <= 0xdfff) {
                        fail(r, esc, json_error_invalid_syntax, "invalid Unicode '\\u%04X' (a lone surrogate)", v);
                        return -1;
                }
                d += utf8_put(d, v);
        }
        return d - d0;
}

/* Reads the string whose opening quote is at r->p and leaves r->p past its
 * closing quote.  *ret, *ret_len: its bytes -- in the text itself when it
 * has no escape; else decoded into r->buf (valid until the next string or
 * number is read) or, when owned is not NULL, into a new allocation that
 * *owned then holds and the caller frees. */
static int read_string(reader *r, const char **ret, size_t *ret_len, char **owned) {
        const unsigned char *s = r->p + 1, *q = s, *end = r->end;
        bool escapes = false;
        for (;;) {
                while (q < end && plain[*q])
                        q++;
                if (q == end) {
                        fail(r, q, json_error_premature_end_of_input, "premature end of input in a string");
                        return -1;
                }
                if (*q == '"')
                        break;
                if (*q == '\\') {
                        escapes = true;
                        if (q + 1 < end && q[1] == 'u') {
                                for (int i = 2; i < 6; i++)
                                        if (q + i >= end || hex_value(q[i]) < 0) {
                                                fail(r, q, json_error_invalid_syntax, "invalid escape");
                                                return -1;
                                        }
                                q += 6;
                        } else if (q + 1 < end && q[1] && strchr("\"\\/bfnrt", q[1]))
                                q += 2;
                        else {
                                fail(r, q, json_error_invalid_syntax, "invalid escape");
                                return -1;
                        }
                } else if (*q < 0x20) {
                        fail(r, q, json_error_invalid_syntax, "%s in a string",
                             *q == '\n' ? "unexpected newline" : "control character");
                        return -1;
                } else {
                        size_t n = utf8_sequence(q, end);
                        if (n == 0) {
                                fail(r, q, json_error_invalid_utf8, "invalid UTF-8");
                                return -1;
                        }
                        q += n;
                }
        }
        r->p = q + 1;
        if (!escapes) {
                *ret = (const char *) s;
                *ret_len = (size_t) (q - s);
                return 0;
        }
        char *d = owned ? malloc((size_t) (q - s) + 1) : scratch(r, (size_t) (q - s) + 1);
        if (!d) {
                out_of_memory(r);
                return -1;
        }
        ssize_t n = decode_escapes(r, s, q, d);
        if (n < 0) {
                if (owned)
                        free(d);
                return -1;
        }
        if (owned)
                *owned = d;
        *ret = d;
        *ret_len = (size_t) n;
        return 0;
}

static json_t *read_value(reader *r);

/* Past the digits that start at q; NULL if none does. */
static const unsigned char *after_digits(const unsigned char *q, const unsigned char *end) {
        const unsigned char *p = q;
        while (p < end && is_digit(*p))
                p++;
        return p == q ? NULL : p;
}

static json_t *read_number(reader *r) {
        const unsigned char *s = r->p, *q = s, *end = r->end;
        bool negative = *q == '-', real = false;
        if (negative)
                q++;
        if (q == end || !is_digit(*q)) {
                fail(r, s, json_error_invalid_syntax, "invalid token");
                return NULL;
        }
        if (*q == '0') {
                q++;
                if (q < end && is_digit(*q)) {
                        fail(r, s, json_error_invalid_syntax, "invalid token (a number with a leading zero)");
                        return NULL;
                }
        } else
                q = after_digits(q, end); /* not NULL: *q is a digit */
        const unsigned char *digits_end = q;
        if (q < end && *q == '.') {
                real = true;
                if (!(q = after_digits(q + 1, end))) {
                        fail(r, s, json_error_invalid_syntax, "invalid token");
                        return NULL;
                }
        }
        if (q < end && (*q == 'e' || *q == 'E')) {
                real = true;
                q++;
                if (q < end && (*q == '+' || *q == '-'))
                        q++;
                if (!(q = after_digits(q, end))) {
                        fail(r, s, json_error_invalid_syntax, "invalid token");
                        return NULL;
                }
        }
        r->p = q;
        size_t len = (size_t) (q - s);
        if (!real && digits_end - s - negative <= 18) {
                /* 18 digits cannot overflow a json_int_t (long long). */
                json_int_t v = 0;
                for (const unsigned char *d = s + negative; d < digits_end; d++)
                        v = v * 10 + (*d - '0');
                return made(r, json_integer(negative ? -v : v));
        }
        char *text = scratch(r, len + 1);
        if (!text)
                return out_of_memory(r);
        memcpy(text, s, len);
        text[len] = '\0';
        errno = 0;
        if (!real) {
                long long v = strtoll(text, NULL, 10);
                if (errno == ERANGE) {
                        fail(r, s, json_error_numeric_overflow, negative ? "too big negative integer" : "too big integer");
                        return NULL;
                }
                return made(r, json_integer(v));
        }
        double v = strtod(text, NULL); /* the C locale: hull never calls setlocale() */
        if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL)) {
                fail(r, s, json_error_numeric_overflow, "real number overflow");
                return NULL;
        }
        return made(r, json_real(v));
}

/* true, false, null; like jansson, the whole run of letters is the token. */
static json_t *read_literal(reader *r) {
        const unsigned char *s = r->p, *q = s;
        while (q < r->end && is_alpha(*q))
                q++;
        size_t n = (size_t) (q - s);
        json_t *v = NULL;
        if (n == 4 && memcmp(s, "true", 4) == 0)
                v = json_true();
        else if (n == 5 && memcmp(s, "false", 5) == 0)
                v = json_false();
        else if (n == 4 && memcmp(s, "null", 4) == 0)
                v = json_null();
        else {
                fail(r, s, json_error_invalid_syntax, "invalid token");
                return NULL;
        }
        r->p = q;
        return v;
}

static json_t *read_string_value(reader *r) {
        const char *s;
        size_t n;
        const unsigned char *at = r->p;
        if (read_string(r, &s, &n, NULL) < 0)
                return NULL;
        if (!(r->flags & JSON_ALLOW_NUL) && memchr(s, '\0', n)) {
                fail(r, at, json_error_null_character, "\\u0000 is not allowed in a string");
                return NULL;
        }
        return made(r, json_stringn_nocheck(s, n));
}

/* A key for a message: itself when it is short printable ASCII. */
static const char *printable_key(const char *k, size_t n) {
        if (n > 64)
                return NULL;
        for (size_t i = 0; i < n; i++)
                if (k[i] < 0x20 || k[i] > 0x7e || k[i] == '"')
                        return NULL;
        return k;
}

/* Past the opening '{' or '[' at r->p and the spaces after it: whether the
 * closing character follows at once (then skipped too: an empty one). */
static bool opened_empty(reader *r, char close) {
        r->p++;
        skip_space(r);
        if (r->p < r->end && *r->p == close) {
                r->p++;
                return true;
        }
        return false;
}

/* After a member of an object or an element of an array: 1 at a ',' (skipped,
 * with the spaces after it), 0 at the closing character (skipped), -1 after
 * fail(). */
static int next_member(reader *r, char close) {
        skip_space(r);
        if (r->p < r->end && *r->p == ',') {
                r->p++;
                skip_space(r);
                return 1;
        }
        if (r->p < r->end && *r->p == close) {
                r->p++;
                return 0;
        }
        fail(r, r->p, json_error_invalid_syntax, close == '}' ? "',' or '}' expected" : "',' or ']' expected");
        return -1;
}

/* One member of the object o: its key, the ':' and its value; 0, or -1
 * after fail(). */
static int read_member(reader *r, json_t *o) {
        if (r->p == r->end || *r->p != '"') {
                fail(r, r->p, json_error_invalid_syntax, "string or '}' expected");
                return -1;
        }
        const unsigned char *at = r->p;
        const char *key;
        size_t key_len;
        _cleanup_free_ char *owned = NULL;
        if (read_string(r, &key, &key_len, &owned) < 0)
                return -1;
        if (memchr(key, '\0', key_len)) {
                fail(r, at, json_error_null_byte_in_key, "NUL byte in object key not supported");
                return -1;
        }
        skip_space(r);
        if (r->p == r->end || *r->p != ':') {
                fail(r, r->p, json_error_invalid_syntax, "':' expected");
                return -1;
        }
        r->p++;
        skip_space(r);
        json_t *v = read_value(r);
        if (!v)
                return -1;
        size_t size = json_object_size(o);
        if (json_object_setn_new_nocheck(o, key, key_len, v) < 0) {
                out_of_memory(r);
                return -1;
        }
        if ((r->flags & JSON_REJECT_DUPLICATES) && json_object_size(o) == size) {
                const char *k = printable_key(key, key_len);
                if (k)
                        fail(r, at, json_error_duplicate_key, "duplicate object key \"%.*s\"", (int) key_len, k);
                else
                        fail(r, at, json_error_duplicate_key, "duplicate object key");
                return -1;
        }
        return 0;
}

/* One element of the array a; 0, or -1 after fail(). */
static int read_element(reader *r, json_t *a) {
        json_t *v = read_value(r);
        if (!v)
                return -1;
        if (json_array_append_new(a, v) < 0) {
                out_of_memory(r);
                return -1;
        }
        return 0;
}

/* The object or array (close: '}' or ']') whose opening character is at
 * r->p. */
static json_t *read_container(reader *r, char close) {
        bool object = close == '}';
        json_t *c = object ? json_object() : json_array();
        if (!c)
                return out_of_memory(r);
        if (opened_empty(r, close))
                return c;
        for (;;) {
                if ((object ? read_member(r, c) : read_element(r, c)) < 0)
                        break;
                int more = next_member(r, close);
                if (more == 0)
                        return c;
                if (more < 0)
                        break;
        }
        json_decref(c);
        return NULL;
}

/* The value at r->p (spaces before it skipped). */
static json_t *read_value(reader *r) {
        if (++r->depth > MAX_DEPTH) {
                fail(r, r->p, json_error_stack_overflow, "maximum parsing depth reached");
                return NULL;
        }
        if (r->p == r->end) {
                fail(r, r->p, json_error_premature_end_of_input, "a value expected");
                return NULL;
        }
        json_t *v;
        unsigned char c = *r->p;
        if (c == '{' || c == '[')
                v = read_container(r, c == '{' ? '}' : ']');
        else if (c == '"')
                v = read_string_value(r);
        else if (c == '-' || is_digit(c))
                v = read_number(r);
        else if (is_alpha(c))
                v = read_literal(r);
        else {
                fail(r, r->p, json_error_invalid_syntax, strchr("}]:,", c) && c ? "unexpected token" : "invalid token");
                return NULL;
        }
        if (v)
                r->depth--;
        return v;
}

static json_t *load(const char *buf, size_t len, size_t flags, json_error_t *error, const char *source) {
        if (error) {
                error->line = -1;
                error->column = -1;
                error->position = 0;
                snprintf(error->source, sizeof(error->source), "%s", source);
                error->text[0] = '\0';
        }
        reader r = { .start = (const unsigned char *) buf, .p = (const unsigned char *) buf,
                     .end = (const unsigned char *) buf + len, .flags = flags, .error = error };
        if (!buf || (flags & ~SUPPORTED_FLAGS)) {
                r.start = r.p = r.end = (const unsigned char *) "";
                fail(&r, r.p, json_error_invalid_argument, !buf ? "wrong arguments" : "unsupported flags");
                return NULL;
        }
        skip_space(&r);
        json_t *v = NULL;
        if (!(flags & JSON_DECODE_ANY) && (r.p == r.end || (*r.p != '[' && *r.p != '{')))
                fail(&r, r.p, json_error_invalid_syntax, "'[' or '{' expected");
        else if ((v = read_value(&r))) {
                skip_space(&r);
                if (r.p != r.end) {
                        fail(&r, r.p, json_error_end_of_input_expected, "end of file expected");
                        json_decref(v);
                        v = NULL;
                } else if (error)
                        error->position = (int) len;
        }
        free(r.buf);
        return v;
}

json_t *hull_json_loadb(const char *buf, size_t len, size_t flags, json_error_t *error) {
        return load(buf, len, flags, error, "<buffer>");
}

json_t *hull_json_loads(const char *s, size_t flags, json_error_t *error) {
        return load(s, s ? strlen(s) : 0, flags, error, "<string>");
}

/* The writer: hull_json_dumps. */

typedef struct writer {
        char *buf;
        size_t len, cap; /* cap > len: room for the final NUL */
        bool failed;
} writer;

static void put(writer *w, const char *s, size_t n) {
        if (w->failed)
                return;
        if (n >= w->cap - w->len) {
                size_t cap = w->cap ? w->cap : 1024;
                while (n >= cap - w->len) {
                        if (cap > SIZE_MAX / 2) {
                                w->failed = true;
                                return;
                        }
                        cap *= 2;
                }
                char *b = realloc(w->buf, cap);
                if (!b) {
                        w->failed = true;
                        return;
                }
                w->buf = b;
                w->cap = cap;
        }
        memcpy(w->buf + w->len, s, n);
        w->len += n;
}

/* A line break and depth levels of indentation with JSON_INDENT; else the
 * space that a not compact text has after a comma. */
static void put_break(writer *w, size_t flags, size_t depth, bool space) {
        static const char spaces[] = "                                ";
        size_t n = (flags & JSON_MAX_INDENT) * depth;
        if (flags & JSON_MAX_INDENT) {
                put(w, "\n", 1);
                for (; n > 0; n -= n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1)
                        put(w, spaces, n < sizeof(spaces) - 1 ? n : sizeof(spaces) - 1);
        } else if (space && !(flags & JSON_COMPACT))
                put(w, " ", 1);
}

static void put_string(writer *w, const char *s, size_t n) {
        put(w, "\"", 1);
        size_t run = 0;
        for (size_t i = 0; i < n; i++) {
                unsigned char c = (unsigned char) s[i];
                if (c >= 0x20 && c != '"' && c != '\\')
                        continue;
                put(w, s + run, i - run);
                run = i + 1;
                char esc[8] = { '\\', (char) c, 0 };
                size_t len = 2;
                const char *e = c ? strchr(escaped_chars, c) : NULL;
                if (e)
                        esc[1] = escape_letters[e - escaped_chars];
                else if (c != '"' && c != '\\') {
                        memcpy(esc + 1, "u00", 3);
                        esc[4] = "0123456789ABCDEF"[c >> 4];
                        esc[5] = "0123456789ABCDEF"[c & 15];
                        len = 6;
                }
                put(w, esc, len);
        }
        put(w, s + run, n - run);
        put(w, "\"", 1);
}

static void put_integer(writer *w, json_int_t v) {
        char b[24], *p = b + sizeof(b);
        unsigned long long u = v < 0 ? 0ull - (unsigned long long) v : (unsigned long long) v;
        do
                *--p = (char) ('0' + u % 10);
        while (u /= 10);
        if (v < 0)
                *--p = '-';
        put(w, p, (size_t) (b + sizeof(b) - p));
}

/* As jansson writes a real: %.17g (or the precision asked), with ".0" when
 * that looks like an integer, and no '+' or leading zeros in the exponent. */
static void put_real(writer *w, double v, int precision) {
        char b[64];
        int n = snprintf(b, sizeof(b), "%.*g", precision ? precision : 17, v);
        if (n < 0 || (size_t) n >= sizeof(b) - 3) {
                w->failed = true;
                return;
        }
        if (!strchr(b, '.') && !strchr(b, 'e')) {
                memcpy(b + n, ".0", 3);
                n += 2;
        }
        char *e = strchr(b, 'e');
        if (e) {
                char *digits = e + 1 + (e[1] == '-');
                char *from = e + 1;
                while (*from == '+' || *from == '-')
                        from++;
                while (*from == '0' && from[1])
                        from++;
                if (e[1] == '-')
                        memmove(digits, from, strlen(from) + 1);
                else
                        memmove(e + 1, from, strlen(from) + 1);
                n = (int) strlen(b);
        }
        put(w, b, (size_t) n);
}

typedef struct {
        const char *key;
        size_t len;
        json_t *value;
} keyed;

static int keyed_cmp(const void *a, const void *b) {
        const keyed *x = a, *y = b;
        int r = memcmp(x->key, y->key, x->len < y->len ? x->len : y->len);
        if (r)
                return r;
        return x->len < y->len ? -1 : x->len > y->len;
}

static void put_value(writer *w, const json_t *j, size_t flags, size_t depth);

/* One member after another: its key, the separator, its value, and the
 * comma or the closing line break.  last: whether it is the last one. */
static void put_member(writer *w, const char *key, size_t len, const json_t *value, bool last, size_t flags,
                       size_t depth) {
        put_string(w, key, len);
        put(w, ": ", flags & JSON_COMPACT ? 1 : 2);
        put_value(w, value, flags, depth + 1);
        if (!last) {
                put(w, ",", 1);
                put_break(w, flags, depth + 1, true);
        } else
                put_break(w, flags, depth, false);
}

/* Small frames: an object nested 2048 deep is written with the stack that
 * json_dumps needs (the sorted keys are on the heap). */
static void put_object(writer *w, json_t *j, size_t flags, size_t depth) {
        size_t n = json_object_size(j);
        put(w, "{", 1);
        if (n > 0)
                put_break(w, flags, depth + 1, false);
        if (n > 0 && (flags & JSON_SORT_KEYS)) {
                keyed *all = malloc(n * sizeof(*all));
                if (!all) {
                        w->failed = true;
                        return;
                }
                size_t i = 0;
                for (void *it = json_object_iter(j); it && i < n; it = json_object_iter_next(j, it), i++)
                        all[i] = (keyed) { json_object_iter_key(it), json_object_iter_key_len(it),
                                           json_object_iter_value(it) };
                qsort(all, i, sizeof(*all), keyed_cmp);
                for (size_t k = 0; k < i; k++)
                        put_member(w, all[k].key, all[k].len, all[k].value, k + 1 == i, flags, depth);
                free(all);
        } else
                for (void *it = json_object_iter(j); it;) {
                        void *next = json_object_iter_next(j, it);
                        put_member(w, json_object_iter_key(it), json_object_iter_key_len(it),
                                   json_object_iter_value(it), !next, flags, depth);
                        it = next;
                }
        put(w, "}", 1);
}

static void put_value(writer *w, const json_t *j, size_t flags, size_t depth) {
        switch (json_typeof(j)) {
        case JSON_NULL:
                put(w, "null", 4);
                return;
        case JSON_TRUE:
                put(w, "true", 4);
                return;
        case JSON_FALSE:
                put(w, "false", 5);
                return;
        case JSON_INTEGER:
                put_integer(w, json_integer_value(j));
                return;
        case JSON_REAL:
                put_real(w, json_real_value(j), (int) ((flags >> 11) & 0x1F));
                return;
        case JSON_STRING:
                put_string(w, json_string_value(j), json_string_length(j));
                return;
        case JSON_OBJECT:
                put_object(w, (json_t *) j, flags, depth);
                return;
        case JSON_ARRAY: {
                size_t n = json_array_size(j);
                put(w, "[", 1);
                if (n > 0)
                        put_break(w, flags, depth + 1, false);
                for (size_t i = 0; i < n; i++) {
                        put_value(w, json_array_get(j, i), flags, depth + 1);
                        if (i + 1 < n) {
                                put(w, ",", 1);
                                put_break(w, flags, depth + 1, true);
                        } else
                                put_break(w, flags, depth, false);
                }
                put(w, "]", 1);
                return;
        }
        }
        w->failed = true;
}

char *hull_json_dumps(const json_t *j, size_t flags) {
        if (!j || (flags & ~(size_t) DUMP_FLAGS) ||
            (!(flags & JSON_ENCODE_ANY) && !json_is_object(j) && !json_is_array(j)))
                return NULL;
        writer w = { 0 };
        put_value(&w, j, flags, 0);
        if (w.failed) {
                free(w.buf);
                return NULL;
        }
        if (!w.buf) /* cannot happen: every value writes something */
                return NULL;
        w.buf[w.len] = '\0';
        return w.buf;
}
