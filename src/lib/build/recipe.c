/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The Hullfile parser (see recipe.h): Dockerfile syntax, docker's rules for
 * continuations, directives, quotes, variables and the two command forms. */
#include "recipe.h"

#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image/image.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/json.h"
#include "util/strv.h"

#define MAX_PORTS 65536

static const char *const op_names[_HULL_RECIPE_OP_MAX] = {
        [HULL_RECIPE_FROM] = "FROM",
        [HULL_RECIPE_COPY] = "COPY",
        [HULL_RECIPE_ADD] = "ADD",
        [HULL_RECIPE_ENV] = "ENV",
        [HULL_RECIPE_ARG] = "ARG",
        [HULL_RECIPE_WORKDIR] = "WORKDIR",
        [HULL_RECIPE_USER] = "USER",
        [HULL_RECIPE_ENTRYPOINT] = "ENTRYPOINT",
        [HULL_RECIPE_CMD] = "CMD",
        [HULL_RECIPE_SHELL] = "SHELL",
        [HULL_RECIPE_LABEL] = "LABEL",
        [HULL_RECIPE_EXPOSE] = "EXPOSE",
        [HULL_RECIPE_STOPSIGNAL] = "STOPSIGNAL",
        [HULL_RECIPE_VOLUME] = "VOLUME",
        [HULL_RECIPE_MAINTAINER] = "MAINTAINER",
        [HULL_RECIPE_PROGRAM] = "PROGRAM",
        [HULL_RECIPE_WITH] = "WITH",
        [HULL_RECIPE_ETC] = "ETC",
        [HULL_RECIPE_CA_CERTIFICATES] = "CA_CERTIFICATES",
        [HULL_RECIPE_TZDATA] = "TZDATA",
        [HULL_RECIPE_GCONV] = "GCONV",
        [HULL_RECIPE_INIT] = "INIT",
};

const char *hull_recipe_op_name(hull_recipe_op op) {
        return op >= 0 && op < _HULL_RECIPE_OP_MAX ? op_names[op] : "?";
}

bool hull_recipe_op_is_fs(hull_recipe_op op) {
        switch (op) {
        case HULL_RECIPE_COPY:
        case HULL_RECIPE_ADD:
        case HULL_RECIPE_WORKDIR:
        case HULL_RECIPE_PROGRAM:
        case HULL_RECIPE_WITH:
        case HULL_RECIPE_ETC:
        case HULL_RECIPE_CA_CERTIFICATES:
        case HULL_RECIPE_TZDATA:
        case HULL_RECIPE_GCONV:
        case HULL_RECIPE_INIT:
                return true;
        default:
                return false;
        }
}

/* ---- growable strings ---- */

typedef struct sbuf {
        char *s;
        size_t n, cap;
} sbuf;

static int sb_add(sbuf *b, const char *s, size_t n) {
        if (b->n + n + 1 > b->cap) {
                size_t cap = b->cap ? b->cap : 32;
                while (cap < b->n + n + 1)
                        cap *= 2;
                char *ns = realloc(b->s, cap);
                if (!ns)
                        return -ENOMEM;
                b->s = ns;
                b->cap = cap;
        }
        memcpy(b->s + b->n, s, n);
        b->n += n;
        b->s[b->n] = 0;
        return 0;
}

static int sb_putc(sbuf *b, char c) {
        return sb_add(b, &c, 1);
}

/* The string (never NULL: "" when nothing was added); the buffer is emptied. */
static char *sb_take(sbuf *b) {
        char *s = b->s ? b->s : strdup("");
        *b = (sbuf){ 0 };
        return s;
}

static void sb_done(sbuf *b) {
        free(b->s);
        *b = (sbuf){ 0 };
}

/* ---- the parser ---- */

/* A logical line: continuations joined, the position of every byte. */
typedef struct lline {
        sbuf text;
        hull_recipe_pos *pos;
        size_t cap;
} lline;

/* Text the lexer reads: a part of the logical line (pos set), or a decoded
 * JSON string (pos NULL: errors point at `at`). */
typedef struct src {
        const char *s;
        size_t len;
        const hull_recipe_pos *pos;
        hull_recipe_pos at;
} src;

typedef struct parser {
        const char *name;
        hull_error **err;
        char esc;
        bool from;
        char **meta;  /* ARGs declared before FROM: "NAME=VALUE" */
        char **args;  /* ARGs of the stage */
        char **env;   /* ENV of the stage */
        char *const *build_args;
        char **used;  /* build arguments an ARG declared */
        char **shell;
        char *workdir;
        hull_recipe *r;
        hull_recipe_step *step; /* being parsed */
} parser;

static hull_recipe_pos src_pos(const src *s, size_t i) {
        if (!s->pos)
                return s->at;
        return s->pos[i < s->len ? i : s->len];
}

