/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once

/* The OCI runtime-spec config.json, parsed into plain structs.
 * Every string, vector and array below is owned by the hull_spec that holds it
 * and freed by hull_spec_free(). */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "util/error.h"

#define HULL_OCI_VERSION "1.2.0"
#define HULL_OCI_VERSION_MIN "1.0.0"
/* What `spec` writes: the default config uses nothing newer, and older
 * runtimes (crun 1.8) refuse a config that claims a newer version. */
#define HULL_OCI_VERSION_DEFAULT_CONFIG "1.0.2"

typedef enum hull_ns_type {
        HULL_NS_PID,
        HULL_NS_NETWORK,
        HULL_NS_MOUNT,
        HULL_NS_IPC,
        HULL_NS_UTS,
        HULL_NS_USER,
        HULL_NS_CGROUP,
        HULL_NS_TIME,
        _HULL_NS_MAX,
} hull_ns_type;

typedef struct hull_spec_ns {
        bool present;
        char *path; /* NULL: a new namespace */
} hull_spec_ns;

typedef struct hull_spec_idmap {
        uint32_t container_id, host_id, size;
} hull_spec_idmap;

typedef struct hull_spec_mount {
        char *destination;
        char *type;
        char *source;
        char **options;
        hull_spec_idmap *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
} hull_spec_mount;

typedef struct hull_spec_hook {
        char *path;
        char **args;
        char **env;
        int timeout; /* seconds, 0 = none */
} hull_spec_hook;

typedef enum hull_hook_kind {
        HULL_HOOK_PRESTART,
        HULL_HOOK_CREATE_RUNTIME,
        HULL_HOOK_CREATE_CONTAINER,
        HULL_HOOK_START_CONTAINER,
        HULL_HOOK_POSTSTART,
        HULL_HOOK_POSTSTOP,
        _HULL_HOOK_MAX,
} hull_hook_kind;

typedef struct hull_spec_rlimit {
        int resource;
        char *type;
        uint64_t soft, hard;
} hull_spec_rlimit;

typedef struct hull_spec_user {
        uid_t uid;
        gid_t gid;
        bool has_umask;
        mode_t umask;
        gid_t *additional_gids;
        size_t n_additional_gids;
        char *username;
} hull_spec_user;

/* Capability sets as bit masks over capability numbers (0..63). */
typedef struct hull_spec_caps {
        bool present;
        uint64_t bounding, effective, inheritable, permitted, ambient;
} hull_spec_caps;

typedef struct hull_spec_process {
        bool terminal;
        bool has_console_size;
        unsigned console_height, console_width;
        hull_spec_user user;
        char **args;
        char **env;
        char *cwd;
        hull_spec_caps caps;
        hull_spec_rlimit *rlimits;
        size_t n_rlimits;
        bool no_new_privileges;
        bool has_oom_score_adj;
        int oom_score_adj;
        char *apparmor_profile;
        char *selinux_label;
} hull_spec_process;

typedef struct hull_spec_device {
        char type; /* 'c', 'b', 'u', 'p' */
        char *path;
        int64_t major, minor;
        bool has_file_mode, has_uid, has_gid;
        mode_t file_mode;
        uid_t uid;
        gid_t gid;
} hull_spec_device;

typedef struct hull_spec_device_rule {
        bool allow;
        char type; /* 'a', 'c', 'b' */
        int64_t major, minor; /* -1 = wildcard */
        char access[4];
} hull_spec_device_rule;

typedef struct hull_spec_resources {
        /* memory; -1 = unset; limit -1 in JSON means unlimited: stored as INT64_MAX */
        int64_t memory_limit, memory_reservation, memory_swap;
        int64_t memory_swappiness; /* -1 unset */
        bool has_disable_oom_killer, disable_oom_killer;
        /* cpu */
        int64_t cpu_shares, cpu_quota, cpu_period, cpu_burst; /* -1 unset; quota may be -1 (=max) -> has_cpu_quota */
        bool has_cpu_quota;
        int64_t cpu_rt_runtime, cpu_rt_period;
        char *cpu_cpus, *cpu_mems;
        /* pids */
        bool has_pids_limit;
        int64_t pids_limit; /* <= 0: unlimited */
        /* devices cgroup rules (v1) */
        hull_spec_device_rule *devices;
        size_t n_devices;
        /* unified (v2) key/values */
        char **unified; /* key, value, key, value, ... */
} hull_spec_resources;

typedef enum hull_seccomp_action {
        HULL_SCMP_KILL,
        HULL_SCMP_KILL_PROCESS,
        HULL_SCMP_KILL_THREAD,
        HULL_SCMP_TRAP,
        HULL_SCMP_ERRNO,
        HULL_SCMP_TRACE,
        HULL_SCMP_ALLOW,
        HULL_SCMP_LOG,
        HULL_SCMP_NOTIFY,
        _HULL_SCMP_ACTION_MAX,
} hull_seccomp_action;

typedef enum hull_seccomp_op {
        HULL_SCMP_CMP_NE,
        HULL_SCMP_CMP_LT,
        HULL_SCMP_CMP_LE,
        HULL_SCMP_CMP_EQ,
        HULL_SCMP_CMP_GE,
        HULL_SCMP_CMP_GT,
        HULL_SCMP_CMP_MASKED_EQ,
        _HULL_SCMP_OP_MAX,
} hull_seccomp_op;

