/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The lifecycle: create, start, run, state, list, kill, delete. */
#include "container.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "exe-seal.h"
#include "mounts.h"
#include "namespaces.h"
#include "spec/prescan.h"
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


/* Binds or connects an AF_UNIX socket to dfd/name (the state dir may be
 * deeper than sun_path allows: go through /proc/self/fd). */
static int unix_addr(int dfd, const char *name, struct sockaddr_un *sa, socklen_t *len) {
        memset(sa, 0, sizeof(*sa));
        sa->sun_family = AF_UNIX;
        int n = snprintf(sa->sun_path, sizeof(sa->sun_path), "/proc/self/fd/%d/%s", dfd, name);
        if (n < 0 || (size_t) n >= sizeof(sa->sun_path))
                return -ENAMETOOLONG;
        *len = (socklen_t) (offsetof(struct sockaddr_un, sun_path) + (size_t) n + 1);
        return 0;
}

static int listen_exec_sock(hull_container *c, int *ret_fd, hull_error **err) {
        struct sockaddr_un sa;
        socklen_t len;
        if (unix_addr(c->dir_fd, HULL_EXEC_SOCK, &sa, &len) < 0)
                return hull_error_set(err, ENAMETOOLONG, "exec socket");
        _cleanup_close_ int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (fd < 0)
                return hull_error_set(err, errno, "exec socket");
        if (bind(fd, (struct sockaddr *) &sa, len) < 0 || listen(fd, 1) < 0)
                return hull_error_set(err, errno, "bind %s/%s", c->id, HULL_EXEC_SOCK);
        *ret_fd = TAKE_FD(fd);
        return 0;
}

static char *abs_path(const char *p) {
        char buf[PATH_MAX];
        if (!realpath(p, buf))
                return NULL;
        return strdup(buf);
}

/* Writes the pid file atomically (engines read it while we write). */
static int write_pid_file(const char *path, pid_t pid, hull_error **err) {
        _cleanup_free_ char *abs = NULL;
        const char *slash = strrchr(path, '/');
        _cleanup_free_ char *dir = slash ? strndup(path, (size_t) (slash - path)) : strdup(".");
        if (!dir)
                return hull_error_set(err, ENOMEM, "pid file");
        _cleanup_close_ int dfd = open(*dir ? dir : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0)
                return hull_error_set(err, errno, "open directory of pid file %s", path);
        char buf[32];
        int n = snprintf(buf, sizeof(buf), "%d", (int) pid);
        return hull_write_atomic_at(dfd, slash ? slash + 1 : path, buf, (size_t) n, 0644, 0, err);
}

/* LISTEN_FDS from systemd socket activation: passed on as fds 3.., with
 * LISTEN_FDS/LISTEN_PID=1 in the container's environment (what runc does). */
static unsigned listen_fds(char ***env) {
        const char *n = getenv("LISTEN_FDS"), *pid = getenv("LISTEN_PID");
        if (!n || (pid && atoi(pid) != getpid()))
                return 0;
        int k = atoi(n);
        if (k <= 0)
                return 0;
        (void) hull_env_set(env, "LISTEN_PID=1");
        _cleanup_free_ char *lf = hull_strdup_printf("LISTEN_FDS=%d", k);
        if (lf)
                (void) hull_env_set(env, lf);
        const char *names = getenv("LISTEN_FDNAMES");
        if (names) {
                _cleanup_free_ char *ln = hull_strdup_printf("LISTEN_FDNAMES=%s", names);
                if (ln)
                        (void) hull_env_set(env, ln);
        }
        return (unsigned) k;
}

/* Checks that a config can create a container on this runtime at all. */
static int check_spec(const hull_spec *s, const char *where, hull_error **err) {
        if (!s->has_process)
                return hull_error_set_raw(err, EINVAL, "%s: process: required object is missing", where);
        if (!s->process.args || !s->process.args[0])
                return hull_error_set_raw(err, EINVAL, "%s: process.args: expected a non-empty array of strings", where);
        if (!s->ns[HULL_NS_MOUNT].present)
                return hull_error_set_raw(err, EINVAL,
                                          "%s: linux.namespaces: a \"mount\" namespace is required (the rootfs is set up in it)",
                                          where);
        if (s->process.apparmor_profile && *s->process.apparmor_profile)
                return hull_error_set_raw(err, EOPNOTSUPP, "%s: process.apparmorProfile: AppArmor is not supported by hull-runtime", where);
        if (s->process.selinux_label && *s->process.selinux_label)
                return hull_error_set_raw(err, EOPNOTSUPP, "%s: process.selinuxLabel: SELinux is not supported by hull-runtime", where);
        return 0;
}

/* Sends a message to the container process.  When it is gone, its last word
 * (an ERROR message still queued on the socket) is the error to report. */
