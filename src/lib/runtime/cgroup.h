/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* cgroups on v1, v2 and hybrid hosts.  A container's cgroup is a set of
 * directories, one per mounted hierarchy; on a hybrid host that is every v1
 * controller plus the cgroup2 tree.  cgroup.c holds what is common,
 * cgroup-v1.c and cgroup-v2.c what each version writes. */

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "spec/spec.h"
#include "util/error.h"

typedef enum hull_cgroup_mode {
        HULL_CGROUP_NONE,   /* no cgroup file system mounted */
        HULL_CGROUP_V1,
        HULL_CGROUP_HYBRID, /* v1 controllers plus a cgroup2 tree */
        HULL_CGROUP_V2,
        _HULL_CGROUP_MODE_MAX,
} hull_cgroup_mode;

#define HULL_CGROUP_MAX_HIER 24

typedef struct hull_cgroup_hier {
        char *controllers; /* "memory", "cpu,cpuacct", "name=systemd"; "" for cgroup2 */
        char *mountpoint;  /* "/sys/fs/cgroup/memory" */
        char *dir;         /* the container's directory: mountpoint + path */
        bool v2;
        bool created;      /* we made the leaf directory (and remove it on delete) */
        bool made;         /* hull_cgroup_create has been through it (in this process) */
} hull_cgroup_hier;

typedef struct hull_cgroup {
        hull_cgroup_mode mode;
        char *path; /* the cgroup path inside each hierarchy, "/hull/ID" */
        hull_cgroup_hier h[HULL_CGROUP_MAX_HIER];
        size_t n;
        int v2_fd; /* O_PATH|O_DIRECTORY fd of the cgroup2 directory, for CLONE_INTO_CGROUP; -1 */
        bool own_top; /* the path's first level is hull's own: the default /hull */
} hull_cgroup;

hull_cgroup_mode hull_cgroup_detect_mode(void);
const char *hull_cgroup_mode_name(hull_cgroup_mode m);

/* Works out the directories of cgroupsPath (NULL = "/hull/<id>"; a relative
 * path is relative to the runtime's own cgroup in each hierarchy) without
 * touching anything.  *ret is owned by the caller (hull_cgroup_free). */
int hull_cgroup_resolve(const char *cgroups_path, const char *id, hull_cgroup **ret, hull_error **err);

/* Creates the directories of the hierarchies `which` selects and applies the
 * limits of `res` (may be NULL).  On failure, removes everything created so
 * far (by this and earlier calls).  Rootless callers without write access get
 * no cgroup (and an error only if limits were asked for). */
#define HULL_CGROUP_CREATE_V2 1u /* the cgroup2 directory */
#define HULL_CGROUP_CREATE_V1 2u /* the v1 hierarchies */
#define HULL_CGROUP_CREATE_ALL 3u
int hull_cgroup_create(hull_cgroup *cg, const hull_spec_resources *res, unsigned which, hull_error **err);
/* The same, one hierarchy at a time while more(userdata) says so: a later
 * call (of either) goes on with the hierarchies this one left.  create
 * fills a wait with it. */
int hull_cgroup_create_while(hull_cgroup *cg, const hull_spec_resources *res, unsigned which,
                             bool (*more)(void *userdata), void *userdata, hull_error **err);

/* Moves pid into every hierarchy; skip_v2 when it already is in the cgroup2
 * directory (CLONE_INTO_CGROUP). */
int hull_cgroup_join(hull_cgroup *cg, pid_t pid, bool skip_v2, hull_error **err);

/* Moves the calling (single-threaded) process into every hierarchy by
 * writing "0" to each v1 `tasks` file: migrating the current thread skips
 * the global cgroup_threadgroup_rwsem, whose write side waits for an RCU
 * grace period (~10 ms here) on every cgroup.procs write.  Needs write access
 * to the host's cgroup files: not from a user namespace. */
int hull_cgroup_join_self(hull_cgroup *cg, bool skip_v2, hull_error **err);

/* Removes the directories that create made; with kill, SIGKILLs whatever is
 * still inside first.  Waits (bounded) for exiting processes to leave. */
int hull_cgroup_destroy(hull_cgroup *cg, bool kill_remaining, hull_error **err);

/* Signals every process in the cgroup (kill --all). */
int hull_cgroup_signal_all(hull_cgroup *cg, int sig, hull_error **err);

/* Reads the pids in the container's cgroup (the first hierarchy that has
 * cgroup.procs).  *ret is malloc'd. */
int hull_cgroup_pids(hull_cgroup *cg, pid_t **ret, size_t *ret_n);

/* Whether the cgroup is frozen (v1 freezer or v2 cgroup.freeze). */
bool hull_cgroup_is_frozen(hull_cgroup *cg);

/* Serialisation into the container's state. */
json_t *hull_cgroup_to_json(const hull_cgroup *cg);
int hull_cgroup_from_json(json_t *j, hull_cgroup **ret);

void hull_cgroup_free(hull_cgroup *cg);

/* cgroup-v1.c / cgroup-v2.c: apply limits to one directory. */
int hull_cgroup_v1_apply(const hull_cgroup_hier *h, const hull_spec_resources *res, hull_error **err);
int hull_cgroup_v1_prepare_cpuset(const hull_cgroup_hier *h, bool own_top, hull_error **err);
int hull_cgroup_v2_enable_controllers(const hull_cgroup_hier *h, const char *path, hull_error **err);
int hull_cgroup_v2_apply(const hull_cgroup_hier *h, const hull_spec_resources *res, bool unified_only,
                         hull_error **err);
bool hull_cgroup_resources_empty(const hull_spec_resources *res);
