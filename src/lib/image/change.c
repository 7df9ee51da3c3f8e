/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Dockerfile-style config changes, `hull import --change 'CMD ["sh"]'`:
 * the instructions `docker import --change` accepts. */
#include <ctype.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "image.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

static int bad(hull_error **err, const char *line, const char *why) {
        return hull_image_error_status(err, hull_error_set_raw(err, EINVAL, "--change \"%.200s\": %s", line, why),
                                       HULL_IMAGE_EXIT_USAGE);
}

static const char *skip_space(const char *p) {
        while (*p && isspace((unsigned char) *p))
                p++;
        return p;
}

/* The argument with trailing blanks removed (caller-owned). */
static char *trimmed(const char *p) {
        p = skip_space(p);
        size_t n = strlen(p);
        while (n > 0 && isspace((unsigned char) p[n - 1]))
                n--;
        return strndup(p, n);
}

/* Shell-like words: blanks separate, '...' is literal, "..." and a
 * backslash escape.  Returns 0, -EINVAL (unterminated quote), -ENOMEM. */
static int words(const char *p, char ***ret) {
        _cleanup_strv_ char **v = calloc(1, sizeof(char *));
        if (!v)
                return -ENOMEM;
        for (;;) {
                p = skip_space(p);
                if (!*p)
                        break;
                size_t cap = strlen(p) + 1, n = 0;
                _cleanup_free_ char *w = malloc(cap);
                if (!w)
                        return -ENOMEM;
                while (*p && !isspace((unsigned char) *p)) {
                        if (*p == '\'') {
                                const char *end = strchr(p + 1, '\'');
                                if (!end)
                                        return -EINVAL;
                                memcpy(w + n, p + 1, (size_t) (end - p - 1));
                                n += (size_t) (end - p - 1);
                                p = end + 1;
                        } else if (*p == '"') {
                                for (p++; *p && *p != '"'; p++) {
                                        if (*p == '\\' && p[1])
                                                p++;
                                        w[n++] = *p;
                                }
                                if (*p != '"')
                                        return -EINVAL;
                                p++;
                        } else if (*p == '\\' && p[1]) {
                                w[n++] = p[1];
                                p += 2;
                        } else
                                w[n++] = *p++;
                }
                w[n] = 0;
                if (hull_strv_consume(&v, TAKE_PTR(w)) < 0)
                        return -ENOMEM;
        }
        *ret = TAKE_PTR(v);
        return 0;
}

/* A JSON array of strings ("exec form"); 1 when arg is one, 0 when not. */
static int json_form(const char *arg, char ***ret) {
        if (*arg != '[')
                return 0;
        json_t *a = hull_json_loads(arg, JSON_DECODE_ANY, NULL);
        if (!json_is_array(a)) {
                json_decref(a);
                return 0;
        }
        _cleanup_strv_ char **v = calloc(1, sizeof(char *));
        if (!v) {
                json_decref(a);
                return -ENOMEM;
        }
        for (size_t i = 0; i < json_array_size(a); i++) {
                json_t *e = json_array_get(a, i);
                if (!json_is_string(e) || strlen(json_string_value(e)) != json_string_length(e)) {
                        json_decref(a);
                        return 0;
                }
                if (hull_strv_push(&v, json_string_value(e)) < 0) {
                        json_decref(a);
                        return -ENOMEM;
                }
        }
        json_decref(a);
        *ret = TAKE_PTR(v);
        return 1;
}

static int command(const char *line, const char *arg, char ***dst, hull_error **err) {
        char **v = NULL;
        int r = json_form(arg, &v);
        if (r < 0)
                return hull_error_set(err, ENOMEM, "--change");
        if (r == 0) {
                if (!*arg)
                        return bad(err, line, "expected a command");
                const char *sh[] = { "/bin/sh", "-c", arg, NULL };
                if (!(v = hull_strv_copy((char *const *) sh)))
                        return hull_error_set(err, ENOMEM, "--change");
        }
        hull_strv_free(*dst);
        *dst = v;
        return 0;
}

static int append(char ***dst, char **add, hull_error **err) {
        for (char **p = add; *p; p++)
                if (hull_strv_push(dst, *p) < 0)
                        return hull_error_set(err, ENOMEM, "--change");
        return 0;
}