static int send_to_child(int sock, hull_sync_type type, int status, const char *what, hull_error **err) {
        int r = hull_sync_send(sock, type, 0, status, NULL, -1);
        if (r == 0)
                return 0;
        hull_sync_msg m;
        struct timeval tv = { 1, 0 };
        (void) setsockopt(sock, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        if (hull_sync_recv(sock, &m, NULL) == 0 && m.type == HULL_SYNC_ERROR) {
                r = hull_error_set_raw(err, m.errnum > 0 ? m.errnum : EIO, "%s", m.text);
                if (err && *err)
                        (*err)->status = m.status;
                return r;
        }
        return hull_error_set(err, -r, "%s", what);
}

static bool mount_wants_idmap(const hull_spec_mount *m) {
        return m->n_uid_mappings || m->n_gid_mappings || hull_strv_contains(m->options, "idmap") ||
               hull_strv_contains(m->options, "ridmap");
}

/* One detached idmapped tree per idmapped bind mount, with the mount's
 * mappings (or the container's).  *ret is NULL when no mount is idmapped. */
static int make_idmap_userns(const hull_spec *spec, const char *bundle, int **ret, hull_error **err) {
        *ret = NULL;
        bool any = false;
        for (size_t i = 0; i < spec->n_mounts; i++)
                any |= mount_wants_idmap(&spec->mounts[i]);
        if (!any)
                return 0;
        int *fds = malloc(spec->n_mounts * sizeof(int));
        if (!fds)
                return hull_error_set(err, ENOMEM, "idmapped mounts");
        for (size_t i = 0; i < spec->n_mounts; i++)
                fds[i] = -1;
        *ret = fds;
        for (size_t i = 0; i < spec->n_mounts; i++) {
                const hull_spec_mount *m = &spec->mounts[i];
                if (!mount_wants_idmap(m))
                        continue;
                const hull_spec_idmap *u = m->n_uid_mappings ? m->uid_mappings : spec->uid_mappings;
                size_t nu = m->n_uid_mappings ? m->n_uid_mappings : spec->n_uid_mappings;
                const hull_spec_idmap *g = m->n_gid_mappings ? m->gid_mappings : spec->gid_mappings;
                size_t ng = m->n_gid_mappings ? m->n_gid_mappings : spec->n_gid_mappings;
                if (!nu || !ng)
                        return hull_error_set_raw(err, EINVAL,
                                                  "mounts[%zu]: an idmapped mount needs uidMappings and gidMappings (on the mount, or the container's)",
                                                  i);
                if (!m->source)
                        return hull_error_set_raw(err, EINVAL, "mounts[%zu]: an idmapped mount needs a source", i);
                _cleanup_free_ char *src = m->source[0] == '/' ? strdup(m->source)
                                                               : hull_strdup_printf("%s/%s", bundle, m->source);
                _cleanup_close_ int userns = -1;
                if (!src)
                        return hull_error_set(err, ENOMEM, "idmapped mounts");
                if (hull_ns_make_userns(u, nu, g, ng, &userns, err) < 0)
                        return hull_error_prefix(err, "mounts[%zu]", i);
                bool rec = hull_strv_contains(m->options, "rbind") || hull_strv_contains(m->options, "ridmap");
                int r = hull_mount_make_idmapped_tree(src, rec, userns, &fds[i]);
                if (r < 0)
                        return hull_error_set(err, -r, "mounts[%zu]: idmapped mount of %s", i, src);
        }
        return 0;
}

static void close_idmap_userns(const hull_spec *spec, int *fds) {
        for (size_t i = 0; fds && spec && i < spec->n_mounts; i++)
                if (fds[i] >= 0)
                        close(fds[i]);
        free(fds);
}

typedef struct create_run {
        hull_container *c;
        pid_t pid;
        int pidfd;
        int sync;      /* parent's end */
        int master;    /* pty master (run with terminal), -1 */
        bool child_started;
        bool hooks_started; /* the create hooks ran (or were about to): a failure runs poststop */
} create_run;

/* Undoes a failed create: the process, cgroups, state dir. */
static void create_cleanup(create_run *cr) {
        hull_container *c = cr->c;
        if (cr->pid > 0) {
                if (cr->pidfd >= 0)
                        (void) syscall(SYS_pidfd_send_signal, cr->pidfd, SIGKILL, NULL, 0);
                else
                        (void) kill(cr->pid, SIGKILL);
                while (waitpid(cr->pid, NULL, 0) < 0 && errno == EINTR)
                        ;
        }
        if (c->cg)
                (void) hull_cgroup_destroy(c->cg, true, NULL);
        (void) hull_container_remove_state(c, NULL);
        /* A failed prestart, createRuntime or createContainer hook: "stop the
         * container, and continue the lifecycle at step 12" -- destroy, then
         * the poststop hooks. */
        if (cr->hooks_started && c->spec && c->spec->n_hooks[HULL_HOOK_POSTSTOP]) {
                _cleanup_free_ char *st = hull_container_state_json(c, HULL_STATUS_STOPPED, false);
                (void) hull_hooks_run_warn(c->spec, HULL_HOOK_POSTSTOP, st);
        }
}

/* Whether a config that asks for a new network namespace (netns_new) and
 * perhaps a user namespace gets it from create's thread (hull_netns_ahead):
 * one that no new user namespace owns, made by root.  Asked of the prescan
 * first, then of the parsed spec. */
static bool netns_ahead(bool netns_new, bool userns) {
        return netns_new && !userns && geteuid() == 0;
}

static bool netns_made_ahead(const hull_spec *spec) {
        return netns_ahead(spec->ns[HULL_NS_NETWORK].present && !spec->ns[HULL_NS_NETWORK].path,
                           spec->ns[HULL_NS_USER].present);
}

/* Everything of create up to the container process waiting for start.
 * run_mode: no exec.sock; the process waits for HULL_SYNC_START on cr->sync.
 * netns: where a network namespace made ahead is kept (the caller's, so
 * that every return path leaves it to the caller's cleanup). */
static int do_create(hull_context *ctx, const char *id, const hull_create_opts *opts, bool run_mode, create_run *cr,
                     hull_netns_ahead *netns, hull_error **err) {
        memset(cr, 0, sizeof(*cr));
        cr->pidfd = cr->sync = cr->master = -1;
        _cleanup_free_ char *bundle = abs_path(opts->bundle ? opts->bundle : ".");
        if (!bundle)
                return hull_error_set(err, errno, "bundle %s", opts->bundle ? opts->bundle : ".");
        _cleanup_close_ int bfd = open(bundle, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (bfd < 0)
                return hull_error_set(err, errno, "open bundle %s", bundle);
        _cleanup_free_ char *text = NULL;
        size_t len = 0;
        int r = hull_read_file_at(bfd, HULL_CONFIG_FILE, 16u << 20, &text, &len);
        if (r < 0)
                return hull_error_set(err, -r, "read %s/%s", bundle, HULL_CONFIG_FILE);
        hull_spec *spec = NULL;
        /* The network namespace first: its thread runs while the config is
         * parsed and the state is written; netns_made_ahead then checks the
         * parsed spec. */
        hull_spec_prescan pre;
        hull_spec_prescan_text(text, len, &pre);
        if (netns_ahead(pre.netns_new, pre.userns))
                hull_netns_ahead_start(netns, pre.ipcns_new, pre.sysfs ? pre.sysfs_source : NULL, pre.sysfs_ro);
        if (hull_spec_parse(text, len, HULL_CONFIG_FILE, &spec, err) < 0)
                return -EINVAL;
        if (check_spec(spec, HULL_CONFIG_FILE, err) < 0) {
                hull_spec_free(spec);
                return -EINVAL;
        }
        if (spec->process.terminal && (!run_mode || opts->detach) && !opts->console_socket) {
                hull_spec_free(spec);
                return hull_error_set_raw(err, EINVAL,
                                          "process.terminal is true but there is no --console-socket to hand the terminal to (use run attached, or set terminal to false)");
        }
        _cleanup_free_ char *rootfs_rel = spec->root_path[0] == '/' ? strdup(spec->root_path)
                                                                    : hull_strdup_printf("%s/%s", bundle, spec->root_path);
        _cleanup_free_ char *rootfs = rootfs_rel ? abs_path(rootfs_rel) : NULL;
        struct stat st;
        if (!rootfs || stat(rootfs, &st) < 0 || !S_ISDIR(st.st_mode)) {
                int e = rootfs ? ENOTDIR : errno;
                hull_spec_free(spec);
                return hull_error_set(err, e, "root.path: %s", rootfs_rel ? rootfs_rel : "?");
        }

        hull_debug("create %s: bundle %s, rootfs %s", id, bundle, rootfs);
        hull_container *c = NULL;
        if (hull_container_new(ctx, id, &c, err) < 0) {
                hull_spec_free(spec);
                return -EEXIST;
        }
        cr->c = c;
        c->spec = spec;
        c->bundle = TAKE_PTR(bundle);
        c->rootfs = TAKE_PTR(rootfs);

        int ns_fds[_HULL_NS_MAX];
        hull_ns_fds_init(ns_fds);
        /* The network namespace that the prescan started: this config's? */
        if (!netns_made_ahead(spec))
                hull_netns_ahead_done(netns);
        _cleanup_strv_ char **env = NULL;
        _cleanup_close_ int exec_sock = -1, child_sync = -1, own_pidns = -1, own_timens = -1;
        bool restore_pidns = false, restore_timens = false;
        hull_seccomp_filter seccomp = { 0 };
        int *idmap = NULL;

        /* State first, so that a runtime killed from here on leaves something
         * that delete --force can clean: it names the cgroups. */
        if (hull_cgroup_resolve(spec->cgroups_path, id, &c->cg, err) < 0)
                goto fail;
        if (hull_container_save(c, err) < 0)
                goto fail;
        /* The cgroup2 directory now, to clone into it.  The v1 hierarchies and
         * the config copy are made after clone, while the child builds its
         * rootfs; the child joins them when the parent says they exist. */
        const hull_spec_resources *res = spec->has_resources ? &spec->resources : NULL;
        if (hull_cgroup_create(c->cg, res, HULL_CGROUP_CREATE_V2, err) < 0)
                goto fail;
        if (!run_mode && listen_exec_sock(c, &exec_sock, err) < 0)
                goto fail;
        int sp[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sp) < 0) {
                hull_error_set(err, errno, "socketpair");
                goto fail;
        }
        cr->sync = sp[0];
        child_sync = sp[1];
        if (hull_ns_open_paths(spec, ns_fds, err) < 0)
                goto fail;

        env = hull_strv_copy(spec->process.env);
        if (!env && spec->process.env) {
                hull_error_set(err, ENOMEM, "environment");
                goto fail;
        }
        unsigned preserve = opts->preserve_fds + listen_fds(&env);

        if (spec->seccomp) {
                _cleanup_free_ char *cache = hull_seccomp_cache_dir();
                if (hull_seccomp_prepare(spec->seccomp, cache, &seccomp, err) < 0)
                        goto fail;
                hull_debug("create %s: seccomp filter of %zu instructions%s", id, seccomp.len,
                           seccomp.cached ? " (cached)" : "");
        }
        if (make_idmap_userns(spec, c->bundle, &idmap, err) < 0)
                goto fail;
        hull_child a = { .c = c, .sysfs_fd = -1, .idmap_trees = idmap, .seccomp = spec->seccomp ? &seccomp : NULL, .sync_fd = child_sync, .parent_sync_fd = cr->sync, .exec_listen_fd = exec_sock, .no_pivot = opts->no_pivot,
                         .no_new_keyring = opts->no_new_keyring, .terminal = spec->process.terminal,
                         .preserve_fds = preserve, .env = env };
        memcpy(a.ns_fds, ns_fds, sizeof(ns_fds));
        uint64_t flags = 0;
        bool v1_join = false;
        for (size_t i = 0; i < c->cg->n; i++)
                v1_join |= !c->cg->h[i].v2;
        for (int t = 0; t < _HULL_NS_MAX; t++) {
                if (!spec->ns[t].present)
                        continue;
                if (spec->ns[t].path) {
                        if (t == HULL_NS_PID || t == HULL_NS_TIME)
                                continue; /* joined by the parent, below */
                        if (t != HULL_NS_USER)
                                a.join_in_child[t] = true;
                        continue;
                }
                if (t == HULL_NS_CGROUP && v1_join) {
                        /* The cgroup namespace must be rooted at the container's
                         * cgroups, which v1 joins only after clone. */
                        a.unshare_cgroupns = true;
                        continue;
                }
                if (t == HULL_NS_TIME && spec->has_time_offsets)
                        continue; /* unshared by the parent with its offsets, below */
                flags |= (uint64_t) hull_ns_clone_flag(t);
        }
        a.userns_new = spec->ns[HULL_NS_USER].present && !spec->ns[HULL_NS_USER].path;
        a.mount_ns_new = spec->ns[HULL_NS_MOUNT].present && !spec->ns[HULL_NS_MOUNT].path;
        if (spec->ns[HULL_NS_USER].path) {
                a.two_stage = true;
                a.two_stage_flags = flags;
                flags = 0;
        }
        /* Until the thread has the namespace, the v1 cgroups (those left are
         * made after clone, while the child sets up). */
        if (hull_netns_ahead_busy(netns) && hull_cgroup_create_while(c->cg, res, HULL_CGROUP_CREATE_V1,
                                                                     hull_netns_ahead_busy, netns, err) < 0)
                goto fail;
        int netns_fd = hull_netns_ahead_take(netns);
        if (netns_fd >= 0) {
                flags &= ~(uint64_t) CLONE_NEWNET;
                ns_fds[HULL_NS_NETWORK] = a.ns_fds[HULL_NS_NETWORK] = netns_fd;
                a.join_in_child[HULL_NS_NETWORK] = true;
                a.lo_up = netns->lo_up;
                /* Its sysfs follows in a SYSFS message, once the thread has it. */
                a.sysfs_pending = netns->sysfs;
                a.sysfs_ro = netns->sysfs_ro;
                a.sysfs_source = netns->sysfs_source;
                /* The IPC namespace it made, if this config asks for a new one. */
                int ipc_fd = hull_netns_ahead_take_ipc(netns);
                if (ipc_fd >= 0 && spec->ns[HULL_NS_IPC].present && !spec->ns[HULL_NS_IPC].path) {
                        flags &= ~(uint64_t) CLONE_NEWIPC;
                        ns_fds[HULL_NS_IPC] = a.ns_fds[HULL_NS_IPC] = ipc_fd;
                        a.join_in_child[HULL_NS_IPC] = true;
                } else if (ipc_fd >= 0)
                        close(ipc_fd);
        }
        if (spec->ns[HULL_NS_PID].path || spec->ns[HULL_NS_TIME].path || spec->has_time_offsets) {
                /* setns into a time namespace (and back) wants a single thread. */
                hull_netns_ahead_join(netns);
                /* A container process forked into a pid namespace that others
                 * are in must not run from the binary even for a moment. */
                int r2 = spec->ns[HULL_NS_PID].path ? hull_exe_seal_now() : 0;
                if (r2 < 0) {
                        hull_error_set(err, -r2, "protect the runtime binary (CVE-2019-5736): move onto its read-only clone");
                        goto fail;
                }
                if (r2 > 0)
                        hull_debug("create %s: moved onto the binary's read-only clone before forking into a joined pid namespace", id);
                own_pidns = open("/proc/self/ns/pid_for_children", O_RDONLY | O_CLOEXEC);
                own_timens = open("/proc/self/ns/time_for_children", O_RDONLY | O_CLOEXEC);
        }
        if (spec->ns[HULL_NS_PID].path) {
                if (sys_setns(ns_fds[HULL_NS_PID], CLONE_NEWPID) < 0) {
                        hull_error_set(err, errno, "join pid namespace %s", spec->ns[HULL_NS_PID].path);
                        goto fail;
                }
                restore_pidns = true;
        }
        if (spec->ns[HULL_NS_TIME].path) {
                if (sys_setns(ns_fds[HULL_NS_TIME], CLONE_NEWTIME) < 0) {
                        hull_error_set(err, errno, "join time namespace %s", spec->ns[HULL_NS_TIME].path);
                        goto fail;
                }
                restore_timens = true;
        } else if (spec->ns[HULL_NS_TIME].present && spec->has_time_offsets) {
                if (unshare(CLONE_NEWTIME) < 0) {
                        hull_error_set(err, errno, "create time namespace");
                        goto fail;
                }
                restore_timens = true;
                if (hull_ns_set_time_offsets(spec, err) < 0)
                        goto fail;
        }
        if (a.two_stage)
                (void) prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);

        int cgfd = a.two_stage ? -1 : c->cg->v2_fd;
        pid_t pid = hull_clone3(flags, cgfd, &cr->pidfd);
        if (pid == -EINVAL || pid == -EOPNOTSUPP || pid == -EBUSY || pid == -EPERM) {
                if (cgfd >= 0) { /* no CLONE_INTO_CGROUP here: join by cgroup.procs */
                        cgfd = -1;
                        pid = hull_clone3(flags, -1, &cr->pidfd);
                }
        }
        /* The child moves itself ("0" into tasks): the kernel moves the
         * calling thread without the global threadgroup lock that moving
         * another process takes.  With the parent writing the pid instead,
         * create+start took 10.7 ms on average against 7.4 (a quarter of
         * them waited several ms for that lock), measured 2026-11-29. */
        a.join_self = !a.userns_new && !a.two_stage && geteuid() == 0;
        a.skip_v2_join = cgfd >= 0;
        if (pid == 0)
                hull_child_main(&a);
        if (restore_pidns && own_pidns >= 0)
                (void) setns(own_pidns, CLONE_NEWPID);
        if (restore_timens && own_timens >= 0)
                (void) setns(own_timens, CLONE_NEWTIME);
        if (pid < 0) {
                hull_error_set(err, -pid, "clone the container process");
                goto fail;
        }
        cr->pid = pid;
        hull_netns_ahead_release(netns);
        close(TAKE_FD(child_sync));
        close(TAKE_FD(exec_sock));

        if (a.two_stage) {
                /* The second stage cloned the real first process: take its pidfd. */
                int gpidfd = -1;
                if (hull_sync_expect(cr->sync, HULL_SYNC_PID, "create", &gpidfd, NULL, err) < 0)
                        goto fail;
                while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                        ;
                close(cr->pidfd);
                cr->pidfd = gpidfd;
                cr->pid = 0;
                char info[64];
                snprintf(info, sizeof(info), "/proc/self/fdinfo/%d", gpidfd);
                _cleanup_free_ char *fi = NULL;
                if (hull_read_file_at(AT_FDCWD, info, 0, &fi, NULL) == 0) {
                        char *pl = strstr(fi, "\nPid:");
                        if (pl)
                                cr->pid = (pid_t) atoi(pl + 5);
                }
                if (cr->pid <= 0) {
                        hull_error_set_raw(err, ESRCH, "create: lost the container process");
                        goto fail;
                }
        }
        c->pid = cr->pid;
        hull_debug("create %s: container process %d (clone flags 0x%llx, cgroups %s at %s)", id, (int) cr->pid,
                   (unsigned long long) flags, hull_cgroup_mode_name(c->cg->mode), c->cg->path);
        if (a.userns_new && hull_ns_write_maps(cr->pid, spec, err) < 0)
                goto fail;
        if (send_to_child(cr->sync, HULL_SYNC_GO, cr->pid, "start the container process", err) < 0)
                goto fail;
        if (a.sysfs_pending) {
                /* The v1 cgroups while the thread makes sysfs, then sysfs, which
                 * the child needs first (at /sys, before /sys/fs/cgroup). */
                if (hull_cgroup_create_while(c->cg, res, HULL_CGROUP_CREATE_V1, hull_netns_ahead_sysfs_busy, netns,
                                             err) < 0) {
                        (void) hull_sync_send_error(cr->sync, *err);
                        goto fail;
                }
                _cleanup_close_ int sysfs_fd = hull_netns_ahead_take_sysfs(netns);
                int r2 = hull_sync_send(cr->sync, HULL_SYNC_SYSFS, 0, 0, NULL, sysfs_fd);
                if (r2 < 0) {
                        hull_error_set(err, -r2, "start the container process");
                        goto fail;
                }
        }
        if (hull_write_atomic_at(c->dir_fd, HULL_CONFIG_FILE, text, len, 0600, 0, err) < 0 ||
            hull_cgroup_create(c->cg, res, HULL_CGROUP_CREATE_V1, err) < 0 ||
            (!a.join_self && hull_cgroup_join(c->cg, cr->pid, cgfd >= 0, err) < 0)) {
                (void) hull_sync_send_error(cr->sync, *err);
                goto fail;
        }
        if (send_to_child(cr->sync, HULL_SYNC_CGROUPS, 0, "start the container process", err) < 0)
                goto fail;
        /* While the container process sets up: the state as it will be once
         * it is ready, written now and installed by a rename below.  run
         * saves its state once the program runs. */
        (void) hull_proc_start_time(cr->pid, &c->pid_start);
        c->saved_status = HULL_STATUS_CREATED;
        char state_tmp[HULL_TEMP_NAME_MAX];
        if (!run_mode) {
                c->creator = 0;
                if (hull_container_save_prepare(c, state_tmp, err) < 0)
                        goto fail;
        }
        cr->hooks_started = spec->n_hooks[HULL_HOOK_PRESTART] || spec->n_hooks[HULL_HOOK_CREATE_RUNTIME] ||
                            spec->n_hooks[HULL_HOOK_CREATE_CONTAINER];
        if (spec->n_hooks[HULL_HOOK_PRESTART] || spec->n_hooks[HULL_HOOK_CREATE_RUNTIME]) {
                if (hull_sync_expect(cr->sync, HULL_SYNC_HOOKS, "create", NULL, NULL, err) < 0)
                        goto fail;
                _cleanup_free_ char *sj = hull_container_state_json(c, HULL_STATUS_CREATING, false);
                if (hull_hooks_run(spec, HULL_HOOK_PRESTART, sj, err) < 0 ||
                    hull_hooks_run(spec, HULL_HOOK_CREATE_RUNTIME, sj, err) < 0)
                        goto fail;
                if (send_to_child(cr->sync, HULL_SYNC_HOOKS_DONE, 0, "create", err) < 0)
                        goto fail;
        }
        if (spec->process.terminal) {
                if (hull_sync_expect(cr->sync, HULL_SYNC_PTY, "create", &cr->master, NULL, err) < 0)
                        goto fail;
                if (opts->console_socket) {
                        if (hull_send_console(opts->console_socket, cr->master, err) < 0)
                                goto fail;
                        close(TAKE_FD(cr->master));
                }
        }
        if (spec->seccomp && spec->seccomp->has_notify) {
                _cleanup_close_ int listener = -1;
                if (hull_sync_expect(cr->sync, HULL_SYNC_SECCOMP, "create", &listener, NULL, err) < 0)
                        goto fail;
                _cleanup_free_ char *sj = hull_container_state_json(c, HULL_STATUS_CREATING, false);
                if (hull_seccomp_send_listener(spec->seccomp, listener, cr->pid, sj, err) < 0)
                        goto fail;
        }
        /* Nothing to do until the container process is ready: the binary's
         * read-only clone goes now (its unmount waits for RCU). */
        hull_exe_seal_release();
        if (hull_sync_expect(cr->sync, HULL_SYNC_READY, "create", NULL, NULL, err) < 0)
                goto fail;
        if (!run_mode && hull_container_save_commit(c, state_tmp, err) < 0)
                goto fail;
        if (opts->pid_file && write_pid_file(opts->pid_file, cr->pid, err) < 0)
                goto fail;
        hull_ns_fds_close(ns_fds);
        hull_seccomp_filter_done(&seccomp);
        close_idmap_userns(spec, idmap);
        return 0;
fail:
        hull_ns_fds_close(ns_fds);
        hull_seccomp_filter_done(&seccomp);
        close_idmap_userns(cr->c ? cr->c->spec : NULL, idmap);
        if (cr->master >= 0)
                close(TAKE_FD(cr->master));
        create_cleanup(cr);
        if (cr->pidfd >= 0)
                close(TAKE_FD(cr->pidfd));
        if (cr->sync >= 0)
                close(TAKE_FD(cr->sync));
        hull_container_free(TAKE_PTR(cr->c));
        return err && *err ? hull_error_code(*err) : -EIO;
}


