/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The container's first process.  Order of the steps (runtime-spec and runc):
 * wait for the parent's id maps and cgroups, join namespaces, build the rootfs,
 * hooks, pivot_root, terminal, masks, hostname, sysctl, limits, identity,
 * then wait for `start` and execve. */
#include "child.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "exe-seal.h"
#include "mounts.h"
#include "namespaces.h"
#include "process.h"
#include "sync.h"
#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef KEYCTL_JOIN_SESSION_KEYRING
#define KEYCTL_JOIN_SESSION_KEYRING 1
#endif

pid_t hull_clone3(uint64_t flags, int cgroup_fd, int *ret_pidfd) {
        int pidfd = -1;
        struct clone_args args;
        memset(&args, 0, sizeof(args));
        args.flags = flags | CLONE_PIDFD;
        args.pidfd = (uint64_t) (uintptr_t) &pidfd;
        args.exit_signal = SIGCHLD;
        if (cgroup_fd >= 0) {
                args.flags |= CLONE_INTO_CGROUP;
                args.cgroup = (uint64_t) cgroup_fd;
        }
        int f = hull_sys_fault(HULL_SYS_CLONE);
        if (f)
                return -f;
        long pid = syscall(SYS_clone3, &args, sizeof(args));
        if (pid < 0)
                return -errno;
        if (pid > 0 && ret_pidfd)
                *ret_pidfd = pidfd;
        else if (pid > 0 && pidfd >= 0)
                close(pidfd);
        return (pid_t) pid;
}

/* Reports err to whoever listens and exits with its status (1 by default). */
static _Noreturn void die(int fd, hull_error *err) {
        /* No runtime to tell (start returns without waiting for the execve
         * when there are no hooks to run): the container's stderr. */
        if ((fd < 0 || hull_sync_send_error(fd, err) < 0) && err)
                dprintf(STDERR_FILENO, "hull-runtime: %s\n", err->msg);
        _exit(err && err->status ? err->status : 1);
}

/* A new network namespace has only lo, and it is down: bring it up. */
static int loopback_up(hull_error **err) {
        int r = hull_ns_loopback_up();
        if (r < 0)
                return hull_error_set(err, -r, "bring up lo");
        return 0;
}

static int set_hostname(const hull_spec *s, hull_error **err) {
        if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
                return hull_error_set(err, errno, "hostname: sethostname(\"%s\")", s->hostname);
        if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
                return hull_error_set(err, errno, "domainname: setdomainname(\"%s\")", s->domainname);
        return 0;
}

/* Writes linux.sysctl through the container's own procfs, verified to be
 * procfs, without following symlinks or crossing mounts beneath it. */
static int set_sysctls(const hull_spec *s, int rootfd, hull_error **err) {
        for (size_t i = 0; i < s->n_sysctl; i++) {
                _cleanup_free_ char *rel = hull_strdup_printf("sys/%s", s->sysctl[i].key);
                if (!rel)
                        return hull_error_set(err, ENOMEM, "sysctl");
                for (char *p = rel + 4; *p; p++)
                        if (*p == '.')
                                *p = '/';
                int fd = hull_open_procfs(rootfd, "/proc", rel, O_WRONLY);
                if (fd < 0)
                        return hull_error_set(err, -fd, "linux.sysctl.%s: open /proc/%s%s", s->sysctl[i].key, rel,
                                              fd == -EXDEV ? " (not procfs, or a mount in the way)" : "");
                _cleanup_close_ int f = fd;
                const char *v = s->sysctl[i].value;
                if (write(f, v, strlen(v)) != (ssize_t) strlen(v))
                        return hull_error_set(err, errno ? errno : EIO, "linux.sysctl.%s: write \"%s\"", s->sysctl[i].key,
                                              v);
        }
        return 0;
}

/* A new session keyring of the container's own.  Anonymous: joining a
 * named one ("_ses.ID", as runc does) makes the kernel look the name up
 * among every named keyring of the user namespace (0.09 ms with 2000
 * containers, 0.02 without the name), and joins whatever keyring already
 * has it -- one that another container of the same id made under another
 * --root.  ENOSYS (no keyrings) and EPERM/EACCES (unprivileged) are not
 * fatal, as in runc. */
static void join_session_keyring(void) {
        (void) syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL, 0, 0, 0);
}

int hull_make_controlling_tty(int slave, hull_error **err) {
        if (setsid() < 0)
                return hull_error_set(err, errno, "setsid");
        if (ioctl(slave, TIOCSCTTY, 0) < 0)
                return hull_error_set(err, errno, "make the terminal the controlling one");
        for (int fd = 0; fd < 3; fd++)
                if (dup2(slave, fd) < 0)
                        return hull_error_set(err, errno, "dup the terminal to fd %d", fd);
        return 0;
}