typedef struct hull_spec_seccomp_arg {
        unsigned index;
        uint64_t value, value_two;
        hull_seccomp_op op;
} hull_spec_seccomp_arg;

typedef struct hull_spec_seccomp_rule {
        char **names;
        hull_seccomp_action action;
        bool has_errno;
        unsigned errno_ret;
        hull_spec_seccomp_arg *args;
        size_t n_args;
} hull_spec_seccomp_rule;

typedef struct hull_spec_seccomp {
        hull_seccomp_action default_action;
        bool has_default_errno;
        unsigned default_errno;
        char **archs;
        char **flags;
        char *listener_path;
        char *listener_metadata;
        hull_spec_seccomp_rule *rules;
        size_t n_rules;
        bool has_notify;
        char *canonical; /* the section as compact JSON with sorted keys: the cache key */
} hull_spec_seccomp;

typedef struct hull_spec_kv {
        char *key, *value;
} hull_spec_kv;

typedef struct hull_spec {
        char *oci_version;
        char *root_path;
        bool root_readonly;
        char *hostname;
        char *domainname;
        bool has_process;
        hull_spec_process process;
        hull_spec_mount *mounts;
        size_t n_mounts;
        hull_spec_hook *hooks[_HULL_HOOK_MAX];
        size_t n_hooks[_HULL_HOOK_MAX];
        hull_spec_kv *annotations;
        size_t n_annotations;

        /* linux */
        hull_spec_ns ns[_HULL_NS_MAX];
        hull_spec_idmap *uid_mappings, *gid_mappings;
        size_t n_uid_mappings, n_gid_mappings;
        bool has_time_offsets;
        int64_t time_monotonic_secs, time_boottime_secs;
        uint32_t time_monotonic_nsecs, time_boottime_nsecs;
        hull_spec_device *devices;
        size_t n_devices;
        char *cgroups_path;
        bool has_resources;
        hull_spec_resources resources;
        hull_spec_kv *sysctl;
        size_t n_sysctl;
        char *rootfs_propagation;
        char **masked_paths;
        char **readonly_paths;
        char *mount_label;
        hull_spec_seccomp *seccomp; /* NULL: none */
        char *personality_domain;
} hull_spec;

/* Parses and validates config.json text.  `where` names the input in errors
 * ("config.json").  Errors name the JSON path ("process.args: expected a
 * non-empty array of strings").  Unknown fields are ignored, as the spec says. */
int hull_spec_parse(const char *json, size_t len, const char *where, hull_spec **ret, hull_error **err);
struct json_t;
int hull_spec_load(int dirfd, const char *path, hull_spec **ret, hull_error **err);

/* Parses a process object alone (`exec --process FILE`). */
int hull_spec_parse_process(const char *json, size_t len, const char *where, hull_spec_process *ret,
                            hull_error **err);

void hull_spec_free(hull_spec *s);
void hull_spec_process_done(hull_spec_process *p);

/* The default config.json of `hull-runtime spec` (what `runc spec` writes);
 * rootless adds a user namespace mapping the caller and drops what needs root. */
char *hull_spec_default_json(bool rootless, uid_t uid, gid_t gid);

/* The runtime-spec features document listing what hull implements. */
char *hull_spec_features_json(void);

const char *hull_ns_type_name(hull_ns_type t);
int hull_ns_type_from_name(const char *name);     /* -1 if unknown */
int hull_ns_clone_flag(hull_ns_type t);
const char *hull_ns_proc_name(hull_ns_type t);     /* the name under /proc/PID/ns/ */
const char *hull_hook_kind_name(hull_hook_kind k);

/* seccomp.c */
int hull_spec_parse_seccomp(struct json_t *o, const char *where, hull_spec_seccomp **ret, hull_error **err);
void hull_spec_seccomp_free(hull_spec_seccomp *sc);
const char *hull_seccomp_action_name(hull_seccomp_action a);
const char *hull_seccomp_op_name(hull_seccomp_op o);
const char *const *hull_seccomp_arch_names(void);  /* NULL-terminated */
const char *const *hull_seccomp_flag_names(void);  /* NULL-terminated */
/* hull's default profile (a JSON object for linux.seccomp); new reference. */
struct json_t *hull_seccomp_default_profile(void);

int hull_cap_from_name(const char *name);          /* "CAP_SYS_ADMIN" -> 21; -1 if unknown */
const char *hull_cap_name(int cap);
int hull_cap_last_known(void);

int hull_rlimit_from_name(const char *name);       /* "RLIMIT_NOFILE" -> 7; -1 if unknown */

typedef struct hull_mount_flag {
        const char *name;
        bool clear;          /* the option clears the flag ("rw", "suid", ...) */
        unsigned long flag;  /* MS_* */
        int kind;            /* 0 = mount flag, 1 = propagation, 2 = recursive attr, 3 = hull extension */
} hull_mount_flag;
const hull_mount_flag *hull_mount_flag_lookup(const char *name);
const hull_mount_flag *hull_mount_flags_table(size_t *n);