int hull_container_create(hull_context *ctx, const char *id, const hull_create_opts *opts, hull_error **err) {
        create_run cr;
        hull_netns_ahead netns = HULL_NETNS_AHEAD_INIT;
        int r = do_create(ctx, id, opts, false, &cr, &netns, err);
        hull_netns_ahead_done(&netns);
        if (r < 0)
                return r;
        close(cr.sync);
        if (cr.pidfd >= 0)
                close(cr.pidfd);
        if (cr.master >= 0)
                close(cr.master);
        hull_container_free(cr.c);
        return 0;
}

/* Opens a pidfd for the container's init, or -1 when it is gone (or the pid
 * now names another process). */
static int open_init_pidfd(hull_container *c) {
        if (c->pid <= 0)
                return -1;
        int fd = (int) syscall(SYS_pidfd_open, c->pid, 0);
        if (fd < 0)
                return -1;
        /* Checked after opening: the pidfd now pins the process we verified. */
        if (!hull_proc_alive(c->pid, c->pid_start)) {
                close(fd);
                return -1;
        }
        return fd;
}

/* SIGKILLs the init (when alive) and waits, bounded, for it to be gone. */
static void kill_and_wait(hull_container *c) {
        _cleanup_close_ int pidfd = open_init_pidfd(c);
        if (pidfd < 0)
                return;
        (void) syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
        struct pollfd p = { pidfd, POLLIN, 0 };
        (void) poll(&p, 1, 10000);
        /* Our own child (run): reap it so it leaves its cgroups. */
        (void) waitpid(c->pid, NULL, WNOHANG);
}