int hull_child_load_seccomp(const hull_seccomp_filter *f, int sync_fd, hull_error **err) {
        if (!f)
                return 0;
        int listener = -1;
        if (hull_seccomp_load(f, &listener, err) < 0)
                return -1;
        if (listener >= 0) {
                int r = hull_sync_send(sync_fd, HULL_SYNC_SECCOMP, 0, 0, NULL, listener);
                close(listener);
                if (r < 0)
                        return hull_error_set(err, -r, "send the seccomp listener to the runtime");
        }
        return 0;
}

/* Receives the SYSFS message, if one comes and has not come yet: it comes
 * before CGROUPS. */
static int recv_sysfs(hull_child *a, hull_error **err) {
        if (!a->sysfs_pending)
                return 0;
        a->sysfs_pending = false;
        return hull_sync_expect(a->sync_fd, HULL_SYNC_SYSFS, "wait for sysfs", &a->sysfs_fd, NULL, err);
}

/* For the first sysfs mount: the mount made ahead, or -1. */
static int take_sysfs(void *userdata, int *ret_fd, hull_error **err) {
        hull_child *a = userdata;
        if (recv_sysfs(a, err) < 0)
                return -1;
        *ret_fd = TAKE_FD(a->sysfs_fd);
        return 0;
}

/* Waits (once) for the parent to have moved us into our cgroups, then
 * creates the cgroup namespace rooted there. */
static int need_cgroups(void *userdata, hull_error **err) {
        hull_child *a = userdata;
        if (a->in_cgroups)
                return 0;
        if (recv_sysfs(a, err) < 0)
                return -1;
        if (hull_sync_expect(a->sync_fd, HULL_SYNC_CGROUPS, "wait for the cgroups", NULL, NULL, err) < 0)
                return -1;
        if (a->join_self && hull_cgroup_join_self(a->c->cg, a->skip_v2_join, err) < 0)
                return -1;
        a->in_cgroups = true;
        if (a->unshare_cgroupns && unshare(CLONE_NEWCGROUP) < 0)
                return hull_error_set(err, errno, "create cgroup namespace");
        return 0;
}

/* The second stage of a container whose user namespace is joined by path:
 * this process joins it and clones the real first process, whose namespaces
 * are then owned by that user namespace.  Reports the new process's pidfd and
 * exits; the parent, a subreaper, adopts it. */
static void two_stage(hull_child *a) {
        _cleanup_error_ hull_error *err = NULL;
        if (sys_setns(a->ns_fds[HULL_NS_USER], CLONE_NEWUSER) < 0) {
                hull_error_set(&err, errno, "join user namespace %s", a->c->spec->ns[HULL_NS_USER].path);
                die(a->sync_fd, err);
        }
        int pidfd = -1;
        pid_t pid = hull_clone3(a->two_stage_flags, -1, &pidfd);
        if (pid < 0) {
                hull_error_set(&err, -pid, "clone the container process in user namespace %s",
                               a->c->spec->ns[HULL_NS_USER].path);
                die(a->sync_fd, err);
        }
        if (pid == 0)
                return;
        (void) hull_sync_send(a->sync_fd, HULL_SYNC_PID, 0, 0, NULL, pidfd);
        _exit(0);
}

