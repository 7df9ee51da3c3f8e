/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A look at config.json's text before it is parsed: a recursive descent that
 * skips what it does not need, allocates nothing and reads nothing beyond
 * len.  Conservative: a document it cannot follow, or a key with an escape in
 * it, gives the zero answer; a compared value with an escape is left out of
 * the answer. */
#include "prescan.h"

#include <string.h>

#define MAX_DEPTH 64

typedef struct cursor {
        const char *p, *end;
        int depth;
} cursor;

/* A JSON string, raw (escapes left in place): *s, *n; *esc if it has any. */
typedef struct raw {
        const char *s;
        size_t n;
        bool esc;
} raw;

static void ws(cursor *c) {
        while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
                c->p++;
}

static bool peek_is(cursor *c, char ch) {
        ws(c);
        return c->p < c->end && *c->p == ch;
}

static bool eat(cursor *c, char ch) {
        if (!peek_is(c, ch))
                return false;
        c->p++;
        return true;
}

static bool string(cursor *c, raw *r) {
        if (!eat(c, '"'))
                return false;
        r->s = c->p;
        r->esc = false;
        while (c->p < c->end && *c->p != '"') {
                if (*c->p == '\\') {
                        r->esc = true;
                        if (++c->p == c->end)
                                break;
                }
                c->p++;
        }
        if (c->p >= c->end)
                return false;
        r->n = (size_t) (c->p - r->s);
        c->p++;
        return true;
}

static bool is(const raw *r, const char *lit) {
        return !r->esc && r->n == strlen(lit) && memcmp(r->s, lit, r->n) == 0;
}

static bool value(cursor *c);

/* Walks an object: each member's key goes to member(), which consumes the
 * value (or leaves it, returning 0, to be skipped). */
static bool object(cursor *c, int (*member)(cursor *c, const raw *key, void *ud), void *ud) {
        if (!eat(c, '{') || ++c->depth > MAX_DEPTH)
                return false;
        if (eat(c, '}'))
                return c->depth--, true;
        for (;;) {
                raw key;
                if (!string(c, &key) || key.esc || !eat(c, ':'))
                        return false; /* no config key needs an escape: one would hide a key we look for */
                int r = member ? member(c, &key, ud) : 0;
                if (r < 0 || (r == 0 && !value(c)))
                        return false;
                if (eat(c, ','))
                        continue;
                if (!eat(c, '}'))
                        return false;
                c->depth--;
                return true;
        }
}

/* Walks an array: element() consumes each element (or returns 0: skipped). */
static bool array(cursor *c, int (*element)(cursor *c, void *ud), void *ud) {
        if (!eat(c, '[') || ++c->depth > MAX_DEPTH)
                return false;
        if (eat(c, ']'))
                return c->depth--, true;
        for (;;) {
                int r = element ? element(c, ud) : 0;
                if (r < 0 || (r == 0 && !value(c)))
                        return false;
                if (eat(c, ','))
                        continue;
                if (!eat(c, ']'))
                        return false;
                c->depth--;
                return true;
        }
}

static bool value(cursor *c) {
        ws(c);
        if (c->p >= c->end)
                return false;
        raw r;
        switch (*c->p) {
        case '"':
                return string(c, &r);
        case '{':
                return object(c, NULL, NULL);
        case '[':
                return array(c, NULL, NULL);
        default: {
                const char *start = c->p;
                while (c->p < c->end && ((*c->p >= 'a' && *c->p <= 'z') || (*c->p >= '0' && *c->p <= '9') ||
                                         *c->p == '-' || *c->p == '+' || *c->p == '.' || *c->p == 'E'))
                        c->p++;
                return c->p > start;
        }
        }
}

/* A string value into *r, or any other value (then r->s is NULL). */
static int string_or_skip(cursor *c, raw *r) {
        r->s = NULL;
        if (peek_is(c, '"'))
                return string(c, r) ? 1 : -1;
        return value(c) ? 1 : -1;
}