/* delete: the process, cgroups, poststop hooks, state.  Hook failures are
 * warnings, as the spec says. */
static int container_destroy(hull_container *c, hull_error **err) {
        hull_debug("delete %s: process %d, cgroup %s", c->id, (int) c->pid, c->cg ? c->cg->path : "none");
        kill_and_wait(c);
        int r = 0;
        if (c->cg)
                r = hull_cgroup_destroy(c->cg, true, err);
        if (r < 0)
                return r;
        /* The state JSON is taken before the state goes: poststop hooks run
         * after the container is deleted, before delete returns. */
        _cleanup_free_ char *st = c->spec && c->spec->n_hooks[HULL_HOOK_POSTSTOP]
                                          ? hull_container_state_json(c, HULL_STATUS_STOPPED, false)
                                          : NULL;
        if ((r = hull_container_remove_state(c, err)) < 0)
                return r;
        if (st)
                (void) hull_hooks_run_warn(c->spec, HULL_HOOK_POSTSTOP, st);
        return 0;
}

static void run_poststart(hull_container *c) {
        if (!c->spec || !c->spec->n_hooks[HULL_HOOK_POSTSTART])
                return;
        _cleanup_free_ char *st = hull_container_state_json(c, HULL_STATUS_RUNNING, false);
        (void) hull_hooks_run_warn(c->spec, HULL_HOOK_POSTSTART, st);
}