_Noreturn void hull_child_main(hull_child *a) {
        hull_container *c = a->c;
        const hull_spec *s = c->spec;
        const hull_spec_process *p = &s->process;
        _cleanup_error_ hull_error *err = NULL;
        int fd = a->sync_fd;
        hull_rootfs rfs;
        hull_rootfs_init(&rfs);
        int master = -1, slave = -1;
        _cleanup_free_ char *exe = NULL;

        (void) prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        /* Off the runtime's binary before anything else (CVE-2019-5736): a
         * container process must never run from a file it could write. */
        int seal = hull_exe_seal_child();
        if (seal < 0) {
                hull_error_set(&err, -seal, "protect the runtime binary (CVE-2019-5736): move onto its read-only clone");
                die(fd, err);
        }
        /* The parent's fds that we share until execve: its end of the socket
         * (EOF must mean that it died) and the state dir, whose flock must not
         * outlive the parent's verb. */
        close(a->parent_sync_fd);
        close(c->dir_fd);
        close(c->root_fd);
        c->dir_fd = c->root_fd = -1;
        /* Every other fd of the runtime (the bundle, the cgroup2 directory,
         * its own namespaces...) goes now, not at execve: none may be reachable
         * while we work in the container (CVE-2024-21626). */
        {
                int keep[8 + _HULL_NS_MAX + 64];
                size_t n = 0;
                keep[n++] = a->sync_fd;
                keep[n++] = a->exec_listen_fd;
                for (int t = 0; t < _HULL_NS_MAX; t++)
                        keep[n++] = a->ns_fds[t];
                for (size_t i = 0; a->idmap_trees && i < c->spec->n_mounts && n < ELEMENTSOF(keep); i++)
                        keep[n++] = a->idmap_trees[i];
                if (c->cg)
                        c->cg->v2_fd = -1;
                int r = hull_close_fds_except((int) (3 + a->preserve_fds), keep, n);
                if (r < 0) {
                        hull_error_set(&err, -r, "close the runtime's fds");
                        die(fd, err);
                }
        }

        if (a->two_stage)
                two_stage(a);

        hull_sync_msg m;
        if (hull_sync_expect(fd, HULL_SYNC_GO, "wait for the runtime", NULL, &m, &err) < 0)
                _exit(1);
        c->pid = m.status; /* our pid as the host sees it, for the hooks' state */
        /* Nobody in the container may open our /proc/PID/exe (the runtime's
         * binary) while runtime code runs here: CVE-2019-5736.  Not before GO:
         * an unprivileged parent writes our uid_map and gid_map, which a
         * non-dumpable process's /proc files (owned by root) would refuse.
         * Until GO no other process is in our namespaces. */
        (void) prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

        if (a->userns_new || a->two_stage) {
                /* Become the namespace's root (the map may not include our host id). */
                if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0) {
                        hull_error_set(&err, errno,
                                       "become root in the new user namespace (linux.uidMappings must map container id 0)");
                        die(fd, err);
                }
        }
        if (hull_ns_join(a->ns_fds, a->join_in_child, &err) < 0)
                die(fd, err);
        if (s->ns[HULL_NS_NETWORK].present && !s->ns[HULL_NS_NETWORK].path && !a->lo_up && loopback_up(&err) < 0)
                die(fd, err);
        umask(0);

        rfs.spec = s;
        rfs.rootfs = c->rootfs;
        rfs.bundle = c->bundle;
        rfs.cg = c->cg;
        rfs.userns = s->ns[HULL_NS_USER].present;
        rfs.cgroupns = s->ns[HULL_NS_CGROUP].present;
        rfs.netns = s->ns[HULL_NS_NETWORK].present && !s->ns[HULL_NS_NETWORK].path;
        rfs.need_cgroups = need_cgroups;
        rfs.idmap_trees = a->idmap_trees;
        rfs.take_sysfs = take_sysfs;
        rfs.sysfs_ro = a->sysfs_ro;
        rfs.sysfs_source = a->sysfs_source;
        rfs.userdata = a;
        if (a->mount_ns_new) {
                /* The mounts leave the working directory in the rootfs
                 * (hull_mount_at); createContainer hooks get it back. */
                _cleanup_close_ int cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (hull_rootfs_prepare(&rfs, &err) < 0 || hull_rootfs_mount_all(&rfs, &err) < 0 ||
                    hull_rootfs_setup_dev(&rfs, &err) < 0 || hull_rootfs_make_cwd(&rfs, p->cwd, &err) < 0 ||
                    set_sysctls(s, rfs.rootfd, &err) < 0 || hull_rootfs_mask(&rfs, &err) < 0)
                        die(fd, err);
                if (cwd >= 0 && fchdir(cwd) < 0) {
                        hull_error_set(&err, errno, "change back to the working directory");
                        die(fd, err);
                }
        }

        if (need_cgroups(a, &err) < 0)
                die(fd, err);
        if (a->sysfs_fd >= 0) /* no sysfs mount took it */
                close(TAKE_FD(a->sysfs_fd));
        /* prestart and createRuntime run in the runtime's namespaces (the
         * parent); createContainer here, before pivot_root. */
        if (s->n_hooks[HULL_HOOK_PRESTART] || s->n_hooks[HULL_HOOK_CREATE_RUNTIME]) {
                if (hull_sync_send(fd, HULL_SYNC_HOOKS, 0, 0, NULL, -1) < 0 ||
                    hull_sync_expect(fd, HULL_SYNC_HOOKS_DONE, "wait for createRuntime hooks", NULL, NULL, &err) < 0)
                        _exit(1);
        }
        if (s->n_hooks[HULL_HOOK_CREATE_CONTAINER]) {
                _cleanup_free_ char *st = hull_container_state_json(c, HULL_STATUS_CREATING, false);
                if (hull_hooks_run(s, HULL_HOOK_CREATE_CONTAINER, st, &err) < 0)
                        die(fd, err);
        }

        if (a->mount_ns_new) {
                if (hull_rootfs_pivot(&rfs, a->no_pivot, &err) < 0)
                        die(fd, err);
        } else if (chdir("/") < 0) {
                hull_error_set(&err, errno, "chdir /");
                die(fd, err);
        }
        if (rfs.rootfd < 0 && (rfs.rootfd = open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
                hull_error_set(&err, errno, "open /");
                die(fd, err);
        }
        if (p->terminal) {
                if (hull_rootfs_open_console(rfs.rootfd, p, true, &master, &slave, &err) < 0)
                        die(fd, err);
                if (hull_sync_send(fd, HULL_SYNC_PTY, 0, 0, NULL, master) < 0) {
                        hull_error_set(&err, errno, "send the terminal to the runtime");
                        die(fd, err);
                }
                close(master);
        }
        if (a->mount_ns_new && hull_rootfs_finalize(&rfs, &err) < 0)
                die(fd, err);
        /* With a mount namespace of its own, sysctls were written before the
         * masks made /proc/sys read-only; otherwise, now. */
        if (set_hostname(s, &err) < 0 || (!a->mount_ns_new && set_sysctls(s, rfs.rootfd, &err) < 0) ||
            hull_process_set_rlimits(p, &err) < 0 || hull_process_set_oom_score_adj(p, &err) < 0)
                die(fd, err);
        if (!a->no_new_keyring)
                join_session_keyring();
        if (slave >= 0) {
                if (hull_make_controlling_tty(slave, &err) < 0)
                        die(fd, err);
                close(slave);
        }
        if (hull_process_add_home(p, &a->env) < 0 || hull_process_lookup(p, a->env, &exe, &err) < 0)
                die(fd, err);
        /* chdir as root first (the user may not be able to reach it), then
         * again as the user so that permission errors surface. */
        bool cwd_done = hull_process_chdir(p, NULL) == 0;
        bool setgroups_ok = true;
        if (s->ns[HULL_NS_USER].present) {
                _cleanup_free_ char *sg = NULL;
                if (hull_read_file_at(AT_FDCWD, "/proc/self/setgroups", 64, &sg, NULL) == 0 && hull_startswith(sg, "deny"))
                        setgroups_ok = false;
        }
        if (!p->no_new_privileges && hull_child_load_seccomp(a->seccomp, fd, &err) < 0)
                die(fd, err);
        if (hull_process_set_identity(p, setgroups_ok, &err) < 0)
                die(fd, err);
        if (!cwd_done && hull_process_chdir(p, &err) < 0)
                die(fd, err);
        hull_rootfs_done(&rfs);
        if (p->no_new_privileges && hull_child_load_seccomp(a->seccomp, fd, &err) < 0)
                die(fd, err);

        /* Set up: tell the runtime, then wait for start. */
        (void) prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
        if (hull_sync_send(fd, HULL_SYNC_READY, 0, 0, NULL, -1) < 0)
                _exit(1);
        int report = fd;
        if (a->exec_listen_fd >= 0) {
                close(fd);
                report = -1;
                int conn;
                do
                        conn = accept4(a->exec_listen_fd, NULL, NULL, SOCK_CLOEXEC);
                while (conn < 0 && errno == EINTR);
                if (conn < 0)
                        _exit(1);
                close(a->exec_listen_fd);
                /* start waits for our execve only when it has hooks to run:
                 * else errors go to our stderr. */
                report = hull_start_waits_exec(s) ? conn : -1;
        } else if (hull_sync_expect(fd, HULL_SYNC_START, "wait for start", NULL, NULL, &err) < 0)
                _exit(1);

        if (s->n_hooks[HULL_HOOK_START_CONTAINER]) {
                _cleanup_free_ char *st = hull_container_state_json(c, HULL_STATUS_CREATED, false);
                if (hull_hooks_run(s, HULL_HOOK_START_CONTAINER, st, &err) < 0) {
                        err->status = HULL_STATUS_HOOK_FAILED;
                        (void) hull_sync_send_error(report, err);
                        _exit(1);
                }
        }
        hull_process_reset_signals();
        if (hull_process_prepare_fds(a->preserve_fds, &err) < 0)
                die(report, err);
        hull_process_exec(exe, p->args, a->env, &err);
        die(report, err);
}
