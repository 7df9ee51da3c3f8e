/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Namespaces: the ones joined by path, user namespace id maps, time
 * namespace offsets. */
#include "namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/cleanup.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/strv.h"
#include "util/sys.h"

#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

void hull_ns_fds_init(int fds[_HULL_NS_MAX]) {
        for (int i = 0; i < _HULL_NS_MAX; i++)
                fds[i] = -1;
}

void hull_ns_fds_close(int fds[_HULL_NS_MAX]) {
        for (int i = 0; i < _HULL_NS_MAX; i++)
                if (fds[i] >= 0) {
                        close(fds[i]);
                        fds[i] = -1;
                }
}

int hull_ns_open_paths(const hull_spec *spec, int fds[_HULL_NS_MAX], hull_error **err) {
        size_t idx = 0;
        for (int t = 0; t < _HULL_NS_MAX; t++) {
                if (!spec->ns[t].present)
                        continue;
                idx++;
                if (!spec->ns[t].path)
                        continue;
                int fd = open(spec->ns[t].path, O_RDONLY | O_CLOEXEC);
                if (fd < 0)
                        return hull_error_set(err, errno, "linux.namespaces: open %s namespace %s", hull_ns_type_name(t),
                                              spec->ns[t].path);
                int type = ioctl(fd, NS_GET_NSTYPE);
                if (type >= 0 && type != hull_ns_clone_flag(t)) {
                        close(fd);
                        return hull_error_set_raw(err, EINVAL, "linux.namespaces: %s is not a %s namespace",
                                                  spec->ns[t].path, hull_ns_type_name(t));
                }
                fds[t] = fd;
        }
        (void) idx;
        return 0;
}

static int format_map(const hull_spec_idmap *m, size_t n, char **ret) {
        size_t cap = n * 36 + 1;
        char *s = malloc(cap), *p = s;
        if (!s)
                return -ENOMEM;
        *p = 0;
        for (size_t i = 0; i < n; i++)
                p += snprintf(p, cap - (size_t) (p - s), "%u %u %u\n", m[i].container_id, m[i].host_id, m[i].size);
        *ret = s;
        return 0;
}

/* newuidmap PID cid hid size ... for unprivileged callers with several ranges. */
static int run_helper(const char *helper, pid_t pid, const hull_spec_idmap *m, size_t n) {
        _cleanup_strv_ char **argv = NULL;
        if (hull_strv_push(&argv, helper) < 0 || hull_strv_consume(&argv, hull_strdup_printf("%d", (int) pid)) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < n; i++)
                if (hull_strv_consume(&argv, hull_strdup_printf("%u", m[i].container_id)) < 0 ||
                    hull_strv_consume(&argv, hull_strdup_printf("%u", m[i].host_id)) < 0 ||
                    hull_strv_consume(&argv, hull_strdup_printf("%u", m[i].size)) < 0)
                        return -ENOMEM;
        pid_t child = fork();
        if (child < 0)
                return -errno;
        if (child == 0) {
                static const char *const dirs[] = { "/usr/bin/", "/bin/", "/usr/sbin/", "/sbin/" };
                for (size_t i = 0; i < ELEMENTSOF(dirs); i++) {
                        char path[64];
                        snprintf(path, sizeof(path), "%s%s", dirs[i], helper);
                        execv(path, argv);
                }
                _exit(127);
        }
        int status;
        while (waitpid(child, &status, 0) < 0)
                if (errno != EINTR)
                        return -errno;
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
                return -ENOENT;
        return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EPERM;
}

static int write_map(pid_t pid, const char *file, const char *helper, const hull_spec_idmap *m, size_t n,
                     hull_error **err) {
        _cleanup_free_ char *text = NULL;
        if (format_map(m, n, &text) < 0)
                return hull_error_set(err, ENOMEM, "id map");
        char path[64];
        snprintf(path, sizeof(path), "/proc/%d/%s", (int) pid, file);
        int r = hull_write_str_at(AT_FDCWD, path, text);
        if (r == -EPERM && geteuid() != 0) {
                int h = run_helper(helper, pid, m, n);
                if (h == 0)
                        return 0;
                if (h == -ENOENT)
                        return hull_error_set(err, EPERM,
                                              "write %s (an unprivileged user can map only itself; %s is not installed)",
                                              path, helper);
                return hull_error_set(err, -h, "%s for %s", helper, path);
        }
        if (r < 0)
                return hull_error_set(err, -r, "write %s", path);
        return 0;
}

