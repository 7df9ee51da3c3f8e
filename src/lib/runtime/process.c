/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "process.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "runtime.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/strv.h"

#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

const char *hull_errno_text(int errnum, char *buf, size_t size) {
        /* runc's words are Go's, which are glibc's: musl (hull-runtime's musl
         * build) words these errors of execve differently. */
        static const struct {
                int errnum;
                const char *text;
        } linux_texts[] = {
                { EIO, "input/output error" },
                { ELOOP, "too many levels of symbolic links" },
                { EMFILE, "too many open files" },
                { ENAMETOOLONG, "file name too long" },
                { ENOMEM, "cannot allocate memory" },
                { ELIBBAD, "accessing a corrupted shared library" },
        };
        for (size_t i = 0; i < sizeof(linux_texts) / sizeof(linux_texts[0]); i++)
                if (linux_texts[i].errnum == errnum) {
                        snprintf(buf, size, "%s", linux_texts[i].text);
                        return buf;
                }
        snprintf(buf, size, "%s", strerror(errnum));
        for (char *p = buf; *p; p++)
                *p = (char) tolower((unsigned char) *p);
        return buf;
}

static int exec_error(hull_error **err, int errnum, int status, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
static int exec_error(hull_error **err, int errnum, int status, const char *fmt, ...) {
        char msg[1024];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        int r = hull_error_set_raw(err, errnum, "%s", msg);
        if (err && *err)
                (*err)->status = status;
        return r;
}

static int check_executable(const char *arg0, const char *path, hull_error **err) {
        char eb[128];
        struct stat st;
        if (stat(path, &st) < 0) {
                int e = errno;
                return exec_error(err, e, e == ENOENT || e == ENOTDIR ? HULL_EXIT_NOT_FOUND : HULL_EXIT_CANNOT_EXEC,
                                  "exec: \"%s\": stat %s: %s", arg0, path, hull_errno_text(e, eb, sizeof(eb)));
        }
        if (S_ISDIR(st.st_mode))
                return exec_error(err, EISDIR, HULL_EXIT_CANNOT_EXEC, "exec: \"%s\": is a directory: permission denied",
                                  arg0);
        if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
                return exec_error(err, EACCES, HULL_EXIT_CANNOT_EXEC, "exec: \"%s\": permission denied", arg0);
        return 0;
}

int hull_process_lookup(const hull_spec_process *p, char *const *env, char **ret_path, hull_error **err) {
        if (!p->args || !p->args[0] || !p->args[0][0])
                return hull_error_set_raw(err, EINVAL, "process.args: expected a non-empty array of strings");
        const char *arg0 = p->args[0];
        if (strchr(arg0, '/')) {
                int r = check_executable(arg0, arg0, err);
                if (r < 0)
                        return r;
                *ret_path = strdup(arg0);
                return *ret_path ? 0 : hull_error_set(err, ENOMEM, "exec");
        }
        const char *path = hull_env_get(env, "PATH");
        if (!path)
                path = DEFAULT_PATH;
        _cleanup_free_ char *dup = strdup(path);
        if (!dup)
                return hull_error_set(err, ENOMEM, "exec");
        int saw_eacces = 0;
        for (char *save = NULL, *dir = strtok_r(dup, ":", &save); dir; dir = strtok_r(NULL, ":", &save)) {
                _cleanup_free_ char *cand = hull_strdup_printf("%s/%s", *dir ? dir : ".", arg0);
                if (!cand)
                        return hull_error_set(err, ENOMEM, "exec");
                struct stat st;
                if (stat(cand, &st) < 0 || S_ISDIR(st.st_mode))
                        continue;
                if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111)) {
                        saw_eacces = 1;
                        continue;
                }
                *ret_path = TAKE_PTR(cand);
                return 0;
        }
        (void) saw_eacces;
        return exec_error(err, ENOENT, HULL_EXIT_NOT_FOUND, "exec: \"%s\": executable file not found in $PATH", arg0);
}

