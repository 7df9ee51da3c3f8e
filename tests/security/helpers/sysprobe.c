/* SPDX-License-Identifier: GPL-2.0-or-later */
/* sysprobe SYSCALL [ARG...]: makes one system call the seccomp tests care
 * about, with arguments that do no harm whether or not it is allowed, and
 * prints "SYSCALL ok" or "SYSCALL errno=N".  Killed by the filter, it prints
 * nothing (the caller sees the signal in the exit status).
 *
 *   mount             mount("none", "/mnt", "tmpfs") (then unmounts it)
 *   kexec_load        kexec_load with invalid flags (EINVAL when allowed)
 *   keyctl            keyctl(KEYCTL_GET_KEYRING_ID, session keyring, create)
 *   bpf               bpf(9999, NULL, 0) (EINVAL when allowed)
 *   ptrace PID        PTRACE_ATTACH to PID (detaches again)
 *   ptrace-traceme    PTRACE_TRACEME in a child
 *   unshare-user      unshare(CLONE_NEWUSER)
 *   clone-user        clone(CLONE_NEWUSER) (the child exits at once)
 *   clone3            clone3() without flags (the child exits at once)
 *   getppid           getppid()
 *   getpriority W U   getpriority(W, U)
 *   setdomainname S   setdomainname(S)
 *   ids               prints "uid=R euid=E" (installed setuid root by a test) */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int out(const char *name, long r) {
        if (r < 0)
                printf("%s errno=%d\n", name, errno);
        else
                printf("%s ok\n", name);
        fflush(stdout);
        return 0;
}

int main(int argc, char **argv) {
        if (argc < 2) {
                fprintf(stderr, "usage: sysprobe SYSCALL [ARG...]\n");
                return 2;
        }
        const char *n = argv[1];
        long r;
        errno = 0;
        if (strcmp(n, "mount") == 0) {
                (void) mkdir("/mnt", 0755);
                r = mount("none", "/mnt", "tmpfs", 0, "size=4k");
                int e = errno;
                if (r == 0)
                        (void) umount2("/mnt", MNT_DETACH);
                errno = e;
                return out(n, r);
        }
        if (strcmp(n, "kexec_load") == 0)
                return out(n, syscall(SYS_kexec_load, 0UL, 0UL, NULL, 0xdead0000UL));
        if (strcmp(n, "keyctl") == 0)
                return out(n, syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 1));
        if (strcmp(n, "bpf") == 0)
                return out(n, syscall(SYS_bpf, 9999, NULL, 0));
        if (strcmp(n, "ptrace") == 0 && argc > 2) {
                pid_t pid = (pid_t) atoi(argv[2]);
                r = ptrace(PTRACE_ATTACH, pid, 0, 0);
                int e = errno;
                if (r == 0) {
                        int st;
                        (void) waitpid(pid, &st, __WALL);
                        (void) ptrace(PTRACE_DETACH, pid, 0, 0);
                }
                errno = e;
                return out(n, r);
        }
        if (strcmp(n, "ptrace-traceme") == 0) {
                pid_t c = fork();
                if (c == 0)
                        _exit(ptrace(PTRACE_TRACEME, 0, 0, 0) == 0 ? 0 : errno);
                int st = 0;
                (void) waitpid(c, &st, 0);
                errno = WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
                return out(n, errno ? -1 : 0);
        }
        if (strcmp(n, "unshare-user") == 0)
                return out(n, unshare(CLONE_NEWUSER));
        if (strcmp(n, "clone-user") == 0) {
                r = syscall(SYS_clone, (unsigned long) (CLONE_NEWUSER | SIGCHLD), 0UL, NULL, NULL, 0UL);
                if (r == 0)
                        _exit(0);
                int e = errno;
                if (r > 0)
                        (void) waitpid((pid_t) r, NULL, 0);
                errno = e;
                return out(n, r);
        }
        if (strcmp(n, "clone3") == 0) {
                struct clone_args a;
                memset(&a, 0, sizeof(a));
                a.exit_signal = SIGCHLD;
                r = syscall(SYS_clone3, &a, sizeof(a));
                if (r == 0)
                        _exit(0);
                int e = errno;
                if (r > 0)
                        (void) waitpid((pid_t) r, NULL, 0);
                errno = e;
                return out(n, r);
        }
        if (strcmp(n, "getppid") == 0)
                return out(n, syscall(SYS_getppid));
        if (strcmp(n, "getpriority") == 0 && argc > 3)
                return out(n, syscall(SYS_getpriority, atoi(argv[2]), atoi(argv[3])));
        if (strcmp(n, "setdomainname") == 0 && argc > 2)
                return out(n, syscall(SYS_setdomainname, argv[2], strlen(argv[2])));
        if (strcmp(n, "ids") == 0) {
                printf("uid=%d euid=%d\n", (int) getuid(), (int) geteuid());
                return 0;
        }
        fprintf(stderr, "sysprobe: unknown probe %s\n", n);
        return 2;
}