int hull_ns_write_maps(pid_t pid, const hull_spec *spec, hull_error **err) {
        int r = write_map(pid, "uid_map", "newuidmap", spec->uid_mappings, spec->n_uid_mappings, err);
        if (r < 0)
                return r;
        /* An unprivileged writer of gid_map must deny setgroups first. */
        if (geteuid() != 0 && spec->n_gid_mappings == 1 && spec->gid_mappings[0].host_id == getegid() &&
            spec->gid_mappings[0].size == 1) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/setgroups", (int) pid);
                (void) hull_write_str_at(AT_FDCWD, path, "deny");
        }
        return write_map(pid, "gid_map", "newgidmap", spec->gid_mappings, spec->n_gid_mappings, err);
}

int hull_ns_set_time_offsets(const hull_spec *spec, hull_error **err) {
        char buf[128];
        snprintf(buf, sizeof(buf), "monotonic %lld %u\nboottime %lld %u\n", (long long) spec->time_monotonic_secs,
                 spec->time_monotonic_nsecs, (long long) spec->time_boottime_secs, spec->time_boottime_nsecs);
        int r = hull_write_str_at(AT_FDCWD, "/proc/self/timens_offsets", buf);
        if (r < 0)
                return hull_error_set(err, -r, "linux.timeOffsets: write /proc/self/timens_offsets");
        return 0;
}

int hull_ns_join(int fds[_HULL_NS_MAX], const bool which[_HULL_NS_MAX], hull_error **err) {
        /* The user namespace first: it decides what the others may do. */
        static const hull_ns_type order[] = { HULL_NS_USER, HULL_NS_IPC, HULL_NS_UTS, HULL_NS_NETWORK,
                                              HULL_NS_CGROUP, HULL_NS_PID, HULL_NS_TIME, HULL_NS_MOUNT };
        for (size_t i = 0; i < ELEMENTSOF(order); i++) {
                hull_ns_type t = order[i];
                if (fds[t] < 0 || !which[t])
                        continue;
                if (sys_setns(fds[t], hull_ns_clone_flag(t)) < 0)
                        return hull_error_set(err, errno, "join %s namespace", hull_ns_type_name(t));
        }
        return 0;
}

int hull_ns_make_userns(const hull_spec_idmap *uid, size_t n_uid, const hull_spec_idmap *gid, size_t n_gid,
                        int *ret_fd, hull_error **err) {
        /* A helper process in a new user namespace, which only waits: its
         * maps are written from here, its namespace kept as an fd. */
        int pipefd[2];
        if (pipe2(pipefd, O_CLOEXEC) < 0)
                return hull_error_set(err, errno, "idmapped mount: pipe");
        pid_t pid = (pid_t) syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0);
        if (pid == 0) {
                char c;
                close(pipefd[1]);
                if (read(pipefd[0], &c, 1) < 0)
                        _exit(1);
                _exit(0);
        }
        close(pipefd[0]);
        int r = 0;
        if (pid < 0) {
                r = hull_error_set(err, errno, "idmapped mount: create a user namespace");
                close(pipefd[1]);
                return r;
        }
        hull_spec s = { 0 };
        s.uid_mappings = (hull_spec_idmap *) uid;
        s.n_uid_mappings = n_uid;
        s.gid_mappings = (hull_spec_idmap *) gid;
        s.n_gid_mappings = n_gid;
        if ((r = hull_ns_write_maps(pid, &s, err)) == 0) {
                char path[64];
                snprintf(path, sizeof(path), "/proc/%d/ns/user", (int) pid);
                *ret_fd = open(path, O_RDONLY | O_CLOEXEC);
                if (*ret_fd < 0)
                        r = hull_error_set(err, errno, "idmapped mount: open %s", path);
        } else
                hull_error_prefix(err, "idmapped mount");
        close(pipefd[1]);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
                ;
        return r;
}

