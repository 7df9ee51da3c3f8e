/* SPDX-License-Identifier: GPL-2.0-or-later */
/* linux.seccomp: parsing errors, the default profile, compiling, the cache,
 * and a filter really loaded in a child process. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>

#include "runtime/seccomp.h"
#include "util/fs.h"

static hull_spec_seccomp *parse(const char *json, hull_error **err) {
        json_t *o = json_loads(json, 0, NULL);
        assert_non_null(o);
        hull_spec_seccomp *sc = NULL;
        int r = hull_spec_parse_seccomp(o, "config.json", &sc, err);
        json_decref(o);
        return r < 0 ? NULL : sc;
}

static void bad_sections_name_the_path(void **state) {
        static const struct {
                const char *json, *expect;
        } bad[] = {
                { "{}", "linux.seccomp.defaultAction: required string is missing" },
                { "{\"defaultAction\":\"SCMP_ACT_NOPE\"}", "linux.seccomp.defaultAction: expected one of" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"architectures\":[\"SCMP_ARCH_Z80\"]}",
                  "linux.seccomp.architectures[0]: unknown value \"SCMP_ARCH_Z80\"" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"flags\":[\"X\"]}", "linux.seccomp.flags[0]: unknown value" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[],\"action\":\"SCMP_ACT_ERRNO\"}]}",
                  "linux.seccomp.syscalls[0].names: expected a non-empty array" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"]}]}",
                  "linux.seccomp.syscalls[0].action: required string is missing" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":9,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]}]}",
                  "linux.seccomp.syscalls[0].args[0]: index 9 is not an argument number" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"LT\"}]}]}",
                  "linux.seccomp.syscalls[0].args[0].op: expected one of" },
                { "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"read\"],\"action\":\"SCMP_ACT_NOTIFY\"}]}",
                  "linux.seccomp.listenerPath: SCMP_ACT_NOTIFY needs a listenerPath" },
                { "{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":99999}",
                  "linux.seccomp.defaultErrnoRet: expected an errno number" },
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                hull_error *err = NULL;
                hull_spec_seccomp *sc = parse(bad[i].json, &err);
                if (sc)
                        fail_msg("case %zu accepted", i);
                if (!strstr(err->msg, bad[i].expect))
                        fail_msg("case %zu: \"%s\" lacks \"%s\"", i, err->msg, bad[i].expect);
                hull_error_free(err);
        }
}

static void default_profile_compiles_and_caches(void **state) {
        json_t *prof = hull_seccomp_default_profile();
        hull_spec_seccomp *sc = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_spec_parse_seccomp(prof, "config.json", &sc, &err), 0);
        json_decref(prof);
        char dir[] = "/tmp/hull-seccomp-cache.XXXXXX";
        assert_non_null(mkdtemp(dir));
        hull_seccomp_filter f1, f2;
        if (hull_seccomp_prepare(sc, dir, &f1, &err) < 0)
                fail_msg("%s", err->msg);
        assert_false(f1.cached);
        assert_true(f1.len > 10);
        assert_int_equal(hull_seccomp_prepare(sc, dir, &f2, &err), 0);
        assert_true(f2.cached);
        assert_int_equal(f1.len, f2.len);
        assert_memory_equal(f1.insns, f2.insns, f1.len * 8);
        hull_seccomp_filter_done(&f1);
        hull_seccomp_filter_done(&f2);
        hull_rm_rf_at(AT_FDCWD, dir);
        hull_spec_seccomp_free(sc);
}

/* Runs a classic BPF program on one seccomp_data, as the kernel would;
 * *steps: how many instructions it took. */
static uint32_t run_bpf(const struct sock_filter *p, size_t n, const struct seccomp_data *d, unsigned *steps) {
        uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
        *steps = 0;
        for (size_t pc = 0; pc < n; pc++) {
                const struct sock_filter *i = &p[pc];
                ++*steps;
                switch (i->code) {
                case BPF_LD | BPF_W | BPF_ABS:
                        assert_true(i->k + 4 <= sizeof(*d));
                        memcpy(&a, (const char *) d + i->k, 4);
                        break;
                case BPF_LD | BPF_MEM: a = mem[i->k % BPF_MEMWORDS]; break;
                case BPF_LDX | BPF_MEM: x = mem[i->k % BPF_MEMWORDS]; break;
                case BPF_ST: mem[i->k % BPF_MEMWORDS] = a; break;
                case BPF_STX: mem[i->k % BPF_MEMWORDS] = x; break;
                case BPF_ALU | BPF_AND | BPF_K: a &= i->k; break;
                case BPF_MISC | BPF_TAX: x = a; break;
                case BPF_MISC | BPF_TXA: a = x; break;
                case BPF_JMP | BPF_JA: pc += i->k; break;
                case BPF_JMP | BPF_JEQ | BPF_K: pc += a == i->k ? i->jt : i->jf; break;
                case BPF_JMP | BPF_JGT | BPF_K: pc += a > i->k ? i->jt : i->jf; break;
                case BPF_JMP | BPF_JGE | BPF_K: pc += a >= i->k ? i->jt : i->jf; break;
                case BPF_JMP | BPF_JSET | BPF_K: pc += (a & i->k) ? i->jt : i->jf; break;
                case BPF_RET | BPF_K: return i->k;
                default: fail_msg("instruction %zu: opcode 0x%x not emulated", pc, i->code);
                }
        }
        fail_msg("the program ran off its end");
        return 0;
}

