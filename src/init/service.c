/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "service.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "address.h"
#include "signals.h"
#include "util.h"

enum key {
        K_COMMAND,
        K_DIRECTORY,
        K_USER,
        K_ENV,
        K_RESTART,
        K_RESTART_DELAY,
        K_RESTART_DELAY_MAX,
        K_RESTART_LIMIT,
        K_RESTART_RESET,
        K_AFTER,
        K_AFTER_READY,
        K_READY,
        K_MAIN,
        K_STOP_SIGNAL,
        K_GRACE,
        K_PREFIX,
        K_PROCESS_GROUP,
        _K_MAX,
};

static const struct {
        const char *name;
        bool repeatable;
} keys[_K_MAX] = {
        [K_COMMAND] = { "command", false },
        [K_DIRECTORY] = { "directory", false },
        [K_USER] = { "user", false },
        [K_ENV] = { "env", true },
        [K_RESTART] = { "restart", false },
        [K_RESTART_DELAY] = { "restart-delay", false },
        [K_RESTART_DELAY_MAX] = { "restart-delay-max", false },
        [K_RESTART_LIMIT] = { "restart-limit", false },
        [K_RESTART_RESET] = { "restart-reset", false },
        [K_AFTER] = { "after", true },
        [K_AFTER_READY] = { "after-ready", true },
        [K_READY] = { "ready", false },
        [K_MAIN] = { "main", false },
        [K_STOP_SIGNAL] = { "stop-signal", false },
        [K_GRACE] = { "grace", false },
        [K_PREFIX] = { "prefix", false },
        [K_PROCESS_GROUP] = { "process-group", false },
};

static const char *restart_names[_RESTART_MAX] = {
        [RESTART_NO] = "no",
        [RESTART_ON_FAILURE] = "on-failure",
        [RESTART_ALWAYS] = "always",
};

const char *svc_restart_name(enum restart_policy p) {
        return p < _RESTART_MAX ? restart_names[p] : "?";
}

static int fail(struct svc_error *err, const char *file, unsigned line, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int fail(struct svc_error *err, const char *file, unsigned line, const char *fmt, ...) {
        int n = snprintf(err->msg, sizeof(err->msg), "%s:%u: ", file, line);
        if (n < 0 || (size_t) n >= sizeof(err->msg))
                n = 0;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg + n, sizeof(err->msg) - (size_t) n, fmt, ap);
        va_end(ap);
        return -1;
}

/* A growing string for the word splitter. */
struct buf {
        char *s;
        size_t len, cap;
};

static void buf_add(struct buf *b, char c) {
        if (b->len + 1 >= b->cap) {
                b->cap = b->cap ? b->cap * 2 : 32;
                b->s = xrealloc(b->s, b->cap);
        }
        b->s[b->len++] = c;
        b->s[b->len] = '\0';
}

static bool is_blank(char c) {
        return c == ' ' || c == '\t';
}

char **svc_split_words(const char *s, const char **ret_why) {
        char **v = NULL;
        struct buf w = { 0 };
        bool in_word = false;
        const char *why = NULL;

        for (const char *p = s;; p++) {
                char c = *p;
                if (c == '\0' || is_blank(c)) {
                        if (in_word) {
                                strv_push(&v, w.s ? w.s : xstrdup(""));
                                w = (struct buf){ 0 };
                                in_word = false;
                        }
                        if (c == '\0')
                                break;
                        continue;
                }
                in_word = true;
                if (c == '\'') {
                        for (p++; *p && *p != '\''; p++)
                                buf_add(&w, *p);
                        if (!*p) {
                                why = "unterminated ' quote";
                                goto fail;
                        }
                } else if (c == '"') {
                        for (p++; *p && *p != '"'; p++) {
                                if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
                                        p++;
                                buf_add(&w, *p);
                        }
                        if (!*p) {
                                why = "unterminated \" quote";
                                goto fail;
                        }
                } else if (c == '\\') {
                        if (!p[1]) {
                                why = "a backslash ends the line";
                                goto fail;
                        }
                        buf_add(&w, *++p);
                } else {
                        buf_add(&w, c);
                }
        }
        if (!v) {
                why = "empty command";
                goto fail;
        }
        return v;
fail:
        free(w.s);
        strv_free(v);
        *ret_why = why;
        return NULL;
}

static bool valid_name(const char *s) {
        size_t n = strlen(s);
        if (n == 0 || n > 64 || s[0] == '.' || s[0] == '-')
                return false;
        for (; *s; s++)
                if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                      *s == '_' || *s == '-' || *s == '.'))
                        return false;
        return true;
}

static int parse_bool(const char *s) {
        static const char *yes[] = { "yes", "true", "on", "1" }, *no[] = { "no", "false", "off", "0" };
        for (size_t i = 0; i < ELEMENTSOF(yes); i++) {
                if (strcmp(s, yes[i]) == 0)
                        return 1;
                if (strcmp(s, no[i]) == 0)
                        return 0;
        }
        return -1;
}