static int fail_at(parser *p, hull_recipe_pos at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail_at(parser *p, hull_recipe_pos at, const char *fmt, ...) {
        _cleanup_free_ char *msg = NULL;
        va_list ap;
        va_start(ap, fmt);
        int k = vasprintf(&msg, fmt, ap);
        va_end(ap);
        if (k < 0)
                return hull_error_set(p->err, ENOMEM, "%s", p->name);
        return hull_image_error_status(p->err,
                                       hull_error_set_raw(p->err, EINVAL, "%s:%u:%u: %s", p->name, at.line, at.column, msg),
                                       HULL_IMAGE_EXIT_INVALID);
}

static int oom(parser *p) {
        return hull_error_set(p->err, ENOMEM, "%s", p->name);
}

static const char *lookup(parser *p, const char *name) {
        const char *v = hull_env_get(p->env, name);
        if (!v)
                v = hull_env_get(p->from ? p->args : p->meta, name);
        return v;
}

static bool name_start(char c) {
        return isalpha((unsigned char) c) || c == '_';
}

static bool name_char(char c) {
        return isalnum((unsigned char) c) || c == '_';
}

static int lex_word(parser *p, const src *s, size_t *i, bool split, bool subst, char stop, sbuf *out);

/* A '$' at s->s[*i]: appends the variable's value (or the '$'). */
static int dollar(parser *p, const src *s, size_t *i, sbuf *out) {
        size_t at = (*i)++;
        const char *t = s->s;
        if (*i < s->len && t[*i] == '{') {
                (*i)++;
                size_t n0 = *i;
                if (*i >= s->len || !name_start(t[*i]))
                        return fail_at(p, src_pos(s, at), "bad variable syntax: expected a name after \"${\"");
                while (*i < s->len && name_char(t[*i]))
                        (*i)++;
                _cleanup_free_ char *name = strndup(t + n0, *i - n0);
                if (!name)
                        return oom(p);
                if (*i >= s->len)
                        return fail_at(p, src_pos(s, at), "bad variable syntax: missing \"}\" after \"${%s\"", name);
                if (t[*i] == '}') {
                        (*i)++;
                        const char *v = lookup(p, name);
                        return v && sb_add(out, v, strlen(v)) < 0 ? oom(p) : 0;
                }
                if (t[*i] != ':' || *i + 1 >= s->len || (t[*i + 1] != '-' && t[*i + 1] != '+'))
                        return fail_at(p, src_pos(s, *i),
                                       "unsupported variable syntax in \"${%s\": expected ${%s}, ${%s:-default} or "
                                       "${%s:+alternative}",
                                       name, name, name, name);
                char mod = t[*i + 1];
                *i += 2;
                sbuf word = { 0 };
                int r = lex_word(p, s, i, false, true, '}', &word);
                if (r >= 0 && *i >= s->len)
                        r = fail_at(p, src_pos(s, at), "bad variable syntax: missing \"}\" after \"${%s:%c\"", name, mod);
                if (r < 0) {
                        sb_done(&word);
                        return r;
                }
                (*i)++;
                const char *v = lookup(p, name);
                bool set = v && *v;
                const char *add = mod == '-' ? (set ? v : (word.s ? word.s : "")) : (set ? (word.s ? word.s : "") : "");
                r = sb_add(out, add, strlen(add));
                sb_done(&word);
                return r < 0 ? oom(p) : 0;
        }
        if (*i < s->len && name_start(t[*i])) {
                size_t n0 = *i;
                while (*i < s->len && name_char(t[*i]))
                        (*i)++;
                _cleanup_free_ char *name = strndup(t + n0, *i - n0);
                if (!name)
                        return oom(p);
                const char *v = lookup(p, name);
                return v && sb_add(out, v, strlen(v)) < 0 ? oom(p) : 0;
        }
        return sb_putc(out, '$') < 0 ? oom(p) : 0;
}

/* One word from s->s[*i]: quotes removed, the escape character applied,
 * variables substituted (with `subst`).  Stops at a blank (with `split`),
 * at an unquoted `stop` (when not 0) or at the end. */
static int lex_word(parser *p, const src *s, size_t *i, bool split, bool subst, char stop, sbuf *out) {
        const char *t = s->s;
        int r = 0;
        while (*i < s->len && r >= 0) {
                char c = t[*i];
                if ((split && (c == ' ' || c == '\t')) || (stop && c == stop))
                        break;
                if (c == p->esc) {
                        if (*i + 1 < s->len) {
                                r = sb_putc(out, t[*i + 1]);
                                *i += 2;
                        } else {
                                r = sb_putc(out, c);
                                (*i)++;
                        }
                } else if (c == '\'') {
                        size_t q = (*i)++;
                        while (*i < s->len && t[*i] != '\'' && r >= 0)
                                r = sb_putc(out, t[(*i)++]);
                        if (*i >= s->len)
                                return fail_at(p, src_pos(s, q), "unterminated single quote");
                        (*i)++;
                } else if (c == '"') {
                        size_t q = (*i)++;
                        while (*i < s->len && t[*i] != '"' && r >= 0) {
                                char d = t[*i];
                                if (d == p->esc && *i + 1 < s->len &&
                                    (t[*i + 1] == '"' || t[*i + 1] == '$' || t[*i + 1] == p->esc)) {
                                        r = sb_putc(out, t[*i + 1]);
                                        *i += 2;
                                } else if (d == '$' && subst) {
                                        if ((r = dollar(p, s, i, out)) < 0)
                                                return r;
                                } else {
                                        r = sb_putc(out, d);
                                        (*i)++;
                                }
                        }
                        if (r >= 0 && *i >= s->len)
                                return fail_at(p, src_pos(s, q), "unterminated double quote");
                        (*i)++;
                } else if (c == '$' && subst) {
                        if ((r = dollar(p, s, i, out)) < 0)
                                return r;
                } else {
                        r = sb_putc(out, c);
                        (*i)++;
                }
        }
        return r < 0 ? (r == -ENOMEM ? oom(p) : r) : 0;
}

static void skip_blanks(const src *s, size_t *i) {
        while (*i < s->len && (s->s[*i] == ' ' || s->s[*i] == '\t'))
                (*i)++;
}

/* Appends a word and where it starts to the step. */
static int step_push(parser *p, char *w, hull_recipe_pos at) {
        hull_recipe_step *st = p->step;
        size_t n = hull_strv_length(st->args);
        hull_recipe_pos *np = realloc(st->arg_pos, (n + 2) * sizeof(*np));
        if (!np) {
                free(w);
                return oom(p);
        }
        st->arg_pos = np;
        np[n] = at;
        return hull_strv_consume(&st->args, w) < 0 ? oom(p) : 0;
}

/* Every word from s->s[i] on, pushed to the step. */
static int words(parser *p, const src *s, size_t i, bool subst) {
        for (;;) {
                skip_blanks(s, &i);
                if (i >= s->len)
                        return 0;
                size_t start = i;
                sbuf w = { 0 };
                int r = lex_word(p, s, &i, true, subst, 0, &w);
                if (r < 0) {
                        sb_done(&w);
                        return r;
                }
                char *ws = sb_take(&w);
                if (!ws)
                        return oom(p);
                if ((r = step_push(p, ws, src_pos(s, start))) < 0)
                        return r;
        }
}

/* The rest of the text from i as one word (blanks kept). */
static int rest_word(parser *p, const src *s, size_t i, bool subst, char **ret) {
        sbuf w = { 0 };
        int r = lex_word(p, s, &i, false, subst, 0, &w);
        if (r < 0) {
                sb_done(&w);
                return r;
        }
        return (*ret = sb_take(&w)) ? 0 : oom(p);
}

/* The JSON (exec) form: when the text starts with '[' and then '"', '\'' or
 * ']' it must be a JSON array of strings; returns 1 and pushes its strings
 * (substituted with `subst`), 0 when the text is not in JSON form. */
static int json_form(parser *p, const src *s, size_t i, bool subst) {
        if (i >= s->len || s->s[i] != '[')
                return 0;
        size_t k = i + 1;
        skip_blanks(s, &k);
        if (k < s->len && s->s[k] == '\'')
                return fail_at(p, src_pos(s, k), "bad JSON form: strings take double quotes (\"...\")");
        if (k < s->len && s->s[k] != '"' && s->s[k] != ']')
                return 0;
        json_error_t je;
        json_t *a = hull_json_loadb(s->s + i, s->len - i, JSON_DECODE_ANY, &je);
        if (!a) {
                /* hull_json_loadb's position is the offset of the fault. */
                size_t off = je.position > 0 ? (size_t) je.position : 0;
                return fail_at(p, src_pos(s, i + off), "bad JSON form: %s", je.text);
        }
        int r = 0;
        if (!json_is_array(a))
                r = fail_at(p, src_pos(s, i), "bad JSON form: expected an array of strings");
        for (size_t j = 0; r >= 0 && j < json_array_size(a); j++) {
                json_t *e = json_array_get(a, j);
                if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e)) {
                        r = fail_at(p, src_pos(s, i), "bad JSON form: element %zu is not a string (or holds a NUL)", j);
                        break;
                }
                char *w;
                if (subst) {
                        src sub = { json_string_value(e), json_string_length(e), NULL, src_pos(s, i) };
                        r = rest_word(p, &sub, 0, true, &w);
                } else
                        r = (w = strdup(json_string_value(e))) ? 0 : oom(p);
                if (r >= 0)
                        r = step_push(p, w, src_pos(s, i));
        }
        json_decref(a);
        return r < 0 ? r : 1;
}

