/* SPDX-License-Identifier: GPL-2.0-or-later */
/* exec: a further process in a running container.  The parent moves its
 * pid_for_children into the container's pid namespace, clones the process into
 * the container's cgroup, and the process joins the other namespaces through
 * the init's pidfd, all at once. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "container.h"
#include "mounts.h"
#include "process.h"
#include "sync.h"
#include "terminal.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

typedef struct exec_child {
        hull_container *c;
        int parent_sync_fd;
        const hull_spec_process *proc;
        char **env;
        int sync_fd;
        int init_pidfd;
        int ns_flags;
        unsigned preserve_fds;
        bool userns;
        hull_seccomp_filter *seccomp;
} exec_child;

static _Noreturn void exec_die(int fd, hull_error *err) {
        (void) hull_sync_send_error(fd, err);
        _exit(err && err->status ? err->status : 1);
}

static _Noreturn void exec_child_main(exec_child *a) {
        _cleanup_error_ hull_error *err = NULL;
        int fd = a->sync_fd;
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        close(a->parent_sync_fd);
        close(a->c->dir_fd);
        close(a->c->root_fd);
        /* Nothing of the runtime's (the cgroup2 directory, its own pid
         * namespace...) may stay open in the container (CVE-2024-21626). */
        int keep[] = { fd, a->init_pidfd };
        if (hull_close_fds_except((int) (3 + a->preserve_fds), keep, ELEMENTSOF(keep)) < 0)
                _exit(1);
        if (hull_sync_expect(fd, HULL_SYNC_GO, "wait for the runtime", NULL, NULL, &err) < 0)
                _exit(1);
        if (a->ns_flags && sys_setns(a->init_pidfd, a->ns_flags) < 0) {
                hull_error_set(&err, errno, "join the container's namespaces");
                exec_die(fd, err);
        }
        close(a->init_pidfd);
        if (a->userns && (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)) {
                hull_error_set(&err, errno, "become root in the container's user namespace");
                exec_die(fd, err);
        }
        _cleanup_close_ int rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (rootfd < 0) {
                hull_error_set(&err, errno, "open the container's root");
                exec_die(fd, err);
        }
        const hull_spec_process *p = a->proc;
        if (p->terminal) {
                int master = -1, slave = -1;
                if (hull_rootfs_open_console(rootfd, p, false, &master, &slave, &err) < 0)
                        exec_die(fd, err);
                if (hull_sync_send(fd, HULL_SYNC_PTY, 0, 0, NULL, master) < 0)
                        _exit(1);
                close(master);
                if (hull_make_controlling_tty(slave, &err) < 0)
                        exec_die(fd, err);
                close(slave);
        }
        _cleanup_free_ char *exe = NULL;
        if (hull_process_set_rlimits(p, &err) < 0 || hull_process_set_oom_score_adj(p, &err) < 0 ||
            hull_process_add_home(p, &a->env) < 0 || hull_process_lookup(p, a->env, &exe, &err) < 0)
                exec_die(fd, err);
        bool cwd_done = hull_process_chdir(p, NULL) == 0;
        bool setgroups_ok = true;
        if (a->userns) {
                _cleanup_free_ char *sg = NULL;
                if (hull_read_file_at(AT_FDCWD, "/proc/self/setgroups", 64, &sg, NULL) == 0 && hull_startswith(sg, "deny"))
                        setgroups_ok = false;
        }
        if (!p->no_new_privileges && hull_child_load_seccomp(a->seccomp, fd, &err) < 0)
                exec_die(fd, err);
        if (hull_process_set_identity(p, setgroups_ok, &err) < 0)
                exec_die(fd, err);
        if (!cwd_done && hull_process_chdir(p, &err) < 0)
                exec_die(fd, err);
        if (p->no_new_privileges && hull_child_load_seccomp(a->seccomp, fd, &err) < 0)
                exec_die(fd, err);
        (void) prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
        if (hull_sync_send(fd, HULL_SYNC_READY, 0, 0, NULL, -1) < 0 ||
            hull_sync_expect(fd, HULL_SYNC_START, "wait for start", NULL, NULL, &err) < 0)
                _exit(1);
        hull_process_reset_signals();
        if (hull_process_prepare_fds(a->preserve_fds, &err) < 0)
                exec_die(fd, err);
        hull_process_exec(exe, p->args, a->env, &err);
        exec_die(fd, err);
}