int hull_process_set_rlimits(const hull_spec_process *p, hull_error **err) {
        for (size_t i = 0; i < p->n_rlimits; i++) {
                const hull_spec_rlimit *l = &p->rlimits[i];
                struct rlimit rl = { l->soft == UINT64_MAX ? RLIM_INFINITY : (rlim_t) l->soft,
                                     l->hard == UINT64_MAX ? RLIM_INFINITY : (rlim_t) l->hard };
#ifdef __GLIBC__
                if (setrlimit((__rlimit_resource_t) l->resource, &rl) < 0)
#else
                if (setrlimit(l->resource, &rl) < 0)
#endif
                        return hull_error_set(err, errno, "process.rlimits[%zu]: set %s to %llu/%llu", i, l->type,
                                              (unsigned long long) l->soft, (unsigned long long) l->hard);
        }
        return 0;
}

int hull_process_set_oom_score_adj(const hull_spec_process *p, hull_error **err) {
        if (!p->has_oom_score_adj)
                return 0;
        char buf[16], rel[32];
        snprintf(buf, sizeof(buf), "%d", p->oom_score_adj);
        /* Through a verified procfs, by our pid (no /proc/self symlink). */
        snprintf(rel, sizeof(rel), "%d/oom_score_adj", (int) getpid());
        _cleanup_close_ int fd = hull_open_procfs(AT_FDCWD, "/proc", rel, O_WRONLY);
        if (fd < 0)
                return hull_error_set(err, -fd, "process.oomScoreAdj: open /proc/%s (the container's /proc must be procfs)", rel);
        if (write(fd, buf, strlen(buf)) != (ssize_t) strlen(buf))
                return hull_error_set(err, errno, "process.oomScoreAdj: write %s to /proc/%s", buf, rel);
        return 0;
}

static int set_caps(const hull_spec_caps *c, hull_error **err) {
        struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
        struct __user_cap_data_struct data[2] = {
                { (uint32_t) c->effective, (uint32_t) c->permitted, (uint32_t) c->inheritable },
                { (uint32_t) (c->effective >> 32), (uint32_t) (c->permitted >> 32), (uint32_t) (c->inheritable >> 32) },
        };
        if (syscall(SYS_capset, &hdr, data) < 0)
                return hull_error_set(err, errno, "process.capabilities: capset");
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
                return hull_error_set(err, errno, "process.capabilities: clear ambient set");
        for (int cap = 0; cap < 64; cap++)
                if ((c->ambient >> cap) & 1) {
                        /* The kernel allows only permitted and inheritable caps to be ambient. */
                        if (!((c->permitted >> cap) & 1) || !((c->inheritable >> cap) & 1))
                                continue;
                        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0 && errno != EINVAL)
                                return hull_error_set(err, errno, "process.capabilities.ambient: raise %s",
                                                      hull_cap_name(cap));
                }
        return 0;
}

/* setgroups, setresgid and setresuid without libc's broadcast to every
 * thread (musl's costs three more calls each): hull_process_set_identity
 * runs only in single-threaded processes, a container's or an exec'd one. */
#ifdef SYS_setresuid32
#define ID_CALL(name) SYS_##name##32
#else
#define ID_CALL(name) SYS_##name
#endif

static int raw_setgroups(size_t n, const gid_t *gids) {
        return (int) syscall(ID_CALL(setgroups), n, gids);
}

static int raw_setresgid(gid_t g) {
        return (int) syscall(ID_CALL(setresgid), g, g, g);
}

static int raw_setresuid(uid_t u) {
        return (int) syscall(ID_CALL(setresuid), u, u, u);
}