/* Words, or the JSON form. */
static int list(parser *p, const src *s, size_t i, bool subst) {
        int r = json_form(p, s, i, subst);
        return r != 0 ? (r < 0 ? r : 0) : words(p, s, i, subst);
}

static size_t n_args(parser *p) {
        return hull_strv_length(p->step->args);
}

static int need_args(parser *p, size_t min, const char *what) {
        if (n_args(p) < min)
                return fail_at(p, p->step->pos, "%s needs %s", hull_recipe_op_name(p->step->op), what);
        return 0;
}

static int no_args(parser *p, const src *s, size_t i) {
        if (i < s->len)
                return fail_at(p, src_pos(s, i), "%s takes no arguments", hull_recipe_op_name(p->step->op));
        return 0;
}

/* ---- instructions ---- */

static int do_from(parser *p, const src *s, size_t i) {
        if (p->from)
                return fail_at(p, p->step->pos, "a second FROM: multi-stage builds are not supported (one FROM scratch)");
        if (i + 2 <= s->len && s->s[i] == '-' && s->s[i + 1] == '-')
                return fail_at(p, src_pos(s, i), "FROM takes no flags (--platform: hull builds for this machine)");
        int r = words(p, s, i, true);
        if (r < 0)
                return r;
        char **w = p->step->args;
        if (!w[0])
                return fail_at(p, p->step->pos, "FROM needs an image: FROM scratch");
        if (strcmp(w[0], "scratch") != 0)
                return fail_at(p, p->step->arg_pos[0], "FROM %s needs RUN support (a later issue); only FROM scratch", w[0]);
        if (w[1] && (strcasecmp(w[1], "AS") != 0 || !w[2] || w[3]))
                return fail_at(p, p->step->arg_pos[1], "expected FROM scratch [AS NAME]");
        p->from = true;
        /* $PATH in later steps is scratch's default, as with docker */
        return hull_env_set(&p->env, HULL_RECIPE_DEFAULT_PATH) < 0 ? oom(p) : 0;
}

