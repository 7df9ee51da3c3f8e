/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp of config.json: parsing (errors name the JSON path), the
 * names of actions, operators, architectures and flags, and hull's default
 * profile. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "spec.h"
#include "jsonpath.h"
#include "util/cleanup.h"
#include "util/json.h"
#include "util/strv.h"

static const char *const action_names[_HULL_SCMP_ACTION_MAX] = {
        [HULL_SCMP_KILL] = "SCMP_ACT_KILL",       [HULL_SCMP_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
        [HULL_SCMP_KILL_THREAD] = "SCMP_ACT_KILL_THREAD", [HULL_SCMP_TRAP] = "SCMP_ACT_TRAP",
        [HULL_SCMP_ERRNO] = "SCMP_ACT_ERRNO",     [HULL_SCMP_TRACE] = "SCMP_ACT_TRACE",
        [HULL_SCMP_ALLOW] = "SCMP_ACT_ALLOW",     [HULL_SCMP_LOG] = "SCMP_ACT_LOG",
        [HULL_SCMP_NOTIFY] = "SCMP_ACT_NOTIFY",
};

static const char *const op_names[_HULL_SCMP_OP_MAX] = {
        [HULL_SCMP_CMP_NE] = "SCMP_CMP_NE", [HULL_SCMP_CMP_LT] = "SCMP_CMP_LT", [HULL_SCMP_CMP_LE] = "SCMP_CMP_LE",
        [HULL_SCMP_CMP_EQ] = "SCMP_CMP_EQ", [HULL_SCMP_CMP_GE] = "SCMP_CMP_GE", [HULL_SCMP_CMP_GT] = "SCMP_CMP_GT",
        [HULL_SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static const char *const arch_names[] = {
        "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64",   "SCMP_ARCH_X32",      "SCMP_ARCH_ARM",
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_MIPS",     "SCMP_ARCH_MIPS64",   "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL",  "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
        "SCMP_ARCH_PPC64",   "SCMP_ARCH_PPC64LE",  "SCMP_ARCH_S390",     "SCMP_ARCH_S390X",
        "SCMP_ARCH_RISCV64", NULL,
};

static const char *const flag_names[] = {
        "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
        "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL,
};

const char *hull_seccomp_action_name(hull_seccomp_action a) {
        return a < _HULL_SCMP_ACTION_MAX ? action_names[a] : NULL;
}

const char *hull_seccomp_op_name(hull_seccomp_op o) {
        return o < _HULL_SCMP_OP_MAX ? op_names[o] : NULL;
}

const char *const *hull_seccomp_arch_names(void) {
        return arch_names;
}

const char *const *hull_seccomp_flag_names(void) {
        return flag_names;
}

void hull_spec_seccomp_free(hull_spec_seccomp *sc) {
        if (!sc)
                return;
        hull_strv_free(sc->archs);
        hull_strv_free(sc->flags);
        free(sc->listener_path);
        free(sc->listener_metadata);
        for (size_t i = 0; i < sc->n_rules; i++) {
                hull_strv_free(sc->rules[i].names);
                free(sc->rules[i].args);
        }
        free(sc->rules);
        free(sc->canonical);
        free(sc);
}

static int fail(const char *where, hull_error **err, const char *path, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int fail(const char *where, hull_error **err, const char *path, const char *fmt, ...) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        return hull_error_set_raw(err, EINVAL, "%s: %s: %s", where, path, msg);
}

static int lookup(const char *const *names, size_t n, const char *s) {
        for (size_t i = 0; i < n; i++)
                if (names[i] && strcmp(names[i], s) == 0)
                        return (int) i;
        return -1;
}

/* Reads a string array at key into *ret, each element checked against
 * `allowed` (NULL-terminated) when given. */
static int strings(json_t *o, const char *key, const char *base, const char *const *allowed, const char *where,
                   char ***ret, hull_error **err) {
        json_t *v = json_object_get(o, key);
        char p[256];
        hull_jsonpath_key(p, sizeof(p), base, key);
        if (!v || json_is_null(v))
                return 0;
        if (!json_is_array(v))
                return fail(where, err, p, "expected an array of strings");
        size_t i;
        json_t *e;
        json_array_foreach(v, i, e) {
                char pi[300];
                hull_jsonpath_index(pi, sizeof(pi), p, i);
                if (!json_is_string(e))
                        return fail(where, err, pi, "expected a string");
                const char *s = json_string_value(e);
                if (allowed) {
                        bool ok = false;
                        for (const char *const *a = allowed; *a; a++)
                                ok |= strcmp(*a, s) == 0;
                        if (!ok)
                                return fail(where, err, pi, "unknown value \"%s\"", s);
                }
                if (hull_strv_push(ret, s) < 0)
                        return hull_error_set(err, ENOMEM, "%s", pi);
        }
        return 0;
}

static int action(json_t *o, const char *key, const char *base, const char *where, hull_seccomp_action *ret,
                  bool required, hull_error **err) {
        json_t *v = json_object_get(o, key);
        char p[256];
        hull_jsonpath_key(p, sizeof(p), base, key);
        if (!v || json_is_null(v)) {
                if (required)
                        return fail(where, err, p, "required string is missing");
                return 0;
        }
        int a = json_is_string(v) ? lookup(action_names, _HULL_SCMP_ACTION_MAX, json_string_value(v)) : -1;
        if (a < 0)
                return fail(where, err, p, "expected one of SCMP_ACT_KILL, SCMP_ACT_KILL_PROCESS, SCMP_ACT_KILL_THREAD, SCMP_ACT_TRAP, SCMP_ACT_ERRNO, SCMP_ACT_TRACE, SCMP_ACT_ALLOW, SCMP_ACT_LOG, SCMP_ACT_NOTIFY");
        *ret = (hull_seccomp_action) a;
        return 1;
}

static int errno_ret(json_t *o, const char *key, const char *base, const char *where, bool *has, unsigned *ret,
                     hull_error **err) {
        json_t *v = json_object_get(o, key);
        if (!v || json_is_null(v))
                return 0;
        char p[256];
        hull_jsonpath_key(p, sizeof(p), base, key);
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 4095)
                return fail(where, err, p, "expected an errno number in [0, 4095]");
        *has = true;
        *ret = (unsigned) json_integer_value(v);
        return 0;
}

static int u64(json_t *o, const char *key, const char *base, const char *where, bool required, uint64_t *ret,
               hull_error **err) {
        json_t *v = json_object_get(o, key);
        char p[256];
        hull_jsonpath_key(p, sizeof(p), base, key);
        if (!v || json_is_null(v)) {
                if (required)
                        return fail(where, err, p, "required integer is missing");
                return 0;
        }
        if (json_is_integer(v)) {
                *ret = (uint64_t) json_integer_value(v);
                return 0;
        }
        if (json_is_real(v) && json_real_value(v) >= 0 && json_real_value(v) < 1.8446744073709552e19) {
                *ret = (uint64_t) json_real_value(v);
                return 0;
        }
        return fail(where, err, p, "expected an integer");
}

int hull_spec_parse_seccomp(json_t *o, const char *where, hull_spec_seccomp **ret, hull_error **err) {
        const char *base = "linux.seccomp";
        hull_spec_seccomp *sc = calloc(1, sizeof(*sc));
        if (!sc)
                return hull_error_set(err, ENOMEM, "%s", base);
        int r;
        if ((r = action(o, "defaultAction", base, where, &sc->default_action, true, err)) < 0 ||
            (r = errno_ret(o, "defaultErrnoRet", base, where, &sc->has_default_errno, &sc->default_errno, err)) < 0 ||
            (r = strings(o, "architectures", base, arch_names, where, &sc->archs, err)) < 0 ||
            (r = strings(o, "flags", base, flag_names, where, &sc->flags, err)) < 0)
                goto fail;
        json_t *lp = json_object_get(o, "listenerPath"), *lm = json_object_get(o, "listenerMetadata");
        if (lp && !json_is_null(lp)) {
                if (!json_is_string(lp) || json_string_value(lp)[0] != '/') {
                        r = fail(where, err, "linux.seccomp.listenerPath", "expected an absolute path");
                        goto fail;
                }
                sc->listener_path = strdup(json_string_value(lp));
        }
        if (lm && !json_is_null(lm)) {
                if (!json_is_string(lm)) {
                        r = fail(where, err, "linux.seccomp.listenerMetadata", "expected a string");
                        goto fail;
                }
                sc->listener_metadata = strdup(json_string_value(lm));
        }
        json_t *rules = json_object_get(o, "syscalls");
        if (rules && !json_is_null(rules) && !json_is_array(rules)) {
                r = fail(where, err, "linux.seccomp.syscalls", "expected an array");
                goto fail;
        }
        size_t n = rules ? json_array_size(rules) : 0;
        sc->rules = calloc(n ? n : 1, sizeof(*sc->rules));
        if (!sc->rules) {
                r = hull_error_set(err, ENOMEM, "%s", base);
                goto fail;
        }
        bool notify = sc->default_action == HULL_SCMP_NOTIFY;
        for (size_t i = 0; i < n; i++) {
                char pi[128];
                hull_jsonpath_index(pi, sizeof(pi), "linux.seccomp.syscalls", i);
                json_t *e = json_array_get(rules, i);
                hull_spec_seccomp_rule *rule = &sc->rules[i];
                sc->n_rules = i + 1;
                if (!json_is_object(e)) {
                        r = fail(where, err, pi, "expected an object");
                        goto fail;
                }
                if ((r = strings(e, "names", pi, NULL, where, &rule->names, err)) < 0 ||
                    (r = action(e, "action", pi, where, &rule->action, true, err)) < 0 ||
                    (r = errno_ret(e, "errnoRet", pi, where, &rule->has_errno, &rule->errno_ret, err)) < 0)
                        goto fail;
                if (!rule->names || !rule->names[0]) {
                        char pn[160];
                        hull_jsonpath_key(pn, sizeof(pn), pi, "names");
                        r = fail(where, err, pn, "expected a non-empty array of syscall names");
                        goto fail;
                }
                notify |= rule->action == HULL_SCMP_NOTIFY;
                json_t *args = json_object_get(e, "args");
                if (args && !json_is_null(args)) {
                        char pa[160];
                        hull_jsonpath_key(pa, sizeof(pa), pi, "args");
                        if (!json_is_array(args) || json_array_size(args) > 6) {
                                r = fail(where, err, pa, "expected an array of at most 6 conditions");
                                goto fail;
                        }
                        size_t k = json_array_size(args);
                        rule->args = calloc(k ? k : 1, sizeof(*rule->args));
                        if (!rule->args) {
                                r = hull_error_set(err, ENOMEM, "%s", pa);
                                goto fail;
                        }
                        for (size_t j = 0; j < k; j++) {
                                char pj[200];
                                hull_jsonpath_index(pj, sizeof(pj), pa, j);
                                json_t *a = json_array_get(args, j);
                                hull_spec_seccomp_arg *arg = &rule->args[j];
                                rule->n_args = j + 1;
                                uint64_t index = 0;
                                if (!json_is_object(a)) {
                                        r = fail(where, err, pj, "expected an object");
                                        goto fail;
                                }
                                if ((r = u64(a, "index", pj, where, true, &index, err)) < 0 ||
                                    (r = u64(a, "value", pj, where, true, &arg->value, err)) < 0 ||
                                    (r = u64(a, "valueTwo", pj, where, false, &arg->value_two, err)) < 0)
                                        goto fail;
                                if (index > 5) {
                                        r = fail(where, err, pj, "index %llu is not an argument number (0-5)",
                                                 (unsigned long long) index);
                                        goto fail;
                                }
                                arg->index = (unsigned) index;
                                json_t *op = json_object_get(a, "op");
                                int opi = json_is_string(op) ? lookup(op_names, _HULL_SCMP_OP_MAX, json_string_value(op)) : -1;
                                if (opi < 0) {
                                        char po[220];
                                        hull_jsonpath_key(po, sizeof(po), pj, "op");
                                        r = fail(where, err, po, "expected one of SCMP_CMP_NE, SCMP_CMP_LT, SCMP_CMP_LE, SCMP_CMP_EQ, SCMP_CMP_GE, SCMP_CMP_GT, SCMP_CMP_MASKED_EQ");
                                        goto fail;
                                }
                                arg->op = (hull_seccomp_op) opi;
                        }
                }
        }
        if (notify && !sc->listener_path) {
                r = fail(where, err, "linux.seccomp.listenerPath", "SCMP_ACT_NOTIFY needs a listenerPath");
                goto fail;
        }
        if (notify && sc->default_action == HULL_SCMP_NOTIFY) {
                r = fail(where, err, "linux.seccomp.defaultAction", "SCMP_ACT_NOTIFY cannot be the default action");
                goto fail;
        }
        sc->has_notify = notify;
        sc->canonical = hull_json_dumps(o, JSON_SORT_KEYS | JSON_COMPACT);
        if (!sc->canonical || !sc->rules) {
                r = hull_error_set(err, ENOMEM, "%s", base);
                goto fail;
        }
        *ret = sc;
        return 0;
fail:
        hull_spec_seccomp_free(sc);
        return r < 0 ? r : -EINVAL;
}

/* hull's default profile: everything allowed but what Docker's default
 * profile blocks for an unprivileged container -- kernel modules and kexec,
 * keyrings, bpf, mounts and new mount API, pivot_root, setns, user namespaces
 * (unshare and clone with CLONE_NEWUSER; clone3 answers ENOSYS so that libc
 * falls back to clone, whose flags can be checked), ptrace of others (only
 * PTRACE_TRACEME passes), cross-process memory access, clocks, swap, reboot,
 * perf, userfaultfd, io_uring (as Docker since 2023), open_by_handle_at (the
 * "shocker" escape) and the obsolete syscalls. apt, shells and servers need
 * none of them.  A deny list: a syscall newer than this list is allowed. */
json_t *hull_seccomp_default_profile(void) {
        static const char *const blocked[] = {
                "acct", "add_key", "adjtimex", "bpf", "clock_adjtime", "clock_settime", "create_module",
                "delete_module", "finit_module", "fsconfig", "fsmount", "fsopen", "fspick", "get_kernel_syms",
                "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl",
                "lookup_dcookie", "mount", "mount_setattr", "move_mount", "name_to_handle_at", "nfsservctl",
                "open_by_handle_at", "open_tree", "perf_event_open", "pivot_root", "process_madvise",
                "process_vm_readv", "process_vm_writev", "query_module", "quotactl", "quotactl_fd", "reboot",
                "request_key", "setns", "settimeofday", "stime", "swapoff", "swapon", "syslog", "_sysctl",
                "sysfs", "umount", "umount2", "uselib", "userfaultfd", "ustat", "vm86", "vm86old",
                "fanotify_init", "landlock_create_ruleset", "mbind", "migrate_pages", "move_pages",
                "set_mempolicy", "get_mempolicy", "io_uring_setup", "io_uring_enter", "io_uring_register", NULL,
        };
        json_t *names = json_array();
        for (const char *const *b = blocked; *b; b++)
                json_array_append_new(names, json_string(*b));
        json_t *archs = json_array();
#if defined(__x86_64__)
        json_array_append_new(archs, json_string("SCMP_ARCH_X86_64"));
        json_array_append_new(archs, json_string("SCMP_ARCH_X86"));
        json_array_append_new(archs, json_string("SCMP_ARCH_X32"));
#elif defined(__aarch64__)
        json_array_append_new(archs, json_string("SCMP_ARCH_AARCH64"));
        json_array_append_new(archs, json_string("SCMP_ARCH_ARM"));
#endif
        /* CLONE_NEWUSER = 0x10000000 */
        json_t *rules = json_pack(
                "[{s:o, s:s, s:i}, {s:[s], s:s, s:i, s:[{s:i, s:I, s:I, s:s}]}, {s:[s], s:s, s:i, s:[{s:i, s:I, s:I, s:s}]},"
                " {s:[s], s:s, s:i}, {s:[s], s:s, s:i, s:[{s:i, s:i, s:s}]}]",
                "names", names, "action", "SCMP_ACT_ERRNO", "errnoRet", 1,
                "names", "unshare", "action", "SCMP_ACT_ERRNO", "errnoRet", 1, "args", "index", 0, "value",
                (json_int_t) 0x10000000, "valueTwo", (json_int_t) 0x10000000, "op", "SCMP_CMP_MASKED_EQ",
                "names", "clone", "action", "SCMP_ACT_ERRNO", "errnoRet", 1, "args", "index", 0, "value",
                (json_int_t) 0x10000000, "valueTwo", (json_int_t) 0x10000000, "op", "SCMP_CMP_MASKED_EQ",
                "names", "clone3", "action", "SCMP_ACT_ERRNO", "errnoRet", 38,
                "names", "ptrace", "action", "SCMP_ACT_ERRNO", "errnoRet", 1, "args", "index", 0, "value", 0, "op",
                "SCMP_CMP_NE");
        return json_pack("{s:s, s:o, s:o}", "defaultAction", "SCMP_ACT_ALLOW", "architectures", archs, "syscalls", rules);
}