int hull_process_set_identity(const hull_spec_process *p, bool setgroups_allowed, hull_error **err) {
        const hull_spec_caps *c = &p->caps;
        if (c->present) {
                /* Up to the kernel's last capability: the first drop it calls
                 * invalid (one call, where /proc/sys/kernel/cap_last_cap is an
                 * open and a read of procfs, 10 us here). */
                for (int cap = 0; cap < 64; cap++)
                        if (!((c->bounding >> cap) & 1) && prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0) {
                                if (errno == EINVAL)
                                        break;
                                return hull_error_set(err, errno, "process.capabilities.bounding: drop %s",
                                                      hull_cap_name(cap) ? hull_cap_name(cap) : "?");
                        }
                if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
                        return hull_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
        }
        const hull_spec_user *u = &p->user;
        if (setgroups_allowed || u->n_additional_gids > 0) {
                if (raw_setgroups(u->n_additional_gids, u->additional_gids) < 0 &&
                    !(errno == EPERM && !setgroups_allowed && u->n_additional_gids == 0))
                        return hull_error_set(err, errno, "process.user.additionalGids: setgroups");
        }
        if (raw_setresgid(u->gid) < 0)
                return hull_error_set(err, errno, "process.user.gid: setresgid(%u)", (unsigned) u->gid);
        if (raw_setresuid(u->uid) < 0)
                return hull_error_set(err, errno, "process.user.uid: setresuid(%u)", (unsigned) u->uid);
        if (c->present) {
                (void) prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
                int r = set_caps(c, err);
                if (r < 0)
                        return r;
        }
        umask(u->has_umask ? u->umask : 0022);
        if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
                return hull_error_set(err, errno, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
        return 0;
}

int hull_process_chdir(const hull_spec_process *p, hull_error **err) {
        /* Resolved inside the container's root, no magic links: a cwd of
         * /proc/self/fd/N cannot reach a host directory (CVE-2024-21626). */
        const char *cwd = p->cwd ? p->cwd : "/";
        char eb[128];
        int root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        int fd = root < 0 ? -errno : hull_open_in_root(root, cwd, O_PATH | O_DIRECTORY, 0);
        if (root >= 0)
                close(root);
        if (fd < 0)
                return hull_error_set_raw(err, -fd, "process.cwd: chdir to %s: %s", cwd, hull_errno_text(-fd, eb, sizeof(eb)));
        int r = fchdir(fd);
        int e = errno;
        close(fd);
        if (r < 0)
                return hull_error_set_raw(err, e, "process.cwd: chdir to %s: %s", cwd, hull_errno_text(e, eb, sizeof(eb)));
        return 0;
}

int hull_process_add_home(const hull_spec_process *p, char ***env) {
        if (hull_env_get(*env, "HOME"))
                return 0;
        const char *home = "/";
        _cleanup_free_ char *text = NULL;
        if (hull_read_file_at(AT_FDCWD, "/etc/passwd", 1u << 20, &text, NULL) == 0) {
                for (char *save = NULL, *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
                        /* name:pw:uid:gid:gecos:home:shell */
                        char *f[7] = { 0 };
                        char *q = line;
                        int n = 0;
                        for (; n < 7 && q; n++) {
                                f[n] = q;
                                q = strchr(q, ':');
                                if (q)
                                        *q++ = 0;
                        }
                        if (n >= 6 && f[2] && (uid_t) strtoul(f[2], NULL, 10) == p->user.uid && f[5] && *f[5]) {
                                home = f[5];
                                break;
                        }
                }
        }
        return hull_strv_consume(env, hull_strdup_printf("HOME=%s", home));
}

void hull_process_reset_signals(void) {
        for (int s = 1; s < NSIG; s++)
                if (s != SIGKILL && s != SIGSTOP)
                        signal(s, SIG_DFL);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
}

int hull_process_prepare_fds(unsigned preserve_fds, hull_error **err) {
        for (unsigned fd = 3; fd < 3 + preserve_fds; fd++) {
                int fl = fcntl((int) fd, F_GETFD);
                if (fl >= 0 && (fl & FD_CLOEXEC))
                        (void) fcntl((int) fd, F_SETFD, fl & ~FD_CLOEXEC);
        }
        int r = hull_cloexec_from((int) (3 + preserve_fds));
        if (r < 0)
                return hull_error_set(err, -r, "mark fds close-on-exec");
        return 0;
}

int hull_process_exec(const char *path, char *const *args, char *const *env, hull_error **err) {
        execve(path, args, env);
        int e = errno;
        char eb[128];
        return exec_error(err, e, e == ENOENT ? HULL_EXIT_NOT_FOUND : HULL_EXIT_CANNOT_EXEC, "exec: \"%s\": %s", path,
                          hull_errno_text(e, eb, sizeof(eb)));
}