static bool valid_mode(const char *m) {
        if (!*m || strlen(m) > 5)
                return false;
        for (const char *q = m; *q; q++)
                if (*q < '0' || *q > '7')
                        return false;
        return strtoul(m, NULL, 8) <= 07777;
}

/* Leading --name=value flags of COPY and ADD; returns the index after them. */
static int copy_flags(parser *p, const src *s, size_t *i) {
        for (;;) {
                skip_blanks(s, i);
                if (*i + 2 > s->len || s->s[*i] != '-' || s->s[*i + 1] != '-')
                        return 0;
                size_t at = *i;
                sbuf w = { 0 };
                int r = lex_word(p, s, i, true, true, 0, &w);
                _cleanup_free_ char *f = sb_take(&w);
                if (r < 0)
                        return r;
                if (!f)
                        return oom(p);
                char *eq = strchr(f, '=');
                char **dst = NULL;
                if (hull_startswith(f, "--chown="))
                        dst = &p->step->chown;
                else if (hull_startswith(f, "--chmod=")) {
                        if (!valid_mode(eq + 1))
                                return fail_at(p, src_pos(s, at), "%s: expected an octal mode (0755)", f);
                        dst = &p->step->chmod;
                } else if (strcmp(f, "--link") == 0 || strcmp(f, "--link=true") == 0 || strcmp(f, "--link=false") == 0)
                        continue; /* one layer anyway */
                else if (hull_startswith(f, "--from="))
                        return fail_at(p, src_pos(s, at), "%s: copying from another stage or image is not supported", f);
                else
                        return fail_at(p, src_pos(s, at), "unknown flag %s (--chown=USER[:GROUP], --chmod=MODE)", f);
                if (!eq[1])
                        return fail_at(p, src_pos(s, at), "%s needs a value", f);
                free(*dst);
                if (!(*dst = strdup(eq + 1)))
                        return oom(p);
        }
}

static int do_copy(parser *p, const src *s, size_t i) {
        int r = copy_flags(p, s, &i);
        if (r < 0 || (r = list(p, s, i, true)) < 0)
                return r;
        return need_args(p, 2, "a source and a destination");
}

/* KEY=VALUE... or the legacy KEY VALUE (ENV, LABEL). */
static int pairs(parser *p, const src *s, size_t i) {
        skip_blanks(s, &i);
        size_t start = i;
        sbuf w = { 0 };
        int r = lex_word(p, s, &i, true, true, 0, &w);
        _cleanup_free_ char *first = sb_take(&w);
        if (r < 0)
                return r;
        if (!first)
                return oom(p);
        const char *op = hull_recipe_op_name(p->step->op);
        if (start >= s->len)
                return fail_at(p, p->step->pos, "%s needs KEY=VALUE", op);
        if (!strchr(first, '=')) {
                skip_blanks(s, &i);
                if (i >= s->len)
                        return fail_at(p, src_pos(s, start), "%s %s needs a value: KEY=VALUE or KEY VALUE", op, first);
                _cleanup_free_ char *value = NULL;
                if ((r = rest_word(p, s, i, true, &value)) < 0)
                        return r;
                char *kv = hull_strdup_printf("%s=%s", first, value);
                return kv ? step_push(p, kv, src_pos(s, start)) : oom(p);
        }
        if ((r = words(p, s, start, true)) < 0)
                return r;
        for (size_t k = 0; p->step->args[k]; k++) {
                const char *a = p->step->args[k];
                if (!strchr(a, '='))
                        return fail_at(p, p->step->arg_pos[k], "%s: expected KEY=VALUE, got \"%s\"", op, a);
                if (a[0] == '=')
                        return fail_at(p, p->step->arg_pos[k], "%s: empty key in \"%s\"", op, a);
        }
        return 0;
}

static int do_env(parser *p, const src *s, size_t i) {
        int r = pairs(p, s, i);
        if (r < 0)
                return r;
        /* Values use the environment before the instruction (docker's rule);
         * the names take effect after it. */
        for (char **a = p->step->args; *a; a++)
                if (hull_env_set(&p->env, *a) < 0)
                        return oom(p);
        return 0;
}

static int do_arg(parser *p, const src *s, size_t i) {
        size_t first = n_args(p);
        int r = words(p, s, i, true);
        if (r < 0)
                return r;
        if (!p->step->args[first])
                return fail_at(p, p->step->pos, "ARG needs a NAME[=DEFAULT]");
        for (size_t k = first; p->step->args[k]; k++) {
                char *a = p->step->args[k];
                char *eq = strchr(a, '=');
                size_t nlen = eq ? (size_t) (eq - a) : strlen(a);
                bool ok = nlen > 0 && name_start(a[0]);
                for (size_t j = 1; ok && j < nlen; j++)
                        ok = name_char(a[j]);
                if (!ok)
                        return fail_at(p, p->step->arg_pos[k], "ARG: \"%.*s\" is not a variable name", (int) nlen, a);
                _cleanup_free_ char *name = strndup(a, nlen);
                if (!name)
                        return oom(p);
                const char *given = hull_env_get(p->build_args, name);
                const char *value = given ? given : eq ? eq + 1 : (p->from ? hull_env_get(p->meta, name) : NULL);
                char *kv = hull_strdup_printf("%s=%s", name, value ? value : "");
                if (!kv)
                        return oom(p);
                free(p->step->args[k]);
                p->step->args[k] = kv;
                if (hull_env_set(p->from ? &p->args : &p->meta, kv) < 0 ||
                    (given && !hull_strv_contains(p->used, name) && hull_strv_push(&p->used, name) < 0))
                        return oom(p);
        }
        return 0;
}