/* Waits for the container process to exec (EOF on its socket) or to report
 * why it could not (an ERROR message). */
static int wait_exec(int sock, const char *id, hull_error **err) {
        hull_sync_msg m;
        int r = hull_sync_recv(sock, &m, NULL);
        if (r == -EPIPE)
                return 0;
        if (r < 0)
                return hull_error_set(err, -r, "start %s", id);
        r = hull_error_set_raw(err, m.errnum > 0 ? m.errnum : EIO, "%s",
                               m.type == HULL_SYNC_ERROR ? m.text : "unexpected message from the container");
        if (err && *err)
                (*err)->status = m.status;
        return r;
}

int hull_container_start(hull_context *ctx, const char *id, hull_error **err) {
        hull_container *c = NULL;
        _cleanup_close_ int sock = -1;
        if (hull_container_load(ctx, id, HULL_LOAD_LOCK | HULL_LOAD_SPEC_FOR_START, &c, err) < 0)
                return -ENOENT;
        int r;
        hull_status st = hull_container_status(c);
        if (st != HULL_STATUS_CREATED) {
                r = hull_error_set_raw(err, EINVAL, "cannot start container \"%s\": it is %s, not created", id,
                                       hull_status_name(st));
                goto out;
        }
        struct sockaddr_un sa;
        socklen_t len;
        sock = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
        if (sock < 0 || unix_addr(c->dir_fd, HULL_EXEC_SOCK, &sa, &len) < 0 || connect(sock, (struct sockaddr *) &sa, len) < 0) {
                r = hull_error_set(err, errno, "start %s: connect to the container process", id);
                goto out;
        }
        /* Without exec.sock the container is "running" (state.c derives the
         * status from the process and this file): no state write needed. */
        (void) unlinkat(c->dir_fd, HULL_EXEC_SOCK, 0);
        hull_debug("start %s: process %d", id, (int) c->pid);
        if (c->start_hooks == 0) {
                /* No startContainer hook can fail and no poststart hook must
                 * wait for the program: the connection is the go (the process
                 * accepts it even after we close it), and we return now, as
                 * runc and crun do.  create checked that the program exists
                 * and is executable; should its execve still fail, the
                 * process says why on its stderr and exits 126 or 127. */
                r = 0;
                goto out;
        }
        if ((r = wait_exec(sock, id, err)) < 0) {
                if (err && *err && (*err)->status == HULL_STATUS_HOOK_FAILED) {
                        /* A failed startContainer hook: stop the container and go on
                         * with delete's steps (runtime-spec lifecycle, 7 -> 12). */
                        (*err)->status = 0;
                        (void) container_destroy(c, NULL);
                }
                goto out;
        }
        run_poststart(c);
out:
        hull_container_free(c);
        return r;
}