int hull_ns_loopback_up(void) {
        int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        if (sk < 0)
                return -errno;
        struct ifreq ifr;
        memset(&ifr, 0, sizeof(ifr));
        strcpy(ifr.ifr_name, "lo");
        int r = 0;
        if (ioctl(sk, SIOCGIFFLAGS, &ifr) < 0)
                r = -errno;
        else {
                ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
                if (ioctl(sk, SIOCSIFFLAGS, &ifr) < 0)
                        r = -errno;
        }
        close(sk);
        return r;
}

/* A detached sysfs mount of the caller's network namespace; -1 if the
 * kernel cannot (no fsopen: the container mounts it itself). */
static int make_sysfs(const char *source, bool ro) {
        int fs = (int) syscall(SYS_fsopen, "sysfs", FSOPEN_CLOEXEC);
        if (fs < 0)
                return -1;
        int mnt = -1;
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING, "source", source, 0) == 0 &&
            (!ro || syscall(SYS_fsconfig, fs, FSCONFIG_SET_FLAG, "ro", NULL, 0) == 0) &&
            syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0)
                mnt = (int) syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
        close(fs);
        return mnt;
}

/* The thread's progress (n->stage) and the caller's release (n->released):
 * futex words, set with a wake and waited on. */
enum { STAGE_RUNNING, STAGE_NETNS, STAGE_DONE };