/* The default profile, compiled, gives each x86_64 syscall the verdict the
 * profile says, and decides it within a few instructions: libseccomp builds
 * a binary tree, not a chain that tests the blocked syscalls one after the
 * other.  The kernel runs the filter for every syscall number when it loads
 * it (its cache of always-allowed ones), so a chain makes each container's
 * start slower, and every syscall of the container too. */
static void default_profile_decides_in_few_steps(void **state) {
#if defined(__x86_64__)
        json_t *prof = hull_seccomp_default_profile();
        hull_spec_seccomp *sc = NULL;
        hull_error *err = NULL;
        assert_int_equal(hull_spec_parse_seccomp(prof, "config.json", &sc, &err), 0);
        /* The syscalls the profile refuses whatever their arguments. */
        bool refused[1024] = { false }, conditional[1024] = { false };
        size_t idx;
        json_t *rule;
        json_array_foreach(json_object_get(prof, "syscalls"), idx, rule) {
                bool has_args = json_array_size(json_object_get(rule, "args")) > 0;
                size_t k;
                json_t *name;
                json_array_foreach(json_object_get(rule, "names"), k, name) {
                        int nr = seccomp_syscall_resolve_name(json_string_value(name));
                        if (nr < 0 || nr >= 1024)
                                continue;
                        if (has_args)
                                conditional[nr] = true;
                        else
                                refused[nr] = true;
                }
        }
        json_decref(prof);
        hull_seccomp_filter f;
        if (hull_seccomp_prepare(sc, NULL, &f, &err) < 0)
                fail_msg("%s", err->msg);
        unsigned most = 0, n_refused = 0;
        for (int nr = 0; nr < 460; nr++) {
                if (conditional[nr])
                        continue;
                struct seccomp_data d = { .nr = nr, .arch = AUDIT_ARCH_X86_64 };
                unsigned steps;
                uint32_t v = run_bpf(f.insns, f.len, &d, &steps);
                uint32_t expect = refused[nr] ? SECCOMP_RET_ERRNO : SECCOMP_RET_ALLOW;
                if ((v & SECCOMP_RET_ACTION_FULL) != expect)
                        fail_msg("syscall %d: verdict 0x%x, expected 0x%x", nr, v, expect);
                n_refused += refused[nr];
                if (steps > most)
                        most = steps;
        }
        assert_true(n_refused > 40);
        /* A chain over the ~60 refused syscalls takes over 60 steps for the
         * last of them; the tree about 2 log2(60) plus the arch checks. */
        if (most > 30)
                fail_msg("the slowest syscall takes %u instructions to decide: the filter is a chain", most);
        hull_seccomp_filter_done(&f);
        hull_spec_seccomp_free(sc);
#else
        skip();
#endif
}

static void loaded_filter_blocks_and_allows(void **state) {
        const char *j = "{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":["
                        "{\"names\":[\"getppid\"],\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":42},"
                        "{\"names\":[\"getpriority\"],\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_EQ\"}]},"
                        "{\"names\":[\"no_such_syscall_at_all\"],\"action\":\"SCMP_ACT_KILL\"}]}";
        hull_error *err = NULL;
        hull_spec_seccomp *sc = parse(j, &err);
        assert_non_null(sc);
        hull_seccomp_filter f;
        assert_int_equal(hull_seccomp_prepare(sc, NULL, &f, &err), 0);
        pid_t pid = fork();
        if (pid == 0) {
                prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                if (hull_seccomp_load(&f, NULL, NULL) < 0)
                        _exit(10);
                if (syscall(SYS_getppid) != -1 || errno != 42)
                        _exit(11);
                errno = 0;
                if (syscall(SYS_getpriority, 1, 0) != -1 || errno != EPERM)
                        _exit(12);
                if (syscall(SYS_getpriority, 0, 0) < 0) /* another argument passes */
                        _exit(13);
                _exit(0);
        }
        int st;
        assert_int_equal(waitpid(pid, &st, 0), pid);
        assert_true(WIFEXITED(st));
        assert_int_equal(WEXITSTATUS(st), 0);
        hull_seccomp_filter_done(&f);
        hull_spec_seccomp_free(sc);
}

int main(void) {
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(bad_sections_name_the_path),
                cmocka_unit_test(default_profile_compiles_and_caches),
                cmocka_unit_test(default_profile_decides_in_few_steps),
                cmocka_unit_test(loaded_filter_blocks_and_allows),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
