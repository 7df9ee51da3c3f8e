/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The runtime's internal view of one container, shared by the files of
 * src/lib/runtime.  Not part of the public API (runtime.h). */

#include <stdbool.h>
#include <sys/types.h>

#include "cgroup.h"
#include "runtime.h"
#include "spec/spec.h"
#include "util/error.h"
#include "util/fs.h"

#define HULL_STATE_FILE "state.json"
#define HULL_CONFIG_FILE "config.json"
#define HULL_EXEC_SOCK "exec.sock" /* exists while the container is created, not started */

typedef struct hull_container {
        hull_context *ctx;
        char *id;
        int root_fd;          /* the state root directory */
        int dir_fd;           /* the container's state directory; flock'd while locked */
        hull_spec *spec;      /* from the state dir's copy of config.json */
        char *bundle;
        char *rootfs;
        hull_cgroup *cg;
        pid_t pid;            /* the container's init, as seen by the host */
        unsigned long long pid_start; /* its start time (/proc/PID/stat field 22) */
        pid_t creator;        /* the runtime that is creating it, while creating */
        unsigned long long creator_start;
        hull_status saved_status;
        char *created;
        char *owner;
        /* The config has startContainer or poststart hooks (saved in the
         * state so that start can skip loading the config): 1, 0, or -1
         * when a state written before this field says nothing. */
        int start_hooks;
} hull_container;

/* state.c */
int hull_state_root_open(hull_context *ctx, bool create, int *ret_fd, hull_error **err);
/* Makes the state dir of a new container (EEXIST -> "already exists") and
 * locks it.  *ret is owned by the caller (hull_container_free). */
int hull_container_new(hull_context *ctx, const char *id, hull_container **ret, hull_error **err);
/* Whether start waits for the container's execve: only a config with hooks
 * that start runs (startContainer, poststart) needs it.  create saves it in
 * the state for start; the container's process reads it from its config. */
static inline bool hull_start_waits_exec(const hull_spec *s) {
        return s->n_hooks[HULL_HOOK_START_CONTAINER] || s->n_hooks[HULL_HOOK_POSTSTART];
}

/* hull_container_load's flags. */
#define HULL_LOAD_LOCK 1u          /* take the container's lock (blocking) */
#define HULL_LOAD_SPEC_FOR_START 2u /* the config only if start needs it (its hooks) */
/* Loads an existing container and, unless HULL_LOAD_SPEC_FOR_START says it
 * is not needed, its config (c->spec). */
int hull_container_load(hull_context *ctx, const char *id, unsigned flags, hull_container **ret, hull_error **err);
int hull_container_save(hull_container *c, hull_error **err);
/* hull_container_save in two steps: the new state.json as a temp file (its
 * name in tmp), then the rename that installs it.  create writes the
 * "created" state while its container process still sets up, and only
 * renames it once the process is ready. */
int hull_container_save_prepare(hull_container *c, char tmp[HULL_TEMP_NAME_MAX], hull_error **err);
int hull_container_save_commit(hull_container *c, const char *tmp, hull_error **err);
/* Removes the state dir; the container is unusable afterwards. */
int hull_container_remove_state(hull_container *c, hull_error **err);
void hull_container_free(hull_container *c);
/* The live status: checks the process, its start time, the exec fifo, the freezer. */
hull_status hull_container_status(hull_container *c);
/* State JSON as hooks receive it on stdin. */
char *hull_container_state_json(hull_container *c, hull_status status, bool indent);
int hull_container_to_state(hull_container *c, hull_state **ret);

/* Process helpers (state.c). */
int hull_proc_start_time(pid_t pid, unsigned long long *ret);
bool hull_proc_alive(pid_t pid, unsigned long long start_time);
char *hull_now_rfc3339(void);

/* hooks.c: runs the hooks of one kind in order, with the state on stdin.
 * Runs where it is called (the caller picks the namespaces).  Returns 0 or a
 * negative value with *err naming the hook and its output. */
int hull_hooks_run(const hull_spec *spec, hull_hook_kind kind, const char *state_json, hull_error **err);
/* For poststart and poststop: a failing hook is a warning and the remaining
 * hooks still run (runtime-spec).  Returns the number that failed. */
int hull_hooks_run_warn(const hull_spec *spec, hull_hook_kind kind, const char *state_json);