static void word_set(int *word, int v) {
        __atomic_store_n(word, v, __ATOMIC_RELEASE);
        (void) syscall(SYS_futex, word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

static void word_wait(int *word, int at_least) {
        int v;
        while ((v = __atomic_load_n(word, __ATOMIC_ACQUIRE)) < at_least)
                (void) syscall(SYS_futex, word, FUTEX_WAIT_PRIVATE, v, NULL, NULL, 0);
}

/* The thread, once it runs: back on all the caller's CPUs. */
static void take_all_cpus(hull_netns_ahead *n) {
        if (__atomic_exchange_n(&n->moved, 0, __ATOMIC_ACQ_REL))
                (void) sched_setaffinity(0, sizeof(n->cpus), &n->cpus);
}

#define NETNS_AHEAD_STACK (64 * 1024)

static void *netns_ahead_thread(void *userdata) {
        hull_netns_ahead *n = userdata;
        take_all_cpus(n);
        /* unshare moves only this thread into the new namespaces. */
        if (unshare(CLONE_NEWNET | (n->ipc ? CLONE_NEWIPC : 0)) < 0)
                n->error = errno;
        else if ((n->fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0)
                n->error = errno;
        else {
                if (n->ipc)
                        n->ipc_fd = open("/proc/thread-self/ns/ipc", O_RDONLY | O_CLOEXEC);
                n->lo_up = hull_ns_loopback_up() == 0;
        }
        word_set(&n->stage, STAGE_NETNS);
        take_all_cpus(n); /* in case it ran before the caller moved it */
        if (n->fd >= 0 && n->sysfs)
                n->sysfs_fd = make_sysfs(n->sysfs_source, n->sysfs_ro);
        word_set(&n->stage, STAGE_DONE);
        /* Not gone before the caller says so: a thread's exit takes locks of
         * the C library, which a clone3 at that moment would leave taken in
         * the child for good. */
        word_wait(&n->released, 1);
        return NULL;
}

bool hull_netns_ahead_busy(void *n) {
        hull_netns_ahead *a = n;
        return a->started && __atomic_load_n(&a->stage, __ATOMIC_ACQUIRE) < STAGE_NETNS;
}

bool hull_netns_ahead_sysfs_busy(void *n) {
        hull_netns_ahead *a = n;
        return a->started && __atomic_load_n(&a->stage, __ATOMIC_ACQUIRE) < STAGE_DONE;
}

void hull_netns_ahead_start(hull_netns_ahead *n, bool ipc, const char *sysfs_source, bool sysfs_ro) {
        memset(n, 0, sizeof(*n));
        n->fd = n->ipc_fd = n->sysfs_fd = -1;
        n->ipc = ipc;
        if (sysfs_source && strlen(sysfs_source) < sizeof(n->sysfs_source)) {
                n->sysfs = true;
                strcpy(n->sysfs_source, sysfs_source);
                n->sysfs_ro = sysfs_ro;
        }
        pthread_attr_t attr;
        if (pthread_attr_init(&attr) != 0)
                return;
        /* A stack from malloc, which hull-runtime's arena has at hand: then
         * pthread_create maps nothing and protects no guard page (that mmap
         * and mprotect took 0.1 to 1 ms, strace -T of create, 2026-11-29).
         * No guard page is needed: the thread makes a few system calls, with
         * no recursion, in a few KB of stack. */
        n->stack = malloc(NETNS_AHEAD_STACK);
        if (n->stack && pthread_attr_setstack(&attr, n->stack, NETNS_AHEAD_STACK) != 0) {
                free(n->stack);
                n->stack = NULL;
        }
        if (!n->stack)
                (void) pthread_attr_setstacksize(&attr, NETNS_AHEAD_STACK);
        /* No signal for this thread: the caller's handlers expect the caller. */
        sigset_t all, old;
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        n->started = pthread_create(&n->thread, &attr, netns_ahead_thread, n) == 0;
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        pthread_attr_destroy(&attr);
        if (!n->started) {
                free(n->stack);
                n->stack = NULL;
        }
        /* The scheduler puts a new thread on its creator's CPU unless another
         * one is idler, and there it waits until the creator blocks -- for
         * the namespace, so that the two overlap nothing (0.4 to 2 ms waits
         * with the other CPU idle: scheduler trace of create, 2026-11-29).
         * So it goes to the caller's other CPUs, and takes them all back
         * once it runs. */
        int cpu = sched_getcpu();
        if (n->started && cpu >= 0 && cpu < CPU_SETSIZE && sched_getaffinity(0, sizeof(n->cpus), &n->cpus) == 0 &&
            CPU_ISSET(cpu, &n->cpus) && CPU_COUNT(&n->cpus) > 1) {
                cpu_set_t others = n->cpus;
                CPU_CLR(cpu, &others);
                if (pthread_setaffinity_np(n->thread, sizeof(others), &others) == 0)
                        __atomic_store_n(&n->moved, 1, __ATOMIC_RELEASE);
        }
}

int hull_netns_ahead_take(hull_netns_ahead *n) {
        if (n->started)
                word_wait(&n->stage, STAGE_NETNS);
        if (n->fd < 0 && n->error)
                hull_debug("network namespace made ahead: %s; clone3 makes it", strerror(n->error));
        return TAKE_FD(n->fd);
}

int hull_netns_ahead_take_ipc(hull_netns_ahead *n) {
        if (n->started)
                word_wait(&n->stage, STAGE_NETNS);
        return TAKE_FD(n->ipc_fd);
}

int hull_netns_ahead_take_sysfs(hull_netns_ahead *n) {
        if (n->started)
                word_wait(&n->stage, STAGE_DONE);
        return TAKE_FD(n->sysfs_fd);
}

void hull_netns_ahead_join(hull_netns_ahead *n) {
        if (!n->started)
                return;
        hull_netns_ahead_release(n);
        pthread_join(n->thread, NULL);
        n->started = false;
        free(n->stack); /* the thread is gone */
        n->stack = NULL;
}

void hull_netns_ahead_release(hull_netns_ahead *n) {
        if (!n->started)
                return;
        word_set(&n->released, 1);
}

void hull_netns_ahead_done(hull_netns_ahead *n) {
        hull_netns_ahead_join(n);
        if (n->fd >= 0)
                close(TAKE_FD(n->fd));
        if (n->ipc_fd >= 0)
                close(TAKE_FD(n->ipc_fd));
        if (n->sysfs_fd >= 0)
                close(TAKE_FD(n->sysfs_fd));
}
