/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The public API of the runtime: what `hull-runtime` and `hull runtime` call.
 * Every function returns 0 (or a documented positive value) on success and a
 * negative value with *err set on failure. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

#define HULL_DEFAULT_STATE_ROOT "/run/hull"

/* Exit statuses the CLI uses (shells' conventions for exec failures). */
#define HULL_EXIT_CANNOT_EXEC 126
#define HULL_EXIT_NOT_FOUND 127

typedef struct hull_context {
        const char *state_root; /* --root; NULL = HULL_DEFAULT_STATE_ROOT */
        bool debug;
} hull_context;

typedef struct hull_create_opts {
        const char *bundle;      /* NULL = current directory */
        const char *pid_file;    /* NULL = none */
        const char *console_socket; /* --console-socket: the pty master is sent there */
        unsigned preserve_fds;   /* fds 3..3+N-1 are passed on */
        bool no_pivot;
        bool no_new_keyring;
        bool detach;             /* run: do not wait for the container */
} hull_create_opts;

typedef enum hull_status {
        HULL_STATUS_CREATING,
        HULL_STATUS_CREATED,
        HULL_STATUS_RUNNING,
        HULL_STATUS_STOPPED,
        HULL_STATUS_PAUSED,
        _HULL_STATUS_MAX,
} hull_status;

const char *hull_status_name(hull_status s);

/* What `state` and `list` report.  Owned strings; hull_state_free(). */
typedef struct hull_state {
        char *oci_version;
        char *id;
        hull_status status;
        pid_t pid;
        char *bundle;
        char *rootfs;
        char *created; /* RFC 3339, UTC, nanoseconds */
        char *owner;
        char *annotations_json; /* a JSON object, "{}" when none */
} hull_state;

void hull_state_free(hull_state *s);
/* The runtime-spec state JSON (plus runc's rootfs/created/owner), indented. */
char *hull_state_to_json(const hull_state *s);

int hull_container_create(hull_context *ctx, const char *id, const hull_create_opts *opts, hull_error **err);
int hull_container_start(hull_context *ctx, const char *id, hull_error **err);

/* create + start; unless opts->detach, waits for the container's process,
 * forwarding signals to it and proxying its terminal, then deletes the
 * container.  *ret_status is the exit status a shell would give
 * (128+N for a signal). */
int hull_container_run(hull_context *ctx, const char *id, const hull_create_opts *opts, int *ret_status,
                       hull_error **err);

int hull_container_state(hull_context *ctx, const char *id, hull_state **ret, hull_error **err);
int hull_container_list(hull_context *ctx, hull_state ***ret, size_t *ret_n, hull_error **err);
int hull_container_kill(hull_context *ctx, const char *id, int sig, bool all, hull_error **err);
int hull_container_delete(hull_context *ctx, const char *id, bool force, hull_error **err);

typedef struct hull_exec_opts {
        const char *process_file;   /* --process: a runtime-spec process JSON */
        char **args;                /* otherwise: the command */
        char **env;                 /* --env, appended */
        const char *cwd;            /* --cwd */
        const char *user;           /* --user UID[:GID] */
        char **caps;                /* --cap, added to every set but inheritable */
        char **additional_gids;     /* --additional-gids */
        bool tty;                   /* --tty */
        const char *console_socket; /* --console-socket: where the pty master goes */
        bool no_new_privs;          /* --no-new-privs */
        bool detach;
        const char *pid_file;
        unsigned preserve_fds;
} hull_exec_opts;

int hull_container_exec(hull_context *ctx, const char *id, const hull_exec_opts *opts, int *ret_status,
                        hull_error **err);

/* Signal names: "TERM", "SIGTERM", "15" -> 15; -1 if unknown. */
int hull_signal_from_string(const char *s);

bool hull_container_id_valid(const char *id);