/* --user UID[:GID] */
static int parse_user(const char *s, hull_spec_user *u, hull_error **err) {
        char *end;
        unsigned long uid = strtoul(s, &end, 10);
        if (end == s || (*end && *end != ':'))
                return hull_error_set_raw(err, EINVAL, "--user: expected UID[:GID] (numbers), got \"%s\"", s);
        u->uid = (uid_t) uid;
        if (*end == ':') {
                const char *g = end + 1;
                unsigned long gid = strtoul(g, &end, 10);
                if (end == g || *end)
                        return hull_error_set_raw(err, EINVAL, "--user: expected UID[:GID] (numbers), got \"%s\"", s);
                u->gid = (gid_t) gid;
        }
        return 0;
}

int hull_container_exec(hull_context *ctx, const char *id, const hull_exec_opts *o, int *ret_status,
                        hull_error **err) {
        hull_container *c = NULL;
        hull_spec_process proc;
        bool own_proc = false;
        _cleanup_strv_ char **env = NULL;
        _cleanup_free_ gid_t *gids = NULL;
        _cleanup_close_ int init_pidfd = -1, own_pidns = -1, cgfd = -1, child_pidfd = -1, master = -1;
        int sp[2] = { -1, -1 };
        pid_t pid = 0;
        int r;
        sigset_t old;
        bool blocked = false;
        hull_seccomp_filter seccomp = { 0 };
        *ret_status = 0;
        memset(&proc, 0, sizeof(proc));

        if (hull_container_load(ctx, id, 0, &c, err) < 0)
                return -ENOENT;
        hull_status st = hull_container_status(c);
        if (st != HULL_STATUS_RUNNING && st != HULL_STATUS_CREATED) {
                r = hull_error_set_raw(err, EINVAL, "cannot exec in container \"%s\": it is %s", id, hull_status_name(st));
                goto out;
        }
        if (!c->spec) {
                r = hull_error_set_raw(err, EINVAL, "container \"%s\" has no saved config", id);
                goto out;
        }
        if (o->process_file) {
                _cleanup_free_ char *text = NULL;
                size_t len = 0;
                r = hull_read_file_at(AT_FDCWD, o->process_file, 16u << 20, &text, &len);
                if (r < 0) {
                        r = hull_error_set(err, -r, "read %s", o->process_file);
                        goto out;
                }
                if ((r = hull_spec_parse_process(text, len, o->process_file, &proc, err)) < 0)
                        goto out;
                own_proc = true;
                env = hull_strv_copy(proc.env);
        } else {
                if (!o->args || !o->args[0]) {
                        r = hull_error_set_raw(err, EINVAL, "exec needs a command (or --process FILE)");
                        goto out;
                }
                proc = c->spec->process; /* shallow: the fields we change are replaced below */
                proc.args = o->args;
                proc.terminal = o->tty;
                proc.has_console_size = false;
                env = hull_strv_copy(c->spec->process.env);
                if (o->cwd)
                        proc.cwd = (char *) o->cwd;
                if (o->user && (r = parse_user(o->user, &proc.user, err)) < 0)
                        goto out;
                if (o->additional_gids) {
                        size_t n = hull_strv_length(o->additional_gids);
                        gids = calloc(n, sizeof(gid_t));
                        if (!gids) {
                                r = hull_error_set(err, ENOMEM, "exec");
                                goto out;
                        }
                        for (size_t i = 0; i < n; i++)
                                gids[i] = (gid_t) strtoul(o->additional_gids[i], NULL, 10);
                        proc.user.additional_gids = gids;
                        proc.user.n_additional_gids = n;
                }
                if (o->no_new_privs)
                        proc.no_new_privileges = true;
        }
        /* --cap adds to the bounding, effective and permitted sets, never to the
         * inheritable (CVE-2022-29162) or ambient ones. */
        for (size_t i = 0; o->caps && o->caps[i]; i++) {
                int cap = hull_cap_from_name(o->caps[i]);
                if (cap < 0) {
                        _cleanup_free_ char *pref = hull_strdup_printf("CAP_%s", o->caps[i]);
                        cap = pref ? hull_cap_from_name(pref) : -1;
                }
                if (cap < 0) {
                        r = hull_error_set_raw(err, EINVAL, "--cap: unknown capability \"%s\"", o->caps[i]);
                        goto out;
                }
                uint64_t bit = UINT64_C(1) << cap;
                proc.caps.present = true;
                proc.caps.bounding |= bit;
                proc.caps.effective |= bit;
                proc.caps.permitted |= bit;
        }
        for (size_t i = 0; o->env && o->env[i]; i++)
                if (!strchr(o->env[i], '=') || hull_env_set(&env, o->env[i]) < 0) {
                        r = hull_error_set_raw(err, EINVAL, "--env: expected NAME=VALUE, got \"%s\"", o->env[i]);
                        goto out;
                }
        if (!env && !(env = calloc(1, sizeof(char *)))) {
                r = hull_error_set(err, ENOMEM, "exec");
                goto out;
        }
        if (proc.terminal && o->detach && !o->console_socket) {
                r = hull_error_set_raw(err, EINVAL, "exec --tty --detach needs --console-socket to hand the terminal to");
                goto out;
        }

        init_pidfd = (int) syscall(SYS_pidfd_open, c->pid, 0);
        if (init_pidfd < 0 || !hull_proc_alive(c->pid, c->pid_start)) {
                r = hull_error_set_raw(err, ESRCH, "container \"%s\" is not running", id);
                goto out;
        }
        int ns_flags = 0;
        for (int t = 0; t < _HULL_NS_MAX; t++)
                if (c->spec->ns[t].present && t != HULL_NS_PID)
                        ns_flags |= hull_ns_clone_flag(t);
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                r = hull_error_set(err, errno, "socketpair");
                goto out;
        }
        for (size_t i = 0; c->cg && i < c->cg->n; i++)
                if (c->cg->h[i].v2 && cgfd < 0)
                        cgfd = open(c->cg->h[i].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (c->spec->ns[HULL_NS_PID].present) {
                own_pidns = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
                if (sys_setns(init_pidfd, CLONE_NEWPID) < 0) {
                        r = hull_error_set(err, errno, "join the pid namespace of %s", id);
                        goto out;
                }
        }
        if (!o->detach) {
                hull_signals_block(&old);
                blocked = true;
        }
        if (c->spec->seccomp) {
                _cleanup_free_ char *cache = hull_seccomp_cache_dir();
                if ((r = hull_seccomp_prepare(c->spec->seccomp, cache, &seccomp, err)) < 0)
                        goto out;
        }
        exec_child a = { .c = c, .seccomp = c->spec->seccomp ? &seccomp : NULL, .parent_sync_fd = sp[0], .proc = &proc, .env = env, .sync_fd = sp[1], .init_pidfd = init_pidfd, .ns_flags = ns_flags,
                         .preserve_fds = o->preserve_fds, .userns = c->spec->ns[HULL_NS_USER].present };
        int used_cgfd = cgfd;
        pid = hull_clone3(0, used_cgfd, &child_pidfd);
        if (pid < 0 && used_cgfd >= 0) {
                used_cgfd = -1;
                pid = hull_clone3(0, -1, &child_pidfd);
        }
        if (pid == 0)
                exec_child_main(&a);
        if (own_pidns >= 0)
                (void) setns(own_pidns, CLONE_NEWPID);
        close(sp[1]);
        sp[1] = -1;
        if (pid < 0) {
                r = hull_error_set(err, -pid, "clone the exec process");
                pid = 0;
                goto out;
        }
        if (c->cg && (r = hull_cgroup_join(c->cg, pid, used_cgfd >= 0, err)) < 0)
                goto fail_child;
        if (hull_sync_send(sp[0], HULL_SYNC_GO, 0, pid, NULL, -1) < 0) {
                r = hull_error_set(err, errno, "exec");
                goto fail_child;
        }
        if (proc.terminal) {
                if ((r = hull_sync_expect(sp[0], HULL_SYNC_PTY, "exec", &master, NULL, err)) < 0)
                        goto fail_child;
                if (o->console_socket) {
                        if ((r = hull_send_console(o->console_socket, master, err)) < 0)
                                goto fail_child;
                        close(master);
                        master = -1;
                }
        }
        if (c->spec->seccomp && c->spec->seccomp->has_notify) {
                _cleanup_close_ int listener = -1;
                if ((r = hull_sync_expect(sp[0], HULL_SYNC_SECCOMP, "exec", &listener, NULL, err)) < 0)
                        goto fail_child;
                _cleanup_free_ char *sj = hull_container_state_json(c, HULL_STATUS_RUNNING, false);
                if ((r = hull_seccomp_send_listener(c->spec->seccomp, listener, pid, sj, err)) < 0)
                        goto fail_child;
        }
        if ((r = hull_sync_expect(sp[0], HULL_SYNC_READY, "exec", NULL, NULL, err)) < 0)
                goto fail_child;
        if (o->pid_file) {
                char buf[32];
                int n = snprintf(buf, sizeof(buf), "%d", (int) pid);
                const char *slash = strrchr(o->pid_file, '/');
                _cleanup_free_ char *dir = slash ? strndup(o->pid_file, (size_t) (slash - o->pid_file)) : strdup(".");
                _cleanup_close_ int dfd = dir ? open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
                if (dfd < 0) {
                        r = hull_error_set(err, errno, "open directory of pid file %s", o->pid_file);
                        goto fail_child;
                }
                if ((r = hull_write_atomic_at(dfd, slash ? slash + 1 : o->pid_file, buf, (size_t) n, 0644, 0, err)) < 0)
                        goto fail_child;
        }
        if (hull_sync_send(sp[0], HULL_SYNC_START, 0, 0, NULL, -1) < 0) {
                r = hull_error_set(err, errno, "exec");
                goto fail_child;
        }
        hull_sync_msg m;
        r = hull_sync_recv(sp[0], &m, NULL);
        if (r == 0 && m.type == HULL_SYNC_ERROR) {
                r = hull_error_set_raw(err, m.errnum > 0 ? m.errnum : EIO, "%s", m.text);
                if (err && *err)
                        (*err)->status = m.status;
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                pid = 0;
                goto out;
        }
        r = 0;
        if (o->detach)
                goto out;
        r = hull_attach_wait(pid, master, err);
        pid = 0;
        if (r >= 0) {
                *ret_status = r;
                r = 0;
        }
        goto out;
fail_child:
        if (child_pidfd >= 0)
                (void) syscall(SYS_pidfd_send_signal, child_pidfd, SIGKILL, NULL, 0);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
out:
        if (sp[0] >= 0)
                close(sp[0]);
        if (sp[1] >= 0)
                close(sp[1]);
        if (blocked)
                sigprocmask(SIG_SETMASK, &old, NULL);
        if (own_proc)
                hull_spec_process_done(&proc);
        hull_seccomp_filter_done(&seccomp);
        hull_container_free(c);
        return r;
}