static void conf_init(struct svc_conf *c, const char *name, const char *file, unsigned line) {
        memset(c, 0, sizeof(*c));
        c->name = xstrdup(name);
        c->file = xstrdup(file);
        c->line = line;
        c->restart = RESTART_NO;
        c->delay_ms = 1000;
        c->delay_max_ms = 30000;
        c->reset_ms = 10000;
        c->limit = 5;
        c->ready = READY_NONE;
        c->ready_fd = -1;
        c->grace_ms = -1;
        c->prefix = -1;
        c->group = -1;
}

static void conf_free(struct svc_conf *c) {
        free(c->name);
        free(c->file);
        strv_free(c->argv);
        free(c->dir);
        free(c->user);
        strv_free(c->env);
        for (size_t i = 0; i < c->ndeps; i++)
                free(c->deps[i].name);
        free(c->deps);
        free(c->ready_addr);
        free(c->groups);
}

void svc_set_free(struct svc_set *set) {
        for (size_t i = 0; i < set->n; i++)
                conf_free(&set->v[i]);
        free(set->v);
        free(set->order);
        memset(set, 0, sizeof(*set));
}

static struct svc_conf *add_service(struct svc_set *set, const char *name, const char *file, unsigned line) {
        set->v = xrealloc(set->v, (set->n + 1) * sizeof(*set->v));
        struct svc_conf *c = &set->v[set->n++];
        conf_init(c, name, file, line);
        return c;
}

static int parse_ready(struct svc_conf *c, const char *file, unsigned line, const char *value,
                       struct svc_error *err) {
        const char *why = NULL;
        char **w = svc_split_words(value, &why);
        int r = 0;
        size_t n = strv_len(w);
        uint64_t fd;

        if (!w)
                return fail(err, file, line, "ready: %s", why);
        if (n == 1 && strcmp(w[0], "none") == 0)
                c->ready = READY_NONE;
        else if (n == 1 && strcmp(w[0], "exit") == 0)
                c->ready = READY_EXIT;
        else if (n == 2 && strcmp(w[0], "fd") == 0) {
                if (parse_uint(w[1], 1023, &fd) < 0 || fd < 3)
                        r = fail(err, file, line, "ready: fd must be a number from 3 to 1023, not '%s'", w[1]);
                c->ready = READY_FD;
                c->ready_fd = (int) fd;
        } else if (n == 2 && strcmp(w[0], "tcp") == 0) {
                struct tcp_addr a;
                if (tcp_addr_parse(w[1], &a) < 0)
                        r = fail(err, file, line, "ready: '%s' is not PORT, IPV4:PORT or [IPV6]:PORT", w[1]);
                c->ready = READY_TCP;
        } else if (n == 2 && strcmp(w[0], "unix") == 0) {
                if (w[1][0] != '/' || strlen(w[1]) >= UNIX_PATH_MAX_LEN)
                        r = fail(err, file, line, "ready: '%s' is not an absolute socket path shorter than %d bytes",
                                 w[1], UNIX_PATH_MAX_LEN);
                c->ready = READY_UNIX;
        } else {
                r = fail(err, file, line, "ready: expected none, exit, fd N, tcp ADDRESS or unix PATH, not '%s'",
                         value);
        }
        if (r == 0 && n == 2) {
                free(c->ready_addr);
                c->ready_addr = xstrdup(w[1]);
        }
        strv_free(w);
        return r;
}

static int add_deps(struct svc_conf *c, const char *file, unsigned line, const char *value, bool ready,
                    struct svc_error *err) {
        const char *why = NULL;
        char **w = svc_split_words(value, &why);
        if (!w)
                return fail(err, file, line, "%s: %s", ready ? "after-ready" : "after", why);
        for (size_t i = 0; w[i]; i++) {
                if (!valid_name(w[i])) {
                        fail(err, file, line, "'%s' is not a service name", w[i]);
                        strv_free(w);
                        return -1;
                }
                c->deps = xrealloc(c->deps, (c->ndeps + 1) * sizeof(*c->deps));
                c->deps[c->ndeps++] = (struct svc_dep){ .name = w[i], .line = line, .ready = ready };
                w[i] = xstrdup(""); /* moved into deps; strv_free() frees the stub */
        }
        strv_free(w);
        return 0;
}