static int single(parser *p, const src *s, size_t i, bool subst, bool one_word, char **ret) {
        skip_blanks(s, &i);
        const char *op = hull_recipe_op_name(p->step->op);
        if (i >= s->len)
                return fail_at(p, p->step->pos, "%s needs an argument", op);
        size_t start = i;
        int r = rest_word(p, s, i, subst, ret);
        if (r < 0)
                return r;
        if (!**ret)
                return fail_at(p, src_pos(s, start), "%s: the argument is empty", op);
        if (one_word && strpbrk(*ret, " \t"))
                return fail_at(p, src_pos(s, start), "%s takes one argument, got \"%s\"", op, *ret);
        return 0;
}

static int do_workdir(parser *p, const src *s, size_t i) {
        _cleanup_free_ char *w = NULL;
        int r = single(p, s, i, true, false, &w);
        if (r < 0)
                return r;
        _cleanup_free_ char *joined = w[0] == '/' ? strdup(w) : hull_strdup_printf("%s/%s", p->workdir, w);
        char *clean = NULL;
        if (!joined || hull_path_normalize(joined, true, &clean) < 0)
                return oom(p);
        free(p->workdir);
        if (!(p->workdir = strdup(clean))) {
                free(clean);
                return oom(p);
        }
        skip_blanks(s, &i);
        return step_push(p, clean, src_pos(s, i));
}

static int do_single(parser *p, const src *s, size_t i) {
        char *w = NULL;
        bool sig = p->step->op == HULL_RECIPE_STOPSIGNAL;
        int r = single(p, s, i, true, true, &w);
        if (r < 0) {
                free(w);
                return r;
        }
        skip_blanks(s, &i);
        hull_recipe_pos at = src_pos(s, i);
        if ((r = step_push(p, w, at)) < 0)
                return r;
        if (sig) {
                const char *q = hull_startswith(w, "SIG") ? w + 3 : w;
                bool digits = *q != 0, upper = *q != 0;
                for (const char *c = q; *c; c++) {
                        digits = digits && isdigit((unsigned char) *c);
                        upper = upper && (isupper((unsigned char) *c) || isdigit((unsigned char) *c) || *c == '+' || *c == '-');
                }
                if ((digits && (q != w || atoi(q) < 1 || atoi(q) > 64)) || (!digits && !upper) || strlen(q) > 16)
                        return fail_at(p, at, "STOPSIGNAL: \"%s\" is not a signal (SIGTERM, SIGRTMIN+3, 15)", w);
        }
        return 0;
}

static int do_command(parser *p, const src *s, size_t i) {
        hull_recipe_op op = p->step->op;
        int r = json_form(p, s, i, false);
        if (r < 0)
                return r;
        if (op == HULL_RECIPE_SHELL) {
                if (r == 0)
                        return fail_at(p, p->step->pos, "SHELL needs the JSON form: SHELL [\"/bin/bash\", \"-c\"]");
                if ((r = need_args(p, 1, "a shell")) < 0)
                        return r;
                hull_strv_free(p->shell);
                return (p->shell = hull_strv_copy(p->step->args)) ? 0 : oom(p);
        }
        if (r > 0)
                return 0;
        if (i >= s->len)
                return fail_at(p, p->step->pos, "%s needs a command", hull_recipe_op_name(op));
        /* The shell form: the text as written, run by the SHELL. */
        for (char **sh = p->shell; *sh; sh++) {
                char *c = strdup(*sh);
                if (!c || (r = step_push(p, c, src_pos(s, i))) < 0)
                        return c ? r : oom(p);
        }
        char *text = strndup(s->s + i, s->len - i);
        return text ? step_push(p, text, src_pos(s, i)) : oom(p);
}

/* "80", "80/udp", "8000-8010/tcp" */
static int do_expose(parser *p, const src *s, size_t i) {
        int r = words(p, s, i, true);
        if (r < 0 || (r = need_args(p, 1, "a port")) < 0)
                return r;
        _cleanup_strv_ char **in = TAKE_PTR(p->step->args);
        _cleanup_free_ hull_recipe_pos *in_pos = TAKE_PTR(p->step->arg_pos);
        if (!(p->step->args = calloc(1, sizeof(char *))))
                return oom(p);
        size_t total = 0;
        for (size_t k = 0; in[k]; k++) {
                const char *a = in[k], *slash = strchr(a, '/');
                const char *proto = slash ? slash + 1 : "tcp";
                char *end;
                unsigned long lo = strtoul(a, &end, 10), hi = lo;
                if (end != a && *end == '-') {
                        const char *h = end + 1;
                        hi = strtoul(h, &end, 10);
                        if (end == h)
                                hi = 0;
                }
                if (!isdigit((unsigned char) a[0]) || end != (slash ? slash : a + strlen(a)) || lo < 1 || hi > 65535 ||
                    hi < lo)
                        return fail_at(p, in_pos[k], "EXPOSE: \"%s\" is not a port (80, 80/udp, 8000-8010/tcp)", a);
                if (strcasecmp(proto, "tcp") != 0 && strcasecmp(proto, "udp") != 0 && strcasecmp(proto, "sctp") != 0)
                        return fail_at(p, in_pos[k], "EXPOSE: \"%s\": the protocol is tcp, udp or sctp", a);
                total += hi - lo + 1;
                if (total > MAX_PORTS)
                        return fail_at(p, in_pos[k], "EXPOSE: too many ports");
                char lower[5] = { 0 };
                for (size_t c = 0; c < 4 && proto[c]; c++)
                        lower[c] = (char) tolower((unsigned char) proto[c]);
                for (unsigned long port = lo; port <= hi; port++) {
                        char *w = hull_strdup_printf("%lu/%s", port, lower);
                        if (!w || (r = step_push(p, w, in_pos[k])) < 0)
                                return w ? r : oom(p);
                }
        }
        return 0;
}

