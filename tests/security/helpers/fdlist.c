/* SPDX-License-Identifier: GPL-2.0-or-later */
/* fdlist: the open file descriptors of this process as it was executed, one
 * "FD TARGET" line each (from /proc/self/fd, without the descriptor of that
 * listing itself), then "cwd TARGET".  CVE-2024-21626: nothing but 0-2 and
 * the preserved descriptors may reach the container's program. */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void) {
        DIR *d = opendir("/proc/self/fd");
        if (!d) {
                perror("/proc/self/fd");
                return 1;
        }
        int self = dirfd(d);
        struct dirent *de;
        while ((de = readdir(d))) {
                if (de->d_name[0] == '.')
                        continue;
                int fd = atoi(de->d_name);
                if (fd == self)
                        continue;
                char p[64], t[4096];
                snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
                ssize_t n = readlink(p, t, sizeof(t) - 1);
                t[n < 0 ? 0 : n] = 0;
                printf("%d %s\n", fd, t);
        }
        closedir(d);
        char c[4096];
        ssize_t n = readlink("/proc/self/cwd", c, sizeof(c) - 1);
        c[n < 0 ? 0 : n] = 0;
        printf("cwd %s\n", c);
        return 0;
}