/* Applies "key = value" to c.  Returns 0 or -1 with *err filled. */
static int set_key(struct svc_conf *c, const char *file, unsigned line, const char *key, const char *value,
                   struct svc_error *err) {
        enum key k;
        uint64_t u;
        int b;
        const char *why = NULL;

        for (k = 0; k < _K_MAX; k++)
                if (strcmp(key, keys[k].name) == 0)
                        break;
        if (k == _K_MAX)
                return fail(err, file, line, "unknown key '%s'", key);
        if (!keys[k].repeatable && c->key_line[k])
                return fail(err, file, line, "'%s' is already set on line %u", key, c->key_line[k]);
        c->key_line[k] = line;
        if (!*value)
                return fail(err, file, line, "'%s' needs a value", key);

        switch (k) {
        case K_COMMAND:
                c->argv = svc_split_words(value, &why);
                if (!c->argv)
                        return fail(err, file, line, "command: %s", why);
                return 0;
        case K_DIRECTORY:
                if (value[0] != '/')
                        return fail(err, file, line, "directory must be an absolute path, not '%s'", value);
                c->dir = xstrdup(value);
                return 0;
        case K_USER:
                c->user = xstrdup(value);
                c->user_line = line;
                return 0;
        case K_ENV: {
                const char *eq = strchr(value, '=');
                if (!eq || eq == value)
                        return fail(err, file, line, "env: expected NAME=VALUE, not '%s'", value);
                strv_push(&c->env, xstrdup(value));
                return 0;
        }
        case K_RESTART:
                for (enum restart_policy p = 0; p < _RESTART_MAX; p++)
                        if (strcmp(value, restart_names[p]) == 0) {
                                c->restart = p;
                                return 0;
                        }
                return fail(err, file, line, "restart: expected no, on-failure or always, not '%s'", value);
        case K_RESTART_DELAY:
        case K_RESTART_DELAY_MAX:
        case K_RESTART_RESET:
        case K_GRACE:
                if (parse_duration(value, &u) < 0)
                        return fail(err, file, line, "%s: '%s' is not a duration (10, 1.5, 250ms, 2s, 1m)", key,
                                    value);
                if (k == K_RESTART_DELAY)
                        c->delay_ms = u;
                else if (k == K_RESTART_DELAY_MAX)
                        c->delay_max_ms = u;
                else if (k == K_RESTART_RESET)
                        c->reset_ms = u;
                else
                        c->grace_ms = (int64_t) u;
                return 0;
        case K_RESTART_LIMIT:
                if (parse_uint(value, 1000000, &u) < 0)
                        return fail(err, file, line, "restart-limit: '%s' is not a number (0: no limit)", value);
                c->limit = (unsigned) u;
                return 0;
        case K_AFTER:
        case K_AFTER_READY:
                return add_deps(c, file, line, value, k == K_AFTER_READY, err);
        case K_READY:
                return parse_ready(c, file, line, value, err);
        case K_STOP_SIGNAL:
                c->stop_signal = sig_parse(value, false);
                if (c->stop_signal < 0)
                        return fail(err, file, line, "stop-signal: '%s' is not a signal", value);
                return 0;
        case K_MAIN:
        case K_PREFIX:
        case K_PROCESS_GROUP:
                b = parse_bool(value);
                if (b < 0)
                        return fail(err, file, line, "%s: expected yes or no, not '%s'", key, value);
                if (k == K_MAIN)
                        c->main = b;
                else if (k == K_PREFIX)
                        c->prefix = b;
                else
                        c->group = b;
                return 0;
        case _K_MAX:
                break;
        }
        return fail(err, file, line, "unknown key '%s'", key);
}

static char *trim(char *s, char *end) {
        while (s < end && is_blank(*s))
                s++;
        while (end > s && is_blank(end[-1]))
                end--;
        *end = '\0';
        return s;
}

int svc_parse(struct svc_set *set, const char *file, const char *text, size_t len, const char *name,
              struct svc_error *err) {
        struct svc_conf *cur = NULL;
        size_t first = set->n;
        unsigned line = 0;
        int r = 0;

        if (name) {
                if (!valid_name(name)) {
                        r = fail(err, file, 1, "'%s' is not a service name (letters, digits, '_', '-', '.')", name);
                        goto out;
                }
                cur = add_service(set, name, file, 1);
        }
        for (size_t pos = 0; pos < len && r == 0;) {
                size_t end = pos;
                while (end < len && text[end] != '\n')
                        end++;
                line++;
                if (memchr(text + pos, '\0', end - pos)) {
                        r = fail(err, file, line, "NUL byte");
                        break;
                }
                char *l = xstrndup(text + pos, end - pos);
                size_t ll = strlen(l);
                if (ll && l[ll - 1] == '\r')
                        l[--ll] = '\0';
                char *s = trim(l, l + ll);
                pos = end + 1;

                if (*s == '\0' || *s == '#') {
                        /* blank or comment */
                } else if (*s == '[') {
                        char *close = strchr(s, ']');
                        if (name)
                                r = fail(err, file, line,
                                         "a file of a service directory has no [section]: its name names the service");
                        else if (!close || close[1] != '\0')
                                r = fail(err, file, line, "expected [NAME]");
                        else {
                                char *n = trim(s + 1, close);
                                if (!valid_name(n))
                                        r = fail(err, file, line,
                                                 "'%s' is not a service name (letters, digits, '_', '-', '.')", n);
                                else
                                        cur = add_service(set, n, file, line);
                        }
                } else {
                        char *eq = strchr(s, '=');
                        if (!eq)
                                r = fail(err, file, line, "expected KEY = VALUE");
                        else if (!cur)
                                r = fail(err, file, line, "a key before the first [NAME] section");
                        else {
                                char *value = trim(eq + 1, s + strlen(s));
                                char *key = trim(s, eq);
                                r = set_key(cur, file, line, key, value, err);
                        }
                }
                free(l);
        }
        if (r == 0 && !name && set->n == first)
                r = fail(err, file, line ? line : 1, "no [NAME] section: the file defines no service");
out:
        if (r < 0) {
                /* the file's services are dropped whole */
                while (set->n > first)
                        conf_free(&set->v[--set->n]);
        }
        return r;
}