int hull_container_run(hull_context *ctx, const char *id, const hull_create_opts *opts, int *ret_status,
                       hull_error **err) {
        sigset_t old;
        hull_signals_block(&old);
        create_run cr;
        hull_netns_ahead netns = HULL_NETNS_AHEAD_INIT;
        int r = do_create(ctx, id, opts, true, &cr, &netns, err);
        hull_netns_ahead_done(&netns);
        if (r < 0) {
                sigprocmask(SIG_SETMASK, &old, NULL);
                return r;
        }
        hull_container *c = cr.c;
        *ret_status = 0;
        if (send_to_child(cr.sync, HULL_SYNC_START, 0, "start", err) < 0)
                r = hull_error_code(*err);
        else
                r = wait_exec(cr.sync, id, err);
        if (r < 0 && err && *err && (*err)->status == HULL_STATUS_HOOK_FAILED)
                (*err)->status = 0; /* a startContainer hook: destroyed below */
        close(TAKE_FD(cr.sync));
        if (r == 0) {
                c->saved_status = HULL_STATUS_RUNNING;
                c->creator = 0;
                r = hull_container_save(c, err);
        }
        if (r == 0)
                run_poststart(c);
        bool deleted = false;
        if (r == 0 && !opts->detach) {
                /* Not locked while the program runs: delete --force (which
                 * locks) must act on a container that run started as on one
                 * that start did, and run then only reports the exit. */
                (void) flock(c->dir_fd, LOCK_UN);
                int st = hull_attach_wait(cr.pid, cr.master, err);
                if (st < 0)
                        r = st;
                else
                        *ret_status = st;
                /* The state dir by its fd: if a delete removed it meanwhile, a
                 * new container may have the id (and the cgroup path) now. */
                (void) flock(c->dir_fd, LOCK_EX);
                deleted = faccessat(c->dir_fd, HULL_STATE_FILE, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
        }
        if (cr.master >= 0)
                close(cr.master);
        if (deleted)
                hull_debug("run %s: deleted while it ran", id);
        else if (r < 0 || !opts->detach) {
                _cleanup_error_ hull_error *derr = NULL;
                if (container_destroy(c, r < 0 ? &derr : err) < 0 && r == 0)
                        r = hull_error_code(*err);
                while (waitpid(-1, NULL, WNOHANG) > 0)
                        ;
        }
        if (cr.pidfd >= 0)
                close(cr.pidfd);
        hull_container_free(c);
        sigprocmask(SIG_SETMASK, &old, NULL);
        return r;
}

int hull_container_state(hull_context *ctx, const char *id, hull_state **ret, hull_error **err) {
        hull_container *c = NULL;
        if (hull_container_load(ctx, id, 0, &c, err) < 0)
                return -ENOENT;
        int r = hull_container_to_state(c, ret);
        hull_container_free(c);
        if (r < 0)
                return hull_error_set(err, -r, "state of %s", id);
        return 0;
}

int hull_container_list(hull_context *ctx, hull_state ***ret, size_t *ret_n, hull_error **err) {
        *ret = NULL;
        *ret_n = 0;
        int rfd;
        if (hull_state_root_open(ctx, false, &rfd, NULL) < 0)
                return 0; /* no state root: no containers */
        DIR *d = fdopendir(rfd);
        if (!d) {
                close(rfd);
                return hull_error_set(err, errno, "list containers");
        }
        hull_state **v = NULL;
        size_t n = 0;
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.' || !hull_container_id_valid(de->d_name))
                        continue;
                hull_container *c = NULL;
                if (hull_container_load(ctx, de->d_name, 0, &c, NULL) < 0)
                        continue;
                hull_state *s = NULL;
                if (hull_container_to_state(c, &s) == 0) {
                        hull_state **nv = realloc(v, (n + 1) * sizeof(*v));
                        if (nv) {
                                v = nv;
                                v[n++] = s;
                        } else
                                hull_state_free(s);
                }
                hull_container_free(c);
        }
        closedir(d);
        *ret = v;
        *ret_n = n;
        return 0;
}