static int do_volume(parser *p, const src *s, size_t i) {
        int r = list(p, s, i, true);
        if (r < 0 || (r = need_args(p, 1, "a path")) < 0)
                return r;
        for (size_t k = 0; p->step->args[k]; k++)
                if (!*p->step->args[k])
                        return fail_at(p, p->step->arg_pos[k], "VOLUME: empty path");
        return 0;
}

static int do_maintainer(parser *p, const src *s, size_t i) {
        if (i >= s->len)
                return fail_at(p, p->step->pos, "MAINTAINER needs a name");
        char *m = strndup(s->s + i, s->len - i);
        return m ? step_push(p, m, src_pos(s, i)) : oom(p);
}

static int do_paths(parser *p, const src *s, size_t i) {
        int r = list(p, s, i, true);
        bool gconv = p->step->op == HULL_RECIPE_GCONV;
        if (r < 0 || (r = need_args(p, 1, gconv ? "a character set (UTF-16, ISO-8859-1, all)" : "a path")) < 0)
                return r;
        for (size_t k = 0; !gconv && p->step->args[k]; k++)
                if (p->step->args[k][0] != '/')
                        return fail_at(p, p->step->arg_pos[k], "%s %s: expected an absolute path on this machine",
                                       hull_recipe_op_name(p->step->op), p->step->args[k]);
        return 0;
}