static ssize_t find_service(const struct svc_set *set, const char *name) {
        for (size_t i = 0; i < set->n; i++)
                if (strcmp(set->v[i].name, name) == 0)
                        return (ssize_t) i;
        return -1;
}

/* Depth-first visit for the topological order: color 0 new, 1 on the path,
 * 2 done.  Returns 0, or -1 with *err naming the cycle. */
static int visit(struct svc_set *set, size_t i, unsigned char *color, size_t *path, size_t depth, size_t *n_order,
                 struct svc_error *err) {
        struct svc_conf *c = &set->v[i];
        color[i] = 1;
        path[depth] = i;
        for (size_t d = 0; d < c->ndeps; d++) {
                size_t j = c->deps[d].index;
                if (color[j] == 1) {
                        char chain[400] = "";
                        size_t start = depth;
                        while (path[start] != j)
                                start--;
                        for (size_t k = start; k <= depth; k++) {
                                strncat(chain, set->v[path[k]].name, sizeof(chain) - strlen(chain) - 1);
                                strncat(chain, " -> ", sizeof(chain) - strlen(chain) - 1);
                        }
                        strncat(chain, set->v[j].name, sizeof(chain) - strlen(chain) - 1);
                        return fail(err, c->file, c->deps[d].line, "dependency cycle: %s", chain);
                }
                if (color[j] == 0 && visit(set, j, color, path, depth + 1, n_order, err) < 0)
                        return -1;
        }
        color[i] = 2;
        set->order[(*n_order)++] = i;
        return 0;
}

int svc_validate(struct svc_set *set, struct svc_error *err) {
        ssize_t main_index = -1;

        if (set->n == 0) {
                snprintf(err->msg, sizeof(err->msg), "no service defined");
                return -1;
        }
        for (size_t i = 0; i < set->n; i++) {
                struct svc_conf *c = &set->v[i];
                ssize_t j = find_service(set, c->name);
                if (j >= 0 && (size_t) j < i)
                        return fail(err, c->file, c->line, "service '%s' is already defined at %s:%u", c->name,
                                    set->v[j].file, set->v[j].line);
                if (!c->argv)
                        return fail(err, c->file, c->line, "service '%s' has no command", c->name);
                if (c->delay_max_ms < c->delay_ms)
                        return fail(err, c->file,
                                    c->key_line[K_RESTART_DELAY_MAX] ? c->key_line[K_RESTART_DELAY_MAX]
                                                                     : c->key_line[K_RESTART_DELAY],
                                    "restart-delay-max is shorter than restart-delay");
                if (c->main) {
                        if (main_index >= 0)
                                return fail(err, c->file, c->key_line[K_MAIN],
                                            "'%s' and '%s' are both the main service", set->v[main_index].name,
                                            c->name);
                        main_index = (ssize_t) i;
                }
                for (size_t d = 0; d < c->ndeps; d++) {
                        ssize_t k = find_service(set, c->deps[d].name);
                        if (k < 0)
                                return fail(err, c->file, c->deps[d].line, "unknown service '%s'", c->deps[d].name);
                        if ((size_t) k == i)
                                return fail(err, c->file, c->deps[d].line, "service '%s' depends on itself",
                                            c->name);
                        c->deps[d].index = (size_t) k;
                }
        }

        unsigned char *color = xcalloc(set->n, 1);
        size_t *path = xcalloc(set->n, sizeof(size_t));
        size_t n_order = 0;
        int r = 0;
        free(set->order);
        set->order = xcalloc(set->n, sizeof(size_t));
        for (size_t i = 0; i < set->n && r == 0; i++)
                if (color[i] == 0)
                        r = visit(set, i, color, path, 0, &n_order, err);
        free(color);
        free(path);
        return r;
}