static int pairs(const char *line, const char *arg, char ***dst, hull_error **err) {
        _cleanup_strv_ char **w = NULL;
        int r = words(arg, &w);
        if (r == -EINVAL)
                return bad(err, line, "unterminated quote");
        if (r < 0)
                return hull_error_set(err, ENOMEM, "--change");
        if (!w[0])
                return bad(err, line, "expected KEY=VALUE");
        if (!strchr(w[0], '=')) {
                /* The old form: KEY VALUE, the value the rest of the line. */
                const char *rest = skip_space(arg);
                rest += strcspn(rest, " \t\n");
                _cleanup_free_ char *value = trimmed(rest);
                _cleanup_free_ char *kv = NULL;
                if (!value || asprintf(&kv, "%s=%s", w[0], value) < 0)
                        return hull_error_set(err, ENOMEM, "--change");
                if (!*value)
                        return bad(err, line, "expected KEY=VALUE or KEY VALUE");
                return hull_strv_push(dst, kv) < 0 ? hull_error_set(err, ENOMEM, "--change") : 0;
        }
        for (char **p = w; *p; p++)
                if (!strchr(*p, '=') || **p == '=')
                        return bad(err, line, "expected KEY=VALUE pairs");
        return append(dst, w, err);
}

static int single(const char *line, const char *arg, char **dst, bool no_spaces, hull_error **err) {
        _cleanup_free_ char *v = trimmed(arg);
        if (!v)
                return hull_error_set(err, ENOMEM, "--change");
        if (!*v)
                return bad(err, line, "expected an argument");
        if (no_spaces && strpbrk(v, " \t\n"))
                return bad(err, line, "expected a single word");
        free(*dst);
        *dst = TAKE_PTR(v);
        return 0;
}

int hull_image_change_apply(hull_image_changes *c, const char *line, hull_error **err) {
        const char *p = skip_space(line);
        size_t klen = strcspn(p, " \t\n");
        const char *arg = skip_space(p + klen);
#define IS(k) (klen == strlen(k) && strncasecmp(p, k, klen) == 0)
        if (IS("CMD"))
                return command(line, arg, &c->cmd, err);
        if (IS("ENTRYPOINT"))
                return command(line, arg, &c->entrypoint, err);
        if (IS("ENV"))
                return pairs(line, arg, &c->env, err);
        if (IS("LABEL"))
                return pairs(line, arg, &c->labels, err);
        if (IS("WORKDIR"))
                return single(line, arg, &c->workdir, false, err);
        if (IS("USER"))
                return single(line, arg, &c->user, true, err);
        if (IS("STOPSIGNAL"))
                return single(line, arg, &c->stop_signal, true, err);
        if (IS("EXPOSE") || IS("VOLUME")) {
                bool expose = IS("EXPOSE");
                _cleanup_strv_ char **w = NULL;
                int r = expose ? 0 : json_form(arg, &w);
                if (r == 0)
                        r = words(arg, &w);
                if (r == -EINVAL)
                        return bad(err, line, "unterminated quote");
                if (r < 0)
                        return hull_error_set(err, ENOMEM, "--change");
                if (!w[0])
                        return bad(err, line, expose ? "expected a port" : "expected a path");
                return append(expose ? &c->exposed_ports : &c->volumes, w, err);
        }
#undef IS
        return bad(err, line, "unknown instruction (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR)");
}

void hull_image_changes_done(hull_image_changes *c) {
        hull_strv_free(c->entrypoint);
        hull_strv_free(c->cmd);
        hull_strv_free(c->env);
        hull_strv_free(c->labels);
        hull_strv_free(c->exposed_ports);
        hull_strv_free(c->volumes);
        free(c->workdir);
        free(c->user);
        free(c->stop_signal);
        memset(c, 0, sizeof(*c));
}

void hull_image_changes_to_opts(const hull_image_changes *c, hull_image_opts *o) {
        o->entrypoint = c->entrypoint;
        o->cmd = c->cmd;
        o->env = c->env;
        o->labels = c->labels;
        o->exposed_ports = c->exposed_ports;
        o->volumes = c->volumes;
        o->workdir = c->workdir;
        o->user = c->user;
        o->stop_signal = c->stop_signal;
}
