/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* Service files: the configuration of hull-init's supervisor, parsed from
 * text with no access to the file system (so that it can be fuzzed), then
 * checked as a whole.  docs/hull-init.md describes the format. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum restart_policy {
        RESTART_NO,
        RESTART_ON_FAILURE,
        RESTART_ALWAYS,
        _RESTART_MAX,
};

enum ready_kind {
        READY_NONE, /* ready once started */
        READY_FD,   /* writes a newline to fd ready_fd */
        READY_TCP,  /* accepts on ready_addr (host:port) */
        READY_UNIX, /* accepts on the UNIX socket ready_addr */
        READY_EXIT, /* exits with status 0 (a one-shot task) */
        _READY_MAX,
};

struct svc_dep {
        char *name;     /* owned */
        unsigned line;  /* where it was named */
        bool ready;     /* after-ready (else after: started is enough) */
        size_t index;   /* the service it names, set by svc_validate() */
};

/* One service.  Strings and arrays are owned by it. */
struct svc_conf {
        char *name;
        char *file;            /* the file it came from */
        unsigned line;         /* its [section] line, or 1 */
        char **argv;           /* command */
        char *dir;             /* directory, or NULL */
        char *user;            /* user, unresolved, or NULL */
        unsigned user_line;
        char **env;            /* KEY=VALUE overrides */
        enum restart_policy restart;
        uint64_t delay_ms;     /* first restart delay */
        uint64_t delay_max_ms; /* the delay doubles up to this */
        uint64_t reset_ms;     /* a run this long resets the delay and count */
        unsigned limit;        /* restarts in a row before giving up; 0: no limit */
        struct svc_dep *deps;
        size_t ndeps;
        enum ready_kind ready;
        int ready_fd;
        char *ready_addr;
        bool main;
        int stop_signal;       /* 0: hull-init's --stop-signal */
        int64_t grace_ms;      /* -1: hull-init's --grace */
        int prefix;            /* -1: hull-init's --prefix; 0 no; 1 yes */
        int group;             /* -1: hull-init's -g; 0 no; 1 yes */
        unsigned key_line[32]; /* where each single-valued key was set (0: not set) */

        /* user, resolved by svc_resolve_users() */
        bool set_ids;
        uid_t uid;
        gid_t gid;
        gid_t *groups;
        size_t ngroups;
};

struct svc_set {
        struct svc_conf *v;
        size_t n;
        size_t *order; /* a start order (dependencies first), from svc_validate() */
};

/* "file:line: reason" of the first error. */
struct svc_error {
        char msg[512];
};

/* Parses the text of one file and appends its services to set.  With name
 * non-NULL the file is one service of that name (a file of a directory) and
 * has no [section]; with name NULL it is a sequence of [NAME] sections.
 * Returns 0, or -1 with *err filled. */
int svc_parse(struct svc_set *set, const char *file, const char *text, size_t len, const char *name,
              struct svc_error *err);

/* Checks the set as a whole: commands present, names unique, dependencies
 * known and acyclic, at most one main service.  Fills set->order.  Returns 0
 * or -1 with *err filled. */
int svc_validate(struct svc_set *set, struct svc_error *err);

void svc_set_free(struct svc_set *set);

/* Splits a command line into words: blanks separate words, '...' quotes
 * literally, "..." quotes with \" \\ \$ \` escapes, \ escapes outside
 * quotes.  Returns the words (owned by the caller), or NULL with *ret_why
 * set when the line is empty or a quote is not closed. */
char **svc_split_words(const char *s, const char **ret_why);

const char *svc_restart_name(enum restart_policy p);