int hull_container_kill(hull_context *ctx, const char *id, int sig, bool all, hull_error **err) {
        hull_container *c = NULL;
        _cleanup_close_ int pidfd = -1;
        if (hull_container_load(ctx, id, 0, &c, err) < 0)
                return -ENOENT;
        int r = 0;
        hull_status st = hull_container_status(c);
        if (st != HULL_STATUS_CREATED && st != HULL_STATUS_RUNNING && st != HULL_STATUS_PAUSED) {
                r = hull_error_set_raw(err, ESRCH, "container \"%s\" is not running (it is %s)", id, hull_status_name(st));
                goto out;
        }
        if (all && c->cg && c->cg->n > 0) {
                r = hull_cgroup_signal_all(c->cg, sig, err);
                goto out;
        }
        pidfd = open_init_pidfd(c);
        if (pidfd < 0) {
                r = hull_error_set_raw(err, ESRCH, "container \"%s\" is not running", id);
                goto out;
        }
        if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
                r = hull_error_set(err, errno, "send signal %d to container %s", sig, id);
out:
        hull_container_free(c);
        return r;
}

int hull_container_delete(hull_context *ctx, const char *id, bool force, hull_error **err) {
        hull_container *c = NULL;
        if (hull_container_load(ctx, id, HULL_LOAD_LOCK, &c, err) < 0)
                return -ENOENT;
        int r;
        hull_status st = hull_container_status(c);
        if (!force && (st == HULL_STATUS_RUNNING || st == HULL_STATUS_PAUSED || st == HULL_STATUS_CREATING)) {
                r = hull_error_set_raw(err, EBUSY, "cannot delete container \"%s\" that is %s (use --force)", id,
                                       hull_status_name(st));
                goto out;
        }
        if (st == HULL_STATUS_CREATING && c->creator > 0 && hull_proc_alive(c->creator, c->creator_start))
                (void) kill(c->creator, SIGKILL);
        r = container_destroy(c, err);
out:
        hull_container_free(c);
        return r;
}