/* linux.namespaces[i] */
typedef struct ns_entry {
        raw type;
        bool path;
} ns_entry;

static int ns_member(cursor *c, const raw *key, void *ud) {
        ns_entry *e = ud;
        if (is(key, "type"))
                return string_or_skip(c, &e->type);
        if (is(key, "path"))
                e->path = true;
        return 0;
}

static int ns_element(cursor *c, void *ud) {
        hull_spec_prescan *ret = ud;
        if (!peek_is(c, '{'))
                return 0;
        ns_entry e = { { NULL, 0, false }, false };
        if (!object(c, ns_member, &e))
                return -1;
        if (e.type.s && is(&e.type, "network") && !e.path)
                ret->netns_new = true;
        if (e.type.s && is(&e.type, "ipc") && !e.path)
                ret->ipcns_new = true;
        if (e.type.s && is(&e.type, "user"))
                ret->userns = true;
        return 1;
}

static int linux_member(cursor *c, const raw *key, void *ud) {
        if (is(key, "namespaces") && peek_is(c, '['))
                return array(c, ns_element, ud) ? 1 : -1;
        return 0;
}

/* mounts[i] */
typedef struct mount_entry {
        raw type, source;
        int ro; /* -1: no ro/rw option; else the last one's */
        bool unsure;
} mount_entry;

static int option_element(cursor *c, void *ud) {
        mount_entry *m = ud;
        raw o;
        if (string_or_skip(c, &o) < 0)
                return -1;
        if (o.s && o.esc)
                m->unsure = true;
        else if (o.s && (is(&o, "ro") || is(&o, "rw")))
                m->ro = o.s[1] == 'o';
        return 1;
}

static int mount_member(cursor *c, const raw *key, void *ud) {
        mount_entry *m = ud;
        if (is(key, "type"))
                return string_or_skip(c, &m->type);
        if (is(key, "source"))
                return string_or_skip(c, &m->source);
        if (is(key, "options") && peek_is(c, '['))
                return array(c, option_element, m) ? 1 : -1;
        return 0;
}

typedef struct mounts_walk {
        hull_spec_prescan *ret;
        bool done; /* the first sysfs mount seen, or a type that cannot be read surely */
} mounts_walk;

static int mount_element(cursor *c, void *ud) {
        mounts_walk *w = ud;
        hull_spec_prescan *ret = w->ret;
        if (!peek_is(c, '{'))
                return 0;
        mount_entry m = { .ro = -1 };
        if (!object(c, mount_member, &m))
                return -1;
        if (w->done || !m.type.s)
                return 1;
        if (m.type.esc)
                w->done = true;
        if (!is(&m.type, "sysfs"))
                return 1;
        w->done = true;
        /* The first sysfs mount; its source as mount(2) shows it (the type
         * when there is none). */
        const raw *src = m.source.s ? &m.source : &m.type;
        if (m.unsure || src->esc || src->n >= sizeof(ret->sysfs_source))
                return 1;
        ret->sysfs = true;
        memcpy(ret->sysfs_source, src->s, src->n);
        ret->sysfs_source[src->n] = 0;
        ret->sysfs_ro = m.ro == 1;
        return 1;
}

static int root_member(cursor *c, const raw *key, void *ud) {
        if (is(key, "linux") && peek_is(c, '{'))
                return object(c, linux_member, ud) ? 1 : -1;
        if (is(key, "mounts") && peek_is(c, '[')) {
                mounts_walk w = { ud, false };
                return array(c, mount_element, &w) ? 1 : -1;
        }
        return 0;
}

void hull_spec_prescan_text(const char *text, size_t len, hull_spec_prescan *ret) {
        memset(ret, 0, sizeof(*ret));
        cursor c = { text, text + len, 0 };
        bool ok = object(&c, root_member, ret);
        ws(&c);
        if (!ok || c.p != c.end)
                memset(ret, 0, sizeof(*ret));
}