/* NAME[:UID[:GID]] -> "NAME:UID:GID" (UID 1000 + index when missing, GID = UID). */
static char *parse_user(const char *u, unsigned index) {
        const char *c1 = strchr(u, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        size_t nlen = c1 ? (size_t) (c1 - u) : strlen(u);
        if (nlen == 0 || nlen > 32 || (c2 && strchr(c2 + 1, ':')) || !(islower((unsigned char) u[0]) || u[0] == '_'))
                return NULL;
        for (size_t j = 1; j < nlen; j++)
                if (!islower((unsigned char) u[j]) && !isdigit((unsigned char) u[j]) && u[j] != '_' && u[j] != '-')
                        return NULL;
        unsigned long id[2] = { 1000 + index, 0 };
        const char *f[2] = { c1 ? c1 + 1 : NULL, c2 ? c2 + 1 : NULL };
        for (int k = 0; k < 2; k++) {
                size_t flen = f[k] ? strcspn(f[k], ":") : 0;
                if (flen == 0) {
                        id[k] = k ? id[0] : id[k];
                        continue;
                }
                id[k] = 0;
                for (size_t j = 0; j < flen; j++) {
                        if (!isdigit((unsigned char) f[k][j]) || id[k] > 429496729)
                                return NULL;
                        id[k] = id[k] * 10 + (unsigned long) (f[k][j] - '0');
                }
                if (id[k] >= 4294967295UL)
                        return NULL;
        }
        return hull_strdup_printf("%.*s:%lu:%lu", (int) nlen, u, id[0], id[1]);
}

static int do_etc(parser *p, const src *s, size_t i) {
        int r = words(p, s, i, true);
        if (r < 0)
                return r;
        _cleanup_strv_ char **in = TAKE_PTR(p->step->args);
        _cleanup_free_ hull_recipe_pos *in_pos = TAKE_PTR(p->step->arg_pos);
        if (!(p->step->args = calloc(1, sizeof(char *))))
                return oom(p);
        for (size_t k = 0; in && in[k]; k++) {
                const char *u;
                hull_recipe_pos at = in_pos[k];
                if (hull_startswith(in[k], "--user="))
                        u = in[k] + 7;
                else if (strcmp(in[k], "--user") == 0 && in[k + 1]) {
                        u = in[++k];
                        at = in_pos[k];
                } else
                        return fail_at(p, at, "ETC: unexpected \"%s\" (ETC [--user NAME[:UID[:GID]]]...)", in[k]);
                char *norm = parse_user(u, (unsigned) n_args(p));
                if (!norm)
                        return fail_at(p, at, "ETC --user %s: expected NAME[:UID[:GID]], NAME [a-z_][a-z0-9_-]* (at most 32)", u);
                if ((r = step_push(p, norm, at)) < 0)
                        return r;
        }
        return 0;
}

static int do_none(parser *p, const src *s, size_t i) {
        return no_args(p, s, i);
}

typedef struct instruction {
        const char *name;
        hull_recipe_op op;
        int (*parse)(parser *p, const src *s, size_t i);
} instruction;

static const instruction instructions[] = {
        { "FROM", HULL_RECIPE_FROM, do_from },
        { "COPY", HULL_RECIPE_COPY, do_copy },
        { "ADD", HULL_RECIPE_ADD, do_copy },
        { "ENV", HULL_RECIPE_ENV, do_env },
        { "ARG", HULL_RECIPE_ARG, do_arg },
        { "WORKDIR", HULL_RECIPE_WORKDIR, do_workdir },
        { "USER", HULL_RECIPE_USER, do_single },
        { "ENTRYPOINT", HULL_RECIPE_ENTRYPOINT, do_command },
        { "CMD", HULL_RECIPE_CMD, do_command },
        { "SHELL", HULL_RECIPE_SHELL, do_command },
        { "LABEL", HULL_RECIPE_LABEL, pairs },
        { "EXPOSE", HULL_RECIPE_EXPOSE, do_expose },
        { "STOPSIGNAL", HULL_RECIPE_STOPSIGNAL, do_single },
        { "VOLUME", HULL_RECIPE_VOLUME, do_volume },
        { "MAINTAINER", HULL_RECIPE_MAINTAINER, do_maintainer },
        { "PROGRAM", HULL_RECIPE_PROGRAM, do_paths },
        { "WITH", HULL_RECIPE_WITH, do_paths },
        { "ETC", HULL_RECIPE_ETC, do_etc },
        { "CA_CERTIFICATES", HULL_RECIPE_CA_CERTIFICATES, do_none },
        { "TZDATA", HULL_RECIPE_TZDATA, do_none },
        { "GCONV", HULL_RECIPE_GCONV, do_paths },
        { "INIT", HULL_RECIPE_INIT, do_none },
};

static void step_done(hull_recipe_step *st) {
        free(st->text);
        hull_strv_free(st->args);
        free(st->arg_pos);
        free(st->chown);
        free(st->chmod);
}

/* Parses one logical line into a new step. */
static int instruction_line(parser *p, const lline *l) {
        const char *t = l->text.s;
        size_t len = l->text.n;
        while (len > 0 && (t[len - 1] == ' ' || t[len - 1] == '\t'))
                len--;
        size_t klen = strcspn(t, " \t");
        if (klen > len)
                klen = len;
        src s = { t, len, l->pos, l->pos[0] };
        const instruction *in = NULL;
        for (size_t k = 0; k < ELEMENTSOF(instructions); k++)
                if (strlen(instructions[k].name) == klen && strncasecmp(t, instructions[k].name, klen) == 0)
                        in = &instructions[k];
        if (!in) {
                static const char *const later[] = { "RUN", "ONBUILD", "HEALTHCHECK" };
                for (size_t k = 0; k < ELEMENTSOF(later); k++)
                        if (strlen(later[k]) == klen && strncasecmp(t, later[k], klen) == 0)
                                return fail_at(p, l->pos[0],
                                               k == 0 ? "RUN needs a base image and a runtime (a later issue): hull build "
                                                        "copies files (COPY, ADD, PROGRAM, WITH)"
                                                      : "%s is not supported",
                                               later[k]);
                return fail_at(p, l->pos[0], "unknown instruction \"%.*s\"", (int) (klen > 64 ? 64 : klen), t);
        }
        if (!p->from && in->op != HULL_RECIPE_FROM && in->op != HULL_RECIPE_ARG)
                return fail_at(p, l->pos[0], "%s before FROM: a Hullfile starts with FROM scratch (only ARG may come first)",
                               in->name);
        hull_recipe *r = p->r;
        hull_recipe_step *ns = realloc(r->steps, (r->n_steps + 1) * sizeof(*ns));
        if (!ns)
                return oom(p);
        r->steps = ns;
        hull_recipe_step *st = &r->steps[r->n_steps++];
        *st = (hull_recipe_step){ .op = in->op, .pos = l->pos[0] };
        size_t i = klen;
        skip_blanks(&s, &i);
        st->text = hull_strdup_printf("%s%s%.*s", in->name, i < len ? " " : "", (int) (len - i), t + i);
        st->args = calloc(1, sizeof(char *));
        st->arg_pos = calloc(1, sizeof(*st->arg_pos));
        if (!st->text || !st->args || !st->arg_pos)
                return oom(p);
        p->step = st;
        return in->parse(p, &s, i);
}

static int line_add(parser *p, lline *l, const char *s, size_t n, unsigned lineno, unsigned col) {
        if (l->text.n + n + 1 > l->cap) {
                size_t cap = l->cap ? l->cap : 64;
                while (cap < l->text.n + n + 1)
                        cap *= 2;
                hull_recipe_pos *np = realloc(l->pos, cap * sizeof(*np));
                if (!np)
                        return oom(p);
                l->pos = np;
                l->cap = cap;
        }
        for (size_t k = 0; k < n; k++)
                l->pos[l->text.n + k] = (hull_recipe_pos){ lineno, col + (unsigned) k };
        l->pos[l->text.n + n] = (hull_recipe_pos){ lineno, col + (unsigned) n };
        return sb_add(&l->text, s, n) < 0 ? oom(p) : 0;
}

/* `# escape=` and the other parser directives at the top of the file. */
static int directives(parser *p, const char *text, size_t len) {
        bool seen = false;
        unsigned lineno = 0;
        for (size_t off = 0; off < len;) {
                const char *nl = memchr(text + off, '\n', len - off);
                size_t n = nl ? (size_t) (nl - (text + off)) : len - off;
                const char *l = text + off;
                off += n + 1;
                lineno++;
                size_t i = 0;
                while (i < n && (l[i] == ' ' || l[i] == '\t'))
                        i++;
                if (i >= n || l[i] != '#')
                        return 0;
                for (i++; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
                        ;
                size_t k0 = i;
                while (i < n && isalpha((unsigned char) l[i]))
                        i++;
                size_t k1 = i;
                while (i < n && (l[i] == ' ' || l[i] == '\t'))
                        i++;
                if (k1 == k0 || i >= n || l[i] != '=')
                        return 0;
                for (i++; i < n && (l[i] == ' ' || l[i] == '\t'); i++)
                        ;
                size_t v0 = i, v1 = n;
                while (v1 > v0 && (l[v1 - 1] == ' ' || l[v1 - 1] == '\t' || l[v1 - 1] == '\r'))
                        v1--;
                if (k1 - k0 == 6 && strncasecmp(l + k0, "escape", 6) == 0) {
                        hull_recipe_pos at = { lineno, (unsigned) v0 + 1 };
                        if (seen)
                                return fail_at(p, at, "the escape directive is given twice");
                        if (v1 - v0 != 1 || (l[v0] != '\\' && l[v0] != '`'))
                                return fail_at(p, at, "escape: expected \\ or `, got \"%.*s\"", (int) (v1 - v0 > 16 ? 16 : v1 - v0),
                                               l + v0);
                        p->esc = l[v0];
                        seen = true;
                } else if (!(k1 - k0 == 6 && strncasecmp(l + k0, "syntax", 6) == 0) &&
                           !(k1 - k0 == 5 && strncasecmp(l + k0, "check", 5) == 0))
                        return 0; /* an ordinary comment ends the directives */
        }
        return 0;
}

/* The logical lines: comments and blank lines skipped, continuations
 * joined (comment and blank lines inside a continuation skipped, as docker
 * does). */
static int parse_lines(parser *p, const char *text, size_t len) {
        lline l = { 0 };
        bool cont = false;
        unsigned lineno = 0;
        int r = 0;
        for (size_t off = 0; off < len && r >= 0;) {
                const char *nl = memchr(text + off, '\n', len - off);
                size_t n = nl ? (size_t) (nl - (text + off)) : len - off;
                const char *line = text + off;
                off += n + 1;
                lineno++;
                if (n > 0 && line[n - 1] == '\r')
                        n--;
                size_t i = 0;
                while (i < n && (line[i] == ' ' || line[i] == '\t'))
                        i++;
                if (i >= n || line[i] == '#')
                        continue;
                size_t from = cont ? 0 : i, end = n;
                while (end > from && (line[end - 1] == ' ' || line[end - 1] == '\t'))
                        end--;
                bool more = end > from && line[end - 1] == p->esc;
                if (more)
                        end--;
                if ((r = line_add(p, &l, line + from, end - from, lineno, (unsigned) from + 1)) < 0)
                        break;
                cont = more;
                if (!cont) {
                        r = instruction_line(p, &l);
                        l.text.n = 0;
                }
        }
        if (r >= 0 && cont && l.text.n > 0)
                r = instruction_line(p, &l);
        sb_done(&l.text);
        free(l.pos);
        return r;
}

int hull_recipe_parse(const char *text, size_t len, const char *name, char *const *build_args, hull_recipe **ret,
                      hull_error **err) {
        _cleanup_recipe_ hull_recipe *r = calloc(1, sizeof(*r));
        if (!r || !(r->name = strdup(name ? name : "Hullfile")) || !(r->unused_build_args = calloc(1, sizeof(char *))))
                return hull_error_set(err, ENOMEM, "%s", name ? name : "Hullfile");
        parser p = { .name = r->name, .err = err, .esc = '\\', .build_args = build_args, .r = r };
        int k;
        if (memchr(text, 0, len)) {
                size_t off = (size_t) ((const char *) memchr(text, 0, len) - text);
                unsigned line = 1, col = 1;
                for (size_t j = 0; j < off; j++, col++)
                        if (text[j] == '\n') {
                                line++;
                                col = 0;
                        }
                k = fail_at(&p, (hull_recipe_pos){ line, col }, "a NUL byte: not a text file");
        } else if (!(p.shell = calloc(3, sizeof(char *))) || !(p.shell[0] = strdup("/bin/sh")) ||
                   !(p.shell[1] = strdup("-c")) || !(p.workdir = strdup("/")))
                k = oom(&p);
        else if ((k = directives(&p, text, len)) >= 0 && (k = parse_lines(&p, text, len)) >= 0 && !p.from)
                k = fail_at(&p, (hull_recipe_pos){ 1, 1 }, "no FROM: a Hullfile starts with FROM scratch");
        for (char *const *b = build_args; k >= 0 && b && *b; b++) {
                size_t nlen = strcspn(*b, "=");
                _cleanup_free_ char *n = strndup(*b, nlen);
                if (!n || (!hull_strv_contains(p.used, n) && !hull_strv_contains(r->unused_build_args, n) &&
                           hull_strv_push(&r->unused_build_args, n) < 0))
                        k = oom(&p);
        }
        hull_strv_free(p.meta);
        hull_strv_free(p.args);
        hull_strv_free(p.env);
        hull_strv_free(p.used);
        hull_strv_free(p.shell);
        free(p.workdir);
        if (k < 0)
                return k;
        *ret = TAKE_PTR(r);
        return 0;
}

void hull_recipe_free(hull_recipe *r) {
        if (!r)
                return;
        for (size_t i = 0; i < r->n_steps; i++)
                step_done(&r->steps[i]);
        free(r->steps);
        free(r->name);
        hull_strv_free(r->unused_build_args);
        free(r);
}
